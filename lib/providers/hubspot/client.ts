import "server-only";
// HubSpot CRM client (read-only). OAuth through OAuthProviderClient (token endpoint on the API host,
// reusable refresh tokens); every request through ProviderHttp and the shared gate. Hand-written on
// ProviderHttp rather than @hubspot/api-client: the SDK brings its own transport, bottleneck limiter and
// retry loop, which would bypass or double our gate, retries, 401-refresh and typed errors, and we use
// eight endpoints.
//
// Reading strategy (request counts near the API minimum):
// - deals: CRM search (200 per request, sorted by hs_object_id) — first import: open deals OR closedate
//   >= closedSince; incremental: hs_lastmodifieddate >= since (HubSpot recalculates num_associated_contacts
//   on an association change, which bumps hs_lastmodifieddate). The search API stops at 10,000 results
//   per query, so paging is by keyset: each request is a new query for ids above the last one seen
//   (hs_object_id GT last), never an offset, at no extra requests. A page is up to 1,000 deals (5 searches) whose
//   companies and contacts come from two v4 association batch reads (1,000 ids each).
// - stage labels from GET /crm/v3/pipelines/deals, read once per deal listing (the map rides in its cursor).
// - companies / contacts by id: batch read, 100 per request; modified ones: search like deals.
// - deletions: GET /crm/v3/objects/{type}?archived=true (archivedAt in [since, until)).
// - search: 5 requests/s per account (paced here: the shared gate knows only the 110/10 s burst);
//   429s honour Retry-After, or a wait derived from the policy HubSpot names when it sends none.
// - quota(): the X-HubSpot-RateLimit-Daily(-Remaining) headers; HubSpot does not send them on OAuth
//   calls, so against the real API it stays null.
import type { z } from "zod";
import { ProviderError } from "@/lib/errors";
import type {
  CrmAccount,
  CrmAccountInfo,
  CrmCallOptions,
  CrmClient,
  CrmContact,
  CrmDeal,
  CrmObject,
  CrmOwner,
  CrmPage,
  CrmQuota,
  CrmSkipped,
} from "../crm/types";
import { OAuthProviderClient } from "../oauth";
import { providerName } from "../registry";
import type { ProviderClientConfig, ProviderDeps, RequestPriority } from "../types";
import { type StageInfo, mapCompany, mapContact, mapDeal, parseRecords, stageMap, toIso } from "./mapper";
import {
  COMPANY_PROPERTIES,
  CONTACT_PROPERTIES,
  DEAL_PROPERTIES,
  hubspotAccountDetailsSchema,
  hubspotArchivedRecordSchema,
  hubspotAssociationsResponseSchema,
  hubspotBatchSchema,
  hubspotCompanyRecordSchema,
  hubspotContactRecordSchema,
  hubspotDealRecordSchema,
  hubspotMissingScopesSchema,
  hubspotOwnersResponseSchema,
  hubspotPageSchema,
  hubspotPipelinesResponseSchema,
  hubspotRateLimitBodySchema,
  hubspotTokenInfoSchema,
  hubspotTokenResponseSchema,
  type HubspotPipelines,
  type HubspotTokenResponse,
} from "./schemas";

const LABEL = providerName("HUBSPOT");
export const HUBSPOT_SEARCH_PAGE = 200;
export const HUBSPOT_BATCH_READ = 100;
export const HUBSPOT_ASSOCIATIONS_BATCH = 1_000;
/** Records per listDeals / listModified* page: 5 searches, then one association read per type. */
export const HUBSPOT_PAGE_RECORDS = 1_000;
export const HUBSPOT_LIST_PAGE = 100;
/** Spacing of search requests per account: under the documented 5 per second. */
export const HUBSPOT_SEARCH_SPACING_MS = 220;

type HubspotType = "deals" | "companies" | "contacts";
const TYPE_OF: Record<CrmObject, HubspotType> = { deal: "deals", account: "companies", contact: "contacts" };

type Filter = { propertyName: string; operator: string; value?: string };

/**
 * Resume point of a search listing: the last id seen (the next query asks for ids above it). Deal
 * listings also carry the stage map ([id, label, closed, won]) and whether it was re-read, so the
 * pipelines are read once per listing even when every page is a new client (a durable step).
 */
interface SearchCursor {
  v: 2;
  floor: string | null;
  stages?: Array<[string, string, 0 | 1, 0 | 1]>;
  reread?: boolean;
}

const stageTuple = (x: unknown): boolean =>
  Array.isArray(x) && x.length === 4 && typeof x[0] === "string" && typeof x[1] === "string" && (x[2] === 0 || x[2] === 1) && (x[3] === 0 || x[3] === 1);

