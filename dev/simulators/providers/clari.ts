// Clari Copilot simulator: /clari-api/{users,calls,call-details}. Two-header auth, offset paging with
// skip <= 10,000 and limit <= 100, 502 for pages above 25 (the real 6 MB response cap), status-based
// transcript readiness, 4-hour signed media URLs, unset keys omitted like the real lists.
import { DEMO_DEALS } from "../../../lib/demo/data";
import { z } from "zod";
import { type ProviderSim, type Route, type SimRequest, type SimResponse, json } from "../core";
import type { SimCall, SimMeeting } from "../data";
import { summaryFor, transcriptFor } from "../data";
import { takeAll } from "../limits";
import type { SimState } from "../state";

const TYPES: Record<string, string> = {
  Zoom: "ZOOM",
  "Google Meet": "GOOGLE_MEET",
  "Microsoft Teams": "MS_TEAMS",
  Dialer: "DIALPAD",
  Outreach: "OUTREACH",
  Aircall: "AIRCALL_RECORDING",
};
const MEDIA_TTL_MS = 4 * 3_600_000;

const bad = (message: string): SimResponse => json(400, { message });
const DAY = 86_400_000;

/** One row of the /calls listing: a recording, or a calendar meeting that was never recorded. */
interface Entry {
  c: SimCall;
  meeting: SimMeeting | null;
}

/** What the listing says about an entry now: its status (official CallStatus enum) and last_modified_time. */
interface Seen {
  status: string;
  modifiedAt: number;
  /** Transcript in call-details (PROCESSED and after). */
  transcript: boolean;
  /** Summary and action items in call-details (POST_PROCESSING_DONE). */
  summary: boolean;
}
const truthy = (v: string | null) => v === "true" || v === "1";

