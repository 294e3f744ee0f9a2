// Simulator configuration: defaults mirror the real APIs; everything is overridable for tests.

import { PROVIDER_SLUGS, type ProviderSlug } from "../../lib/providers/registry";
import type { SalesforceSimOptions } from "./providers/salesforce";

/** Simulators are named by the registry's URL slugs (call recorders, then CRMs). */
export type SimProvider = ProviderSlug | "hubspot" | "salesforce";
export const SIM_PROVIDERS: SimProvider[] = [...PROVIDER_SLUGS, "hubspot", "salesforce"];

export interface SimLimits {
  gong: { perSecond: number; perDay: number };
  /**
   * Salesloft's team budget (600 cost per minute, fixed window). `otherToolCostPerWindow`: cost the
   * customer's other tools on the same team spend in each window (charged when the window opens, before
   * Callsync's first request in it, so a run is deterministic); Callsync sees it only in
   * `x-ratelimit-remaining-minute`.
   */
  salesloft: { costPerWindow: number; windowMs: number; otherToolCostPerWindow: number };
  clari: { perSecond: number; perWeek: number; maxPageSize: number };
  /**
   * HubSpot (OAuth app): per10s requests per account in any 10 s (search excluded), searchPerSecond for
   * the CRM search endpoints, perDay null = no daily limit (HubSpot documents none for OAuth calls, and
   * no X-HubSpot-RateLimit-Daily* headers); a number enforces one and sends the daily headers.
   */
  hubspot: { per10s: number; searchPerSecond: number; perDay: number | null };
}

export interface SimConfig {
  seed: number;
  callsPerUser: number;
  /**
   * Extra provider users who are also workspace users (`rep6@acme.test`, `rep7@acme.test`, ... after the
   * demo reps), appended after the demo users so benchmarks can run with up to 50 users. Default 0: the
   * demo roster only (and the same dataset as without the option).
   */
  extraWorkspaceUsers: number;
  /** Dataset reference time: calls spread over `historyDays` before it. ISO-8601. */
  anchor: string;
  historyDays: number;
  /** Fixed simulated "now" (ISO) or null for the real clock. Tokens, codes, visibility and transcripts use it. */
  now: string | null;
  /** A call is listed this long after it ends (~1 h for Gong). */
  callDelayMs: number;
  /** Its transcript is ready this long after it ends (~24 h). */
  transcriptDelayMs: number;
  /**
   * What real providers do late or leave out (default on): Gong lists ~15 % of calls 2-24 h after they end
   * and fills CRM context in on a quarter of its CRM calls up to two days after listing; ~30 % of phone
   * calls are Gong imports without `parties`; Salesloft's /extensive answers 404 for ~5 % of
   * conversations; Clari Copilot lists never-recorded and future calendar meetings besides recordings.
   * Off: every call is listed `callDelayMs` after it ends, with everything at once.
   */
  lateData: boolean;
  gongTokenTtlSec: number;
  salesloftTokenTtlSec: number;
  codeTtlMs: number;
  gongTenant: string;
  gong: { clientId: string; clientSecret: string };
  salesloft: { clientId: string; clientSecret: string };
  clari: { apiKey: string; apiSecret: string };
  /**
   * HubSpot portal: the OAuth app, its access-token lifetime (1800 s documented), the hub id, and
   * `portal` null = the demo portal (the demo deals, which the demo workspace imports) or sizes of a generated large portal.
   */
  hubspot: {
    clientId: string;
    clientSecret: string;
    tokenTtlSec: number;
    hubId: number;
    portal: { deals: number; companies: number; contacts: number } | null;
    /**
     * "It may take a few moments for newly created or updated CRM objects to appear in search results":
     * records changed within this many ms (simulated clock) are missing from search. 0 = indexed at once.
     */
    searchLagMs: number;
  };
  limits: SimLimits;
  /** Retry-After (s) sent with injected 429s unless the fault says otherwise. */
  faultRetryAfterSec: number;
  /** Salesforce simulator options (client app, daily limit, generated large org); defaults in providers/salesforce.ts. */
  salesforce?: Partial<SalesforceSimOptions>;
  /**
   * Network round trip added to every provider request (API and OAuth routes, not /__sim or /media): a uniform
   * value in [min, max] ms drawn per request in arrival order from a PRNG seeded by `seed`; half of it passes
   * before the simulator handles the request (the request leg, so rate limits see its jitter), the rest before
   * the response is sent. Default {min: 0, max: 0}: no delay.
   */
  latencyMs: { min: number; max: number };
}

