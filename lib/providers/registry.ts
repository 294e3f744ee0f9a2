// The one place that says which providers exist and what each one is: id (= Prisma `Provider` enum
// value), URL slug, names, auth kind, OAuth settings, rate limits and the other facts the engine plans
// with, the env vars of its configuration and where the simulator serves it.
// Display-safe: no server-only import and no client classes, so client components read it too. The
// client factory map (server-only) is lib/providers/index.ts; it is typed so that every id here has
// exactly one factory.
//
// Two kinds of provider live here: call recorders (PROVIDER_LIST: Gong, Salesloft, Clari; `ProviderId`,
// PROVIDER_IDS etc. keep meaning recorders, so the call-sync engine, catalog and poll scheduler see only
// them) and CRMs (CRM_LIST: HubSpot, Salesforce; `CrmId`). Both are values of the Prisma `Provider` enum
// (`AnyProviderId`): a CRM connection is an Integration row like a recorder's.
//
// A new provider: its folder under lib/providers/<slug>/ (client, mapper, schemas), one entry below, one
// value in the Prisma `Provider` enum (+ migration), its factory in lib/providers/index.ts, its
// simulator under dev/simulators/providers/ (+ its line in dev/simulators/server.ts), and its env vars
// in lib/env.ts's schema (the names below).
import { z } from "zod";
import type { Provider } from "@/lib/generated/prisma/enums";
import type { CrmId, CrmObject } from "./crm/types";
import type { ProviderDescription, RateLimitPolicy, RateLimitWindow } from "./types";

export type { CrmId, CrmObject };

/** What a provider is to Callsync: a call recorder (calls, transcripts) or a CRM (deals, accounts, contacts). */
export type ProviderKind = "recorder" | "crm";

/** How a provider's OAuth authorization-code flow is driven (lib/providers/oauth.ts reads this). */
export interface OAuthSpec {
  /** Paths on the OAuth host (env `oauthBaseUrl`). */
  authorizePath: string;
  tokenPath: string;
  scopes: readonly string[];
  /** How the client authenticates at the token endpoint (RFC 6749 2.3.1). */
  tokenAuth: "client_secret_basic" | "client_secret_post";
  /** The provider documents the grant parameters on the token URL's query string (sent in the body too). */
  tokenParamsOnQuery: boolean;
  /**
   * PKCE (S256) is sent only where the provider's documentation says it accepts it. Neither Gong's nor
   * Salesloft's OAuth documentation mentions PKCE (and Nango disables it for Gong), so both are false.
   */
  pkce: boolean;
  /** Token-response field holding the tenant's API base URL (Gong's api_base_url_for_customer). */
  apiBaseUrlField: string | null;
  /**
   * Where that field may point (lib/providers/trusted-host.ts entries): the provider's own domain. The
   * env var `env.apiHosts` replaces the list (the simulators' origin in development and tests).
   */
  apiBaseUrlHosts: readonly string[];
  /** Refresh tokens are consumed by use (Gong: single-use, Salesloft: rotating): always store the new one. */
  refreshTokenRotates: boolean;
  /**
   * Which host serves `tokenPath`: the OAuth host (default) or the API host (HubSpot: consent on
   * app.hubspot.com, tokens on api.hubapi.com).
   */
  tokenHost?: "oauth" | "api";
}

/** Env var names of a provider's configuration (lib/env.ts validates them; lib/sync/clients.ts reads them). */
export interface ProviderEnvNames {
  apiBaseUrl: string;
  oauthBaseUrl?: string;
  clientId?: string;
  clientSecret?: string;
  /** Allowed hosts of the API base URL the token response names (replaces OAuthSpec.apiBaseUrlHosts). */
  apiHosts?: string;
}

/** Where dev/simulators serves this provider (paths below the simulator's base URL). */
export interface SimulatorMount {
  /** OAuth host path, e.g. "/gong" (consent page and token endpoint below it). */
  oauth: string | null;
  /** API path; Gong's API is per tenant: "/gong-api/<tenant>". */
  api: string;
  tenantInApiPath: boolean;
}

type Facts = Omit<ProviderDescription, "provider" | "displayName" | "auth" | "refreshTokenRotates">;