export function clariSim(state: SimState): ProviderSim {
  const users = () => state.clariUserList();

  /**
   * Clari Copilot lists every calendar meeting: SCHEDULED while ahead, INPROGRESS / WAITING_IN_QUEUE around
   * the recording, then PROCESSING, PROCESSED (transcript ready) and POST_PROCESSING_DONE (summary and action
   * items too); a meeting nothing was recorded of keeps the status saying why. Null: not listed (yet).
   */
  function seen(e: Entry, now = state.now()): Seen | null {
    const { c, meeting } = e;
    if (c.deletedAt !== null && c.deletedAt <= now) return null;
    const end = c.startedAt + c.durationSec * 1000;
    const none = { transcript: false, summary: false };
    if (meeting) {
      if (now < meeting.listedAt) return null;
      if (now < c.startedAt) return { status: "SCHEDULED", modifiedAt: meeting.listedAt, ...none };
      if (meeting.status === "SCHEDULED") return { status: "CALL_DID_NOT_HAPPEN", modifiedAt: end + 15 * 60_000, ...none };
      return now < meeting.modifiedAt
        ? { status: "SCHEDULED", modifiedAt: meeting.listedAt, ...none }
        : { status: meeting.status, modifiedAt: meeting.modifiedAt, ...none };
    }
    if (now >= c.visibleAt) {
      const doneAt = Math.max(c.transcriptReadyAt, c.clariDoneAt ?? 0);
      if (now >= doneAt) return { status: "POST_PROCESSING_DONE", modifiedAt: Math.max(doneAt, c.visibleAt), transcript: true, summary: true };
      if (now >= c.processedAt) return { status: "PROCESSED", modifiedAt: c.processedAt, transcript: true, summary: false };
      return { status: "PROCESSING", modifiedAt: c.visibleAt, ...none };
    }
    // A recording-to-be, on the calendar before it happens (dialer calls exist only once made).
    if (!state.config.lateData || c.kind !== "meeting" || now < c.startedAt - 7 * DAY) return null;
    if (now < c.startedAt) return { status: "SCHEDULED", modifiedAt: c.startedAt - 7 * DAY, ...none };
    if (now < end) return { status: "INPROGRESS", modifiedAt: c.startedAt, ...none };
    return { status: "WAITING_IN_QUEUE", modifiedAt: end, ...none };
  }

  function entry(id: string): Entry | null {
    const c = state.callByClariId(id);
    if (c) return { c, meeting: null };
    const meeting = state.meetingByClariId(id);
    return meeting ? { c: meeting.call, meeting } : null;
  }

  function call(e: Entry, s: Seen, media: { audio: boolean; video: boolean }) {
    const { c } = e;
    const recorded = s.transcript || s.status === "PROCESSING";
    const id = state.clariId(c);
    const deal = c.crmDealIdx === null ? null : DEMO_DEALS[c.crmDealIdx]!;
    const internal = c.participants.map((p, i) => ({ p, i })).filter(({ p }) => p.internal && p.userIdx >= 0);
    const external = c.participants.map((p, i) => ({ p, i })).filter(({ p }) => !p.internal);
    const person = (p: SimCall["participants"][number], i: number) => ({
      name: p.person.name,
      ...(p.person.email ? { email: p.person.email } : {}),
      ...(p.person.phone ? { phone: p.person.phone } : {}),
      ...(p.attendee ? { personId: i } : {}),
    });
    return {
      id,
      ...(c.kind === "meeting" ? { source_id: `sim-${c.idx}` } : {}),
      title: c.title,
      users: internal.map(({ p, i }) => ({
        userId: users()[p.userIdx]!.clariId,
        userEmail: p.person.email,
        isOrganizer: p.userIdx === c.ownerIdx,
        ...(p.attendee ? { personId: i } : {}),
      })),
      externalParticipants: external.filter(({ p }) => p.invitee).map(({ p, i }) => person(p, i)),
      joinedParticipants: c.participants
        .map((p, i) => ({ p, i }))
        .filter(({ p }) => p.attendee)
        .map(({ p, i }) => person(p, i)),
      status: s.status,
      bot_not_join_reason: e.meeting && s.status === "BOTJOIN_DENIED" ? ["RECORDING_PERMISSION_DENIED"] : [],
      type: TYPES[c.system] ?? "RECORDING",
      time: new Date(c.startedAt).toISOString(),
      ...(c.kind === "meeting" ? { calendar_id: `sim-cal-${c.ownerIdx}`, icaluid: `sim-${c.idx}@calendar.example` } : {}),
      last_modified_time: new Date(s.modifiedAt).toISOString(),
      audio_url: media.audio && recorded ? state.mediaUrl("clari", id, "audio", MEDIA_TTL_MS) : null,
      video_url: media.video && recorded && c.kind === "meeting" ? state.mediaUrl("clari", id, "video", MEDIA_TTL_MS) : null,
      disposition: c.kind === "phone" ? "CALL_CONNECTED_WITH_PROSPECT" : "UNKNOWN_CALL_DISPOSITION",
      ...(deal
        ? {
            deal_name: deal.name,
            deal_value: String(deal.amount),
            deal_stage_before_call: deal.stage,
            account_name: deal.accountName,
            contact_names: deal.contacts.map((x) => x.name),
            crm_info: {
              source_crm: deal.crmSource === "HUBSPOT" ? "HUBSPOT" : "SALESFORCE",
              deal_id: deal.crmDealId,
              account_id: deal.crmAccountId,
              contact_ids: [],
            },
          }
        : {}),
      bookmark_timestamps: [],
      metrics: {
        talk_listen_ratio: 0.5,
        num_questions_asked: 3,
        num_questions_asked_by_reps: 2,
        call_duration: c.durationSec,
        total_speak_duration: c.durationSec * 0.8,
        longest_monologue_duration: 60,
        longest_monologue_start_time: 0,
        engaging_questions: 1,
        categories: [],
      },
      call_review_page_url: `${state.baseUrl}/clari-api/__call/${id}`,
    };
  }

  function callUsers(req: SimRequest): string[] {
    const emails = req.query.getAll("filterUser").concat(req.query.getAll("filterUser[]"));
    const ids = emails.map((e) => users().find((u) => u.email === e.toLowerCase())?.clariId).filter((x): x is string => Boolean(x));
    const c = req.query.get("id") ? state.callByClariId(req.query.get("id")!) : undefined;
    const fromCall = c ? c.participants.filter((p) => p.userIdx >= 0).flatMap((p) => [users()[p.userIdx]!.clariId, users()[p.userIdx]!.email]) : [];
    return [...emails, ...ids, ...fromCall];
  }

  function intParam(req: SimRequest, name: string, def: number, min: number, max: number): number | SimResponse {
    const raw = req.query.get(name);
    if (raw === null) return def;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) return bad(`Invalid value for ${name}: must be an integer between ${min} and ${max}`);
    return n;
  }

  function dateParam(req: SimRequest, name: string): number | null | SimResponse {
    const raw = req.query.get(name);
    if (raw === null) return null;
    const t = Date.parse(raw);
    return Number.isNaN(t) ? bad(`Invalid date-time for ${name}`) : t;
  }

  const routes: Route[] = [
    {
      method: "GET",
      area: "api",
      pattern: /^\/users$/,
      endpoint: "GET /users",
      malformedField: "users.0.id",
      handle: () =>
        json(200, {
          users: users().map((u) => ({ id: u.clariId, email: u.email, name: u.name, role: u.idx === 0 ? "MANAGER" : "REP", is_recording: true })),
        }),
    },
    {
      method: "GET",
      area: "api",
      pattern: /^\/calls$/,
      endpoint: "GET /calls",
      users: callUsers,
      // The page envelope (a single bad call: the fault's callId).
      malformedField: "pagination.matched",
      handle: (req) => {
        const skip = intParam(req, "skip", 0, 0, 10_000);
        if (typeof skip !== "number") return skip;
        const limit = intParam(req, "limit", 25, 1, 100);
        if (typeof limit !== "number") return limit;
        // Pages above 25 exceed the 6 MB Lambda response cap in real tenants.
        if (limit > state.config.limits.clari.maxPageSize) return json(502, { message: "Internal server error" });
        const bounds: Record<string, number | null> = {};
        for (const n of ["filterModifiedGt", "filterModifiedLt", "filterTimeGt", "filterTimeLt"]) {
          const v = dateParam(req, n);
          if (v !== null && typeof v !== "number") return v;
          bounds[n] = v;
        }
        const includePrivate = req.query.get("includePrivate");
        if (includePrivate !== null && !["true", "false", "0", "1"].includes(includePrivate)) return bad("Invalid value for includePrivate");
        const userEmails = new Set(
          req.query
            .getAll("filterUser")
            .concat(req.query.getAll("filterUser[]"))
            .map((e) => e.toLowerCase()),
        );
        const statuses = new Set(req.query.getAll("filterStatus").concat(req.query.getAll("filterStatus[]")));
        const now = state.now();
        const entries: Entry[] = [
          ...state.dataset.calls.map((c) => ({ c, meeting: null })),
          ...state.clariCalls.map((c) => ({ c, meeting: null })),
          ...state.dataset.meetings.map((m) => ({ c: m.call, meeting: m })),
        ];
        let all: Array<Entry & { s: Seen }> = [];
        for (const e of entries) {
          const { c } = e;
          const s = seen(e, now);
          if (!s) continue;
          if (c.isPrivate && !truthy(includePrivate)) continue;
          const m = s.modifiedAt;
          if (bounds.filterModifiedGt !== null && m < bounds.filterModifiedGt!) continue;
          if (bounds.filterModifiedLt !== null && m >= bounds.filterModifiedLt!) continue;
          if (bounds.filterTimeGt !== null && c.startedAt < bounds.filterTimeGt!) continue;
          if (bounds.filterTimeLt !== null && c.startedAt >= bounds.filterTimeLt!) continue;
          if (userEmails.size > 0 && !c.participants.some((p) => p.userIdx >= 0 && userEmails.has(p.person.email))) continue;
          if (statuses.size > 0 && !statuses.has(s.status)) continue;
          all.push({ ...e, s });
        }
        const sortProcessed = req.query.get("sortProcessed");
        const sortTime = req.query.get("sortTime");
        if (sortProcessed) all = all.sort((a, b) => (sortProcessed === "desc" ? -1 : 1) * (a.s.modifiedAt - b.s.modifiedAt) || a.c.idx - b.c.idx);
        else all = all.sort((a, b) => (sortTime === "asc" ? 1 : -1) * (a.c.startedAt - b.c.startedAt) || a.c.idx - b.c.idx);
        const slice = all.slice(skip, skip + limit);
        const media = { audio: truthy(req.query.get("includeAudio")), video: truthy(req.query.get("includeVideo")) };
        const hasMore = skip + slice.length < all.length;
        return json(200, {
          calls: slice.map((e) => call(e, e.s, media)),
          ...(req.query.get("includePagination") === "false"
            ? {}
            : { pagination: { matched: all.length, ...(hasMore ? { nextPageSkip: skip + slice.length } : {}), hasMore } }),
        });
      },
    },
    {
      method: "GET",
      area: "api",
      pattern: /^\/call-details$/,
      endpoint: "GET /call-details",
      users: callUsers,
      malformedField: "call.transcript",
      handle: (req) => {
        const id = req.query.get("id");
        if (!id) return bad("id is required");
        const e = entry(id);
        const now = state.now();
        const st = e ? seen(e, now) : null;
        if (!e || !st) return json(404, { message: "Call not found" });
        const c = e.c;
        const ready = st.transcript;
        const base = call(e, st, { audio: truthy(req.query.get("includeAudio")), video: truthy(req.query.get("includeVideo")) });
        const s = st.summary ? summaryFor(state.config.seed, c) : null;
        const deal = c.crmDealIdx === null ? null : DEMO_DEALS[c.crmDealIdx]!;
        return json(200, {
          call: {
            ...base,
            ...(deal ? { deal_stage_live: deal.stage } : {}),
            transcript: ready
              ? transcriptFor(state.config.seed, c).map((t) => ({
                  text: t.text,
                  start: t.startMs / 1000,
                  end: t.endMs / 1000,
                  personId: t.speaker,
                  annotations: [],
                }))
              : [],
            ...(s
              ? {
                  summary: {
                    full_summary: s.brief,
                    topics_discussed: s.keyPoints.map((k, i) => ({
                      name: `Topic ${i + 1}`,
                      start_timestamp: String(60 * i),
                      end_timestamp: String(60 * i + 45),
                      summary: k,
                    })),
                    key_action_items: s.actionItems.map((a, i) => ({
                      action_item: a,
                      speaker_name: users()[c.ownerIdx]!.name,
                      start_timestamp: String(120 * (i + 1)),
                      end_timestamp: String(120 * (i + 1) + 10),
                    })),
                  },
                }
              : {}),
            competitor_sentiments: [],
          },
        });
      },
    },
  ];

  return {
    provider: "clari",
    routes,
    error: (status, message) => json(status, { message }),
    authenticate(req) {
      const key = req.headers["x-api-key"];
      const secret = req.headers["x-api-password"];
      if (key === state.config.clari.apiKey && secret === state.config.clari.apiSecret) return null;
      return json(401, { message: "Unauthorized" });
    },
    limit() {
      const l = state.limiters.clari;
      const r = takeAll([l.second, l.week], 1);
      if (r.ok) return { blocked: null, headers: {} };
      return { blocked: json(429, { message: "Too Many Requests" }, { "retry-after": String(Math.max(1, Math.ceil(r.retryAfterMs / 1000))) }), headers: {} };
    },
  };
}

