import "server-only";
// Gong: OAuth authorization code with single-use refresh tokens; every API call goes to the tenant's
// api_base_url_for_customer. Calls page 100 at a time with the cursor in the JSON body; transcripts
// come 100 calls per request; an empty result is a 404 "No calls found corresponding to ...".
import { z } from "zod";
import { ProviderError } from "@/lib/errors";
import type { CanonicalTranscript, ProviderUserRecord, Recording } from "../canonical";
import { OAuthProviderClient } from "../oauth";
import { parseRecords, pick } from "../parse";
import { describeProvider, oauthSpec, providerName } from "../registry";
import type {
  CallLookup,
  CallOptions,
  CallPage,
  CallsCheckpoint,
  ListCallsParams,
  OutsideHostedCallsParams,
  ProviderClient,
  ProviderClientConfig,
  ProviderDeps,
  ProviderDescription,
  RequestPriority,
} from "../types";
import { GONG_MEDIA_TTL_MS, mapGongCall, mapGongTranscript, mapGongUser } from "./mapper";
import {
  GONG_NO_CALLS_MESSAGE,
  GONG_NO_USERS_MESSAGE,
  gongCallDataSchema,
  gongCallsExtensivePageSchema,
  gongCallsExtensiveResponseSchema,
  gongErrorSchema,
  gongTokenResponseSchema,
  gongTranscriptResponseSchema,
  gongUsersResponseSchema,
  type GongExtensiveRequest,
  type GongTokenResponse,
} from "./schemas";

const LABEL = providerName("GONG");
export const GONG_DEFAULT_SCOPES = [...oauthSpec("GONG").scopes];
export const GONG_DESCRIPTION: ProviderDescription = describeProvider("GONG");
export const GONG_TRANSCRIPT_BATCH = GONG_DESCRIPTION.maxTranscriptBatch;

const checkpointState = z.object({ cursor: z.string() });
/** The outside-hosts pass: each time slice of the window with its cursor (null: not started), done when read through. */
const outsideCheckpointState = z.object({
  slices: z.array(z.object({ from: z.string(), to: z.string(), cursor: z.string().nullable(), done: z.boolean() })),
});
type OutsideSlice = z.infer<typeof outsideCheckpointState>["slices"][number];

/**
 * Slices cover the last two years evenly (where most of a company's calls are), the first one reaching back to the
 * window's start ("All time" starts in 2010). The calls are not spread evenly in time, so neither are the slices'
 * pages: one slice may take a few more pages than the others.
 */
const SLICED_SPAN_MS = 730 * 86_400_000;

function sliceWindow(from: Date, to: Date, n: number): OutsideSlice[] {
  const start = Math.max(from.getTime(), to.getTime() - SLICED_SPAN_MS);
  const step = (to.getTime() - start) / Math.max(1, n);
  const bounds = Array.from({ length: n + 1 }, (_, k) => (k === 0 ? from.getTime() : k === n ? to.getTime() : Math.round(start + k * step)));
  return bounds
    .slice(0, -1)
    .map((b, k) => ({ from: new Date(b).toISOString(), to: new Date(bounds[k + 1]!).toISOString(), cursor: null, done: false }))
    .filter((s) => s.from < s.to);
}

function errorMessages(body: unknown): string[] {
  const parsed = gongErrorSchema.safeParse(body);
  return parsed.success ? parsed.data.errors : [];
}

const isNoResults = (status: number, body: unknown) =>
  status === 404 && errorMessages(body).some((m) => m === GONG_NO_CALLS_MESSAGE || m === GONG_NO_USERS_MESSAGE);

const isExpiredCursor = (status: number, body: unknown) =>
  status === 400 && errorMessages(body).some((m) => /cursor has expired|failed to verify cursor/i.test(m));

const trimSlash = (s: string) => s.replace(/\/+$/, "");

export class GongClient extends OAuthProviderClient<"GONG", GongTokenResponse> implements ProviderClient {
  constructor(config: ProviderClientConfig, deps: ProviderDeps = {}) {
    super("GONG", config, deps, gongTokenResponseSchema);
  }

  private async apiUrl(path: string): Promise<string> {
    const creds = await this.session.credentials();
    return `${trimSlash(creds.apiBaseUrl ?? this.config.apiBaseUrl)}${path}`;
  }

  // Gong answers 401 on most endpoints and 403 on /v2/users for a bad or revoked token.
  private gongAuthed() {
    return this.authed([401, 403]);
  }

  async listUsers(options: CallOptions = {}): Promise<ProviderUserRecord[]> {
    const users: ProviderUserRecord[] = [];
    let cursor: string | null = null;
    do {
      const url = new URL(await this.apiUrl("/v2/users"));
      if (cursor) url.searchParams.set("cursor", cursor);
      const { data } = await this.http.request({
        method: "GET",
        url: url.toString(),
        endpoint: "GET /v2/users",
        schema: gongUsersResponseSchema,
        priority: options.priority ?? "interactive",
        ...this.gongAuthed(),
        recover: (status, body) => (isNoResults(status, body) ? { value: "EMPTY" as const } : undefined),
      });
      if (data === "EMPTY") break;
      users.push(...data.users.map(mapGongUser));
      cursor = data.records.cursor ?? null;
    } while (cursor);
    return users;
  }