interface ProviderSpecBase<Id extends string, Slug extends string> {
  id: Id;
  slug: Slug;
  kind: "recorder";
  displayName: string;
  /** One line on the integration card. */
  description: string;
  /** Badge colour of the provider in call lists. */
  tone: "indigo" | "green" | "blue";
  env: ProviderEnvNames;
  envDefaults: { apiBaseUrl: string; oauthBaseUrl?: string };
  facts: Facts;
  simulator: SimulatorMount;
  /** "Account" shown on the integration once connected. */
  accountLabel: (connected: { apiBaseUrl: string | null; apiKey?: string | null }) => string;
}

export type ProviderSpec<Id extends string = string, Slug extends string = string> =
  (ProviderSpecBase<Id, Slug> & { auth: "oauth"; oauth: OAuthSpec }) | (ProviderSpecBase<Id, Slug> & { auth: "apiKey"; oauth: null });

const HOUR = 3_600_000;

/** A request-counted limit: N per second (rolling) plus one calendar quota; Retry-After on 429. */
function requestLimit(perSecond: number, quota: RateLimitWindow): RateLimitPolicy {
  return { unit: "request", windows: [{ limit: perSecond, windowMs: 1_000, align: "rolling" }, quota], headers: { retryAfter: "retry-after" } };
}

function gongAccountLabel({ apiBaseUrl }: { apiBaseUrl: string | null }): string {
  if (!apiBaseUrl) return "Gong";
  try {
    const u = new URL(apiBaseUrl);
    const tenant = u.pathname.split("/").filter(Boolean).pop();
    return `Gong · ${u.hostname.includes("gong.io") ? u.hostname.split(".")[0] : (tenant ?? u.hostname)}`;
  } catch {
    return "Gong";
  }
}

/**
 * Conversations per Salesloft listing page. The API allows 100, but every conversation costs more requests
 * (/extensive, the transcript, CRM lookups: about two with the transcription artifact, about six where the
 * team lacks the Download Conversations permission and sentences are paged), and the engine handles one
 * listing page per durable step: 100 conversations under the 600/min budget shared by several workers took
 * over five minutes, past a step's request timeout. 25 keeps a step near a minute for 0.03 extra requests per call.
 */
const SALESLOFT_CONVERSATIONS_PAGE_SIZE = 25;