function encodeCursor(c: SearchCursor): string {
  return Buffer.from(JSON.stringify(c)).toString("base64url");
}

function decodeCursor(cursor: string | null): SearchCursor {
  if (!cursor) return { v: 2, floor: null };
  try {
    const c = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as SearchCursor;
    if (c.v === 2 && (c.floor === null || /^\d+$/.test(String(c.floor))) && (c.stages === undefined || (Array.isArray(c.stages) && c.stages.every(stageTuple))))
      return c;
  } catch {
    /* falls through */
  }
  throw new ProviderError("CONFIG", LABEL, "invalid HubSpot listing cursor");
}

const trimSlash = (s: string) => s.replace(/\/+$/, "");

/**
 * 403 MISSING_SCOPES: the install did not grant a scope Callsync needs (e.g. an admin unticked it).
 * Only a reconnect granting it helps, so it is AUTH_REVOKED with the scopes named.
 */
function missingScopes(status: number, body: unknown): ProviderError | undefined {
  const parsed = hubspotMissingScopesSchema.safeParse(body);
  if (status !== 403 || !parsed.success) return undefined;
  const scopes = parsed.data.errors?.flatMap((e) => e.context?.requiredGranularScopes ?? e.context?.requiredScopes ?? []) ?? [];
  return new ProviderError(
    "AUTH_REVOKED",
    LABEL,
    `${LABEL} did not grant Callsync the access it needs${scopes.length ? ` (${[...new Set(scopes)].join(", ")})` : ""}; reconnect HubSpot and allow it`,
    { status },
  );
}
const unique = (ids: string[]) => [...new Set(ids.filter((id) => /^\d+$/.test(id)))];
const chunks = <T>(xs: T[], n: number): T[][] => Array.from({ length: Math.ceil(xs.length / n) }, (_, i) => xs.slice(i * n, i * n + n));

/** Next search time per account token (module-wide, so parallel clients of one integration share it). */
const searchSlots = new Map<string, number>();

function sleepFor(ms: number, signal?: AbortSignal | null): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener(
      "abort",
      () => {
        clearTimeout(t);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}

/**
 * The fetch under ProviderHttp: paces searches, reads the daily quota headers, and gives a 429 without
 * Retry-After one derived from its policyName (SECONDLY: 1 s; TEN_SECONDLY_ROLLING: 2 s; DAILY: until
 * the next UTC midnight, which is past any in-process wait, so RATE_LIMITED reaches the caller).
 */
class HubspotFetch {
  quota: CrmQuota | null = null;

  constructor(private readonly inner: typeof fetch) {}

  readonly fetch: typeof fetch = async (input, init) => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.toString() : input.url;
    if (/\/search(\?|$)/.test(url)) {
      const key = new Headers(init?.headers).get("authorization") ?? url;
      const now = Date.now();
      const at = Math.max(now, searchSlots.get(key) ?? 0);
      if (searchSlots.size > 10_000) searchSlots.clear();
      searchSlots.set(key, at + HUBSPOT_SEARCH_SPACING_MS);
      await sleepFor(at - now, init?.signal);
    }
    const res = await this.inner(input, init);
    const limit = Number(res.headers.get("x-hubspot-ratelimit-daily"));
    const remaining = Number(res.headers.get("x-hubspot-ratelimit-daily-remaining"));
    if (res.headers.has("x-hubspot-ratelimit-daily") && Number.isFinite(limit) && limit > 0 && Number.isFinite(remaining)) {
      this.quota = { used: Math.max(0, limit - remaining), limit, window: "day" };
    }
    if (res.status !== 429 || res.headers.has("retry-after")) return res;
    const text = await res.text();
    const policy = (() => {
      try {
        return hubspotRateLimitBodySchema.parse(JSON.parse(text)).policyName ?? null;
      } catch {
        return null;
      }
    })();
    const now = Date.now();
    const waitSec = policy === "DAILY" ? Math.ceil(((Math.floor(now / 86_400_000) + 1) * 86_400_000 - now) / 1000) : policy === "SECONDLY" ? 1 : 2;
    const headers = new Headers(res.headers);
    headers.set("retry-after", String(waitSec));
    return new Response(text, { status: 429, statusText: res.statusText, headers });
  };
}

export class HubspotClient extends OAuthProviderClient<"HUBSPOT", HubspotTokenResponse> implements CrmClient {
  private readonly meter: HubspotFetch;
  private readonly cache: Map<string, Promise<unknown>>;
  private refetchedPipelines = false;

