import "server-only";
// Salesloft: OAuth with rotating refresh tokens; conversations read with the official "cursor poller"
// (sort by updated_at ascending, updated_at[gte] = last seen, de-dup by id); details from
// /conversations/{id}/extensive; CRM ids resolved through /opportunities and /accounts; transcripts
// from the transcription artifact (one request for the whole transcript, a signed JSON file), else from
// /transcriptions/{id}/sentences, 100 per page (float seconds). Cost-based limit: 600 units/min per team.
import { z } from "zod";
import { ProviderError } from "@/lib/errors";
import { type CanonicalTranscript, type CrmContext, type ProviderUserRecord, type Recording, normalizeCrmSystem } from "../canonical";
import { OAuthProviderClient } from "../oauth";
import { parseRecords, pick, type SkippedRecord } from "../parse";
import { describeProvider, oauthSpec, providerName } from "../registry";
import type {
  CallLookup,
  CallOptions,
  CallPage,
  ListCallsParams,
  OutsideHostedCallsParams,
  ProviderClient,
  ProviderClientConfig,
  ProviderDeps,
  ProviderDescription,
  RequestPriority,
} from "../types";
import { mapSalesloftConversation, mapSalesloftSentences, mapSalesloftUser } from "./mapper";
import {
  salesloftAccountResponseSchema,
  salesloftArtifactFileSchema,
  salesloftArtifactResponseSchema,
  salesloftConversationExtensivePageSchema,
  salesloftConversationExtensiveSchema,
  salesloftConversationSchema,
  salesloftConversationsPageSchema,
  salesloftConversationResponseSchema,
  salesloftOpportunityResponseSchema,
  salesloftPageCost,
  salesloftRecordingSchema,
  salesloftSentencesResponseSchema,
  salesloftTokenResponseSchema,
  salesloftUsersResponseSchema,
  type SalesloftArtifactSentence,
  type SalesloftConversation,
  type SalesloftConversationExtensive,
  type SalesloftSentence,
  type SalesloftTokenResponse,
} from "./schemas";

const LABEL = providerName("SALESLOFT");
export const SALESLOFT_PAGE_SIZE = 100;
export const SALESLOFT_DESCRIPTION: ProviderDescription = describeProvider("SALESLOFT");
/** Conversations per listing page (why 25, not the API's 100: the registry's Salesloft entry). */
export const SALESLOFT_CONVERSATIONS_PAGE_SIZE = SALESLOFT_DESCRIPTION.pageSize;
export const SALESLOFT_DEFAULT_SCOPES = [...oauthSpec("SALESLOFT").scopes];

const checkpointState = z.object({
  gte: z.string(),
  seen: z.array(z.string()),
  page: z.number().int().min(1),
});
type CheckpointState = z.infer<typeof checkpointState>;

/**
 * Kept in the shared lookup cache once a transcription artifact proved unusable for this team (403: the
 * connecting user's role lacks "Download Conversations"; or a file that is not the sentences we read), so
 * the rest of the backfill goes straight to the sentences endpoint instead of paying one request per call.
 */
const ARTIFACTS_UNUSABLE = "artifacts:unusable";

const trimSlash = (s: string) => s.replace(/\/+$/, "");
const ts = (s: string) => Date.parse(s);

export class SalesloftClient extends OAuthProviderClient<"SALESLOFT", SalesloftTokenResponse> implements ProviderClient {
  /** conversation id -> transcription id, learned while listing (saves a lookup per transcript). */
  private readonly transcriptionIds = new Map<string, string | null>();
  private readonly crmCache: Map<string, Promise<unknown>>;

  constructor(config: ProviderClientConfig, deps: ProviderDeps = {}) {
    // Rotating refresh tokens: each refresh revokes the old one; the shared session stores the new pair.
    super("SALESLOFT", config, deps, salesloftTokenResponseSchema);
    this.crmCache = deps.lookupCache ?? new Map();
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
    opts: { query?: Array<[string, string]>; priority?: RequestPriority; cost?: number; notFoundAsNull?: boolean } = {},
  ): Promise<z.output<S> | null> {
    return this.http
      .request({
        method: "GET",
        url: this.url(path, opts.query),
        endpoint,
        schema,
        cost: opts.cost ?? 1,
        priority: opts.priority ?? "backfill",
        ...this.authed(),
        recover: (status) => (opts.notFoundAsNull && status === 404 ? { value: null } : undefined),
      })
      .then((r) => r.data);
  }