/** In display order (catalog cards). */
export const PROVIDER_LIST = [
  {
    id: "GONG",
    kind: "recorder",
    slug: "gong",
    displayName: "Gong",
    description: "Calls, transcripts, AI briefs and CRM context from Gong. Connect via OAuth.",
    tone: "indigo",
    auth: "oauth",
    oauth: {
      authorizePath: "/oauth2/authorize",
      tokenPath: "/oauth2/generate-customer-token",
      // Only what the client calls (issue 16.9; scopes per endpoint from the official spec): GET /v2/users
      // (users:read), POST /v2/calls/extensive (extensive, + media-url for exposedFields.media), POST
      // /v2/calls/transcript (transcript). No GET /v2/calls, so no api:calls:read:basic.
      scopes: ["api:users:read", "api:calls:read:extensive", "api:calls:read:media-url", "api:calls:read:transcript"],
      tokenAuth: "client_secret_basic",
      tokenParamsOnQuery: true,
      pkce: false,
      apiBaseUrlField: "api_base_url_for_customer",
      // Gong's tenant hosts look like https://us-49467.api.gong.io (../shared/provider-apis/NOTES.md).
      apiBaseUrlHosts: ["*.gong.io"],
      refreshTokenRotates: true,
    },
    env: {
      apiBaseUrl: "GONG_API_BASE_URL",
      oauthBaseUrl: "GONG_OAUTH_BASE_URL",
      clientId: "GONG_CLIENT_ID",
      clientSecret: "GONG_CLIENT_SECRET",
      apiHosts: "GONG_API_HOSTS",
    },
    envDefaults: { apiBaseUrl: "https://api.gong.io", oauthBaseUrl: "https://app.gong.io" },
    facts: {
      // 3 requests/s and 10,000/day per company.
      rateLimit: requestLimit(3, { limit: 10_000, windowMs: 86_400_000, align: "utcDay" }),
      pageSize: 100,
      supportsBatchTranscripts: true,
      maxTranscriptBatch: 100,
      transcriptIncludesDetails: false,
      listWindowField: "startedAt",
      // Gong lists some calls up to a day after they end, then fills in brief, key points, action items and
      // CRM context later still (../shared/provider-apis/NOTES.md 1.4, "Reported problems"). The window is
      // the call's time, so polls re-read two days and a daily re-scan reads two weeks (Nango's 14-day
      // overlap, PR #356 "fix missing sync calls"; Fivetran re-imports calls weekly for updates and deletes).
      callLagMs: 24 * HOUR,
      pollOverlapMs: 48 * HOUR,
      rescanDays: 14,
      transcriptLagMs: 24 * HOUR,
      // Gong's signed media URLs last 8 hours.
      recordingUrlTtlMs: 8 * HOUR,
      // The extensive filter has dates, workspace, call ids and primary users (hosts), no participant: calls
      // hosted outside the workspace come from one more listing, its window read in 4 slices side by side
      // (3 requests/s). The spec sets no length on primaryUserIds; past 100 hosts the pass lists company-wide.
      userListingBy: "host",
      outsideHosts: { maxHostsPerFilter: 100, slices: 4 },
    },
    simulator: { oauth: "/gong", api: "/gong-api", tenantInApiPath: true },
    accountLabel: gongAccountLabel,
  },
  {
    id: "SALESLOFT",
    kind: "recorder",
    slug: "salesloft",
    displayName: "Salesloft",
    description: "Conversations, transcripts, summaries and action items from Salesloft. Connect via OAuth.",
    tone: "green",
    auth: "oauth",
    oauth: {
      authorizePath: "/oauth/authorize",
      tokenPath: "/oauth/token",
      // Only what the client calls (issue 16.9): conversations, their recordings and transcriptions
      // (conversations:read), /v2/users (team:read), /v2/opportunities and /v2/accounts for CRM ids. No
      // calls:read: that is the dialer's call log (/v2/activities/calls), which Callsync never reads.
      scopes: ["conversations:read", "team:read", "opportunities:read", "accounts:read"],
      tokenAuth: "client_secret_post",
      tokenParamsOnQuery: false,
      pkce: false,
      apiBaseUrlField: null,
      apiBaseUrlHosts: [],
      refreshTokenRotates: true,
    },
    env: {
      apiBaseUrl: "SALESLOFT_API_BASE_URL",
      oauthBaseUrl: "SALESLOFT_OAUTH_BASE_URL",
      clientId: "SALESLOFT_CLIENT_ID",
      clientSecret: "SALESLOFT_CLIENT_SECRET",
    },
    envDefaults: { apiBaseUrl: "https://api.salesloft.com", oauthBaseUrl: "https://accounts.salesloft.com" },
    facts: {
      rateLimit: {
        unit: "cost",
        windows: [{ limit: 600, windowMs: 60_000, align: "rolling" }],
        // The budget is the team's, shared with the customer's other tools: `x-ratelimit-remaining-minute` is
        // what is left of this minute for everyone (developers.salesloft.com rate-limits; the Singer taps
        // pace from it and the Date header's seconds), so the limiter waits for the minute when it runs low.
        headers: { cost: "x-ratelimit-endpoint-cost", remaining: "x-ratelimit-remaining-minute", remainingWindowMs: 60_000, retryAfter: "retry-after" },
      },
      pageSize: SALESLOFT_CONVERSATIONS_PAGE_SIZE,
      supportsBatchTranscripts: false,
      maxTranscriptBatch: 1,
      transcriptIncludesDetails: false,
      listWindowField: "updatedAt",
      callLagMs: HOUR,
      // Windowed on updated_at: a late conversation or a later change is listed by the next poll.
      pollOverlapMs: 6 * HOUR,
      rescanDays: 0,
      transcriptLagMs: 24 * HOUR,
      recordingUrlTtlMs: null,
      // The conversation list filters by owner (user_guids, owner_ids), never by attendee, and attendees are only
      // in /extensive: the outside-hosts pass reads one /extensive per conversation those owners hold. One slice:
      // the listing pages by updated_at from a cursor, and the 600/min budget is the bound, not latency.
      userListingBy: "host",
      outsideHosts: { maxHostsPerFilter: 100, slices: 1 },
    },
    simulator: { oauth: "/salesloft", api: "/salesloft-api", tenantInApiPath: false },
    accountLabel: () => "Salesloft team",
  },
  {
    id: "CLARI",
    kind: "recorder",
    slug: "clari",
    displayName: "Clari Copilot",
    description: "Calls, transcripts and summaries from Clari Copilot. Connect with an API key and secret.",
    tone: "blue",
    auth: "apiKey",
    oauth: null,
    env: { apiBaseUrl: "CLARI_API_BASE_URL" },
    envDefaults: { apiBaseUrl: "https://rest-api.copilot.clari.com" },
    facts: {
      // 10 requests/s and 100,000 a week (the week starts Sunday 00:00 GMT).
      rateLimit: requestLimit(10, { limit: 100_000, windowMs: 7 * 86_400_000, align: "utcWeekSunday" }),
      // Clari staff advise limit=25: responses over 6 MB come back as 502.
      pageSize: 25,
      supportsBatchTranscripts: false,
      maxTranscriptBatch: 1,
      transcriptIncludesDetails: true,
      listWindowField: "modifiedAt",
      callLagMs: HOUR,
      // Windowed on last_modified_time (status changes): processing that finishes later is listed again.
      pollOverlapMs: 6 * HOUR,
      rescanDays: 0,
      transcriptLagMs: 24 * HOUR,
      // Clari's signed audio/video URLs last 4 hours.
      recordingUrlTtlMs: 4 * HOUR,
      // /calls?userId= lists the calls a user took part in: nothing hosted outside is missed.
      userListingBy: "participant",
      outsideHosts: null,
    },
    simulator: { oauth: null, api: "/clari-api", tenantInApiPath: false },
    accountLabel: ({ apiKey }) => (apiKey ? `Clari Copilot · key …${apiKey.slice(-4)}` : "Clari Copilot workspace"),
  },
] as const satisfies readonly ProviderSpec[];

