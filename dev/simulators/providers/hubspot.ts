// HubSpot simulator: /hubspot (app host: consent page at /oauth/authorize, token endpoint) and
// /hubspot-api (api.hubapi.com: token endpoint and token info, account info, CRM objects v3 list /
// search / batch read, associations v4 batch read, pipelines, owners), built from HubSpot's developer docs:
//   OAuth (install URL, tokens, refresh, token info, errors):
//     https://developers.hubspot.com/docs/api-reference/legacy/authentication/oauth-tokens/v1/guide
//     https://developers.hubspot.com/docs/methods/OAuth2/refresh-access-token
//     https://developers.hubspot.com/docs/api-reference/legacy/authentication/oauth-tokens/v1/get-oauth-token-metadata
//     https://developers.hubspot.com/changelog/additional-details-returned-when-generating-oauth-access-tokens (hub_id, scopes)
//   Account info: https://developers.hubspot.com/docs/api-reference/latest/account/account-information/get-account-details
//   Objects: https://developers.hubspot.com/docs/api-reference/latest/crm/objects/deals/guide
//     (GET /crm/v3/objects/{type}: limit <= 100, after, properties, associations, archived)
//   Search: https://developers.hubspot.com/docs/api-reference/2026-03/crm/search-the-crm (limitations: 200 per
//     page, 10,000 results per query, 400 past it, archived records never returned, 5 requests/s)
//     https://developers.hubspot.com/changelog/breaking-change-expanded-filtering-capabilities-and-error-messaging-in-hubspots-search-api
//     (5 filter groups, 10 filters per group, 25 filters in all)
//   Associations v4 batch read (<= 1000 inputs):
//     https://developers.hubspot.com/docs/api-reference/legacy/crm/associations/associate-records/batch/get-associations
//     https://developers.hubspot.com/changelog/bug-fix-batch-read-limit-for-hubspot-associations-api
//   Pipelines: https://developers.hubspot.com/docs/api-reference/latest/crm/pipelines/guide
//   Owners: https://developers.hubspot.com/docs/api-reference/crm-crm-owners-v3/guide
//   Rate limits and headers: https://developers.hubspot.com/docs/developer-tooling/platform/usage-guidelines
//     (OAuth apps: 110 requests / 10 s per account, search excluded; X-HubSpot-RateLimit-Max / -Remaining /
//     -Interval-Milliseconds; the -Daily headers are not sent for OAuth calls; 429 body with errorType
//     RATE_LIMIT and policyName), https://developers.hubspot.com/changelog/rate-limit-headers-will-now-appear-for-oauth-authenticated-calls
//   401 for an expired token: {"status":"error","message":"The OAuth token used to make this call expired
//     N second(s) ago.","category":"EXPIRED_AUTHENTICATION",...} (as HubSpot answers, reported in public issues).
// Not documented, chosen here: Retry-After (seconds) on 429s; policyName "SECONDLY" for the search limit;
// the 10,000-ceiling error text; refresh/code error statuses follow what HubSpot returns in the wild
// (BAD_REFRESH_TOKEN, BAD_AUTH_CODE, ...) plus the RFC 6749 error field.
import { randomUUID } from "node:crypto";
import { crmSpec, oauthSpec } from "../../../lib/providers/registry";
import { type ProviderSim, type Route, type SimRequest, type SimResponse, bearer, json, parseJsonBody, redirect } from "../core";
import { OAuthServer, consentPage, errorPage, redirectWith } from "../oauth";
import type { SimState } from "../state";
import { escapeHtml, randomToken } from "../util";
import { ASSOC, type HubspotObjectType, type HubspotPortal, type HubspotRecord, applyStage, buildPortal, stageById, touch } from "./hubspot-portal";

export const HUBSPOT_AUTHORIZE_PATH = oauthSpec("HUBSPOT").authorizePath;
export const HUBSPOT_TOKEN_PATH = oauthSpec("HUBSPOT").tokenPath;
/** Simulator mounts (app host and API host), from the registry. */
export const HUBSPOT_MOUNT = crmSpec("HUBSPOT").simulator;

const LIST_MAX = 100;
const SEARCH_MAX = 200;
const SEARCH_CEILING = 10_000;
const BATCH_MAX = 100;
const ASSOC_BATCH_MAX = 1_000;
const ASSOC_PAGE = 500;
const OWNERS_MAX = 500;
const FILTER_GROUPS_MAX = 5;
const FILTERS_PER_GROUP_MAX = 10;
const FILTERS_MAX = 25;

const ALL_SCOPES = ["oauth", "crm.objects.deals.read", "crm.objects.companies.read", "crm.objects.contacts.read", "crm.objects.owners.read"];

const DEFAULT_PROPERTIES: Record<HubspotObjectType, string[]> = {
  deals: ["dealname", "amount", "closedate", "pipeline", "dealstage", "createdate", "hs_lastmodifieddate", "hs_object_id"],
  companies: ["name", "domain", "createdate", "hs_lastmodifieddate", "hs_object_id"],
  contacts: ["firstname", "lastname", "email", "createdate", "lastmodifieddate", "hs_object_id"],
};
const KNOWN_PROPERTIES: Record<HubspotObjectType, Set<string>> = {
  deals: new Set([...DEFAULT_PROPERTIES.deals, "hubspot_owner_id", "deal_currency_code", "hs_is_closed", "hs_is_closed_won"]),
  companies: new Set(DEFAULT_PROPERTIES.companies),
  contacts: new Set([...DEFAULT_PROPERTIES.contacts, "jobtitle", "associatedcompanyid", "hs_lastmodifieddate"]),
};
const DATE_PROPS = new Set(["createdate", "hs_lastmodifieddate", "lastmodifieddate", "closedate"]);
const NUMBER_PROPS = new Set(["amount", "hs_object_id", "associatedcompanyid", "hubspot_owner_id"]);