// ----- control API for tests (POST /__sim/clari/users, POST /__sim/clari/calls) -------------------------
// Data that only Clari Copilot has and only the test that added it reads (like Gong's POST /__sim/gong/*):
// users with the test's own emails, and recorded calls whose participants are the test's. Gong and Salesloft
// never list them, and generated calls never pick these users.

const dateTime = z.string().refine((v) => !Number.isNaN(Date.parse(v)), { message: "must be an ISO-8601 date-time" });
const controlUserSchema = z.object({ email: z.string().email(), name: z.string().min(1) });
const controlCallSchema = z.object({
  organizerEmail: z.string().email(),
  title: z.string().min(1),
  startedAt: dateTime.optional(),
  durationSec: z.number().int().positive().optional(),
  participants: z.array(z.object({ email: z.string().email(), name: z.string().optional() })).default([]),
});

export function clariControl(state: SimState, method: string, path: string, input: unknown): SimResponse {
  const issues = (e: z.ZodError) => json(400, { error: e.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") });
  if (method === "POST" && path === "/users") {
    const parsed = controlUserSchema.safeParse(input);
    if (!parsed.success) return issues(parsed.error);
    const u = state.addClariUser(parsed.data);
    return json(201, { id: u.clariId, email: u.email, name: u.name });
  }
  if (method === "POST" && path === "/calls") {
    const parsed = controlCallSchema.safeParse(input);
    if (!parsed.success) return issues(parsed.error);
    const { startedAt, ...rest } = parsed.data;
    const c = state.addClariCall({ ...rest, startedAt: startedAt ? Date.parse(startedAt) : undefined });
    return json(201, { id: state.clariId(c), title: c.title, time: new Date(c.startedAt).toISOString() });
  }
  return json(404, { error: `unknown control endpoint ${method} /__sim/clari${path}` });
}
