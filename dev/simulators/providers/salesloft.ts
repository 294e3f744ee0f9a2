// Salesloft simulator: /salesloft/oauth/* (consent + token) and /salesloft-api/v2/*. Paging envelope,
// cost headers on every response, deep-page surcharge, rotating refresh tokens, the [gt] boundary
// duplicate, mixed seconds/ms started_recording_at, duration in ms, sentences in float seconds.
import { DEMO_DEALS } from "../../../lib/demo/data";
import { type ProviderSim, type Route, type SimRequest, type SimResponse, bearer, json, redirect } from "../core";
import type { SimCall } from "../data";
import { summaryFor, transcriptFor } from "../data";
import { consentRoutes, tokenRoute } from "../oauth";
import type { SimState } from "../state";
import { isoWithOffset, uuidFrom } from "../util";

const API = "https://api.salesloft.com";

/**
 * Cost of a listing page (developers.salesloft.com rate-limits: pages 1-100 cost 1, 101-150 cost 3,
 * 151-250 cost 8, 251-500 cost 10, beyond 30). The simulator's own table, not the client's.
 */
function pageCost(page: number): number {
  if (page <= 100) return 1;
  if (page <= 150) return 3;
  if (page <= 250) return 8;
  if (page <= 500) return 10;
  return 30;
}
const TZ = -300;

function envelope(data: unknown[], page: number, perPage: number, total: number, sortBy: string, sortDirection: string, includeCounts: boolean) {
  const pages = Math.max(1, Math.ceil(total / perPage));
  return {
    metadata: {
      filtering: {},
      paging: {
        per_page: perPage,
        current_page: page,
        next_page: page < pages ? page + 1 : null,
        prev_page: page > 1 ? page - 1 : null,
        ...(includeCounts ? { total_pages: pages, total_count: total } : {}),
      },
      sorting: { sort_by: sortBy, sort_direction: sortDirection },
    },
    data,
  };
}

const unprocessable = (field: string, msg: string): SimResponse => json(422, { errors: { [field]: [msg] } });

function paging(req: SimRequest): { page: number; perPage: number } | SimResponse {
  const page = Number(req.query.get("page") ?? "1");
  const perPage = Number(req.query.get("per_page") ?? "25");
  if (!Number.isInteger(page) || page < 1) return unprocessable("page", "must be a positive integer");
  if (!Number.isInteger(perPage) || perPage < 1 || perPage > 100) return unprocessable("per_page", "must be between 1 and 100");
  return { page, perPage };
}

/** The stats label of a signed artifact download (not an API request: no token, no cost). */
export const SALESLOFT_ARTIFACT_DOWNLOAD = "GET (signed transcription artifact URL)";

/** How long an artifact's signed URL stays valid (not documented; the recording URLs' hour). */
const ARTIFACT_URL_TTL_MS = 3_600_000;

function sentenceRows(state: SimState, c: SimCall, from: number, to: number) {
  const all = transcriptFor(state.config.seed, c);
  return all.slice(from, to).map((s, i) => ({
    start_time: s.startMs / 1000,
    end_time: s.endMs / 1000,
    // Older data has no order_number.
    ...(c.idx % 5 === 0 ? {} : { order_number: from + i }),
    recording_attendee_id: state.salesloftAttendeeId(c, s.speaker),
    text: s.text,
  }));
}

/**
 * The JSON file behind a transcription artifact's signed URL (served under /media/, outside the API). The
 * docs give only `content_type: application/json` for it; its layout is not documented. The simulator
 * assumes the transcription with its sentences in the same fields as GET /v2/transcriptions/:id/sentences.
 */
export function salesloftArtifactFile(state: SimState, transcriptionId: string): unknown {
  const c = state.callBySalesloftTranscriptionId(transcriptionId);
  if (!c || !state.isVisible(c) || !state.transcriptReady(c)) return null;
  const cid = state.salesloftId(c);
  return {
    id: transcriptionId,
    conversation: { id: cid, _href: `${API}/v2/conversations/${cid}` },
    sentences: sentenceRows(state, c, 0, Number.MAX_SAFE_INTEGER),
  };
}