  private async extensive<S extends typeof gongCallsExtensiveResponseSchema | typeof gongCallsExtensivePageSchema>(
    body: GongExtensiveRequest,
    priority: CallOptions["priority"],
    schema: S,
  ): Promise<z.output<S> | "EMPTY" | "CURSOR_EXPIRED"> {
    const { data } = await this.http.request({
      method: "POST",
      url: await this.apiUrl("/v2/calls/extensive"),
      endpoint: "POST /v2/calls/extensive",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
      schema,
      priority: priority ?? "backfill",
      ...this.gongAuthed(),
      recover: (status, b) => {
        if (isNoResults(status, b)) return { value: "EMPTY" as const };
        if (isExpiredCursor(status, b)) return { value: "CURSOR_EXPIRED" as const };
        return undefined;
      },
    });
    return data as z.output<S> | "EMPTY" | "CURSOR_EXPIRED";
  }

  async listCalls(params: ListCallsParams): Promise<CallPage> {
    let cursor: string | null = null;
    if (params.checkpoint) {
      if (params.checkpoint.provider !== "GONG") throw new ProviderError("CONFIG", LABEL, "checkpoint belongs to another provider");
      const parsed = checkpointState.safeParse(params.checkpoint.state);
      if (!parsed.success) throw new ProviderError("CONFIG", LABEL, "invalid Gong checkpoint");
      cursor = parsed.data.cursor;
    }
    const body = this.listingBody(params.from.toISOString(), params.to.toISOString(), params.user ? [params.user.providerUserId] : null);
    // The cursor goes in the body, next to an otherwise identical request (Gong ignores it in the query).
    // Calls are validated one by one: a call that fails is skipped (and reported), the page goes on.
    let data = await this.extensive(cursor ? { ...body, cursor } : body, params.priority, gongCallsExtensivePageSchema);
    if (data === "CURSOR_EXPIRED") {
      // Long pauses outlive Gong's JWT cursors: restart the window (the sync upserts, so repeats are harmless).
      data = await this.extensive(body, params.priority, gongCallsExtensivePageSchema);
    }
    if (data === "EMPTY" || data === "CURSOR_EXPIRED") return { calls: [], checkpoint: null };
    const fetchedAt = this.now();
    const next: CallsCheckpoint | null = data.records.cursor ? { provider: "GONG", v: 1, state: { cursor: data.records.cursor } } : null;
    const { records, skipped } = parseRecords(gongCallDataSchema, data.calls, (c) => pick(c, "metaData", "id"));
    return { calls: records.map((c) => mapGongCall(c, fetchedAt)), checkpoint: next, skipped };
  }

  /** The listing's body for a window, optionally filtered to hosts (primaryUserIds). */
  private listingBody(from: string, to: string, hosts: string[] | null): GongExtensiveRequest {
    return {
      filter: { fromDateTime: from, toDateTime: to, ...(hosts ? { primaryUserIds: hosts } : {}) },
      contentSelector: {
        context: "Extended",
        contextTiming: ["Now"],
        exposedFields: {
          parties: true,
          content: { brief: true, keyPoints: true, pointsOfInterest: true },
          media: true,
        },
      },
    };
  }

