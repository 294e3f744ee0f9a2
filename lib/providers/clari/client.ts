import "server-only";
// Clari Copilot: X-Api-Key + X-Api-Password; /calls offset-paged 25 at a time (larger pages fail with
// 502) and filtered on modified time; /call-details per call for transcript, summary and action
// items (and signed media URLs, valid 4 h). 10 requests/s and 100,000/week per key.
import { z } from "zod";
import { ProviderError } from "@/lib/errors";
import type { CanonicalTranscript, ProviderUserRecord, Recording } from "../canonical";
import { describeProvider, providerName } from "../registry";
import { ProviderHttp } from "../http";
import { requireStore } from "../oauth";
import { parseRecords, pick } from "../parse";
import type {
  ApiKeyCredentials,
  CallLookup,
  CallOptions,
  CallPage,
  ConnectResult,
  ListCallsParams,
  ProviderClient,
  ProviderClientConfig,
  ProviderCredentials,
  ProviderDeps,
  ProviderDescription,
  RequestPriority,
} from "../types";
import type { AuthHeaders } from "../http";
import { CLARI_MEDIA_TTL_MS, mapClariCall, mapClariTranscript, mapClariUser } from "./mapper";
import {
  CLARI_MAX_SKIP,
  CLARI_PAGE_SIZE,
  CLARI_RECORDED_STATUSES,
  clariCallDetailsResponseSchema,
  isClariRecording,
  clariCallSchema,
  clariCallsPageSchema,
  clariUsersResponseSchema,
} from "./schemas";

const LABEL = providerName("CLARI");

export const CLARI_DESCRIPTION: ProviderDescription = describeProvider("CLARI");

const checkpointState = z.object({ skip: z.number().int().min(0), modifiedGt: z.string() });
type CheckpointState = z.infer<typeof checkpointState>;

const trimSlash = (s: string) => s.replace(/\/+$/, "");

function apiKeyHeaders(c: ApiKeyCredentials): AuthHeaders {
  return { headers: { "x-api-key": c.apiKey, "x-api-password": c.apiSecret }, token: c.apiKey };
}

export class ClariClient implements ProviderClient {
  readonly provider = "CLARI" as const;
  private readonly http: ProviderHttp;
  private readonly now: () => Date;

  constructor(
    private readonly config: ProviderClientConfig,
    private readonly deps: ProviderDeps = {},
  ) {
    this.now = deps.now ?? (() => new Date());
    this.http = new ProviderHttp("CLARI", LABEL, CLARI_DESCRIPTION.rateLimit, deps);
  }

  describe(): ProviderDescription {
    return CLARI_DESCRIPTION;
  }

  authorizationUrl(): string {
    throw new ProviderError("CONFIG", LABEL, "Clari Copilot connects with an API key and secret, not OAuth");
  }

  async exchangeCode(): Promise<ConnectResult> {
    throw new ProviderError("CONFIG", LABEL, "Clari Copilot connects with an API key and secret, not OAuth");
  }

  async refreshCredentials(): Promise<ProviderCredentials> {
    // Nothing to refresh: API keys do not expire.
    return requireStore(LABEL, this.deps.credentials).get();
  }

  private async storedKey(): Promise<AuthHeaders> {
    const creds = await requireStore(LABEL, this.deps.credentials).get();
    if (creds.kind !== "apiKey") throw new ProviderError("CONFIG", LABEL, "Clari Copilot needs API key credentials");
    return apiKeyHeaders(creds);
  }

  private url(path: string, query: Array<[string, string]> = []): string {
    const url = new URL(`${trimSlash(this.config.apiBaseUrl)}${path}`);
    for (const [k, v] of query) url.searchParams.append(k, v);
    return url.toString();
  }

  private get<S extends z.ZodType>(
    path: string,
    endpoint: string,
    schema: S,
    opts: { query?: Array<[string, string]>; priority?: RequestPriority; authorize?: () => Promise<AuthHeaders>; notFoundAsNull?: boolean } = {},
  ): Promise<z.output<S> | null> {
    return this.http
      .request({
        method: "GET",
        url: this.url(path, opts.query),
        endpoint,
        schema,
        priority: opts.priority ?? "backfill",
        authorize: opts.authorize ?? (() => this.storedKey()),
        authStatuses: [401, 403],
        recover: (status) => (opts.notFoundAsNull && status === 404 ? { value: null } : undefined),
      })
      .then((r) => r.data);
  }

  async verifyCredentials(credentials: ApiKeyCredentials): Promise<ConnectResult> {
    if (!credentials.apiKey.trim() || !credentials.apiSecret.trim()) {
      throw new ProviderError("INVALID_CREDENTIALS", LABEL, "Enter both the API key and the API secret");
    }
    try {
      await this.get("/users", "GET /users", clariUsersResponseSchema, {
        priority: "interactive",
        authorize: async () => apiKeyHeaders(credentials),
      });
    } catch (err) {
      if (err instanceof ProviderError && err.kind === "AUTH_REVOKED") {
        throw new ProviderError("INVALID_CREDENTIALS", LABEL, "Clari Copilot rejected this API key and secret", { status: err.status, cause: err });
      }
      throw err;
    }
    return { credentials, apiBaseUrl: null, tokenExpiresAt: null, scope: null };
  }

