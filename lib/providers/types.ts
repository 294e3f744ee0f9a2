// The provider interface the sync engine programs against. Every provider difference (auth style,
// paging, batching, rate limits, time units) lives behind it; the engine never branches on provider.
// Types only: safe to import from anywhere.
import type { CanonicalCall, CanonicalTranscript, ProviderId, ProviderUserRecord, Recording } from "./canonical";
import type { CrmId } from "./crm/types";
import type { SkippedRecord } from "./parse";

export type { ProviderId } from "./canonical";
/** A call recorder or a CRM (the Prisma `Provider` enum): what the HTTP path, OAuth and the gate accept. */
export type AnyProviderId = ProviderId | CrmId;

// ---------------------------------------------------------------------------------------------
// Injected dependencies
// ---------------------------------------------------------------------------------------------

/** Who is asking: interactive (a person is waiting) > poll (every 2 h) > backfill (bulk history). */
export type RequestPriority = "interactive" | "poll" | "backfill";

export interface GateAcquire {
  provider: AnyProviderId;
  /** Stable label such as "POST /v2/calls/extensive", for metrics. */
  endpoint: string;
  /** Units this request spends: 1 for request-counted APIs, the endpoint cost for Salesloft. */
  cost: number;
  priority: RequestPriority;
  signal?: AbortSignal;
}

export interface GateReport {
  provider: AnyProviderId;
  endpoint: string;
  cost: number;
  /** HTTP status, or 0 when the request failed before a response (network error, timeout). */
  status: number;
  headers: Headers;
  /** Parsed Retry-After (ms) when the provider sent one. */
  retryAfterMs: number | null;
}

/**
 * Every HTTP request to a provider API passes through the gate: `acquire` before sending (may wait),
 * `report` after the response. The production gate is the shared, Postgres-backed limiter; tests and
 * dev use `createInMemoryGate` from ./memory.
 */
export interface RequestGate {
  acquire(request: GateAcquire): Promise<void>;
  report(response: GateReport): void | Promise<void>;
}

export interface OAuthCredentials {
  kind: "oauth";
  accessToken: string;
  refreshToken: string | null;
  /** ISO-8601; null when the provider did not say. */
  expiresAt: string | null;
  /** Gong: api_base_url_for_customer; Salesforce: instance_url. Every API call must go there. */
  apiBaseUrl: string | null;
  scope: string | null;
}

export interface ApiKeyCredentials {
  kind: "apiKey";
  apiKey: string;
  apiSecret: string;
}

export type ProviderCredentials = OAuthCredentials | ApiKeyCredentials;

/**
 * Credentials of one integration. `withRefreshLock` serializes refreshes per integration across
 * processes (the DB version takes a row lock / advisory lock): inside it the client re-reads the
 * credentials with `get()`, and refreshes only if nobody else already did, so a single-use refresh
 * token is never spent twice.
 */
export interface CredentialStore {
  get(): Promise<ProviderCredentials>;
  update(next: ProviderCredentials): Promise<void>;
  withRefreshLock<T>(fn: () => Promise<T>): Promise<T>;
}

export interface RetryPolicy {
  /** Attempts in total for 5xx / network errors / timeouts before TRANSIENT. */
  maxAttempts: number;
  /** First backoff delay; doubled each attempt (with jitter), capped by maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** 429s retried (honouring Retry-After) before RATE_LIMITED is thrown. */
  maxRateLimitRetries: number;
  /** A Retry-After longer than this is not waited out in-process: RATE_LIMITED is thrown at once. */
  maxRetryAfterMs: number;
  /** Per-request timeout. */
  timeoutMs: number;
}

export interface ProviderDeps {
  /** Required for API calls; the OAuth connect step (authorizationUrl / exchangeCode) works without. */
  credentials?: CredentialStore;
  /** Defaults to an in-memory gate built from describe().rateLimit. */
  gate?: RequestGate;
  fetch?: typeof fetch;
  /** Aborts in-flight and future requests (disconnect). Rejections carry the signal's reason. */
  signal?: AbortSignal;
  retry?: Partial<RetryPolicy>;
  now?: () => Date;
  /** Injectable for tests; must reject when the signal aborts. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /**
   * Reference lookups (Salesloft opportunity/account CRM ids) shared by every client of one
   * integration, so a backfill looks each object up once instead of once per page. Defaults to a
   * cache of this client's own.
   */
  lookupCache?: Map<string, Promise<unknown>>;
}