  async listUsers(options: CallOptions = {}): Promise<ProviderUserRecord[]> {
    const users: ProviderUserRecord[] = [];
    for (let page = 1; ; page++) {
      const data = await this.get("/v2/users", "GET /v2/users", salesloftUsersResponseSchema, {
        query: [
          ["per_page", String(SALESLOFT_PAGE_SIZE)],
          ["page", String(page)],
        ],
        priority: options.priority ?? "interactive",
        cost: salesloftPageCost(page),
      });
      if (!data) break;
      users.push(...data.data.map(mapSalesloftUser));
      const next = data.metadata?.paging?.next_page;
      if (next === null || next === undefined || data.data.length === 0) {
        if (next === undefined && data.data.length === SALESLOFT_PAGE_SIZE) continue;
        break;
      }
    }
    return users;
  }

  private resolveCrm(c: SalesloftConversationExtensive | SalesloftConversation, priority: RequestPriority): Promise<CrmContext> {
    const oppId = "opportunity" in c ? c.opportunity?.id : undefined;
    const accountId = c.account?.id;
    const key = oppId ? `o:${oppId}` : accountId ? `a:${accountId}` : "";
    if (!key) return Promise.resolve({ system: null, dealIds: [], accountIds: [] });
    let pending = this.crmCache.get(key) as Promise<CrmContext> | undefined;
    if (!pending) {
      pending = (async (): Promise<CrmContext> => {
        if (oppId) {
          const opp = await this.get(`/v2/opportunities/${encodeURIComponent(oppId)}`, "GET /v2/opportunities/:id", salesloftOpportunityResponseSchema, {
            priority,
            notFoundAsNull: true,
          });
          if (opp?.data.crm_id) {
            return {
              system: normalizeCrmSystem(opp.data.crm_type),
              dealIds: [opp.data.crm_id],
              accountIds: opp.data.account_crm_id ? [opp.data.account_crm_id] : [],
            };
          }
        }
        if (accountId) {
          const acc = await this.get(`/v2/accounts/${encodeURIComponent(accountId)}`, "GET /v2/accounts/:id", salesloftAccountResponseSchema, {
            priority,
            notFoundAsNull: true,
          });
          if (acc?.data.crm_id) return { system: normalizeCrmSystem(acc.data.crm_type), dealIds: [], accountIds: [acc.data.crm_id] };
        }
        return { system: null, dealIds: [], accountIds: [] };
      })();
      this.crmCache.set(key, pending);
      pending.catch(() => this.crmCache.delete(key));
    }
    return pending;
  }

  async listCalls(params: ListCallsParams): Promise<CallPage> {
    return this.conversationPage(params, params.user ? [params.user.providerUserId] : [], null);
  }

  async listOutsideHostedCalls(params: OutsideHostedCallsParams): Promise<CallPage> {
    if (!params.checkpoint && params.outsideHostIds.length === 0) return { calls: [], checkpoint: null };
    const { maxHostsPerFilter } = SALESLOFT_DESCRIPTION.outsideHosts!;
    // Past one filter's worth of owners, the whole team's list, without the conversations workspace users own.
    const owners = params.outsideHostIds.length <= maxHostsPerFilter ? params.outsideHostIds : [];
    const insiders = new Set(params.workspaceUserIds);
    const emails = new Set(params.workspaceEmails.map((e) => e.toLowerCase()));
    return this.conversationPage(params, owners, {
      listed: (c) => !(c.user_guid && insiders.has(c.user_guid)),
      // Attendees and invitees are only in /extensive: a conversation without it (404) cannot show a workspace user.
      detailed: (d) =>
        !!d && [...(d.attendees ?? []), ...(d.invitees ?? [])].some((a) => typeof a.email === "string" && emails.has(a.email.trim().toLowerCase())),
    });
  }