/** "deals" | "deal" | "0-3" etc. -> object type. */
function objectType(name: string): HubspotObjectType | null {
  const n = name.toLowerCase();
  if (n === "deals" || n === "deal" || n === "0-3") return "deals";
  if (n === "companies" || n === "company" || n === "0-2") return "companies";
  if (n === "contacts" || n === "contact" || n === "0-1") return "contacts";
  return null;
}

const SCOPE_OF: Record<HubspotObjectType, string> = {
  deals: "crm.objects.deals.read",
  companies: "crm.objects.companies.read",
  contacts: "crm.objects.contacts.read",
};

const correlationId = () => randomUUID();
const iso = (ms: number) => new Date(ms).toISOString();

function apiError(status: number, category: string, message: string, extra: Record<string, unknown> = {}): SimResponse {
  return json(status, { status: "error", message, correlationId: correlationId(), category, ...extra });
}
const validation = (message: string) => apiError(400, "VALIDATION_ERROR", message);

/** The token endpoint's error body: HubSpot's status code word plus the RFC 6749 fields. */
function tokenError(status: string, message: string, rfc: string, http = 400): SimResponse {
  return json(http, { status, message, correlationId: correlationId(), error: rfc, error_description: message });
}

interface AccessEntry {
  expiresAt: number;
  scopes: string[];
  refreshToken: string;
}

/** Tokens and limiters of the simulated HubSpot portal (one portal per simulator). */
export class HubspotSimState {
  portal: HubspotPortal;
  /** Authorization codes, PKCE and code expiry: the shared OAuth server. */
  readonly codes: OAuthServer;
  private access = new Map<string, AccessEntry>();
  /** Refresh tokens are long-lived and reusable (HubSpot returns the same one on refresh). */
  private refresh = new Map<string, { scopes: string[] }>();
  private burst: number[] = [];
  private search: number[] = [];
  private day = { id: -1, used: 0 };

  constructor(private readonly state: SimState) {
    this.portal = buildPortal(state.config);
    this.codes = new OAuthServer({
      label: "HubSpot",
      client: () => state.config.hubspot,
      accessTtlSec: () => state.config.hubspot.tokenTtlSec,
      codeTtlMs: () => state.config.codeTtlMs,
      now: () => state.now(),
    });
  }

  private issue(scopes: string[], refreshToken?: string) {
    const accessToken = randomToken("CN");
    const rt = refreshToken ?? `na1-${randomUUID()}`;
    const ttl = this.state.config.hubspot.tokenTtlSec;
    this.access.set(accessToken, { expiresAt: this.state.now() + ttl * 1000, scopes, refreshToken: rt });
    this.refresh.set(rt, { scopes });
    return { accessToken, refreshToken: rt, expiresIn: ttl, scopes };
  }

  /** Tokens without the consent page (tests, scripts). */
  issueDirect(scopes: string[] = ALL_SCOPES) {
    return this.issue(scopes);
  }

  exchange(code: string | null, redirectUri: string | null, clientId: string, verifier: string | null) {
    const r = this.codes.exchangeCode(code, redirectUri, clientId, verifier);
    if (!r.ok) return r;
    return { ok: true as const, tokens: this.issue(r.tokens.scope.split(/[\s,]+/).filter(Boolean)) };
  }

  refreshWith(refreshToken: string | null) {
    const entry = refreshToken ? this.refresh.get(refreshToken) : undefined;
    return entry ? this.issue(entry.scopes, refreshToken!) : null;
  }

  lookup(token: string | null): { entry: AccessEntry; expired: boolean } | null {
    const entry = token ? this.access.get(token) : undefined;
    return entry ? { entry, expired: entry.expiresAt <= this.state.now() } : null;
  }

  expireAll(): void {
    for (const e of this.access.values()) e.expiresAt = Math.min(e.expiresAt, this.state.now());
  }

  /** The app was uninstalled: every token stops working (refresh answers BAD_REFRESH_TOKEN). */
  revokeAll(): void {
    this.access.clear();
    this.refresh.clear();
  }

  /** Empties the rate-limit windows (new limits take effect from a clean slate, like the other simulators). */
  resetLimits(): void {
    this.burst = [];
    this.search = [];
    this.day = { id: -1, used: 0 };
  }

  /** Charges the portal's limits (real clock). */
  take(isSearch: boolean, now = Date.now()): { ok: true; headers: Record<string, string> } | { ok: false; response: SimResponse } {
    const lim = this.state.config.limits.hubspot;
    const prune = (log: number[], windowMs: number) => {
      while (log.length && log[0]! <= now - windowMs) log.shift();
    };
    prune(this.burst, 10_000);
    prune(this.search, 1_000);
    const dayHeaders: Record<string, string> = {};
    if (lim.perDay !== null) {
      // The daily limit resets at midnight in the portal's time zone (US/Eastern, UTC-5 here).
      const id = Math.floor((now - 5 * 3_600_000) / 86_400_000);
      if (id !== this.day.id) this.day = { id, used: 0 };
      if (this.day.used >= lim.perDay) {
        const endsAt = (id + 1) * 86_400_000 + 5 * 3_600_000;
        return {
          ok: false,
          response: this.limited("DAILY", "You have reached your daily limit.", endsAt - now, { ...this.burstHeaders(now), ...this.dailyHeaders(0) }),
        };
      }
    }
    if (isSearch) {
      if (this.search.length >= lim.searchPerSecond) {
        return { ok: false, response: this.limited("SECONDLY", "You have reached your secondly limit.", this.search[0]! + 1_000 - now, {}) };
      }
      this.search.push(now);
    } else {
      if (this.burst.length >= lim.per10s) {
        return {
          ok: false,
          response: this.limited("TEN_SECONDLY_ROLLING", "You have reached your ten_secondly_rolling limit.", this.burst[0]! + 10_000 - now, {
            ...this.burstHeaders(now),
            ...(lim.perDay !== null ? this.dailyHeaders(lim.perDay - this.day.used) : {}),
          }),
        };
      }
      this.burst.push(now);
    }
    if (lim.perDay !== null) {
      this.day.used++;
      Object.assign(dayHeaders, this.dailyHeaders(lim.perDay - this.day.used));
    }
    // Search responses carry no rate-limit headers.
    return { ok: true, headers: isSearch ? {} : { ...this.burstHeaders(now), ...dayHeaders } };
  }