export const SIM_DEFAULTS = {
  gong: { clientId: "sim-gong-client", clientSecret: "sim-gong-secret" },
  salesloft: { clientId: "sim-salesloft-client", clientSecret: "sim-salesloft-secret" },
  clari: { apiKey: "sim-clari-key", apiSecret: "sim-clari-secret" },
  hubspot: { clientId: "sim-hubspot-client", clientSecret: "sim-hubspot-secret" },
  salesforce: { clientId: "sim-salesforce-client", clientSecret: "sim-salesforce-secret" },
} as const;

export function defaultLimits(): SimLimits {
  return {
    gong: { perSecond: 3, perDay: 10_000 },
    salesloft: { costPerWindow: 600, windowMs: 60_000, otherToolCostPerWindow: 0 },
    clari: { perSecond: 10, perWeek: 100_000, maxPageSize: 25 },
    hubspot: { per10s: 110, searchPerSecond: 5, perDay: null },
  };
}

export function defaultConfig(): SimConfig {
  const hour = 3_600_000;
  return {
    seed: 42,
    callsPerUser: 40,
    extraWorkspaceUsers: 0,
    anchor: new Date(Math.floor(Date.now() / hour) * hour).toISOString(),
    historyDays: 730,
    now: null,
    callDelayMs: hour,
    transcriptDelayMs: 24 * hour,
    lateData: true,
    gongTokenTtlSec: 86_400,
    salesloftTokenTtlSec: 7_200,
    codeTtlMs: 10 * 60_000,
    gongTenant: "acme",
    gong: { ...SIM_DEFAULTS.gong },
    salesloft: { ...SIM_DEFAULTS.salesloft },
    clari: { ...SIM_DEFAULTS.clari },
    hubspot: { ...SIM_DEFAULTS.hubspot, tokenTtlSec: 1800, hubId: 48_205_117, portal: null, searchLagMs: 0 },
    limits: defaultLimits(),
    faultRetryAfterSec: 1,
    latencyMs: { min: 0, max: 0 },
  };
}

export type SimConfigInput = Partial<Omit<SimConfig, "limits" | "gong" | "salesloft" | "clari" | "hubspot">> & {
  limits?: { [P in keyof SimLimits]?: Partial<SimLimits[P]> };
  gong?: Partial<SimConfig["gong"]>;
  salesloft?: Partial<SimConfig["salesloft"]>;
  clari?: Partial<SimConfig["clari"]>;
  hubspot?: Partial<SimConfig["hubspot"]>;
};

export function mergeConfig(base: SimConfig, input: SimConfigInput = {}): SimConfig {
  const { limits, gong, salesloft, clari, hubspot, ...rest } = compactInput(input);
  const defined = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
  return {
    ...base,
    ...defined,
    gong: { ...base.gong, ...gong },
    salesloft: { ...base.salesloft, ...salesloft },
    clari: { ...base.clari, ...clari },
    hubspot: { ...base.hubspot, ...hubspot },
    limits: {
      gong: { ...base.limits.gong, ...limits?.gong },
      salesloft: { ...base.limits.salesloft, ...limits?.salesloft },
      clari: { ...base.limits.clari, ...limits?.clari },
      hubspot: { ...base.limits.hubspot, ...limits?.hubspot },
    },
  };
}

const num = (v: string | undefined) => (v === undefined || v === "" ? undefined : Number(v));

/** "50-150" (uniform in that range, ms) or "100" (always 100 ms) as a round-trip latency; "" / undefined: none given. */
export function parseLatency(v: string | undefined): SimConfig["latencyMs"] | undefined {
  if (v === undefined || v.trim() === "") return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(?:-\s*(\d+(?:\.\d+)?)\s*)?(?:ms)?\s*$/.exec(v);
  if (!m) throw new Error(`round-trip latency must look like "50-150" or "100" (ms), not "${v}"`);
  const min = Number(m[1]);
  const max = m[2] === undefined ? min : Number(m[2]);
  if (max < min) throw new Error(`round-trip latency "${v}": the upper bound is below the lower one`);
  return { min, max };
}