  /**
   * One listing page of the conversations `owners` hold (everyone's when empty), each read in full from
   * /extensive. `keep` (the outside-hosts pass): which list items are worth an /extensive, and which details
   * are kept (before any CRM lookup is spent on them).
   */
  private async conversationPage(
    params: { from: Date; to: Date; checkpoint?: ListCallsParams["checkpoint"]; priority?: RequestPriority; storedAt?: ListCallsParams["storedAt"] },
    owners: string[],
    keep: { listed: (c: SalesloftConversation) => boolean; detailed: (d: SalesloftConversationExtensive | null) => boolean } | null,
  ): Promise<CallPage> {
    let state: CheckpointState = { gte: params.from.toISOString(), seen: [], page: 1 };
    if (params.checkpoint) {
      if (params.checkpoint.provider !== "SALESLOFT") throw new ProviderError("CONFIG", LABEL, "checkpoint belongs to another provider");
      const parsed = checkpointState.safeParse(params.checkpoint.state);
      if (!parsed.success) throw new ProviderError("CONFIG", LABEL, "invalid Salesloft checkpoint");
      state = parsed.data;
    }
    const priority = params.priority ?? "backfill";
    const query: Array<[string, string]> = [
      ["sort_by", "updated_at"],
      ["sort_direction", "ASC"],
      ["per_page", String(SALESLOFT_CONVERSATIONS_PAGE_SIZE)],
      ["page", String(state.page)],
      // [gte] + de-dup by id: [gt] is documented to repeat the boundary row anyway.
      ["updated_at[gte]", state.gte],
      ["updated_at[lt]", params.to.toISOString()],
    ];
    for (const guid of owners) query.push(["user_guids[]", guid]);
    const list = await this.get("/v2/conversations", "GET /v2/conversations", salesloftConversationsPageSchema, {
      query,
      priority,
      cost: salesloftPageCost(state.page),
    });
    // Conversations are validated one by one: one that fails is skipped (and reported), the page goes on.
    // Paging reads the raw rows' id and updated_at, so a skipped row still moves the window.
    const raw = list?.data ?? [];
    const items = raw.flatMap((r) => {
      const id = pick(r, "id");
      const updatedAt = pick(r, "updated_at");
      return typeof id === "string" && typeof updatedAt === "string" && !Number.isNaN(Date.parse(updatedAt)) ? [{ id, updated_at: updatedAt }] : [];
    });
    const parsed = parseRecords(salesloftConversationSchema, raw, (r) => pick(r, "id"));
    const skipped: SkippedRecord[] = [...parsed.skipped];
    const seen = new Set(state.seen);
    const listed = parsed.records.filter((c) => !seen.has(c.id) && (!keep || keep.listed(c)));
    // A poll's overlap lists again what the last polls stored: unchanged since (same updated_at), it costs no
    // /extensive and no CRM lookup (with a 6 h overlap and 2 h polls, each conversation was read in full 4 times).
    const unchanged =
      params.storedAt && listed.length > 0 ? await params.storedAt(listed.map((c) => ({ providerCallId: c.id, updatedAt: new Date(c.updated_at) }))) : null;
    const fresh = unchanged ? listed.filter((c) => !unchanged.has(c.id)) : listed;

    const calls = [];
    for (const item of fresh) {
      const ext = await this.get(
        `/v2/conversations/${encodeURIComponent(item.id)}/extensive`,
        "GET /v2/conversations/:id/extensive",
        salesloftConversationExtensivePageSchema,
        { priority, notFoundAsNull: true },
      );
      let detail: SalesloftConversationExtensive | null = null;
      if (ext) {
        const one = parseRecords(salesloftConversationExtensiveSchema, [ext.data], () => item.id);
        if (one.skipped.length) {
          skipped.push(...one.skipped);
          continue;
        }
        detail = one.records[0] ?? null;
      }
      if (keep && !keep.detailed(detail)) continue;
      // Some tenants answer 404 on /extensive: fall back to the list item.
      const conv: SalesloftConversation | SalesloftConversationExtensive = detail ?? item;
      this.transcriptionIds.set(conv.id, conv.transcription?.id ?? null);
      const crm = await this.resolveCrm(conv, priority);
      const call = mapSalesloftConversation(conv, crm, this.config.appUrl ?? "https://app.salesloft.com");
      // The version is the listing's own updated_at: what the next poll's storedAt compares.
      calls.push({ ...call, providerUpdatedAt: new Date(item.updated_at) });
    }

    const nextPage = list?.metadata?.paging?.next_page;
    const more =
      raw.length > 0 && (nextPage !== null && nextPage !== undefined ? true : nextPage === undefined && raw.length === SALESLOFT_CONVERSATIONS_PAGE_SIZE);
    if (!more || items.length === 0) return { calls, checkpoint: null, skipped };
    const last = items[items.length - 1]!;
    let next: CheckpointState;
    if (ts(last.updated_at) !== ts(state.gte)) {
      const boundary = ts(last.updated_at);
      next = { gte: last.updated_at, seen: items.filter((c) => ts(c.updated_at) === boundary).map((c) => c.id), page: 1 };
    } else {
      // A whole page shares one timestamp: stay on it and move to the next page.
      next = { gte: state.gte, seen: [...new Set([...state.seen, ...items.map((c) => c.id)])], page: state.page + 1 };
    }
    return { calls, checkpoint: { provider: "SALESLOFT", v: 1, state: next }, skipped };
  }