  private burstHeaders(now: number): Record<string, string> {
    const max = this.state.config.limits.hubspot.per10s;
    const lastSecond = this.burst.filter((t) => t > now - 1_000).length;
    const secondly = Math.ceil(max / 10);
    return {
      "x-hubspot-ratelimit-interval-milliseconds": "10000",
      "x-hubspot-ratelimit-max": String(max),
      "x-hubspot-ratelimit-remaining": String(Math.max(0, max - this.burst.length)),
      // Deprecated by HubSpot but still sent.
      "x-hubspot-ratelimit-secondly": String(secondly),
      "x-hubspot-ratelimit-secondly-remaining": String(Math.max(0, secondly - lastSecond)),
    };
  }

  private dailyHeaders(remaining: number): Record<string, string> {
    return {
      "x-hubspot-ratelimit-daily": String(this.state.config.limits.hubspot.perDay),
      "x-hubspot-ratelimit-daily-remaining": String(Math.max(0, remaining)),
    };
  }

  private limited(policyName: string, message: string, waitMs: number, headers: Record<string, string>): SimResponse {
    return json(
      429,
      { status: "error", message, errorType: "RATE_LIMIT", correlationId: correlationId(), policyName, requestId: randomUUID() },
      { ...headers, "retry-after": String(Math.max(1, Math.ceil(waitMs / 1000))) },
    );
  }
}

// ----- records ---------------------------------------------------------------------------------

function requestedProperties(type: HubspotObjectType, raw: string[] | null): string[] {
  if (!raw || raw.length === 0) return DEFAULT_PROPERTIES[type];
  return [
    ...new Set(
      raw
        .flatMap((p) => p.split(","))
        .map((p) => p.trim())
        .filter(Boolean),
    ),
  ];
}

function queryList(q: URLSearchParams, name: string): string[] | null {
  const all = q.getAll(name);
  return all.length ? all.flatMap((v) => v.split(",")).filter(Boolean) : null;
}

function shape(r: HubspotRecord, props: string[]) {
  const properties: Record<string, string | null> = {};
  for (const p of props) if (KNOWN_PROPERTIES[r.type].has(p)) properties[p] = r.properties[p] ?? null;
  // hs_object_id, createdate and the modification date always come back, as HubSpot does.
  properties.hs_object_id = r.id;
  properties.createdate = r.properties.createdate ?? null;
  const mod = r.type === "contacts" ? "lastmodifieddate" : "hs_lastmodifieddate";
  properties[mod] = r.properties[mod] ?? null;
  return {
    id: r.id,
    properties,
    createdAt: iso(r.createdAt),
    updatedAt: iso(r.updatedAt),
    archived: r.archivedAt !== null,
    ...(r.archivedAt !== null ? { archivedAt: iso(r.archivedAt) } : {}),
  };
}

const encodeAfter = (v: string) => Buffer.from(v).toString("base64url");
const decodeAfter = (v: string) => {
  try {
    return Buffer.from(v, "base64url").toString("utf8");
  } catch {
    return null;
  }
};

/** Associations of one record to an object type (primary first), as v4 describes them. */
function associationsOf(portal: HubspotPortal, from: HubspotRecord, to: HubspotObjectType): Array<{ id: string; types: number[]; primary: boolean }> {
  const alive = (t: HubspotObjectType, id: string) => {
    const r = portal.byId[t].get(id);
    return r !== undefined && r.archivedAt === null;
  };
  const out: Array<{ id: string; types: number[]; primary: boolean }> = [];
  if (from.type === "deals") {
    if (to === "companies") {
      const c = portal.dealCompany.get(from.id);
      if (c && alive("companies", c)) out.push({ id: c, types: [ASSOC.dealToCompanyPrimary, ASSOC.dealToCompany], primary: true });
    } else if (to === "contacts") {
      for (const c of portal.dealContacts.get(from.id) ?? []) if (alive("contacts", c)) out.push({ id: c, types: [ASSOC.dealToContact], primary: false });
    }
  } else if (from.type === "contacts") {
    if (to === "companies") {
      const c = from.properties.associatedcompanyid;
      if (c && alive("companies", c)) out.push({ id: c, types: [ASSOC.contactToCompanyPrimary, ASSOC.contactToCompany], primary: true });
    } else if (to === "deals") {
      for (const [deal, contacts] of portal.dealContacts)
        if (contacts.includes(from.id) && alive("deals", deal)) out.push({ id: deal, types: [ASSOC.contactToDeal], primary: false });
    }
  } else if (from.type === "companies") {
    if (to === "deals") {
      for (const [deal, c] of portal.dealCompany)
        if (c === from.id && alive("deals", deal)) out.push({ id: deal, types: [ASSOC.companyToDealPrimary, ASSOC.companyToDeal], primary: true });
    } else if (to === "contacts") {
      for (const r of portal.records.contacts)
        if (r.properties.associatedcompanyid === from.id && r.archivedAt === null)
          out.push({ id: r.id, types: [ASSOC.companyToContactPrimary, ASSOC.companyToContact], primary: true });
    }
  }
  return out;
}

/** v3 association type names ("deal_to_company", "deal_to_company_unlabeled"). */
function v3Associations(portal: HubspotPortal, r: HubspotRecord, to: HubspotObjectType) {
  const single = { deals: "deal", companies: "company", contacts: "contact" } as const;
  const name = `${single[r.type]}_to_${single[to]}`;
  const results = associationsOf(portal, r, to).flatMap((a) =>
    a.primary && a.types.length > 1
      ? [
          { id: a.id, type: name },
          { id: a.id, type: `${name}_unlabeled` },
        ]
      : [{ id: a.id, type: name }],
  );
  return { results };
}

// ----- search ----------------------------------------------------------------------------------

