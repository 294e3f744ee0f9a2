// Gong simulator: /gong/oauth2/* (consent + generate-customer-token) and /gong-api/<tenant>/v2/*.
// Shapes follow the official spec; empty results are 404 "No calls found ...", cursors go in POST
// bodies and expire, refresh tokens are single-use, tokens only work on the tenant's base URL.
import { createHmac } from "node:crypto";
import { DEMO_DEALS } from "../../../lib/demo/data";
import { z } from "zod";
import { type ProviderSim, type Route, type SimRequest, type SimResponse, basicAuth, bearer, json, parseJsonBody } from "../core";
import type { SimCall } from "../data";
import { summaryFor, transcriptFor } from "../data";
import { takeAll } from "../limits";
import { consentRoutes, errorPage, tokenRoute } from "../oauth";
import type { SimState } from "../state";
import { isoWithOffset, requestId } from "../util";

const PAGE = 100;
const CURSOR_TTL_MS = 60 * 60_000;
const WORKSPACE_ID = "1007648505208900737";
const CURSOR_SECRET = "gong-sim-cursor";
const OFFSETS = [-420, -300, 60];

const err = (status: number, ...errors: string[]): SimResponse => json(status, { requestId: requestId(), errors });

// Gong's documented empty-result 404 messages (captured, NOTES.md 1.2).
const NO_CALLS = "No calls found corresponding to the provided filters";
const NO_USERS = "No users found corresponding to the provided filters";

// Request bodies, from the official spec (specs/gong-openapi.json: CallsFilter, ContentSelector): the
// simulator's own reading, never the client's schemas.
const dateTime = z.string().refine((v) => !Number.isNaN(Date.parse(v)), { message: "must be an ISO-8601 date-time" });
const filterSchema = z.object({
  fromDateTime: dateTime.nullish(),
  toDateTime: dateTime.nullish(),
  workspaceId: z.string().nullish(),
  callIds: z.array(z.string()).nullish(),
  primaryUserIds: z.array(z.string()).nullish(),
});
const extensiveRequestSchema = z.object({
  cursor: z.string().nullish(),
  filter: filterSchema,
  contentSelector: z
    .object({
      context: z.enum(["None", "Basic", "Extended"]).nullish(),
      contextTiming: z.array(z.enum(["Now", "TimeOfCall"])).nullish(),
      exposedFields: z
        .object({
          parties: z.boolean().nullish(),
          content: z.record(z.string(), z.boolean()).nullish(),
          interaction: z.record(z.string(), z.boolean()).nullish(),
          collaboration: z.record(z.string(), z.boolean()).nullish(),
          media: z.boolean().nullish(),
        })
        .nullish(),
    })
    .nullish(),
});
const transcriptRequestSchema = z.object({ cursor: z.string().nullish(), filter: filterSchema });

function b64url(s: string) {
  return Buffer.from(s).toString("base64url");
}