  private async transcriptionIdFor(conversationId: string, priority: RequestPriority): Promise<string | null> {
    if (this.transcriptionIds.has(conversationId)) {
      const cached = this.transcriptionIds.get(conversationId);
      if (cached) return cached;
    }
    const conv = await this.get(`/v2/conversations/${encodeURIComponent(conversationId)}`, "GET /v2/conversations/:id", salesloftConversationResponseSchema, {
      priority,
      notFoundAsNull: true,
    });
    const id = conv?.data.transcription?.id ?? null;
    this.transcriptionIds.set(conversationId, id);
    return id;
  }

  /** Where a signed artifact URL may be fetched from: https anywhere (no token is sent), or the API's own origin. */
  private downloadable(raw: string): string | null {
    try {
      const u = new URL(raw);
      if (u.username || u.password) return null;
      if (u.protocol === "https:" || u.origin === new URL(this.config.apiBaseUrl).origin) return u.toString();
    } catch {
      // not a URL
    }
    return null;
  }

  /**
   * The whole transcript in one API request (cost 1) plus one download of the signed JSON file, which is
   * outside the API and its cost budget. null: use the sentences endpoint (no permission, no usable file).
   */
  private async artifactSentences(transcriptionId: string, priority: RequestPriority): Promise<SalesloftArtifactSentence[] | null> {
    if (this.crmCache.has(ARTIFACTS_UNUSABLE)) return null;
    const unusable = () => {
      this.crmCache.set(ARTIFACTS_UNUSABLE, Promise.resolve(true));
      return null;
    };
    const { data: meta } = await this.http.request({
      method: "GET",
      url: this.url(`/v2/transcriptions/${encodeURIComponent(transcriptionId)}/artifact`),
      endpoint: "GET /v2/transcriptions/:id/artifact",
      schema: salesloftArtifactResponseSchema,
      priority,
      ...this.authed(),
      recover: (status) => (status === 403 ? { value: "forbidden" as const } : status === 404 ? { value: null } : undefined),
    });
    if (meta === "forbidden") return unusable();
    if (!meta || !meta.data.url) return null;
    const url = this.downloadable(meta.data.url);
    if (!url || (meta.data.content_type && !meta.data.content_type.includes("json"))) return unusable();
    let body: unknown;
    try {
      // No authorize: the signed URL carries its own credentials; the bearer token stays with the API.
      ({ data: body } = await this.http.request({
        method: "GET",
        url,
        endpoint: "GET transcription artifact file",
        schema: z.unknown(),
        priority,
        gated: false,
        // An expired or revoked signature: this call reads the sentences instead.
        recover: (status) => (status === 403 || status === 404 ? { value: undefined } : undefined),
      }));
    } catch (err) {
      if (err instanceof ProviderError && err.kind === "INVALID_RESPONSE") return unusable();
      if (err instanceof ProviderError && err.kind === "TRANSIENT") return null;
      throw err;
    }
    if (body === undefined) return null;
    const file = salesloftArtifactFileSchema.safeParse(body);
    if (!file.success) return unusable();
    // An empty file is checked against the sentences endpoint rather than taken as "no transcript".
    return file.data.length > 0 ? file.data : null;
  }