  constructor(config: ProviderClientConfig, deps: ProviderDeps = {}) {
    const meter = new HubspotFetch(deps.fetch ?? globalThis.fetch.bind(globalThis));
    super("HUBSPOT", config, { ...deps, fetch: meter.fetch }, hubspotTokenResponseSchema);
    this.meter = meter;
    this.cache = deps.lookupCache ?? new Map();
  }

  quota(): CrmQuota | null {
    return this.meter.quota;
  }

  private url(path: string): string {
    return `${trimSlash(this.config.apiBaseUrl)}${path}`;
  }

  private get<S extends z.ZodType>(path: string, endpoint: string, schema: S, priority: RequestPriority) {
    return this.http.request({ method: "GET", url: this.url(path), endpoint, schema, priority, classify: missingScopes, ...this.authed() });
  }

  private post<S extends z.ZodType>(path: string, endpoint: string, body: unknown, schema: S, priority: RequestPriority) {
    return this.http.request({
      method: "POST",
      url: this.url(path),
      endpoint,
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
      schema,
      priority,
      classify: missingScopes,
      ...this.authed(),
    });
  }

  // ----- account, owners, pipelines ------------------------------------------------------------

  async accountInfo(o: CrmCallOptions = {}): Promise<CrmAccountInfo> {
    const priority = o.priority ?? "interactive";
    // The hub id and the company currency (deals without deal_currency_code are in it).
    const { data: details } = await this.get("/account-info/v3/details", "GET /account-info/v3/details", hubspotAccountDetailsSchema, priority);
    const info = { accountId: String(details.portalId), apiBaseUrl: null, defaultCurrency: details.companyCurrency?.trim().toUpperCase() || null };
    // The account's name: the hub domain from the token's metadata (no name otherwise in the API).
    const creds = await this.session.credentials();
    try {
      const { data } = await this.http.request({
        method: "GET",
        url: this.url(`/oauth/v1/access-tokens/${encodeURIComponent(creds.accessToken)}`),
        endpoint: "GET /oauth/v1/access-tokens/:token",
        schema: hubspotTokenInfoSchema,
        priority,
      });
      return { ...info, accountName: data.hub_domain?.trim() || `Hub ${details.portalId}` };
    } catch (err) {
      if (!(err instanceof ProviderError) || err.kind === "RATE_LIMITED") throw err;
      return { ...info, accountName: `Hub ${details.portalId}` };
    }
  }

  async listOwners(o: CrmCallOptions = {}): Promise<CrmOwner[]> {
    const owners: CrmOwner[] = [];
    let after: string | null = null;
    do {
      const qs: URLSearchParams = new URLSearchParams({ limit: "500", archived: "false", ...(after ? { after } : {}) });
      const { data }: { data: z.output<typeof hubspotOwnersResponseSchema> } = await this.get(
        `/crm/v3/owners?${qs}`,
        "GET /crm/v3/owners",
        hubspotOwnersResponseSchema,
        o.priority ?? "interactive",
      );
      for (const r of data.results) {
        const name = [r.firstName?.trim(), r.lastName?.trim()].filter(Boolean).join(" ");
        owners.push({ crmId: r.id, email: r.email?.trim().toLowerCase() || null, name: name || null });
      }
      after = data.paging;
    } while (after);
    return owners;
  }

  private pipelines(priority: RequestPriority, fresh = false): Promise<Map<string, StageInfo>> {
    const key = "hubspot:pipelines:deals";
    if (fresh || !this.cache.has(key)) {
      const p = this.get("/crm/v3/pipelines/deals", "GET /crm/v3/pipelines/deals", hubspotPipelinesResponseSchema, priority).then(({ data }) =>
        stageMap(data as HubspotPipelines),
      );
      // A failed read is not cached.
      p.catch(() => this.cache.delete(key));
      this.cache.set(key, p);
    }
    return this.cache.get(key) as Promise<Map<string, StageInfo>>;
  }

  // ----- search with the 10,000-result ceiling ---------------------------------------------------