export function gongSim(state: SimState): ProviderSim {
  const tz = (c: SimCall) => OFFSETS[c.ownerIdx % OFFSETS.length]!;
  // The dataset's users and calls, then the Gong-only ones tests added (POST /__sim/gong/users, /__sim/gong/calls).
  const users = () => state.gongUserList();

  function makeCursor(offset: number, key: string): string {
    const payload = b64url(JSON.stringify({ offset, key, pageSize: PAGE, exp: Math.floor((state.now() + CURSOR_TTL_MS) / 1000) }));
    const head = "eyJhbGciOiJIUzI1NiJ9";
    const sig = createHmac("sha256", CURSOR_SECRET).update(`${head}.${payload}`).digest("base64url");
    return `${head}.${payload}.${sig}`;
  }

  function readCursor(cursor: string, key: string): { offset: number } | SimResponse {
    const [head, payload, sig] = cursor.split(".");
    if (!head || !payload || !sig || createHmac("sha256", CURSOR_SECRET).update(`${head}.${payload}`).digest("base64url") !== sig) {
      return err(400, "failed to verify cursor");
    }
    const data = JSON.parse(Buffer.from(payload, "base64url").toString()) as { offset: number; key: string; exp: number };
    if (data.exp * 1000 <= state.now()) return err(400, "cursor has expired");
    if (data.key !== key) return err(400, "failed to verify cursor");
    return { offset: data.offset };
  }

  function page<T>(items: T[], cursor: string | null | undefined, key: string) {
    let offset = 0;
    if (cursor) {
      const c = readCursor(cursor, key);
      if ("status" in c) return c;
      offset = c.offset;
    }
    const slice = items.slice(offset, offset + PAGE);
    const next = offset + PAGE < items.length ? makeCursor(offset + PAGE, key) : undefined;
    return {
      slice,
      records: { totalRecords: items.length, currentPageSize: slice.length, currentPageNumber: Math.floor(offset / PAGE), ...(next ? { cursor: next } : {}) },
    };
  }

  const owner = (c: SimCall) => users()[c.ownerIdx]!;

  function metaData(c: SimCall) {
    const id = state.gongCallId(c);
    const started = isoWithOffset(c.startedAt, tz(c), 0);
    return {
      id,
      url: `${state.baseUrl}/gong/call?id=${id}`,
      title: c.title,
      scheduled: started,
      started,
      duration: c.durationSec,
      primaryUserId: owner(c).gongId,
      direction: c.direction,
      system: c.system,
      scope: c.participants.some((p) => !p.internal) ? "External" : "Internal",
      media: c.kind === "meeting" ? "Video" : "Audio",
      language: c.language,
      workspaceId: WORKSPACE_ID,
      sdrDisposition: null,
      clientUniqueId: null,
      customData: null,
      purpose: null,
      meetingUrl: c.kind === "meeting" ? `https://zoom.us/j/${9_000_000_000 + c.idx}` : null,
      isPrivate: c.isPrivate,
      calendarEventId: c.kind === "meeting" ? `sim-${c.idx}@calendar.example` : null,
    };
  }

  function crmContext(c: SimCall, extended: boolean) {
    // Gong attaches CRM context after it lists the call (sometimes a day or two later).
    if (c.gongContext) {
      // A test's call: its context as given (fields only with the Extended selector).
      return c.gongContext.map((ctx) => ({ system: ctx.system, objects: ctx.objects.map((o) => ({ ...o, fields: extended ? (o.fields ?? []) : undefined })) }));
    }
    if (c.crmDealIdx === null || c.crmReadyAt > state.now()) return [];
    const d = DEMO_DEALS[c.crmDealIdx]!;
    const fields = (pairs: Array<[string, string]>) => (extended ? pairs.map(([name, value]) => ({ name, value })) : undefined);
    return [
      {
        system: d.crmSource === "HUBSPOT" ? "HubSpot" : "Salesforce",
        objects: [
          {
            objectType: "Opportunity",
            objectId: d.crmDealId,
            fields: fields([
              ["Name", d.name],
              ["StageName", d.stage],
            ]),
            timing: "Now",
          },
          { objectType: "Account", objectId: d.crmAccountId, fields: fields([["Name", d.accountName]]), timing: "Now" },
        ],
      },
    ];
  }

  function parties(c: SimCall) {
    return c.participants.map((p, i) => {
      const u = p.userIdx >= 0 ? users()[p.userIdx] : undefined;
      const methods = [...(p.invitee ? ["Invitee"] : []), ...(p.attendee ? ["Attendee"] : [])];
      return {
        id: state.gongPartyId(c, i),
        ...(p.person.email ? { emailAddress: p.person.email } : {}),
        name: p.person.name,
        ...(p.person.title ? { title: p.person.title } : {}),
        ...(u ? { userId: u.gongId } : {}),
        speakerId: p.attendee ? state.gongSpeakerId(c, i) : null,
        context: [],
        affiliation: p.internal ? "Internal" : "External",
        ...(p.person.phone ? { phoneNumber: p.person.phone } : {}),
        methods,
      };
    });
  }

  function visibleCalls(filter: { fromDateTime?: string | null; toDateTime?: string | null; callIds?: string[] | null; primaryUserIds?: string[] | null }) {
    const now = state.now();
    const from = filter.fromDateTime ? Date.parse(filter.fromDateTime) : Number.NEGATIVE_INFINITY;
    const to = filter.toDateTime ? Date.parse(filter.toDateTime) : Number.POSITIVE_INFINITY;
    const ids = filter.callIds ? new Set(filter.callIds) : null;
    const owners = filter.primaryUserIds ? new Set(filter.primaryUserIds) : null;
    const source = ids ? [...ids].map((id) => state.callByGongId(id)).filter((c): c is SimCall => Boolean(c)) : state.gongCallList();
    return source
      .filter((c) => state.gongListed(c, now) && c.startedAt >= from && c.startedAt < to && (!owners || owners.has(owner(c).gongId)))
      .sort((a, b) => a.startedAt - b.startedAt || a.idx - b.idx);
  }

  function usersOfCalls(ids: string[] | null | undefined): string[] {
    const out: string[] = [];
    for (const id of ids ?? []) {
      const c = state.callByGongId(id);
      if (!c) continue;
      for (const p of c.participants) if (p.userIdx >= 0) out.push(users()[p.userIdx]!.gongId, users()[p.userIdx]!.email);
    }
    return out;
  }

  function bodyUsers(req: SimRequest): string[] {
    const b = parseJsonBody(req);
    if (!b.ok || typeof b.value !== "object" || b.value === null) return [];
    const filter = (b.value as { filter?: { primaryUserIds?: unknown; callIds?: unknown } }).filter;
    const prim = Array.isArray(filter?.primaryUserIds) ? filter.primaryUserIds.map(String) : [];
    const emails = prim.map((id) => users().find((u) => u.gongId === id)?.email).filter((e): e is string => Boolean(e));
    return [...prim, ...emails, ...usersOfCalls(Array.isArray(filter?.callIds) ? filter.callIds.map(String) : [])];
  }

  const oauth = state.gongOAuth;

  const routes: Route[] = [
    ...consentRoutes({
      server: oauth,
      provider: "GONG",
      baseUrl: () => state.baseUrl,
      checkResponseType: true,
      deniedDescription: "The user denied the request",
    }),
    tokenRoute({
      server: oauth,
      provider: "GONG",
      // Basic client authentication only.
      authenticate: (req) => {
        const basic = basicAuth(req);
        return basic && oauth.checkClient(basic.user, basic.pass)
          ? basic.user
          : json(401, { error: "invalid_client", error_description: "Client authentication failed" });
      },
      onRefresh: () => state.stats.refresh("gong"),
      unsupported: (grant) => `grant_type ${grant ?? "(missing)"} is not supported`,
      body: (t) => {
        const override = state.gongTokenApiBase;
        return {
          access_token: t.accessToken,
          refresh_token: t.refreshToken,
          scope: t.scope,
          token_type: "bearer",
          expires_in: t.expiresIn,
          ...(override === null ? {} : { api_base_url_for_customer: override ?? `${state.baseUrl}/gong-api/${state.config.gongTenant}` }),
        };
      },
    }),
    {
      method: "GET",
      area: "oauth",
      pattern: /^\/call$/,
      endpoint: "GET /call",
      handle: (req) => {
        const c = state.callByGongId(req.query.get("id") ?? "");
        return c
          ? { status: 200, html: errorPage(c.title, `Simulated Gong call ${state.gongCallId(c)}`) }
          : { status: 404, html: errorPage("Not found", "No such call") };
      },
    },
    {
      method: "GET",
      area: "api",
      pattern: /^\/v2\/users$/,
      endpoint: "GET /v2/users",
      malformedField: "users.0.emailAddress",
      handle: (req) => {
        const all = users();
        const pg = page(all, req.query.get("cursor"), "users");
        if ("status" in pg) return pg;
        if (pg.slice.length === 0) return err(404, NO_USERS);
        return json(200, {
          requestId: requestId(),
          records: pg.records,
          users: pg.slice.map((u) => ({
            id: u.gongId,
            emailAddress: u.email,
            created: "2024-01-08T09:00:00.000-08:00",
            active: true,
            emailAliases: [],
            trustedEmailAddress: null,
            firstName: u.firstName,
            lastName: u.lastName,
            title: u.title,
            phoneNumber: u.phone,
            extension: null,
            personalMeetingUrls: [],
            settings: {
              webConferencesRecorded: true,
              preventWebConferenceRecording: false,
              telephonyCallsImported: true,
              emailsImported: false,
              preventEmailImport: false,
              nonRecordedMeetingsImported: false,
              gongConnectEnabled: true,
            },
            managerId: null,
            meetingConsentPageUrl: null,
            spokenLanguages: [],
          })),
        });
      },
    },
    {
      method: "POST",
      area: "api",
      pattern: /^\/v2\/calls\/extensive$/,
      endpoint: "POST /v2/calls/extensive",
      users: bodyUsers,
      // The page envelope (a single bad call: the fault's callId).
      malformedField: "records.totalRecords",
      handle: (req) => {
        const raw = parseJsonBody(req);
        if (!raw.ok) return err(400, "Malformed JSON request body");
        const parsed = extensiveRequestSchema.safeParse(raw.value);
        if (!parsed.success) return err(400, ...parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`));
        const { filter, contentSelector, cursor } = parsed.data;
        if (filter.callIds && filter.callIds.length === 0) return err(400, "filter.callIds: must not be empty");
        const calls = visibleCalls(filter);
        const key = JSON.stringify(filter);
        const pg = page(calls, cursor, key);
        if ("status" in pg) return pg;
        if (pg.slice.length === 0) return err(404, NO_CALLS);
        const ctx = contentSelector?.context ?? "None";
        const exposed = contentSelector?.exposedFields;
        const content = exposed?.content ?? {};
        const now = state.now();
        return json(200, {
          requestId: requestId(),
          records: pg.records,
          calls: pg.slice.map((c) => {
            const ready = state.transcriptReady(c, now);
            const s = ready ? summaryFor(state.config.seed, c) : null;
            const id = state.gongCallId(c);
            return {
              metaData: metaData(c),
              ...(ctx !== "None" ? { context: crmContext(c, ctx === "Extended") } : {}),
              // Imported calls (telephony imports) come without parties (NOTES.md 1.2, dust's codec).
              ...(exposed?.parties && !c.gongImported ? { parties: parties(c) } : {}),
              ...(exposed?.content
                ? {
                    content: {
                      ...(content.brief && s ? { brief: s.brief } : {}),
                      ...(content.keyPoints && s ? { keyPoints: s.keyPoints.map((text) => ({ text })) } : {}),
                      ...(content.pointsOfInterest && s
                        ? {
                            pointsOfInterest: {
                              actionItems: s.actionItems.map((snippet, i) => ({
                                snippetStartTime: 60 * (i + 1),
                                snippetEndTime: 60 * (i + 1) + 5,
                                speakerID: state.gongSpeakerId(c, 0),
                                snippet,
                              })),
                            },
                          }
                        : {}),
                    },
                  }
                : {}),
              ...(exposed?.media
                ? {
                    media: {
                      audioUrl: state.mediaUrl("gong", id, "audio", 8 * 3_600_000),
                      ...(c.kind === "meeting" ? { videoUrl: state.mediaUrl("gong", id, "video", 8 * 3_600_000) } : {}),
                    },
                  }
                : {}),
            };
          }),
        });
      },
    },
    {
      method: "POST",
      area: "api",
      pattern: /^\/v2\/calls\/transcript$/,
      endpoint: "POST /v2/calls/transcript",
      users: bodyUsers,
      malformedField: "callTranscripts.0.callId",
      handle: (req) => {
        const raw = parseJsonBody(req);
        if (!raw.ok) return err(400, "Malformed JSON request body");
        const parsed = transcriptRequestSchema.safeParse(raw.value);
        if (!parsed.success) return err(400, ...parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`));
        const { filter, cursor } = parsed.data;
        if (filter.callIds && filter.callIds.length === 0) return err(400, "filter.callIds: must not be empty");
        const now = state.now();
        const calls = visibleCalls(filter).filter((c) => state.transcriptReady(c, now));
        const pg = page(calls, cursor, `t:${JSON.stringify(filter)}`);
        if ("status" in pg) return pg;
        if (pg.slice.length === 0) return err(404, NO_CALLS);
        return json(200, {
          requestId: requestId(),
          records: pg.records,
          callTranscripts: pg.slice.map((c) => {
            const monologues: Array<{ speakerId: string; topic: string | null; sentences: Array<{ start: number; end: number; text: string }> }> = [];
            for (const s of transcriptFor(state.config.seed, c)) {
              const speakerId = state.gongSpeakerId(c, s.speaker);
              let last = monologues[monologues.length - 1];
              if (!last || last.speakerId !== speakerId) {
                last = { speakerId, topic: null, sentences: [] };
                monologues.push(last);
              }
              last.sentences.push({ start: s.startMs, end: s.endMs, text: s.text });
            }
            return { callId: state.gongCallId(c), transcript: monologues };
          }),
        });
      },
    },
    {
      method: "GET",
      area: "api",
      pattern: /^\/v2\/calls$/,
      endpoint: "GET /v2/calls",
      malformedField: "calls.0.started",
      handle: (req) => {
        const from = req.query.get("fromDateTime");
        const to = req.query.get("toDateTime");
        if (!from || !to) return err(400, "fromDateTime: must not be null", "toDateTime: must not be null");
        const calls = visibleCalls({ fromDateTime: from, toDateTime: to });
        const pg = page(calls, req.query.get("cursor"), JSON.stringify({ from, to }));
        if ("status" in pg) return pg;
        if (pg.slice.length === 0) return err(404, NO_CALLS);
        return json(200, { requestId: requestId(), records: pg.records, calls: pg.slice.map(metaData) });
      },
    },
    {
      method: "GET",
      area: "api",
      pattern: /^\/v2\/calls\/(\d+)$/,
      endpoint: "GET /v2/calls/:id",
      handle: (_req, m) => {
        const c = state.callByGongId(m[1]!);
        if (!c || !state.gongListed(c)) return err(404, `Call ID ${m[1]} was not found`);
        return json(200, { requestId: requestId(), call: metaData(c) });
      },
    },
  ];

  return {
    provider: "gong",
    routes,
    error: (status, message) => err(status, message),
    authenticate(req, route) {
      if (route.area !== "api") return null;
      const status = route.endpoint === "GET /v2/users" ? 403 : 401;
      if (req.tenant !== state.config.gongTenant) return err(status, "The access token has been revoked");
      const check = oauth.checkAccess(bearer(req));
      if (check === "ok") return null;
      return err(status, check === "expired" ? "The access token has expired" : "The access token is invalid or has been revoked");
    },
    limit(req) {
      const l = state.gongLimiter(req.tenant ?? "");
      const r = takeAll([l.second, l.day], 1);
      if (r.ok) return { blocked: null, headers: {} };
      return {
        blocked: {
          ...err(429, "Too many requests. Please retry after the time given in the Retry-After header."),
          headers: { "retry-after": String(Math.max(1, Math.ceil(r.retryAfterMs / 1000))) },
        },
        headers: {},
      };
    },
  };
}