export function salesloftSim(state: SimState): ProviderSim {
  const oauth = state.salesloftOAuth;
  const users = () => state.dataset.users;
  const ts = (ms: number) => isoWithOffset(ms, TZ, 6);
  const oppId = (dealIdx: number) => 3_000 + dealIdx;
  const accountId = (dealIdx: number) => 2_000 + dealIdx;

  function conversation(c: SimCall) {
    const id = state.salesloftId(c);
    const ready = state.transcriptReady(c);
    const owner = users()[c.ownerIdx]!;
    const end = c.startedAt + c.durationSec * 1000;
    const tid = state.salesloftTranscriptionId(c);
    const dealIdx = c.crmDealIdx;
    return {
      id,
      duration: c.durationSec * 1000,
      is_api: false,
      platform: c.kind === "phone" ? "dialer" : c.system.toLowerCase().replace(/\s+/g, "_"),
      media_type: c.kind === "meeting" ? "video" : "audio",
      organization_id: uuidFrom(`${state.config.seed}:sl-org`),
      title: c.title,
      owner_id: owner.salesloftGuid,
      user_guid: owner.salesloftGuid,
      // Live data mixes epoch seconds and epoch milliseconds.
      started_recording_at: c.idx % 2 === 0 ? Math.floor(c.startedAt / 1000) : c.startedAt,
      event_end_date: new Date(end).toISOString(),
      event_start_date: new Date(c.startedAt).toISOString(),
      language_code: c.language === "eng" ? "en-US" : c.language === "spa" ? "es-ES" : "fr-FR",
      created_at: ts(c.visibleAt),
      updated_at: ts(state.updatedAt(c)),
      call_id: c.kind === "phone" ? 800_000 + c.idx : null,
      account: dealIdx !== null ? { id: String(accountId(dealIdx)), _href: `${API}/v2/accounts/${accountId(dealIdx)}` } : null,
      person: null,
      recording: { id: uuidFrom(`${state.config.seed}:sl-rec:${c.idx}`), _href: `${API}/v2/conversations/${id}/recording` },
      transcription: ready ? { id: tid, _href: `${API}/v2/transcriptions/${tid}` } : null,
      transcription_sentences: ready ? { id: tid, _href: `${API}/v2/transcriptions/${tid}/sentences` } : null,
      transcription_artifact: ready ? { id: tid, _href: `${API}/v2/transcriptions/${tid}/artifact` } : null,
    };
  }

  function extensive(c: SimCall) {
    const ready = state.transcriptReady(c);
    const s = ready ? summaryFor(state.config.seed, c) : null;
    const owner = users()[c.ownerIdx]!;
    const now = state.now();
    return {
      ...conversation(c),
      owner_email: owner.email,
      opportunity: c.crmDealIdx !== null ? { id: String(oppId(c.crmDealIdx)), _href: `${API}/v2/opportunities/${oppId(c.crmDealIdx)}` } : null,
      summary: s ? { id: uuidFrom(`${state.config.seed}:sl-sum:${c.idx}`), text: s.brief, status: "completed", created_at: ts(c.transcriptReadyAt) } : null,
      action_items: s
        ? {
            status: "completed",
            items: s.actionItems.map((t, i) => ({
              id: uuidFrom(`${state.config.seed}:sl-ai:${c.idx}:${i}`),
              original_text: t,
              edited_text: null,
              created_at: ts(c.transcriptReadyAt),
              updated_at: ts(c.transcriptReadyAt),
            })),
          }
        : { status: now < c.transcriptReadyAt ? "processing" : "completed", items: [] },
      key_moments: s ? { status: "completed", items: s.keyPoints.map((name) => ({ name, categories: [] })) } : { status: "processing", items: [] },
      attendees: c.participants
        .map((p, i) => ({ p, i }))
        .filter(({ p }) => p.attendee)
        .map(({ p, i }) => ({ id: state.salesloftAttendeeId(c, i), email: p.person.email, full_name: p.person.name, is_internal: p.internal })),
      invitees: c.participants.filter((p) => p.invitee).map((p) => ({ email: p.person.email, full_name: p.person.name })),
      meddpicc: null,
    };
  }

  function conversationUsers(req: SimRequest, m: RegExpMatchArray): string[] {
    const c = state.callBySalesloftId(m[1] ?? "") ?? state.callBySalesloftTranscriptionId(m[1] ?? "");
    const fromQuery = [...req.query.getAll("user_guids[]"), ...req.query.getAll("user_guids").flatMap((v) => v.split(","))];
    const emails = fromQuery.map((g) => users().find((u) => u.salesloftGuid === g)?.email).filter((e): e is string => Boolean(e));
    const fromCall = c ? c.participants.filter((p) => p.userIdx >= 0).flatMap((p) => [users()[p.userIdx]!.salesloftGuid, users()[p.userIdx]!.email]) : [];
    return [...fromQuery, ...emails, ...fromCall];
  }

  function timeFilter(req: SimRequest, field: string): ((ms: number) => boolean) | SimResponse {
    const checks: Array<(ms: number) => boolean> = [];
    for (const op of ["gt", "gte", "lt", "lte"] as const) {
      const v = req.query.get(`${field}[${op}]`);
      if (v === null) continue;
      const t = Date.parse(v);
      if (Number.isNaN(t)) return unprocessable(`${field}[${op}]`, "is not a valid date-time");
      // Known quirk: [gt] returns the boundary row again; modelled as >=.
      checks.push(op === "gt" || op === "gte" ? (ms) => ms >= t : op === "lt" ? (ms) => ms < t : (ms) => ms <= t);
    }
    return (ms) => checks.every((f) => f(ms));
  }

  const costOfPage = (req: SimRequest) => pageCost(Number(req.query.get("page") ?? "1") || 1);
  const notFound = (): SimResponse => json(404, { error: "Not Found" });

  const routes: Route[] = [
    ...consentRoutes({
      server: oauth,
      provider: "SALESLOFT",
      baseUrl: () => state.baseUrl,
      checkResponseType: false,
      deniedDescription: "The resource owner denied the request.",
      // Salesloft's redirect also carries the team context and the granted scope.
      grantedParams: (scope) => ({ context: `/teams/${100_000 + (state.config.seed % 1000)}`, scope }),
    }),
    tokenRoute({
      server: oauth,
      provider: "SALESLOFT",
      // client_id / client_secret in the form body.
      authenticate: (_req, p) =>
        oauth.checkClient(p.get("client_id"), p.get("client_secret"))
          ? p.get("client_id")!
          : json(401, {
              error: "invalid_client",
              error_description: "Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.",
            }),
      onRefresh: () => state.stats.refresh("salesloft"),
      unsupported: () => "The authorization grant type is not supported by the authorization server.",
      body: (t) => ({
        access_token: t.accessToken,
        token_type: "bearer",
        expires_in: t.expiresIn,
        refresh_token: t.refreshToken,
        scope: t.scope,
        created_at: Math.floor(state.now() / 1000),
      }),
    }),
    {
      method: "GET",
      area: "api",
      pattern: /^\/v2\/users$/,
      endpoint: "GET /v2/users",
      cost: costOfPage,
      malformedField: "data.0.guid",
      handle: (req) => {
        const pg = paging(req);
        if ("status" in pg) return pg;
        const all = users();
        const slice = all.slice((pg.page - 1) * pg.perPage, pg.page * pg.perPage);
        return json(
          200,
          envelope(
            slice.map((u) => ({
              id: u.salesloftId,
              guid: u.salesloftGuid,
              created_at: ts(Date.parse("2024-02-20T20:03:20Z")),
              updated_at: ts(Date.parse("2024-04-27T07:18:23Z")),
              name: u.name,
              first_name: u.firstName,
              last_name: u.lastName,
              job_role: u.title,
              active: true,
              time_zone: "US/Eastern",
              email: u.email,
              team: { _href: `${API}/v2/team`, id: 111_855 },
              role: { id: u.idx === 0 ? "Admin" : "User" },
              group: null,
              phone_client: { id: 46_000 + u.idx },
            })),
            pg.page,
            pg.perPage,
            all.length,
            "id",
            "DESC NULLS LAST",
            req.query.get("include_paging_counts") === "true",
          ),
        );
      },
    },
    {
      method: "GET",
      area: "api",
      pattern: /^\/v2\/conversations$/,
      endpoint: "GET /v2/conversations",
      cost: costOfPage,
      users: conversationUsers,
      // The page envelope (a single bad conversation: the fault's callId).
      malformedField: "metadata.paging.per_page",
      handle: (req) => {
        const pg = paging(req);
        if ("status" in pg) return pg;
        const updated = timeFilter(req, "updated_at");
        if (typeof updated !== "function") return updated;
        const created = timeFilter(req, "created_at");
        if (typeof created !== "function") return created;
        const guids = new Set([...req.query.getAll("user_guids[]"), ...req.query.getAll("user_guids").flatMap((v) => v.split(","))].filter(Boolean));
        const ids = new Set([...req.query.getAll("ids[]"), ...req.query.getAll("ids").flatMap((v) => v.split(","))].filter(Boolean));
        const sortBy = req.query.get("sort_by") ?? "updated_at";
        const dir = (req.query.get("sort_direction") ?? "DESC").toUpperCase().startsWith("ASC") ? 1 : -1;
        const now = state.now();
        const key = (c: SimCall) => (sortBy === "created_at" ? c.visibleAt : state.updatedAt(c, now));
        const all = state.dataset.calls
          .filter((c) => state.isVisible(c, now) && updated(state.updatedAt(c, now)) && created(c.visibleAt))
          .filter((c) => guids.size === 0 || guids.has(users()[c.ownerIdx]!.salesloftGuid))
          // Connected by a non-admin: only the conversations that user owns.
          .filter((c) => state.salesloftViewAs === null || users()[c.ownerIdx]!.email === state.salesloftViewAs)
          .filter((c) => ids.size === 0 || ids.has(state.salesloftId(c)))
          .sort((a, b) => dir * (key(a) - key(b)) || a.idx - b.idx);
        const slice = all.slice((pg.page - 1) * pg.perPage, pg.page * pg.perPage);
        return json(
          200,
          envelope(
            slice.map(conversation),
            pg.page,
            pg.perPage,
            all.length,
            sortBy,
            dir === 1 ? "ASC" : "DESC",
            req.query.get("include_paging_counts") === "true",
          ),
        );
      },
    },
    {
      method: "GET",
      area: "api",
      pattern: /^\/v2\/conversations\/([^/]+)$/,
      endpoint: "GET /v2/conversations/:id",
      users: conversationUsers,
      malformedField: "data.updated_at",
      handle: (_req, m) => {
        const c = state.callBySalesloftId(m[1]!);
        return c && state.isVisible(c) ? json(200, { data: conversation(c) }) : notFound();
      },
    },
    {
      method: "GET",
      area: "api",
      pattern: /^\/v2\/conversations\/([^/]+)\/extensive$/,
      endpoint: "GET /v2/conversations/:id/extensive",
      users: conversationUsers,
      malformedField: "data.attendees",
      handle: (_req, m) => {
        const c = state.callBySalesloftId(m[1]!);
        // Some conversations answer 404 here although they are listed (NOTES.md 2.2: fall back to the plain endpoint).
        return c && state.isVisible(c) && !c.salesloftNoExtensive ? json(200, { data: extensive(c) }) : notFound();
      },
    },
    {
      method: "GET",
      area: "api",
      pattern: /^\/v2\/conversations\/([^/]+)\/recording$/,
      endpoint: "GET /v2/conversations/:id/recording",
      users: conversationUsers,
      handle: (_req, m) => {
        const c = state.callBySalesloftId(m[1]!);
        return c && state.isVisible(c) ? redirect(state.mediaUrl("salesloft", m[1]!, "audio", 3_600_000)) : notFound();
      },
    },
    {
      method: "GET",
      area: "api",
      pattern: /^\/v2\/transcriptions$/,
      endpoint: "GET /v2/transcriptions",
      cost: costOfPage,
      handle: (req) => {
        const pg = paging(req);
        if ("status" in pg) return pg;
        const updated = timeFilter(req, "updated_at");
        if (typeof updated !== "function") return updated;
        const now = state.now();
        const all = state.dataset.calls
          .filter((c) => state.isVisible(c, now) && state.transcriptReady(c, now) && updated(c.transcriptReadyAt))
          .sort((a, b) => a.transcriptReadyAt - b.transcriptReadyAt || a.idx - b.idx);
        const slice = all.slice((pg.page - 1) * pg.perPage, pg.page * pg.perPage);
        return json(
          200,
          envelope(
            slice.map((c) => {
              const tid = state.salesloftTranscriptionId(c);
              const cid = state.salesloftId(c);
              return {
                id: tid,
                language_code: "en-US",
                created_at: ts(c.transcriptReadyAt),
                updated_at: ts(c.transcriptReadyAt),
                conversation: { id: cid, _href: `${API}/v2/conversations/${cid}` },
                transcription_sentences: { id: tid, _href: `${API}/v2/transcriptions/${tid}/sentences` },
                transcription_artifact: { id: tid, _href: `${API}/v2/transcriptions/${tid}/artifact` },
              };
            }),
            pg.page,
            pg.perPage,
            all.length,
            "updated_at",
            "ASC",
            false,
          ),
        );
      },
    },
    {
      // developer.salesloft.com "Fetch a Transcription Artifact": {data: {id, language_code, url (signed),
      // content_type: application/json, created_at, updated_at, conversation}}; 403 without the "Download
      // Conversations" role permission. Default cost (1): the rate-limits page lists no other cost for it.
      method: "GET",
      area: "api",
      pattern: /^\/v2\/transcriptions\/([^/]+)\/artifact$/,
      endpoint: "GET /v2/transcriptions/:id/artifact",
      users: conversationUsers,
      malformedField: "data.url",
      handle: (_req, m) => {
        const c = state.callBySalesloftTranscriptionId(m[1]!);
        if (!c || !state.isVisible(c) || !state.transcriptReady(c)) return notFound();
        if (!state.salesloftDownloads) return json(403, { error: "Download Conversations role permission required" });
        const cid = state.salesloftId(c);
        return json(200, {
          data: {
            id: m[1],
            language_code: c.language === "eng" ? "en-US" : c.language === "spa" ? "es-ES" : "fr-FR",
            url: state.salesloftArtifactUrl(m[1]!, ARTIFACT_URL_TTL_MS),
            content_type: "application/json",
            created_at: ts(c.transcriptReadyAt),
            updated_at: ts(c.transcriptReadyAt),
            conversation: { id: cid, _href: `${API}/v2/conversations/${cid}` },
          },
        });
      },
    },
    {
      method: "GET",
      area: "api",
      pattern: /^\/v2\/transcriptions\/([^/]+)\/sentences$/,
      endpoint: "GET /v2/transcriptions/:id/sentences",
      cost: costOfPage,
      users: conversationUsers,
      malformedField: "data.0.start_time",
      handle: (req, m) => {
        const pg = paging(req);
        if ("status" in pg) return pg;
        const c = state.callBySalesloftTranscriptionId(m[1]!);
        if (!c || !state.isVisible(c) || !state.transcriptReady(c)) return notFound();
        const all = transcriptFor(state.config.seed, c);
        const cid = state.salesloftId(c);
        const rows = sentenceRows(state, c, (pg.page - 1) * pg.perPage, pg.page * pg.perPage);
        return json(
          200,
          envelope(
            rows.map((row) => ({ id: m[1], ...row, conversation: { id: cid, _href: `${API}/v2/conversations/${cid}` } })),
            pg.page,
            pg.perPage,
            all.length,
            "order_number",
            "ASC",
            false,
          ),
        );
      },
    },
    {
      method: "GET",
      area: "api",
      pattern: /^\/v2\/opportunities\/(\d+)$/,
      endpoint: "GET /v2/opportunities/:id",
      handle: (_req, m) => {
        const d = DEMO_DEALS[Number(m[1]) - 3_000];
        if (!d) return notFound();
        const idx = Number(m[1]) - 3_000;
        return json(200, {
          data: {
            id: Number(m[1]),
            name: d.name,
            crm_id: d.crmDealId,
            crm_type: d.crmSource === "HUBSPOT" ? "hubspot" : "salesforce",
            account_crm_id: d.crmAccountId,
            stage_name: d.stage,
            amount: String(d.amount),
            account: { id: accountId(idx), _href: `${API}/v2/accounts/${accountId(idx)}` },
          },
        });
      },
    },
    {
      method: "GET",
      area: "api",
      pattern: /^\/v2\/accounts\/(\d+)$/,
      endpoint: "GET /v2/accounts/:id",
      handle: (_req, m) => {
        const d = DEMO_DEALS[Number(m[1]) - 2_000];
        if (!d) return notFound();
        return json(200, {
          data: {
            id: Number(m[1]),
            name: d.accountName,
            domain: d.domain,
            crm_id: d.crmAccountId,
            crm_type: d.crmSource === "HUBSPOT" ? "hubspot" : "salesforce",
          },
        });
      },
    },
  ];

  return {
    provider: "salesloft",
    routes,
    error: (status, message) => json(status, { error: message }),
    authenticate(req, route) {
      if (route.area !== "api") return null;
      const token = bearer(req);
      if (!token) return json(401, { error: "No Bearer Token attached to request, please include a valid OAuth token or API key." });
      const check = oauth.checkAccess(token);
      if (check === "ok") return null;
      return json(401, { error: check === "expired" ? "The access token expired" : "The access token is invalid" });
    },
    limit(_req, cost) {
      const bucket = state.limiters.salesloft;
      const r = bucket.take(cost);
      const headers = { "x-ratelimit-endpoint-cost": String(cost), "x-ratelimit-remaining-minute": String(r.remaining) };
      if (r.ok) return { blocked: null, headers };
      return {
        blocked: json(429, { error: "Rate limit exceeded" }, { ...headers, "retry-after": String(Math.max(1, Math.ceil(r.retryAfterMs / 1000))) }),
        headers,
      };
    },
  };
}