  /**
   * Up to `max` records of a search sorted by hs_object_id, resuming at `cursor`. `groups(floor)` builds
   * the OR-ed filter groups of one query; with a floor each group also requires hs_object_id > floor.
   */
  private async search(
    type: HubspotType,
    groups: Filter[][],
    properties: readonly string[],
    floorIn: string | null,
    max: number,
    priority: RequestPriority,
  ): Promise<{ raw: unknown[]; floor: string | null }> {
    let floor = floorIn;
    const raw: unknown[] = [];
    for (;;) {
      // Keyset paging: every request is a new query from the last id seen, never an offset, so no query
      // reaches the 10,000-result ceiling and records that stop matching mid-listing shift nothing.
      const filterGroups = groups.map((filters) => ({
        filters: floor ? [...filters, { propertyName: "hs_object_id", operator: "GT", value: floor }] : filters,
      }));
      const body = { filterGroups, sorts: [{ propertyName: "hs_object_id", direction: "ASCENDING" }], properties, limit: HUBSPOT_SEARCH_PAGE };
      const { data } = await this.post(`/crm/v3/objects/${type}/search`, `POST /crm/v3/objects/${type}/search`, body, hubspotPageSchema, priority);
      raw.push(...data.results);
      if (data.paging === null || data.results.length === 0) return { raw, floor: null };
      const lastId = [...data.results]
        .reverse()
        .map((r) => (r as { id?: unknown })?.id)
        .find((id): id is string => typeof id === "string" && /^\d+$/.test(id));
      if (!lastId) throw new ProviderError("INVALID_RESPONSE", LABEL, `${LABEL} search returned no record id to continue from`, { field: "results.id" });
      floor = lastId;
      if (raw.length >= max) return { raw, floor };
    }
  }

  // ----- deals -----------------------------------------------------------------------------------

  async listDeals(p: { modifiedSince: Date | null; closedSince: Date; cursor: string | null } & CrmCallOptions): Promise<CrmPage<CrmDeal>> {
    const priority = p.priority ?? "backfill";
    const groups: Filter[][] = p.modifiedSince
      ? [[{ propertyName: "hs_lastmodifieddate", operator: "GTE", value: String(p.modifiedSince.getTime()) }]]
      : [
          [{ propertyName: "hs_is_closed", operator: "EQ", value: "false" }],
          [{ propertyName: "closedate", operator: "GTE", value: String(p.closedSince.getTime()) }],
        ];
    const cur = decodeCursor(p.cursor);
    const carried = cur.stages ? new Map(cur.stages.map(([id, label, closed, won]) => [id, { label, isClosed: closed === 1, isWon: won === 1 }])) : null;
    const [stagesFirst, page] = await Promise.all([
      carried ? Promise.resolve(carried) : this.pipelines(priority),
      this.search("deals", groups, DEAL_PROPERTIES, cur.floor, HUBSPOT_PAGE_RECORDS, priority),
    ]);
    const { ok, skipped } = parseRecords("deal", hubspotDealRecordSchema, page.raw);
    let stages = stagesFirst;
    let reread = cur.reread === true || this.refetchedPipelines;
    if (!reread && ok.some((d) => !stages.has(d.properties.dealstage))) {
      // A stage created since the pipelines were read: read them once more (once per listing).
      this.refetchedPipelines = reread = true;
      stages = await this.pipelines(priority, true);
    }
    const ids = ok.map((d) => d.id);
    const [companies, contacts] = await Promise.all([
      this.associations("deals", "companies", ids, priority),
      this.associations("deals", "contacts", ids, priority),
    ]);
    const records = ok.map((d) => {
      const comp = companies.get(d.id) ?? [];
      const primary = comp.find((a) => a.primary) ?? comp[0];
      return mapDeal(d, stages, { companyId: primary?.id ?? null, contactIds: [...new Set((contacts.get(d.id) ?? []).map((a) => a.id))] });
    });
    const tuples = [...stages].map(([id, st]): [string, string, 0 | 1, 0 | 1] => [id, st.label, st.isClosed ? 1 : 0, st.isWon ? 1 : 0]);
    return { records, skipped, cursor: page.floor ? encodeCursor({ v: 2, floor: page.floor, stages: tuples, reread }) : null };
  }

  /** v4 association batch reads (1,000 ids per request), following per-record paging. */
  private async associations(
    from: HubspotType,
    to: HubspotType,
    ids: string[],
    priority: RequestPriority,
  ): Promise<Map<string, Array<{ id: string; primary: boolean }>>> {
    const out = new Map<string, Array<{ id: string; primary: boolean }>>();
    let pending: Array<{ id: string; after?: string }> = unique(ids).map((id) => ({ id }));
    while (pending.length) {
      const next: Array<{ id: string; after: string }> = [];
      for (const batch of chunks(pending, HUBSPOT_ASSOCIATIONS_BATCH)) {
        const { data } = await this.post(
          `/crm/v4/associations/${from}/${to}/batch/read`,
          `POST /crm/v4/associations/${from}/${to}/batch/read`,
          { inputs: batch },
          hubspotAssociationsResponseSchema,
          priority,
        );
        for (const r of data.results) {
          const list = out.get(r.from.id) ?? [];
          for (const t of r.to) {
            list.push({
              id: t.toObjectId,
              primary: (t.associationTypes ?? []).some((a) => a.label === "Primary" || (from === "deals" && to === "companies" && a.typeId === 5)),
            });
          }
          out.set(r.from.id, list);
          if (r.paging) next.push({ id: r.from.id, after: r.paging });
        }
      }
      pending = next;
    }
    return out;
  }