  async fetchTranscripts(providerCallIds: string[], options: CallOptions = {}): Promise<CanonicalTranscript[]> {
    const priority = options.priority ?? "backfill";
    const out: CanonicalTranscript[] = [];
    for (const callId of providerCallIds) {
      const transcriptionId = await this.transcriptionIdFor(callId, priority);
      if (!transcriptionId) {
        out.push({ providerCallId: callId, status: "PENDING", sentences: [], details: null });
        continue;
      }
      const whole = await this.artifactSentences(transcriptionId, priority);
      if (whole) {
        out.push(mapSalesloftSentences(callId, whole));
        continue;
      }
      const sentences: SalesloftSentence[] = [];
      for (let page = 1; ; page++) {
        const data = await this.get(
          `/v2/transcriptions/${encodeURIComponent(transcriptionId)}/sentences`,
          "GET /v2/transcriptions/:id/sentences",
          salesloftSentencesResponseSchema,
          {
            query: [
              ["per_page", String(SALESLOFT_PAGE_SIZE)],
              ["page", String(page)],
            ],
            priority,
            cost: salesloftPageCost(page),
            notFoundAsNull: true,
          },
        );
        if (!data) break;
        sentences.push(...data.data);
        const next = data.metadata?.paging?.next_page;
        if (data.data.length === 0 || next === null || (next === undefined && data.data.length < SALESLOFT_PAGE_SIZE)) break;
      }
      out.push(mapSalesloftSentences(callId, sentences));
    }
    return out;
  }

  async fetchRecording(providerCallId: string, options: CallOptions = {}): Promise<Recording> {
    const { data } = await this.http.request({
      method: "GET",
      url: this.url(`/v2/conversations/${encodeURIComponent(providerCallId)}/recording`),
      endpoint: "GET /v2/conversations/:id/recording",
      schema: salesloftRecordingSchema,
      priority: options.priority ?? "interactive",
      redirect: "manual",
      ...this.authed(),
    });
    const url = "location" in data ? data.location : data.data.url;
    return { audioUrl: url, videoUrl: null, expiresAt: null };
  }

  /**
   * One conversation by id ("Why isn't my call here?"): GET /v2/conversations/{id}/extensive, the read the
   * listing makes for each conversation (attendees, invitees, owner_email). Only when that answers 404 (some
   * tenants never serve /extensive) is the plain GET /v2/conversations/{id} asked, so at most two requests, and
   * null when neither has it. No CRM lookups: the answer needs who is on the call, not its deal. A record that
   * fails validation is reported by its field, as the listing skips it.
   */
  async lookupCall(providerCallId: string, options: CallOptions = {}): Promise<CallLookup | null> {
    const priority = options.priority ?? "interactive";
    const path = `/v2/conversations/${encodeURIComponent(providerCallId)}`;
    const noCrm: CrmContext = { system: null, dealIds: [], accountIds: [] };
    const appUrl = this.config.appUrl ?? "https://app.salesloft.com";
    const ext = await this.get(`${path}/extensive`, "GET /v2/conversations/:id/extensive", salesloftConversationExtensivePageSchema, {
      priority,
      notFoundAsNull: true,
    });
    if (ext) {
      const one = parseRecords(salesloftConversationExtensiveSchema, [ext.data], () => providerCallId);
      const conv = one.records[0];
      return { call: conv ? mapSalesloftConversation(conv, noCrm, appUrl) : null, recorded: true, status: null, invalidField: one.skipped[0]?.field ?? null };
    }
    const plain = await this.get(path, "GET /v2/conversations/:id", salesloftConversationExtensivePageSchema, { priority, notFoundAsNull: true });
    if (!plain) return null;
    // The plain object has no attendees: the call's owner (user_guid) is who it belongs to, as the sync reads it.
    const one = parseRecords(salesloftConversationSchema, [plain.data], () => providerCallId);
    const conv = one.records[0];
    return { call: conv ? mapSalesloftConversation(conv, noCrm, appUrl) : null, recorded: true, status: null, invalidField: one.skipped[0]?.field ?? null };
  }
}