type Entry = (typeof PROVIDER_LIST)[number];
export type ProviderId = Entry["id"];
export type ProviderSlug = Entry["slug"];

export const PROVIDER_IDS = PROVIDER_LIST.map((p) => p.id) as unknown as readonly [ProviderId, ...ProviderId[]];
export const PROVIDER_SLUGS = PROVIDER_LIST.map((p) => p.slug) as unknown as readonly [ProviderSlug, ...ProviderSlug[]];

/** Every entry by id, with its literal facts (providerSpec(id) gives the general ProviderSpec shape). */
export const PROVIDER_SPECS = Object.fromEntries(PROVIDER_LIST.map((p) => [p.id, p])) as unknown as { readonly [K in ProviderId]: Extract<Entry, { id: K }> };

export const providerSlugSchema = z.enum(PROVIDER_SLUGS);

export function providerSpec<K extends ProviderId>(id: K): ProviderSpec<K> {
  return PROVIDER_SPECS[id] as unknown as ProviderSpec<K>;
}

/** The provider a URL slug names, or null (route params, pages). */
export function providerFromSlug(slug: string): ProviderId | null {
  return PROVIDER_LIST.find((p) => p.slug === slug)?.id ?? null;
}

/** The display name of any provider, recorder or CRM. */
export const providerName = (id: AnyProviderId): string => anyProviderSpec(id).displayName;

/** The provider (recorder or CRM) a ProviderError's `provider` label (its display name, or id) names; null when none. */
export function providerIdOf(label: string): AnyProviderId | null {
  return ANY_PROVIDER_LIST.find((p) => p.displayName === label || p.id === label || p.slug === label)?.id ?? null;
}

/** What the sync engine plans with, without building a client (e.g. for the shared rate limiter). */
export function describeProvider(id: ProviderId): ProviderDescription {
  const p = providerSpec(id);
  return {
    provider: p.id,
    displayName: p.displayName,
    auth: p.auth === "oauth" ? "oauth2" : "apiKey",
    ...p.facts,
    rateLimit: p.facts.rateLimit,
    refreshTokenRotates: p.oauth?.refreshTokenRotates ?? false,
  };
}