/** SIM_* environment variables (see simulators/README.md). */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): SimConfigInput {
  return {
    ...salesforceFromEnv(env),
    seed: num(env.SIM_SEED),
    callsPerUser: num(env.SIM_CALLS_PER_USER),
    extraWorkspaceUsers: num(env.SIM_EXTRA_WORKSPACE_USERS),
    anchor: env.SIM_ANCHOR || undefined,
    now: env.SIM_NOW || undefined,
    transcriptDelayMs: num(env.SIM_TRANSCRIPT_DELAY_MS),
    callDelayMs: num(env.SIM_CALL_DELAY_MS),
    latencyMs: parseLatency(env.SIM_LATENCY_MS),
    lateData: env.SIM_LATE_DATA === undefined || env.SIM_LATE_DATA === "" ? undefined : env.SIM_LATE_DATA !== "0",
    gongTokenTtlSec: num(env.SIM_GONG_TOKEN_TTL_SEC),
    salesloftTokenTtlSec: num(env.SIM_SALESLOFT_TOKEN_TTL_SEC),
    gongTenant: env.SIM_GONG_TENANT || undefined,
    gong: { ...(env.GONG_CLIENT_ID ? { clientId: env.GONG_CLIENT_ID } : {}), ...(env.GONG_CLIENT_SECRET ? { clientSecret: env.GONG_CLIENT_SECRET } : {}) },
    salesloft: {
      ...(env.SALESLOFT_CLIENT_ID ? { clientId: env.SALESLOFT_CLIENT_ID } : {}),
      ...(env.SALESLOFT_CLIENT_SECRET ? { clientSecret: env.SALESLOFT_CLIENT_SECRET } : {}),
    },
    hubspot: {
      ...(env.HUBSPOT_CLIENT_ID ? { clientId: env.HUBSPOT_CLIENT_ID } : {}),
      ...(env.HUBSPOT_CLIENT_SECRET ? { clientSecret: env.HUBSPOT_CLIENT_SECRET } : {}),
      ...(env.SIM_HUBSPOT_DEALS
        ? {
            portal: {
              deals: Number(env.SIM_HUBSPOT_DEALS),
              companies: Number(env.SIM_HUBSPOT_COMPANIES ?? 0),
              contacts: Number(env.SIM_HUBSPOT_CONTACTS ?? 0),
            },
          }
        : {}),
    },
    limits: {
      hubspot: { per10s: num(env.SIM_HUBSPOT_PER_10S), perDay: num(env.SIM_HUBSPOT_PER_DAY) },
      gong: { perSecond: num(env.SIM_GONG_PER_SECOND), perDay: num(env.SIM_GONG_PER_DAY) },
      salesloft: { costPerWindow: num(env.SIM_SALESLOFT_COST_PER_MINUTE), otherToolCostPerWindow: num(env.SIM_SALESLOFT_OTHER_TOOL_COST) },
      clari: { perSecond: num(env.SIM_CLARI_PER_SECOND), perWeek: num(env.SIM_CLARI_PER_WEEK) },
    },
  };
}

/** Drops undefined leaves so env-derived input does not erase defaults. */
export function compactInput(input: SimConfigInput): SimConfigInput {
  const clean = <T extends object>(o: T | undefined) => (o ? (Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T) : undefined);
  return {
    ...clean(input),
    gong: clean(input.gong),
    salesloft: clean(input.salesloft),
    clari: clean(input.clari),
    hubspot: clean(input.hubspot),
    limits: input.limits
      ? {
          gong: clean(input.limits.gong),
          salesloft: clean(input.limits.salesloft),
          clari: clean(input.limits.clari),
          hubspot: clean(input.limits.hubspot),
        }
      : undefined,
  };
}

/** SIM_SALESFORCE_DAILY_LIMIT, SIM_SALESFORCE_OPPORTUNITIES / _ACCOUNTS / _CONTACTS (generated large org). */
function salesforceFromEnv(env: NodeJS.ProcessEnv): Pick<SimConfigInput, "salesforce"> {
  const defined = <T extends object>(o: T) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
  const generated = defined({
    opportunities: num(env.SIM_SALESFORCE_OPPORTUNITIES),
    accounts: num(env.SIM_SALESFORCE_ACCOUNTS),
    contacts: num(env.SIM_SALESFORCE_CONTACTS),
  });
  const salesforce = defined({ dailyLimit: num(env.SIM_SALESFORCE_DAILY_LIMIT), ...(Object.keys(generated).length ? { generated } : {}) });
  return Object.keys(salesforce).length ? { salesforce: salesforce as SimConfigInput["salesforce"] } : {};
}