interface Filter {
  propertyName: string;
  operator: string;
  value?: unknown;
  highValue?: unknown;
  values?: unknown[];
}

function compareValue(prop: string, raw: unknown): number | string | null {
  if (raw === null || raw === undefined) return null;
  const s = String(raw);
  if (DATE_PROPS.has(prop)) {
    if (/^-?\d+$/.test(s)) return Number(s);
    const t = Date.parse(s);
    return Number.isNaN(t) ? null : t;
  }
  if (NUMBER_PROPS.has(prop)) {
    const n = Number(s);
    return s === "" || Number.isNaN(n) ? null : n;
  }
  return s.toLowerCase();
}

function matches(r: HubspotRecord, f: Filter): boolean {
  const raw = r.properties[f.propertyName] ?? null;
  const has = raw !== null && raw !== "";
  if (f.operator === "HAS_PROPERTY") return has;
  if (f.operator === "NOT_HAS_PROPERTY") return !has;
  const v = has ? compareValue(f.propertyName, raw) : null;
  const target = compareValue(f.propertyName, f.value);
  switch (f.operator) {
    case "EQ":
      return v !== null && v === target;
    case "NEQ":
      return v !== target;
    case "LT":
      return v !== null && target !== null && v < target;
    case "LTE":
      return v !== null && target !== null && v <= target;
    case "GT":
      return v !== null && target !== null && v > target;
    case "GTE":
      return v !== null && target !== null && v >= target;
    case "BETWEEN": {
      const hi = compareValue(f.propertyName, f.highValue);
      return v !== null && target !== null && hi !== null && v >= target && v <= hi;
    }
    case "IN":
      return v !== null && (f.values ?? []).some((x) => compareValue(f.propertyName, x) === v);
    case "NOT_IN":
      return !(f.values ?? []).some((x) => compareValue(f.propertyName, x) === v);
    default:
      return false;
  }
}

const OPERATORS = new Set(["EQ", "NEQ", "LT", "LTE", "GT", "GTE", "BETWEEN", "IN", "NOT_IN", "HAS_PROPERTY", "NOT_HAS_PROPERTY"]);

/** `indexedBefore`: records changed at/after it are not in the search index yet (HubSpot's indexing lag). */
function runSearch(portal: HubspotPortal, type: HubspotObjectType, body: Record<string, unknown>, indexedBefore: number): SimResponse {
  const limit = body.limit === undefined ? 10 : Number(body.limit);
  if (!Number.isInteger(limit) || limit < 1) return validation("limit must be a positive integer");
  if (limit > SEARCH_MAX) return validation(`limit must be at most ${SEARCH_MAX}`);
  const after = body.after === undefined || body.after === null || body.after === "" ? 0 : Number(body.after);
  if (!Number.isInteger(after) || after < 0) return validation("after must be a non-negative integer offset");
  if (after + limit > SEARCH_CEILING) {
    return validation(`The search endpoints return at most ${SEARCH_CEILING} results for a query: after (${after}) + limit (${limit}) is past that.`);
  }
  const groups = Array.isArray(body.filterGroups) ? (body.filterGroups as Array<{ filters?: Filter[] }>) : [];
  if (groups.length > FILTER_GROUPS_MAX) return validation(`at most ${FILTER_GROUPS_MAX} filterGroups are allowed`);
  let total = 0;
  for (const g of groups) {
    const filters = Array.isArray(g.filters) ? g.filters : [];
    if (filters.length > FILTERS_PER_GROUP_MAX) return validation(`at most ${FILTERS_PER_GROUP_MAX} filters are allowed in a filter group`);
    total += filters.length;
    for (const f of filters) {
      if (!f || typeof f.propertyName !== "string" || !OPERATORS.has(String(f.operator)))
        return validation("each filter needs a propertyName and a supported operator");
      if (!KNOWN_PROPERTIES[type].has(f.propertyName)) return validation(`Property "${f.propertyName}" does not exist on ${type}`);
    }
  }
  if (total > FILTERS_MAX) return validation(`at most ${FILTERS_MAX} filters are allowed in a search`);
  const sorts = Array.isArray(body.sorts) ? (body.sorts as unknown[]) : [];
  const sort = sorts[0] as { propertyName?: string; direction?: string } | string | undefined;
  const sortProp = typeof sort === "string" ? sort : (sort?.propertyName ?? "hs_object_id");
  const dir = typeof sort === "object" && sort?.direction === "DESCENDING" ? -1 : 1;
  if (!KNOWN_PROPERTIES[type].has(sortProp)) return validation(`Property "${sortProp}" does not exist on ${type}`);
  // Archived records are never in search results.
  let hits = portal.records[type].filter(
    (r) => r.archivedAt === null && r.updatedAt < indexedBefore && (groups.length === 0 || groups.some((g) => (g.filters ?? []).every((f) => matches(r, f)))),
  );
  if (sortProp !== "hs_object_id" || dir === -1) {
    const key = (r: HubspotRecord) => compareValue(sortProp, r.properties[sortProp]);
    hits = [...hits].sort((a, b) => {
      const ka = key(a);
      const kb = key(b);
      if (ka === kb) return Number(a.id) - Number(b.id);
      if (ka === null) return 1;
      if (kb === null) return -1;
      return (ka < kb ? -1 : 1) * dir;
    });
  }
  const props = requestedProperties(type, Array.isArray(body.properties) ? (body.properties as string[]) : null);
  const slice = hits.slice(after, after + limit);
  const next = after + limit < hits.length ? String(after + limit) : null;
  return json(200, {
    total: hits.length,
    results: slice.map((r) => shape(r, props)),
    ...(next ? { paging: { next: { after: next, link: `?after=${next}` } } } : {}),
  });
}

// ----- simulator ---------------------------------------------------------------------------------