/** The OAuth settings of an OAuth provider, recorder or CRM (throws for an API-key provider: a programming error). */
export function oauthSpec(id: AnyProviderId): OAuthSpec {
  const spec = anyProviderSpec(id);
  if (!spec.oauth) throw new Error(`${spec.displayName} does not connect with OAuth`);
  return spec.oauth;
}

// ---------------------------------------------------------------------------------------------
// CRMs
// ---------------------------------------------------------------------------------------------

/** Env var names of a CRM's configuration (lib/env.ts validates them; lib/crm reads them). */
export interface CrmEnvNames {
  /** HubSpot's API host. Salesforce has none: its API host is the token response's instance_url. */
  apiBaseUrl?: string;
  /** Consent host (HubSpot app host, Salesforce default login host). */
  oauthBaseUrl: string;
  clientId: string;
  clientSecret: string;
  /** Allowed hosts of the token response's API base URL (Salesforce instance_url), replacing OAuthSpec.apiBaseUrlHosts. */
  apiHosts?: string;
  /** Salesforce: the sandbox login host (test.salesforce.com), the admin's "Sandbox" choice. */
  sandboxLoginUrl?: string;
}

/** Where dev/simulators serves a CRM: its OAuth host and its API (Salesforce: one instance per org). */
export interface CrmSimulatorMount {
  oauth: string;
  /** Salesforce: the sandbox login host's mount. */
  sandboxOauth?: string;
  api: string;
  /** Salesforce: "/salesforce-api/<org>" is the instance_url. */
  tenantInApiPath: boolean;
}

/** What a record link needs besides the record id ("Open in Salesforce/HubSpot"). */
export interface CrmRecordContext {
  /** HubSpot hub (portal) id / Salesforce org id. */
  accountId: string | null;
  /** Salesforce instance_url (Integration.apiBaseUrl). */
  apiBaseUrl: string | null;
  /** HubSpot app host, when not the public one (the simulator). */
  appBaseUrl?: string | null;
}

export interface CrmSpec<Id extends CrmId = CrmId, Slug extends string = string> {
  id: Id;
  slug: Slug;
  kind: "crm";
  displayName: string;
  /** One line on the CRM card. */
  description: string;
  auth: "oauth";
  oauth: OAuthSpec;
  env: CrmEnvNames;
  envDefaults: { apiBaseUrl?: string; oauthBaseUrl: string; sandboxLoginUrl?: string };
  /** Per account (HubSpot portal / Salesforce org): shared by every worker through lib/sync/rate-limiter.ts. */
  rateLimit: RateLimitPolicy;
  /**
   * Salesforce: an admin picks the login host at connect: production (env oauthBaseUrl), sandbox (env
   * sandboxLoginUrl) or the org's My Domain, which must match one of `myDomainHosts` (trusted-host entries;
   * env apiHosts, when set, replaces them: the simulator). Null: the CRM has one fixed host.
   */
  loginHosts: { myDomainHosts: readonly string[] } | null;
  simulator: CrmSimulatorMount;
  /** The record's page in the CRM, or null when the context lacks what the link needs. */
  recordUrl: (object: CrmObject, crmId: string, ctx: CrmRecordContext) => string | null;
  /** "Account" shown on the CRM card once connected. */
  accountLabel: (info: { accountName: string | null; accountId: string | null }) => string;
}

const HUBSPOT_OBJECT_TYPE: Record<CrmObject, string> = { deal: "0-3", account: "0-2", contact: "0-1" };
const SALESFORCE_OBJECT: Record<CrmObject, string> = { deal: "Opportunity", account: "Account", contact: "Contact" };
const trimEnd = (s: string) => s.replace(/\/+$/, "");