  async listOutsideHostedCalls(params: OutsideHostedCallsParams): Promise<CallPage> {
    const { maxHostsPerFilter, slices: sliceCount } = GONG_DESCRIPTION.outsideHosts!;
    let slices: OutsideSlice[];
    if (params.checkpoint) {
      if (params.checkpoint.provider !== "GONG") throw new ProviderError("CONFIG", LABEL, "checkpoint belongs to another provider");
      const parsed = outsideCheckpointState.safeParse(params.checkpoint.state);
      if (!parsed.success) throw new ProviderError("CONFIG", LABEL, "invalid Gong checkpoint");
      slices = parsed.data.slices;
    } else {
      // Nobody outside the workspace hosts calls: nothing to list.
      if (params.outsideHostIds.length === 0) return { calls: [], checkpoint: null };
      slices = sliceWindow(params.from, params.to, sliceCount);
    }
    // Past one filter's worth of hosts, company-wide, dropping the calls workspace users host (their own listings).
    const hosts = params.outsideHostIds.length <= maxHostsPerFilter ? [...params.outsideHostIds] : null;
    const insiders = new Set(params.workspaceUserIds);
    const emails = new Set(params.workspaceEmails.map((e) => e.toLowerCase()));
    const fetchedAt = this.now();
    // One page of every slice still open, side by side (the gate paces them).
    const pages = await Promise.all(
      slices.map(async (slice) => {
        if (slice.done) return { slice, calls: [], skipped: [] };
        const body = this.listingBody(slice.from, slice.to, hosts);
        let data = await this.extensive(slice.cursor ? { ...body, cursor: slice.cursor } : body, params.priority, gongCallsExtensivePageSchema);
        if (data === "CURSOR_EXPIRED") data = await this.extensive(body, params.priority, gongCallsExtensivePageSchema);
        if (data === "EMPTY" || data === "CURSOR_EXPIRED") return { slice: { ...slice, cursor: null, done: true }, calls: [], skipped: [] };
        const { records, skipped } = parseRecords(gongCallDataSchema, data.calls, (c) => pick(c, "metaData", "id"));
        const next = data.records.cursor ?? null;
        return { slice: { ...slice, cursor: next, done: next === null }, calls: records.map((c) => mapGongCall(c, fetchedAt)), skipped };
      }),
    );
    const calls = pages
      .flatMap((p) => p.calls)
      .filter((c) => !(c.ownerProviderUserId && insiders.has(c.ownerProviderUserId)))
      .filter((c) => c.participants.some((p) => (p.email && emails.has(p.email.toLowerCase())) || (p.providerUserId && insiders.has(p.providerUserId))));
    const next = pages.map((p) => p.slice);
    return {
      calls,
      checkpoint: next.every((s) => s.done) ? null : { provider: "GONG", v: 1, state: { slices: next } },
      skipped: pages.flatMap((p) => p.skipped),
    };
  }

  private async transcriptPage(callIds: string[], cursor: string | null, priority: RequestPriority) {
    const { data } = await this.http.request({
      method: "POST",
      url: await this.apiUrl("/v2/calls/transcript"),
      endpoint: "POST /v2/calls/transcript",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ ...(cursor ? { cursor } : {}), filter: { callIds } }),
      schema: gongTranscriptResponseSchema,
      priority,
      ...this.gongAuthed(),
      recover: (status, b) => (isNoResults(status, b) ? { value: "EMPTY" as const } : undefined),
    });
    return data;
  }

  async fetchTranscripts(providerCallIds: string[], options: CallOptions = {}): Promise<CanonicalTranscript[]> {
    const byId = new Map<string, CanonicalTranscript>();
    const ids = [...new Set(providerCallIds)];
    for (let i = 0; i < ids.length; i += GONG_TRANSCRIPT_BATCH) {
      const chunk = ids.slice(i, i + GONG_TRANSCRIPT_BATCH);
      let cursor: string | null = null;
      do {
        const data = await this.transcriptPage(chunk, cursor, options.priority ?? "backfill");
        if (data === "EMPTY") break;
        for (const t of data.callTranscripts) byId.set(t.callId, mapGongTranscript(t));
        cursor = data.records.cursor ?? null;
      } while (cursor);
    }
    return providerCallIds.map((id) => byId.get(id) ?? { providerCallId: id, status: "PENDING", sentences: [], details: null });
  }

  async lookupCall(providerCallId: string, options: CallOptions = {}): Promise<CallLookup | null> {
    // The listing's own request, filtered to one call id: the call exactly as the sync would read it.
    const data = await this.extensive(
      {
        filter: { callIds: [providerCallId] },
        contentSelector: { context: "Extended", contextTiming: ["Now"], exposedFields: { parties: true, media: true } },
      },
      options.priority ?? "interactive",
      gongCallsExtensivePageSchema,
    );
    if (data === "EMPTY" || data === "CURSOR_EXPIRED" || data.calls.length === 0) return null;
    const { records, skipped } = parseRecords(gongCallDataSchema, data.calls.slice(0, 1), (c) => pick(c, "metaData", "id"));
    const call = records[0] ? mapGongCall(records[0], this.now()) : null;
    return { call, recorded: true, status: null, invalidField: skipped[0]?.field ?? null };
  }

  async fetchRecording(providerCallId: string, options: CallOptions = {}): Promise<Recording> {
    const data = await this.extensive(
      { filter: { callIds: [providerCallId] }, contentSelector: { exposedFields: { media: true } } },
      options.priority ?? "interactive",
      gongCallsExtensiveResponseSchema,
    );
    const call = data === "EMPTY" || data === "CURSOR_EXPIRED" ? undefined : data.calls[0];
    if (!call) throw new ProviderError("NOT_FOUND", LABEL, `Gong call ${providerCallId} was not found`, { status: 404 });
    const fetchedAt = this.now();
    const audioUrl = call.media?.audioUrl ?? null;
    const videoUrl = call.media?.videoUrl ?? null;
    return {
      audioUrl,
      videoUrl,
      expiresAt: audioUrl || videoUrl ? new Date(fetchedAt.getTime() + GONG_MEDIA_TTL_MS) : null,
    };
  }
}