export function hubspotSim(state: SimState): ProviderSim {
  const hs = () => state.hubspot;
  const portal = () => state.hubspot.portal;
  const cfg = () => state.config.hubspot;
  const scopesOf = (req: SimRequest) => hs().lookup(bearer(req))?.entry.scopes ?? [];

  const consentAction = () => `${state.baseUrl}${HUBSPOT_MOUNT.oauth}${HUBSPOT_AUTHORIZE_PATH}`;

  function tokenRoute(area: "oauth" | "api"): Route {
    return {
      method: "POST",
      area,
      pattern: new RegExp(`^${HUBSPOT_TOKEN_PATH}$`),
      endpoint: `POST ${HUBSPOT_TOKEN_PATH}`,
      oauthOnApiHost: area === "api",
      isRefresh: (req) => new URLSearchParams(req.body).get("grant_type") === "refresh_token",
      handle: (req) => {
        if (!String(req.headers["content-type"] ?? "").includes("application/x-www-form-urlencoded")) {
          return tokenError("BAD_REQUEST", "The token endpoint takes an application/x-www-form-urlencoded body", "invalid_request");
        }
        const p = new URLSearchParams(req.body);
        const clientId = p.get("client_id");
        if (clientId !== cfg().clientId) return tokenError("BAD_CLIENT_ID", "missing or unknown client id", "invalid_client");
        if (p.get("client_secret") !== cfg().clientSecret) return tokenError("BAD_CLIENT_SECRET", "missing or invalid client secret", "invalid_client");
        const grant = p.get("grant_type");
        let tokens: { accessToken: string; refreshToken: string; expiresIn: number; scopes: string[] };
        if (grant === "authorization_code") {
          const r = hs().exchange(p.get("code"), p.get("redirect_uri"), clientId, p.get("code_verifier"));
          if (!r.ok) {
            if (r.description.includes("expired")) return tokenError("EXPIRED_AUTH_CODE", "auth code is expired", "invalid_grant");
            if (r.description.includes("redirect")) return tokenError("BAD_REDIRECT_URI", "redirect_uri does not match the install URL's", "invalid_grant");
            if (r.description.includes("verifier")) return tokenError("BAD_AUTH_CODE", "code_verifier does not match the code_challenge", "invalid_grant");
            return tokenError("BAD_AUTH_CODE", "missing or unknown auth code", "invalid_grant");
          }
          tokens = r.tokens;
        } else if (grant === "refresh_token") {
          state.stats.refresh("hubspot");
          const r = hs().refreshWith(p.get("refresh_token"));
          if (!r) return tokenError("BAD_REFRESH_TOKEN", "missing or unknown refresh token", "invalid_grant");
          tokens = r;
        } else {
          return tokenError("BAD_GRANT_TYPE", "grant_type must be authorization_code or refresh_token", "unsupported_grant_type");
        }
        return json(200, {
          token_type: "bearer",
          refresh_token: tokens.refreshToken,
          access_token: tokens.accessToken,
          expires_in: tokens.expiresIn,
          hub_id: cfg().hubId,
          scopes: tokens.scopes,
        });
      },
    };
  }

  const objectRoute = (m: RegExpMatchArray): HubspotObjectType | SimResponse =>
    objectType(m[1]!) ?? apiError(400, "VALIDATION_ERROR", `Unable to infer object type from: ${m[1]}`);

  const routes: Route[] = [
    {
      method: "GET",
      area: "oauth",
      pattern: new RegExp(`^${HUBSPOT_AUTHORIZE_PATH}$`),
      endpoint: `GET ${HUBSPOT_AUTHORIZE_PATH}`,
      handle: (req) => {
        const q = req.query;
        if (q.get("client_id") !== cfg().clientId) return { status: 400, html: errorPage("Invalid request", "Unknown client_id.") };
        const redirectUri = q.get("redirect_uri");
        if (!redirectUri || !URL.canParse(redirectUri)) return { status: 400, html: errorPage("Invalid request", "redirect_uri is missing or invalid.") };
        const challenge = q.get("code_challenge");
        if (challenge && q.get("code_challenge_method") !== "S256") {
          return redirect(
            redirectWith(redirectUri, { error: "invalid_request", error_description: "Only S256 is supported", state: q.get("state") ?? undefined }),
          );
        }
        const scope = [q.get("scope") ?? "", q.get("optional_scope") ?? ""].join(" ").trim();
        const html = consentPage({
          action: consentAction(),
          appName: "Callsync",
          providerName: "HubSpot",
          clientId: q.get("client_id")!,
          redirectUri,
          state: q.get("state") ?? "",
          scope,
          ...(challenge ? { extra: { code_challenge: challenge, code_challenge_method: "S256" } } : {}),
        }).replace(
          '<form method="post"',
          `<p id="consent-account">Account: <strong>${escapeHtml(String(cfg().hubId))}</strong> (acme.test)</p>\n    <form method="post"`,
        );
        return { status: 200, html };
      },
    },
    {
      method: "POST",
      area: "oauth",
      pattern: new RegExp(`^${HUBSPOT_AUTHORIZE_PATH}$`),
      endpoint: `POST ${HUBSPOT_AUTHORIZE_PATH}`,
      handle: (req) => {
        const p = new URLSearchParams(req.body);
        const redirectUri = p.get("redirect_uri");
        if (p.get("client_id") !== cfg().clientId || !redirectUri || !URL.canParse(redirectUri))
          return { status: 400, html: errorPage("Invalid request", "Unknown client or redirect URI.") };
        const st = p.get("state") ? { state: p.get("state")! } : {};
        if (p.get("decision") !== "allow")
          return redirect(redirectWith(redirectUri, { error: "access_denied", error_description: "The user declined to install the app.", ...st }));
        const code = hs().codes.issueCode(p.get("client_id")!, redirectUri, p.get("scope") ?? "", p.get("code_challenge"));
        return redirect(redirectWith(redirectUri, { code, ...st }));
      },
    },
    tokenRoute("oauth"),
    tokenRoute("api"),
    {
      method: "GET",
      area: "api",
      pattern: /^\/oauth\/v1\/access-tokens\/([^/]+)$/,
      endpoint: "GET /oauth/v1/access-tokens/:token",
      oauthOnApiHost: true,
      handle: (_req, m) => {
        const token = decodeURIComponent(m[1]!);
        const found = hs().lookup(token);
        if (!found) return apiError(404, "OBJECT_NOT_FOUND", "access token not found");
        if (found.expired) return expiredBody(found.entry.expiresAt);
        return json(200, {
          token,
          user: "admin@acme.test",
          hub_domain: "acme.test",
          scopes: found.entry.scopes,
          hub_id: cfg().hubId,
          app_id: 3_141_592,
          expires_in: Math.max(0, Math.floor((found.entry.expiresAt - state.now()) / 1000)),
          user_id: 9_586_500,
          token_type: "access",
        });
      },
    },
    {
      method: "GET",
      area: "api",
      pattern: /^\/account-info\/v3\/details$/,
      endpoint: "GET /account-info/v3/details",
      handle: () =>
        json(200, {
          portalId: cfg().hubId,
          accountType: "STANDARD",
          timeZone: "US/Eastern",
          companyCurrency: "USD",
          additionalCurrencies: ["EUR"],
          utcOffset: "-05:00",
          utcOffsetMilliseconds: -18_000_000,
          uiDomain: "app.hubspot.com",
          dataHostingLocation: "na1",
        }),
    },
    {
      method: "GET",
      area: "api",
      pattern: /^\/crm\/v3\/owners\/?$/,
      endpoint: "GET /crm/v3/owners",
      handle: (req) => {
        const limit = Number(req.query.get("limit") ?? "100");
        if (!Number.isInteger(limit) || limit < 1 || limit > OWNERS_MAX) return validation(`limit must be between 1 and ${OWNERS_MAX}`);
        const archived = req.query.get("archived") === "true";
        const email = req.query.get("email")?.toLowerCase();
        const all = portal().owners.filter((o) => o.archived === archived && (!email || o.email === email));
        const start = req.query.get("after") ? Number(decodeAfter(req.query.get("after")!)) || 0 : 0;
        const slice = all.slice(start, start + limit);
        const next = start + limit < all.length ? encodeAfter(String(start + limit)) : null;
        return json(200, {
          results: slice.map((o) => ({
            id: o.id,
            email: o.email,
            type: "PERSON",
            firstName: o.firstName,
            lastName: o.lastName,
            userId: o.userId,
            userIdIncludingInactive: o.userId,
            createdAt: iso(o.createdAt),
            updatedAt: iso(o.updatedAt),
            archived: o.archived,
          })),
          ...(next ? { paging: { next: { after: next, link: `?after=${next}` } } } : {}),
        });
      },
    },
    {
      method: "GET",
      area: "api",
      pattern: /^\/crm\/v3\/pipelines\/([^/]+)$/,
      endpoint: "GET /crm/v3/pipelines/:objectType",
      handle: (_req, m) => {
        if (objectType(m[1]!) !== "deals") return json(200, { results: [] });
        const created = iso(Date.parse(state.config.anchor) - 500 * 86_400_000);
        return json(200, {
          results: portal().pipelines.map((p) => ({
            id: p.id,
            label: p.label,
            displayOrder: p.displayOrder,
            createdAt: created,
            updatedAt: created,
            archived: false,
            stages: p.stages.map((s) => ({
              id: s.id,
              label: s.label,
              displayOrder: s.displayOrder,
              metadata: { isClosed: String(s.isClosed), probability: String(s.probability) },
              createdAt: created,
              updatedAt: created,
              archived: false,
              writePermissions: "CRM_PERMISSIONS_ENFORCEMENT",
            })),
          })),
        });
      },
    },
    {
      method: "GET",
      area: "api",
      pattern: /^\/crm\/v3\/objects\/([^/]+)$/,
      endpoint: "GET /crm/v3/objects/:type",
      malformedField: "results.0.properties.createdate",
      handle: (req, m) => {
        const type = objectRoute(m);
        if (typeof type !== "string") return type;
        const limit = Number(req.query.get("limit") ?? "10");
        if (!Number.isInteger(limit) || limit < 1) return validation("limit must be a positive integer");
        if (limit > LIST_MAX) return validation(`limit must be at most ${LIST_MAX}`);
        const archived = req.query.get("archived") === "true";
        const afterRaw = req.query.get("after");
        const afterId = afterRaw ? decodeAfter(afterRaw) : null;
        if (afterRaw && (!afterId || !/^\d+$/.test(afterId))) return validation("after is not a valid paging cursor");
        const records = portal().records[type];
        let start = 0;
        if (afterId) {
          const n = Number(afterId);
          start = records.findIndex((r) => Number(r.id) > n);
          if (start < 0) start = records.length;
        }
        const props = requestedProperties(type, queryList(req.query, "properties"));
        const assoc = (queryList(req.query, "associations") ?? []).map(objectType).filter((t): t is HubspotObjectType => t !== null);
        const results: HubspotRecord[] = [];
        let i = start;
        for (; i < records.length && results.length < limit; i++) {
          const r = records[i]!;
          if ((r.archivedAt !== null) === archived) results.push(r);
        }
        let more = false;
        for (let j = i; j < records.length; j++) {
          if ((records[j]!.archivedAt !== null) === archived) {
            more = true;
            break;
          }
        }
        const last = results[results.length - 1];
        const next = more && last ? encodeAfter(last.id) : null;
        return json(200, {
          results: results.map((r) => ({
            ...shape(r, props),
            ...(assoc.length ? { associations: Object.fromEntries(assoc.map((t) => [t, v3Associations(portal(), r, t)])) } : {}),
          })),
          ...(next ? { paging: { next: { after: next, link: `?after=${next}` } } } : {}),
        });
      },
    },
    {
      method: "GET",
      area: "api",
      pattern: /^\/crm\/v3\/objects\/([^/]+)\/(\d+)$/,
      endpoint: "GET /crm/v3/objects/:type/:id",
      handle: (req, m) => {
        const type = objectRoute(m);
        if (typeof type !== "string") return type;
        const r = portal().byId[type].get(m[2]!);
        const archived = req.query.get("archived") === "true";
        if (!r || (r.archivedAt !== null) !== archived) return apiError(404, "OBJECT_NOT_FOUND", "resource not found");
        return json(200, shape(r, requestedProperties(type, queryList(req.query, "properties"))));
      },
    },
    {
      method: "POST",
      area: "api",
      pattern: /^\/crm\/v3\/objects\/([^/]+)\/search$/,
      endpoint: "POST /crm/v3/objects/:type/search",
      malformedField: "results.0.properties.createdate",
      handle: (req, m) => {
        const type = objectRoute(m);
        if (typeof type !== "string") return type;
        const body = parseJsonBody(req);
        if (!body.ok || typeof body.value !== "object" || body.value === null) return validation("Invalid input JSON");
        const lag = cfg().searchLagMs;
        return runSearch(portal(), type, body.value as Record<string, unknown>, lag > 0 ? state.now() - lag : Number.POSITIVE_INFINITY);
      },
    },
    {
      method: "POST",
      area: "api",
      pattern: /^\/crm\/v3\/objects\/([^/]+)\/batch\/read$/,
      endpoint: "POST /crm/v3/objects/:type/batch/read",
      malformedField: "results.0.properties.createdate",
      handle: (req, m) => {
        const type = objectRoute(m);
        if (typeof type !== "string") return type;
        const body = parseJsonBody(req);
        const value = (body.ok ? body.value : null) as { inputs?: Array<{ id?: unknown }>; properties?: string[] } | null;
        if (!value || !Array.isArray(value.inputs)) return validation("Invalid input JSON: inputs is required");
        if (value.inputs.length > BATCH_MAX) return validation(`Batch input limit is ${BATCH_MAX}, got ${value.inputs.length}`);
        const archived = req.query.get("archived") === "true";
        const props = requestedProperties(type, Array.isArray(value.properties) ? value.properties : null);
        const startedAt = iso(state.now());
        const found: HubspotRecord[] = [];
        const missing: string[] = [];
        for (const input of value.inputs) {
          const id = String(input?.id ?? "");
          const r = portal().byId[type].get(id);
          if (r && (r.archivedAt !== null) === archived) found.push(r);
          else missing.push(id);
        }
        const single = { deals: "DEAL", companies: "COMPANY", contacts: "CONTACT" }[type];
        return json(missing.length ? 207 : 200, {
          status: "COMPLETE",
          results: found.map((r) => shape(r, props)),
          ...(missing.length
            ? {
                numErrors: 1,
                errors: [
                  {
                    status: "error",
                    category: "OBJECT_NOT_FOUND",
                    message: `Could not get some ${single} objects, they may be deleted or not exist. Check that ids are valid.`,
                    context: { ids: missing },
                  },
                ],
              }
            : {}),
          startedAt,
          completedAt: iso(state.now()),
        });
      },
    },
    {
      method: "POST",
      area: "api",
      pattern: /^\/crm\/v4\/associations\/([^/]+)\/([^/]+)\/batch\/read$/,
      endpoint: "POST /crm/v4/associations/:from/:to/batch/read",
      handle: (req, m) => {
        const from = objectType(m[1]!);
        const to = objectType(m[2]!);
        if (!from || !to) return validation(`Unknown object type ${from ? m[2] : m[1]}`);
        const body = parseJsonBody(req);
        const value = (body.ok ? body.value : null) as { inputs?: Array<{ id?: unknown; after?: unknown }> } | null;
        if (!value || !Array.isArray(value.inputs)) return validation("Invalid input JSON: inputs is required");
        if (value.inputs.length > ASSOC_BATCH_MAX) return validation(`Batch input limit is ${ASSOC_BATCH_MAX}, got ${value.inputs.length}`);
        const startedAt = iso(state.now());
        const results: unknown[] = [];
        const none: string[] = [];
        for (const input of value.inputs) {
          const id = String(input?.id ?? "");
          const r = portal().byId[from].get(id);
          const all = r && r.archivedAt === null ? associationsOf(portal(), r, to) : [];
          if (all.length === 0) {
            none.push(id);
            continue;
          }
          const offset = typeof input.after === "string" ? Number(decodeAfter(input.after)) || 0 : 0;
          const page = all.slice(offset, offset + ASSOC_PAGE);
          const next = offset + ASSOC_PAGE < all.length ? encodeAfter(String(offset + ASSOC_PAGE)) : null;
          results.push({
            from: { id },
            to: page.map((a) => ({
              toObjectId: Number(a.id),
              associationTypes: a.types.map((typeId) => ({
                category: "HUBSPOT_DEFINED",
                typeId,
                label: [ASSOC.dealToCompanyPrimary, ASSOC.contactToCompanyPrimary, ASSOC.companyToContactPrimary, ASSOC.companyToDealPrimary].includes(
                  typeId as 5,
                )
                  ? "Primary"
                  : null,
              })),
            })),
            ...(next ? { paging: { next: { after: next, link: null } } } : {}),
          });
        }
        const single = { deals: "deal", companies: "company", contacts: "contact" };
        return json(none.length ? 207 : 200, {
          status: "COMPLETE",
          results,
          ...(none.length
            ? {
                numErrors: none.length,
                errors: none.map((id) => ({
                  status: "error",
                  category: "OBJECT_NOT_FOUND",
                  subCategory: "crm.associations.NO_ASSOCIATIONS_FOUND",
                  message: `No ${single[to]} is associated with ${single[from]} ${id}.`,
                  context: { fromObjectId: [id] },
                })),
              }
            : {}),
          startedAt,
          completedAt: iso(state.now()),
        });
      },
    },
  ];

  function expiredBody(expiresAt: number): SimResponse {
    const ago = Math.max(0, Math.floor((state.now() - expiresAt) / 1000));
    return apiError(401, "EXPIRED_AUTHENTICATION", `The OAuth token used to make this call expired ${ago} second(s) ago.`, {
      context: { "expire time": [iso(expiresAt)] },
    });
  }

  /** Scope each API route needs (any of the listed). */
  function requiredScopes(route: Route, req: SimRequest): string[] {
    const m = /^\/crm\/v3\/objects\/([^/]+)/.exec(req.path);
    if (m) {
      const t = objectType(m[1]!);
      return t ? [SCOPE_OF[t]] : [];
    }
    const a = /^\/crm\/v4\/associations\/([^/]+)\/([^/]+)/.exec(req.path);
    if (a)
      return [a[1]!, a[2]!]
        .map(objectType)
        .filter((t): t is HubspotObjectType => t !== null)
        .map((t) => SCOPE_OF[t]);
    if (route.endpoint === "GET /crm/v3/owners") return ["crm.objects.owners.read"];
    if (route.endpoint === "GET /crm/v3/pipelines/:objectType") return ["crm.objects.deals.read"];
    return [];
  }

  const unauthenticated = (r: Route) => r.area === "oauth" || r.endpoint.includes("/oauth/");

  return {
    provider: "hubspot",
    routes,
    error(status, message) {
      if (status === 429)
        return json(429, {
          status: "error",
          message: "You have reached your ten_secondly_rolling limit.",
          errorType: "RATE_LIMIT",
          correlationId: correlationId(),
          policyName: "TEN_SECONDLY_ROLLING",
        });
      if (status === 401) return apiError(401, "INVALID_AUTHENTICATION", message);
      if (status === 404) return apiError(404, "OBJECT_NOT_FOUND", message);
      if (status >= 500) return apiError(status, "INTERNAL_ERROR", message);
      return apiError(status, "VALIDATION_ERROR", message);
    },
    authenticate(req, route) {
      if (unauthenticated(route)) return null;
      const token = bearer(req);
      const found = hs().lookup(token);
      if (!found) return apiError(401, "INVALID_AUTHENTICATION", "Authentication credentials not found. This API supports OAuth 2.0 authentication.");
      if (found.expired) return expiredBody(found.entry.expiresAt);
      const need = requiredScopes(route, req);
      const have = scopesOf(req);
      if (need.length && !need.every((s) => have.includes(s))) {
        return apiError(403, "MISSING_SCOPES", "This app hasn't been granted all required scopes to make this call.", {
          errors: [{ message: "One or more of the following scopes are required.", context: { requiredGranularScopes: need } }],
        });
      }
      return null;
    },
    limit(req) {
      // The token endpoints are not rate limited; other calls count against the portal of a valid token.
      if (req.path.startsWith("/oauth/")) return { blocked: null, headers: {} };
      const found = hs().lookup(bearer(req));
      if (!found || found.expired) return { blocked: null, headers: {} };
      const r = hs().take(/\/search$/.test(req.path));
      return r.ok ? { blocked: null, headers: r.headers } : { blocked: r.response, headers: {} };
    },
  };
}