/** Caller-supplied configuration (from lib/env.ts in the app, from the simulator in tests). */
export interface ProviderClientConfig {
  /** API base URL (Gong: fallback when the token carries no api_base_url_for_customer; Salesforce: the stored instance_url, "" before connecting). */
  apiBaseUrl: string;
  /** OAuth host (Gong / Salesloft / HubSpot; Salesforce: the login host the admin chose). */
  oauthBaseUrl?: string;
  clientId?: string;
  clientSecret?: string;
  redirectUri?: string;
  scopes?: string[];
  /** Salesloft: web app host used to build call links. */
  appUrl?: string;
  /**
   * Where the token response's API base URL may point (lib/providers/trusted-host.ts entries); unset:
   * the registry's OAuthSpec.apiBaseUrlHosts (the provider's own domain).
   */
  apiHosts?: readonly string[];
}

// ---------------------------------------------------------------------------------------------
// Provider description (everything the engine needs to plan work without branching)
// ---------------------------------------------------------------------------------------------

export interface RateLimitWindow {
  limit: number;
  windowMs: number;
  /** rolling: sliding window; utcDay / utcWeekSunday: calendar buckets in GMT. */
  align: "rolling" | "utcDay" | "utcWeekSunday";
}

export interface RateLimitPolicy {
  /** What `limit` counts: requests, or Salesloft-style endpoint cost units. */
  unit: "request" | "cost";
  /** Per company / team / API key: shared by every worker of one integration. */
  windows: readonly RateLimitWindow[];
  /**
   * Headers carrying live budget information, if any. `remainingWindowMs`: the `remaining` header counts
   * down a fixed window of this length on the provider's clock (read from the response's Date header),
   * shared with the customer's other tools (Salesloft's team-wide minute); the shared limiter then waits
   * for that window to reset when the header says less is left than the next request costs.
   */
  headers: { cost?: string; remaining?: string; remainingWindowMs?: number; retryAfter: string };
}

export interface ProviderDescription {
  provider: ProviderId;
  displayName: string;
  auth: "oauth2" | "apiKey";
  rateLimit: RateLimitPolicy;
  /** Calls per listCalls page. */
  pageSize: number;
  /** True when one request returns transcripts of many calls. */
  supportsBatchTranscripts: boolean;
  /** Max call ids per fetchTranscripts() call that the client turns into ONE request (1 = per call). */
  maxTranscriptBatch: number;
  /** True when fetchTranscripts also returns summary / action items (CanonicalTranscript.details). */
  transcriptIncludesDetails: boolean;
  /** What listCalls' [from, to) window filters on. */
  listWindowField: "startedAt" | "updatedAt" | "modifiedAt";
  /** Typical lag after a call ends before it is listed / before its transcript is ready. */
  callLagMs: number;
  /**
   * Each poll re-reads this much before the last successful sync: a call listed late (after a poll whose
   * window already covered its start) is still picked up.
   */
  pollOverlapMs: number;
  /**
   * Days a daily re-scan reads again (0: none): for providers whose window is the call's time, fields filled
   * in after the call left the poll overlap (AI brief, CRM context), privacy changes and deletions only show
   * there. Providers windowed on modified time list every change in their polls anyway.
   */
  rescanDays: number;
  transcriptLagMs: number;
  /**
   * What a per-user listing (listCalls with `user`) filters on: the call's host/owner (Gong, Salesloft), or its
   * participants (Clari). "host": a call hosted by a provider user outside the workspace never shows up in a
   * workspace user's listing, so the backfill adds one pass over those hosts (listOutsideHostedCalls).
   */
  userListingBy: "host" | "participant";
  /**
   * The outside-hosts pass ("host" providers): how many hosts one listing filter names at most (more, and the
   * pass lists company-wide and drops the calls workspace users host), and how many time slices of the window
   * one page reads side by side.
   */
  outsideHosts: { maxHostsPerFilter: number; slices: number } | null;
  /** Lifetime of signed recording URLs, null when unknown. */
  recordingUrlTtlMs: number | null;
  /** Refresh tokens are consumed by use (Gong) or rotated (Salesloft). */
  refreshTokenRotates: boolean;
}

// ---------------------------------------------------------------------------------------------
// Operations
// ---------------------------------------------------------------------------------------------

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** Opaque resume point returned with every page; store it (UserSync.checkpoint) and pass it back. */
export interface CallsCheckpoint {
  provider: ProviderId;
  v: 1;
  state: { [key: string]: JsonValue };
}

export interface CallOptions {
  priority?: RequestPriority;
}