/** In display order (the CRM cards). At most one of them is connected per workspace (lib/crm/connect.ts). */
export const CRM_LIST = [
  {
    id: "HUBSPOT",
    slug: "hubspot",
    kind: "crm",
    displayName: "HubSpot",
    description: "Deals, companies, contacts and owners from HubSpot. Read-only; connect via OAuth.",
    auth: "oauth",
    oauth: {
      authorizePath: "/oauth/authorize",
      // The token endpoint is on the API host (api.hubapi.com/oauth/v1/token), the consent page on app.hubspot.com.
      tokenPath: "/oauth/v1/token",
      tokenHost: "api",
      // Read scopes only; `oauth` is required of every public app.
      scopes: ["oauth", "crm.objects.deals.read", "crm.objects.companies.read", "crm.objects.contacts.read", "crm.objects.owners.read"],
      tokenAuth: "client_secret_post",
      tokenParamsOnQuery: false,
      // HubSpot's token endpoint documents code_verifier (PKCE) for the authorization-code grant.
      pkce: true,
      apiBaseUrlField: null,
      apiBaseUrlHosts: [],
      refreshTokenRotates: false,
    },
    env: {
      apiBaseUrl: "HUBSPOT_API_BASE_URL",
      oauthBaseUrl: "HUBSPOT_OAUTH_BASE_URL",
      clientId: "HUBSPOT_CLIENT_ID",
      clientSecret: "HUBSPOT_CLIENT_SECRET",
    },
    envDefaults: { apiBaseUrl: "https://api.hubapi.com", oauthBaseUrl: "https://app.hubspot.com" },
    // Public (OAuth) apps: 110 requests per 10 seconds per account; the daily cap is the account's (the
    // lowest tier's 250,000 here; the client reads X-HubSpot-RateLimit-Daily* for the real one). HubSpot's
    // day follows the account's time zone; counting UTC days is the approximation the limiter can make.
    rateLimit: {
      unit: "request",
      windows: [
        { limit: 110, windowMs: 10_000, align: "rolling" },
        { limit: 250_000, windowMs: 86_400_000, align: "utcDay" },
      ],
      headers: { remaining: "x-hubspot-ratelimit-remaining", retryAfter: "retry-after" },
    },
    loginHosts: null,
    simulator: { oauth: "/hubspot", api: "/hubspot-api", tenantInApiPath: false },
    recordUrl: (object, crmId, { accountId, appBaseUrl }) =>
      accountId
        ? `${trimEnd(appBaseUrl ?? "https://app.hubspot.com")}/contacts/${encodeURIComponent(accountId)}/record/${HUBSPOT_OBJECT_TYPE[object]}/${encodeURIComponent(crmId)}`
        : null,
    accountLabel: ({ accountName, accountId }) => (accountName ? `HubSpot · ${accountName}` : accountId ? `HubSpot · hub ${accountId}` : "HubSpot"),
  },
  {
    id: "SALESFORCE",
    slug: "salesforce",
    kind: "crm",
    displayName: "Salesforce",
    description: "Opportunities, accounts, contacts and contact roles from Salesforce. Read-only; connect via OAuth.",
    auth: "oauth",
    oauth: {
      authorizePath: "/services/oauth2/authorize",
      tokenPath: "/services/oauth2/token",
      // `api` is the narrowest scope that reads records (Salesforce has no read-only API scope; Callsync only
      // ever reads), `refresh_token` for offline access.
      scopes: ["api", "refresh_token"],
      tokenAuth: "client_secret_post",
      tokenParamsOnQuery: false,
      pkce: true,
      apiBaseUrlField: "instance_url",
      // My Domain instances (acme.my.salesforce.com, acme--dev.sandbox.my.salesforce.com) and legacy pods.
      apiBaseUrlHosts: ["*.salesforce.com"],
      // A refresh answers without a refresh_token unless the connected app rotates them: the stored one stays.
      refreshTokenRotates: false,
    },
    env: {
      oauthBaseUrl: "SALESFORCE_LOGIN_URL",
      clientId: "SALESFORCE_CLIENT_ID",
      clientSecret: "SALESFORCE_CLIENT_SECRET",
      apiHosts: "SALESFORCE_INSTANCE_HOSTS",
      sandboxLoginUrl: "SALESFORCE_SANDBOX_LOGIN_URL",
    },
    envDefaults: { oauthBaseUrl: "https://login.salesforce.com", sandboxLoginUrl: "https://test.salesforce.com" },
    // The org's daily API request limit (a rolling 24 h; the edition's base is 15,000 and up, read live from
    // Sforce-Limit-Info by the client), paced at ~10 requests a second so concurrency limits are never near.
    rateLimit: {
      unit: "request",
      windows: [
        { limit: 10, windowMs: 1_000, align: "rolling" },
        { limit: 15_000, windowMs: 86_400_000, align: "utcDay" },
      ],
      headers: { retryAfter: "retry-after" },
    },
    loginHosts: { myDomainHosts: ["*.my.salesforce.com"] },
    simulator: { oauth: "/salesforce", sandboxOauth: "/salesforce-test", api: "/salesforce-api", tenantInApiPath: true },
    recordUrl: (object, crmId, { apiBaseUrl }) =>
      apiBaseUrl ? `${trimEnd(apiBaseUrl)}/lightning/r/${SALESFORCE_OBJECT[object]}/${encodeURIComponent(crmId)}/view` : null,
    accountLabel: ({ accountName, accountId }) => (accountName ? `Salesforce · ${accountName}` : accountId ? `Salesforce · org ${accountId}` : "Salesforce"),
  },
] as const satisfies readonly CrmSpec[];