// ----- control API (/__sim/hubspot/...) -----------------------------------------------------------

/** Test hooks: stage changes, archiving, association changes (each bumps hs_lastmodifieddate), revoke. */
export function hubspotControl(state: SimState, method: string, path: string, input: Record<string, unknown>): SimResponse {
  const portal = state.hubspot.portal;
  const now = state.now();
  if (method === "GET" && path === "/portal") {
    return json(200, {
      hubId: state.config.hubspot.hubId,
      counts: {
        deals: portal.records.deals.filter((r) => r.archivedAt === null).length,
        archivedDeals: portal.records.deals.filter((r) => r.archivedAt !== null).length,
        companies: portal.records.companies.length,
        contacts: portal.records.contacts.length,
      },
      owners: portal.owners,
      deals: portal.records.deals
        .slice(0, 100)
        .map((r) => ({ id: r.id, name: r.properties.dealname, stage: r.properties.dealstage, archived: r.archivedAt !== null })),
    });
  }
  if (method === "POST" && path === "/revoke") {
    state.hubspot.revokeAll();
    return json(200, { ok: true });
  }
  const m = /^\/deals\/(\d+)\/(stage|archive|restore|contacts|update)$/.exec(path);
  if (method !== "POST" || !m) return json(404, { error: `unknown control endpoint ${method} /__sim/hubspot${path}` });
  const deal = portal.byId.deals.get(m[1]!);
  if (!deal) return json(404, { error: `deal ${m[1]} not found` });
  if (m[2] === "stage") {
    const want = String(input.stage ?? "");
    const stage =
      stageById(portal, want) ??
      portal.pipelines.flatMap((p) => p.stages.map((s) => ({ pipeline: p, stage: s }))).find((x) => x.stage.label.toLowerCase() === want.toLowerCase());
    if (!stage) return json(400, { error: `unknown stage ${want}` });
    applyStage(portal, deal, stage.stage.id);
    touch(deal, now);
  } else if (m[2] === "archive") {
    deal.archivedAt = now;
    touch(deal, now);
  } else if (m[2] === "restore") {
    deal.archivedAt = null;
    touch(deal, now);
  } else if (m[2] === "contacts") {
    const current = new Set(portal.dealContacts.get(deal.id) ?? []);
    for (const id of (input.add as string[] | undefined) ?? []) {
      if (!portal.byId.contacts.has(String(id))) return json(400, { error: `contact ${id} not found` });
      current.add(String(id));
    }
    for (const id of (input.remove as string[] | undefined) ?? []) current.delete(String(id));
    portal.dealContacts.set(deal.id, [...current]);
    // num_associated_contacts is a calculated deal property: its change bumps the modification date.
    touch(deal, now);
  } else {
    const props = (input.properties ?? {}) as Record<string, string | null>;
    for (const [k, v] of Object.entries(props)) if (KNOWN_PROPERTIES.deals.has(k)) deal.properties[k] = v === null ? null : String(v);
    touch(deal, now);
  }
  return json(200, { id: deal.id, properties: deal.properties, archived: deal.archivedAt !== null });
}

export { ALL_SCOPES as HUBSPOT_SIM_SCOPES };