  // ----- companies and contacts ------------------------------------------------------------------

  private async batchRead<T, R>(
    object: CrmObject,
    ids: string[],
    properties: readonly string[],
    schema: z.ZodType<T>,
    map: (r: T) => R,
    priority: RequestPriority,
  ): Promise<CrmPage<R>> {
    const type = TYPE_OF[object];
    const records: R[] = [];
    const skipped: CrmSkipped[] = [];
    for (const batch of chunks(unique(ids), HUBSPOT_BATCH_READ)) {
      const { data } = await this.post(
        `/crm/v3/objects/${type}/batch/read`,
        `POST /crm/v3/objects/${type}/batch/read`,
        { inputs: batch.map((id) => ({ id })), properties },
        hubspotBatchSchema,
        priority,
      );
      const parsed = parseRecords(object, schema, data.results);
      records.push(...parsed.ok.map(map));
      skipped.push(...parsed.skipped);
    }
    return { records, skipped, cursor: null };
  }

  getAccounts(ids: string[], o: CrmCallOptions = {}): Promise<CrmPage<CrmAccount>> {
    return this.batchRead("account", ids, COMPANY_PROPERTIES, hubspotCompanyRecordSchema, mapCompany, o.priority ?? "backfill");
  }

  getContacts(ids: string[], o: CrmCallOptions = {}): Promise<CrmPage<CrmContact>> {
    return this.batchRead("contact", ids, CONTACT_PROPERTIES, hubspotContactRecordSchema, mapContact, o.priority ?? "backfill");
  }

  async listModifiedAccounts(p: { since: Date; cursor: string | null } & CrmCallOptions): Promise<CrmPage<CrmAccount>> {
    const groups = [[{ propertyName: "hs_lastmodifieddate", operator: "GTE", value: String(p.since.getTime()) }]];
    const page = await this.search("companies", groups, COMPANY_PROPERTIES, decodeCursor(p.cursor).floor, HUBSPOT_PAGE_RECORDS, p.priority ?? "backfill");
    const { ok, skipped } = parseRecords("account", hubspotCompanyRecordSchema, page.raw);
    return { records: ok.map(mapCompany), skipped, cursor: page.floor ? encodeCursor({ v: 2, floor: page.floor }) : null };
  }

  async listModifiedContacts(p: { since: Date; cursor: string | null } & CrmCallOptions): Promise<CrmPage<CrmContact>> {
    // Contacts' modification date is `lastmodifieddate` (the other objects': hs_lastmodifieddate).
    const groups = [[{ propertyName: "lastmodifieddate", operator: "GTE", value: String(p.since.getTime()) }]];
    const page = await this.search("contacts", groups, CONTACT_PROPERTIES, decodeCursor(p.cursor).floor, HUBSPOT_PAGE_RECORDS, p.priority ?? "backfill");
    const { ok, skipped } = parseRecords("contact", hubspotContactRecordSchema, page.raw);
    return { records: ok.map(mapContact), skipped, cursor: page.floor ? encodeCursor({ v: 2, floor: page.floor }) : null };
  }

  // ----- deletions -------------------------------------------------------------------------------

  async listDeleted(object: CrmObject, p: { since: Date; until: Date } & CrmCallOptions): Promise<string[]> {
    const type = TYPE_OF[object];
    const ids = new Set<string>();
    let after: string | null = null;
    do {
      const qs: URLSearchParams = new URLSearchParams({
        archived: "true",
        limit: String(HUBSPOT_LIST_PAGE),
        properties: "hs_object_id",
        ...(after ? { after } : {}),
      });
      const { data }: { data: z.output<typeof hubspotPageSchema> } = await this.get(
        `/crm/v3/objects/${type}?${qs}`,
        `GET /crm/v3/objects/${type}`,
        hubspotPageSchema,
        p.priority ?? "backfill",
      );
      for (const item of data.results) {
        const r = hubspotArchivedRecordSchema.safeParse(item);
        if (!r.success) continue;
        const at = r.data.archivedAt ?? r.data.updatedAt;
        if (!at) continue;
        const t = Date.parse(toIso(at));
        if (t >= p.since.getTime() && t < p.until.getTime()) ids.add(r.data.id);
      }
      after = data.paging;
    } while (after);
    return [...ids];
  }
}
