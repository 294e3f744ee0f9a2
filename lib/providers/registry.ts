// The one place that says which providers exist and what each one is: id (= Prisma `Provider` enum
// value), URL slug, names, auth kind, OAuth settings, rate limits and the other facts the engine plans
// with, the env vars of its configuration and where the simulator serves it.
// Display-safe: no server-only import and no client classes, so client components read it too. The
// client factory map (server-only) is lib/providers/index.ts; it is typed so that every id here has
// exactly one factory.
//
// A new provider: its folder under lib/providers/<slug>/ (client, mapper, schemas), one entry below, one
// value in the Prisma `Provider` enum (+ migration), its factory in lib/providers/index.ts, its
// simulator under dev/simulators/providers/ (+ its line in dev/simulators/server.ts), and its env vars
// in lib/env.ts's schema (the names below).
import { z } from "zod";
import type { Provider } from "@/lib/generated/prisma/enums";
import type { ProviderDescription, RateLimitPolicy, RateLimitWindow } from "./types";

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
 * Conversations per Salesloft listing page. The API allows 100, but every conversation costs about six
 * more requests (/extensive, sentence pages, CRM lookups), and the engine handles one listing page per
 * durable step: 100 conversations under the 600/min budget shared by several workers took over five
 * minutes, past a step's request timeout. 25 keeps a step near a minute for 0.03 extra requests per call.
 */
const SALESLOFT_CONVERSATIONS_PAGE_SIZE = 25;

/** In display order (catalog cards). */
export const PROVIDER_LIST = [
  {
    id: "GONG",
    slug: "gong",
    displayName: "Gong",
    description: "Calls, transcripts, AI briefs and CRM context from Gong. Connect via OAuth.",
    tone: "indigo",
    auth: "oauth",
    oauth: {
      authorizePath: "/oauth2/authorize",
      tokenPath: "/oauth2/generate-customer-token",
      scopes: ["api:users:read", "api:calls:read:basic", "api:calls:read:extensive", "api:calls:read:media-url", "api:calls:read:transcript"],
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
    },
    simulator: { oauth: "/gong", api: "/gong-api", tenantInApiPath: true },
    accountLabel: gongAccountLabel,
  },
  {
    id: "SALESLOFT",
    slug: "salesloft",
    displayName: "Salesloft",
    description: "Conversations, transcripts, summaries and action items from Salesloft. Connect via OAuth.",
    tone: "green",
    auth: "oauth",
    oauth: {
      authorizePath: "/oauth/authorize",
      tokenPath: "/oauth/token",
      scopes: ["conversations:read", "calls:read", "team:read", "opportunities:read", "accounts:read"],
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
        headers: { cost: "x-ratelimit-endpoint-cost", remaining: "x-ratelimit-remaining-minute", retryAfter: "retry-after" },
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
    },
    simulator: { oauth: "/salesloft", api: "/salesloft-api", tenantInApiPath: false },
    accountLabel: () => "Salesloft team",
  },
  {
    id: "CLARI",
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

// The registry ids are exactly the Prisma `Provider` enum values (a missing or extra one is a type error).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const registryMatchesPrismaEnum: Same<ProviderId, Provider> = true;
void registryMatchesPrismaEnum;

export const providerSlugSchema = z.enum(PROVIDER_SLUGS);

export function providerSpec<K extends ProviderId>(id: K): ProviderSpec<K> {
  return PROVIDER_SPECS[id] as unknown as ProviderSpec<K>;
}

/** The provider a URL slug names, or null (route params, pages). */
export function providerFromSlug(slug: string): ProviderId | null {
  return PROVIDER_LIST.find((p) => p.slug === slug)?.id ?? null;
}

export const providerName = (id: ProviderId): string => PROVIDER_SPECS[id].displayName;

/** The provider a ProviderError's `provider` label (its display name, or id) names; null when none. */
export function providerIdOf(label: string): ProviderId | null {
  return PROVIDER_LIST.find((p) => p.displayName === label || p.id === label || p.slug === label)?.id ?? null;
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

/** The OAuth settings of an OAuth provider (throws for an API-key provider: a programming error). */
export function oauthSpec(id: ProviderId): OAuthSpec {
  const spec = providerSpec(id);
  if (!spec.oauth) throw new Error(`${spec.displayName} does not connect with OAuth`);
  return spec.oauth;
}