// ----- control API for tests (POST /__sim/gong/users, POST /__sim/gong/calls) ---------------------------
// Data that only Gong has and only the test that added it reads: users with the test's own emails, and calls
// whose parties and CRM context are the test's. Salesloft and Clari never list them, and generated calls
// never pick these users, so other specs against the same simulator see what they saw before (Gong's
// /v2/users lists the added users too, unmatched in any other workspace).

const controlUserSchema = z.object({
  email: z.string().email(),
  firstName: z.string().min(1),
  lastName: z.string().default(""),
  title: z.string().optional(),
});
const controlCallSchema = z.object({
  primaryUserEmail: z.string().email(),
  title: z.string().min(1),
  startedAt: dateTime.optional(),
  durationSec: z.number().int().positive().optional(),
  parties: z
    .array(
      z.object({
        email: z.string().email(),
        name: z.string().optional(),
        title: z.string().optional(),
        affiliation: z.enum(["Internal", "External"]).optional(),
      }),
    )
    .default([]),
  // Gong's call-level context (CallContextDto / ExternalCallObject / ContextField in the spec).
  context: z
    .array(
      z.object({
        system: z.enum(["Salesforce", "HubSpot", "MicrosoftDynamic", "Generic"]),
        objects: z.array(
          z.object({
            objectType: z.string().min(1),
            objectId: z.string().min(1),
            fields: z.array(z.object({ name: z.string(), value: z.unknown() })).optional(),
            timing: z.enum(["Now", "TimeOfCall"]).optional(),
          }),
        ),
      }),
    )
    .default([]),
});

export function gongControl(state: SimState, method: string, path: string, input: unknown): SimResponse {
  if (method === "POST" && path === "/users") {
    const parsed = controlUserSchema.safeParse(input);
    if (!parsed.success) return json(400, { error: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") });
    const u = state.addGongUser(parsed.data);
    return json(201, { id: u.gongId, email: u.email, name: u.name });
  }
  if (method === "POST" && path === "/calls") {
    const parsed = controlCallSchema.safeParse(input);
    if (!parsed.success) return json(400, { error: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") });
    const { startedAt, ...rest } = parsed.data;
    const c = state.addGongCall({ ...rest, startedAt: startedAt ? Date.parse(startedAt) : undefined });
    return json(201, { id: state.gongCallId(c), title: c.title, started: new Date(c.startedAt).toISOString() });
  }
  return json(404, { error: `unknown control endpoint ${method} /__sim/gong${path}` });
}