export interface ListCallsParams extends CallOptions {
  /** Inclusive start of the window (see describe().listWindowField). */
  from: Date;
  /** Exclusive end of the window. */
  to: Date;
  /** Restrict to one provider user's calls (per-user backfill). Omit for the whole company. */
  user?: { providerUserId: string; email?: string | null } | null;
  /** Resume point from the previous page; omit/null to start the window. */
  checkpoint?: CallsCheckpoint | null;
  /**
   * Polls: of these listed calls, the ones already stored at this very version (the listing's change marker,
   * CanonicalCall.providerUpdatedAt). A client that spends requests on each listed call after the listing
   * (details, CRM lookups) spends none on those and leaves them out of the page: the poll's overlap then costs
   * the listing only. Unset (backfills, the re-scan, which must see every call): every call is read in full.
   */
  storedAt?: (listed: Array<{ providerCallId: string; updatedAt: Date }>) => Promise<Set<string>>;
}

/** The backfill's pass over calls hosted outside the workspace (describe().userListingBy === "host"). */
export interface OutsideHostedCallsParams extends CallOptions {
  /** Inclusive start of the window (see describe().listWindowField). */
  from: Date;
  /** Exclusive end of the window. */
  to: Date;
  /** Provider users with no workspace user: the hosts this pass lists. */
  outsideHostIds: string[];
  /** Provider users matched to workspace users: their own listings bring the calls they host. */
  workspaceUserIds: string[];
  /** Workspace users' emails, lower-case: with workspaceUserIds, who makes a call worth keeping. */
  workspaceEmails: string[];
  /** Resume point from the previous page; omit/null to start the window. */
  checkpoint?: CallsCheckpoint | null;
}

export interface CallPage {
  calls: CanonicalCall[];
  /** Pass back to get the next page; null when the window is exhausted. */
  checkpoint: CallsCheckpoint | null;
  /** Records on this page that failed validation: not in `calls`, the page and the window move on anyway. */
  skipped?: SkippedRecord[];
}

export interface ConnectResult {
  credentials: ProviderCredentials;
  /** Gong's per-tenant API base URL; null for other providers. */
  apiBaseUrl: string | null;
  tokenExpiresAt: Date | null;
  scope: string | null;
}

export interface ProviderClient {
  readonly provider: ProviderId;
  describe(): ProviderDescription;

  /** OAuth providers: the consent URL to open in a new tab. Clari: throws CONFIG. */
  /** `codeVerifier`: PKCE, used only where the registry says the provider accepts it. */
  authorizationUrl(params: { state: string; redirectUri?: string; codeVerifier?: string | null }): string;
  /** OAuth providers: exchanges the callback code. Bad/expired code -> INVALID_CREDENTIALS. */
  exchangeCode(params: { code: string; redirectUri?: string; codeVerifier?: string | null }): Promise<ConnectResult>;
  /** API-key providers: checks a key/secret against the provider before saving. Invalid -> INVALID_CREDENTIALS. */
  verifyCredentials(credentials: ApiKeyCredentials): Promise<ConnectResult>;
  /** Forces a refresh (serialized through CredentialStore.withRefreshLock). invalid_grant -> AUTH_REVOKED. */
  refreshCredentials(): Promise<ProviderCredentials>;

  listUsers(options?: CallOptions): Promise<ProviderUserRecord[]>;
  /** One page of calls (with participants and CRM context) plus the checkpoint for the next one. */
  listCalls(params: ListCallsParams): Promise<CallPage>;
  /**
   * One page of the calls hosted by `outsideHostIds` (or, with more hosts than one filter takes, by anyone but
   * `workspaceUserIds`) that have a workspace user among their participants; the others are left out before any
   * further request is spent on them. Required where describe().userListingBy is "host".
   */
  listOutsideHostedCalls?(params: OutsideHostedCallsParams): Promise<CallPage>;
  /**
   * Transcripts for up to describe().maxTranscriptBatch calls per request (larger inputs are split).
   * Returns one entry per requested id, in the same order; not-ready transcripts are PENDING.
   */
  fetchTranscripts(providerCallIds: string[], options?: CallOptions): Promise<CanonicalTranscript[]>;
  /** Fresh signed recording URLs for one call. */
  fetchRecording(providerCallId: string, options?: CallOptions): Promise<Recording>;
  /**
   * One call by the provider's id, in ONE request ("Why isn't my call here?", lib/calls/why-call.ts); null when
   * the provider does not list it (yet). Optional: a provider without a by-id read is answered from stored data.
   */
  lookupCall?(providerCallId: string, options?: CallOptions): Promise<CallLookup | null>;
}

/** What the provider says about one call, read by its id. */
export interface CallLookup {
  /** The call as the provider describes it; null when it failed validation (see invalidField). */
  call: CanonicalCall | null;
  /** False when the entry is no recording (a meeting nobody recorded): the sync leaves it out. */
  recorded: boolean;
  /** The provider's own status of the entry (Clari's CallStatus), when it has one. */
  status: string | null;
  /** When the record fails validation: the field at fault (the sync skips it the same way). */
  invalidField: string | null;
}