type CrmEntry = (typeof CRM_LIST)[number];
export type CrmSlug = CrmEntry["slug"];

export const CRM_IDS = CRM_LIST.map((p) => p.id) as unknown as readonly [CrmId, ...CrmId[]];
export const CRM_SLUGS = CRM_LIST.map((p) => p.slug) as unknown as readonly [CrmSlug, ...CrmSlug[]];
export const crmSlugSchema = z.enum(CRM_SLUGS);

/** Recorder ids, for filters on Integration rows read by recorder code (`provider: { in: RECORDER_IDS }`). */
export const RECORDER_IDS: readonly ProviderId[] = PROVIDER_IDS;

/** Every value of the Prisma `Provider` enum: a recorder or a CRM. */
export type AnyProviderId = ProviderId | CrmId;
export const ANY_PROVIDER_LIST = [...PROVIDER_LIST, ...CRM_LIST] as const;
export const ANY_PROVIDER_IDS = ANY_PROVIDER_LIST.map((p) => p.id) as unknown as readonly [AnyProviderId, ...AnyProviderId[]];

// The registry ids are exactly the Prisma `Provider` enum values (a missing or extra one is a type error).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const registryMatchesPrismaEnum: Same<AnyProviderId, Provider> = true;
void registryMatchesPrismaEnum;
// The CRM ids here are exactly the CRM interface's (lib/providers/crm/types.ts).
const crmIdsMatchInterface: Same<CrmEntry["id"], CrmId> = true;
void crmIdsMatchInterface;

export const CRM_SPECS = Object.fromEntries(CRM_LIST.map((p) => [p.id, p])) as unknown as { readonly [K in CrmId]: Extract<CrmEntry, { id: K }> };

export function crmSpec<K extends CrmId>(id: K): CrmSpec<K> {
  return CRM_SPECS[id] as unknown as CrmSpec<K>;
}

export const isCrm = (id: string): id is CrmId => (CRM_IDS as readonly string[]).includes(id);
export const isRecorder = (id: string): id is ProviderId => (PROVIDER_IDS as readonly string[]).includes(id);

/** The CRM a URL slug names, or null. */
export function crmFromSlug(slug: string): CrmId | null {
  return CRM_LIST.find((p) => p.slug === slug)?.id ?? null;
}

/** What every provider entry has, recorder or CRM (OAuth code, labels, errors). */
export type AnyProviderSpec = ProviderSpec | CrmSpec;

export function anyProviderSpec(id: AnyProviderId): AnyProviderSpec {
  return isCrm(id) ? crmSpec(id) : providerSpec(id);
}

/**
 * A recorder id from an Integration/Call row's provider, for recorder code (the call-sync engine, recording
 * links). A CRM id there is a programming error: recorder code reads only rows it filtered to RECORDER_IDS.
 */
export function recorderId(id: AnyProviderId): ProviderId {
  if (!isRecorder(id)) throw new Error(`${providerName(id)} is a CRM, not a call recorder`);
  return id;
}

/** The rate-limit policy of any provider (the shared limiter of its integration). */
export function rateLimitOf(id: AnyProviderId): RateLimitPolicy {
  return isCrm(id) ? crmSpec(id).rateLimit : providerSpec(id).facts.rateLimit;
}