  async listUsers(options: CallOptions = {}): Promise<ProviderUserRecord[]> {
    const data = await this.get("/users", "GET /users", clariUsersResponseSchema, { priority: options.priority ?? "interactive" });
    return (data?.users ?? []).map(mapClariUser);
  }

  async listCalls(params: ListCallsParams): Promise<CallPage> {
    let state: CheckpointState = { skip: 0, modifiedGt: params.from.toISOString() };
    if (params.checkpoint) {
      if (params.checkpoint.provider !== "CLARI") throw new ProviderError("CONFIG", LABEL, "checkpoint belongs to another provider");
      const parsed = checkpointState.safeParse(params.checkpoint.state);
      if (!parsed.success) throw new ProviderError("CONFIG", LABEL, "invalid Clari checkpoint");
      state = parsed.data;
    }
    if (params.user && !params.user.email) {
      throw new ProviderError("CONFIG", LABEL, "Clari Copilot filters calls by user email; the provider user has none");
    }
    const query: Array<[string, string]> = [
      ["skip", String(state.skip)],
      ["limit", String(CLARI_PAGE_SIZE)],
      // Modified time, not call time: processing that finishes later (transcripts, CRM) is picked up.
      ["filterModifiedGt", state.modifiedGt],
      ["filterModifiedLt", params.to.toISOString()],
      ["sortProcessed", "asc"],
      ["includePrivate", "false"],
      ["includePagination", "true"],
      // Recordings only: the listing also carries every calendar meeting (scheduled, never joined, ...).
      ...CLARI_RECORDED_STATUSES.map((st): [string, string] => ["filterStatus", st]),
    ];
    if (params.user?.email) query.push(["filterUser", params.user.email]);
    const data = await this.get("/calls", "GET /calls", clariCallsPageSchema, { query, priority: params.priority ?? "backfill" });
    const calls = data?.calls ?? [];
    const fetchedAt = this.now();
    // Filtered here too: a meeting that is not a recording is never stored, so never checked again. Calls are
    // validated one by one: a recording that fails is skipped (and reported), the page goes on.
    const recordings = calls.filter((c) => {
      const status = pick(c, "status");
      return typeof status !== "string" || isClariRecording(status);
    });
    const { records, skipped } = parseRecords(clariCallSchema, recordings, (c) => pick(c, "id"));
    const mapped = records.filter((c) => isClariRecording(c.status)).map((c) => mapClariCall(c, fetchedAt));
    const hasMore = data?.pagination ? Boolean(data.pagination.hasMore) : calls.length === CLARI_PAGE_SIZE;
    if (!hasMore || calls.length === 0) return { calls: mapped, checkpoint: null, skipped };
    let nextSkip = data?.pagination?.nextPageSkip ?? state.skip + calls.length;
    let modifiedGt = state.modifiedGt;
    if (nextSkip + CLARI_PAGE_SIZE > CLARI_MAX_SKIP) {
      // skip is capped at 10,000: move the window start to the last modified time seen instead.
      const lastModified = pick(calls[calls.length - 1], "last_modified_time");
      if (typeof lastModified === "string" && !Number.isNaN(Date.parse(lastModified))) modifiedGt = lastModified;
      nextSkip = 0;
    }
    return { calls: mapped, checkpoint: { provider: "CLARI", v: 1, state: { skip: nextSkip, modifiedGt } }, skipped };
  }

  async fetchTranscripts(providerCallIds: string[], options: CallOptions = {}): Promise<CanonicalTranscript[]> {
    const out: CanonicalTranscript[] = [];
    for (const id of providerCallIds) {
      const data = await this.get("/call-details", "GET /call-details", clariCallDetailsResponseSchema, {
        query: [["id", id]],
        priority: options.priority ?? "backfill",
        notFoundAsNull: true,
      });
      out.push(data ? mapClariTranscript(data.call) : { providerCallId: id, status: "UNAVAILABLE", sentences: [], details: null });
    }
    return out;
  }

  async lookupCall(providerCallId: string, options: CallOptions = {}): Promise<CallLookup | null> {
    // call-details answers for every entry, recorded or not: its status says which (the listing filters).
    const data = await this.get("/call-details", "GET /call-details", z.object({ call: z.unknown() }), {
      query: [["id", providerCallId]],
      priority: options.priority ?? "interactive",
      notFoundAsNull: true,
    });
    if (!data) return null;
    const rawStatus = pick(data.call, "status");
    const status = typeof rawStatus === "string" ? rawStatus : null;
    const { records, skipped } = parseRecords(clariCallSchema, [data.call], (c) => pick(c, "id"));
    const record = records[0];
    return { call: record ? mapClariCall(record, this.now()) : null, recorded: isClariRecording(status), status, invalidField: skipped[0]?.field ?? null };
  }

  async fetchRecording(providerCallId: string, options: CallOptions = {}): Promise<Recording> {
    const data = await this.get("/call-details", "GET /call-details", clariCallDetailsResponseSchema, {
      query: [
        ["id", providerCallId],
        ["includeAudio", "true"],
        ["includeVideo", "true"],
      ],
      priority: options.priority ?? "interactive",
    });
    const call = data!.call;
    const fetchedAt = this.now();
    return {
      audioUrl: call.audio_url ?? null,
      videoUrl: call.video_url ?? null,
      expiresAt: call.audio_url || call.video_url ? new Date(fetchedAt.getTime() + CLARI_MEDIA_TTL_MS) : null,
    };
  }
}
