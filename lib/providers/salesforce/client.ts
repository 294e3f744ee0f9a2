import "server-only";
// Salesforce CRM client (issue 14), hand-written on ProviderHttp (see the note below on jsforce).
// - OAuth 2.0 web server flow with PKCE through the shared OAuthClient (login host = config.oauthBaseUrl:
//   production, sandbox or My Domain); the token response's instance_url is checked against the trusted
//   hosts and is the API host; a refresh that omits it (or the refresh token) keeps the stored ones.
// - Every request goes through ProviderHttp: the shared gate, the injected fetch, retries of 5xx/network
//   errors, one refresh on 401 INVALID_SESSION_ID, zod at the boundary.
// - Deals come from ONE Opportunity query carrying its Account fields and an OpportunityContactRoles
//   subquery with the contacts' fields, paged by nextRecordsUrl; the accounts and contacts seen there are
//   kept (deps.lookupCache when given), so getAccounts/getContacts for them cost no request.
// - First import: IsClosed = false OR CloseDate >= closedSince. Incremental: SystemModstamp >= since, then
//   the contact roles changed since (queryAll, so removed roles count), then those roles' deals that the
//   first query did not return (Id IN (...) AND SystemModstamp < since), in chunks under the URI limit.
// - Deletions: sObject Get Deleted in windows the API accepts (start within the last 30 days); older
//   windows fall back to queryAll ... IsDeleted = true (the recycle bin).
// - Daily API limit: read from Sforce-Limit-Info on every response (quota()); REQUEST_LIMIT_EXCEEDED ->
//   RATE_LIMITED; the client stops on its own before the last 5 % of the org's daily limit, which the
//   org's other integrations need as much as we do.
//
// Why not @jsforce/jsforce-node: jsforce owns its HTTP transport, OAuth2 session and refresh handling
// (Connection/OAuth2/Transport); routing it through our gate, injectable fetch, retry policy, credential
// store with its refresh lock, trusted-host check and zod validation would mean replacing most of it.
// We use four REST resources (query, queryAll/query more, getDeleted, the token endpoint), so the direct
// implementation is smaller than the adapter would be.
import { z } from "zod";
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
import { oauthSpec } from "../registry";
import { checkBaseUrl } from "../trusted-host";
import type { ProviderClientConfig, ProviderDeps, RequestPriority } from "../types";
import { toSalesforceId18 } from "./ids";
import { parseRecords, relatedOf, toAccount, toContact, toDeal } from "./mapper";
import {
  type QueryPage,
  accountRecordSchema,
  contactRecordSchema,
  dealRecordSchema,
  errorCodeOf,
  getDeletedSchema,
  idRecordSchema,
  organizationRecordSchema,
  ownerRecordSchema,
  queryPageSchema,
  roleOpportunityRecordSchema,
  roleRecordSchema,
  salesforceTokenResponseSchema,
  type SalesforceTokenResponse,
} from "./schemas";
import {
  MAX_IDS_PER_QUERY,
  accountsByIdQuery,
  changedRolesQuery,
  contactsByIdQuery,
  dealsByIdQuery,
  deletedByStampQuery,
  firstImportDealsQuery,
  idChunks,
  modifiedAccountsQuery,
  modifiedContactsQuery,
  modifiedDealsQuery,
  organizationQuery,
  ownersQuery,
} from "./soql";

export const SALESFORCE_API_VERSION = "v62.0";
const DAY_MS = 86_400_000;
/** getDeleted refuses a start older than 30 days; keep a margin for clock skew. */
const GET_DELETED_MAX_AGE_MS = 30 * DAY_MS - 10 * 60_000;
/** Share of the org's daily API limit left to the org's other integrations. */
export const SALESFORCE_QUOTA_RESERVE = 0.05;
/** When Salesforce says the daily limit is spent, try again in an hour (the limit is a rolling 24 h). */
const LIMIT_RETRY_MS = 3_600_000;

const OBJECT_OF: Record<CrmObject, string> = { deal: "Opportunity", account: "Account", contact: "Contact" };

/** Reads Sforce-Limit-Info ("api-usage=18/5000") from every response the injected fetch sees. */
class LimitMeter {
  last: CrmQuota | null = null;
  wrap(inner: typeof fetch | undefined): typeof fetch {
    const f = inner ?? globalThis.fetch.bind(globalThis);
    return (async (input: string | URL | Request, init?: RequestInit) => {
      const res = await f(input, init);
      const m = /api-usage=(\d+)\/(\d+)/.exec(res.headers.get("sforce-limit-info") ?? "");
      if (m) this.last = { used: Number(m[1]), limit: Number(m[2]), window: "day" };
      return res;
    }) as typeof fetch;
  }
}

type DealCursor =
  | { v: 1; phase: "query"; soql: string; next: string | null; sinceMs: number | null }
  | { v: 1; phase: "roles"; next: string | null; sinceMs: number; ids: string[] }
  | { v: 1; phase: "byId"; sinceMs: number; ids: string[] };

const cursorSchema = z.union([
  z.object({ v: z.literal(1), phase: z.literal("query"), soql: z.string(), next: z.string().nullable(), sinceMs: z.number().nullable() }),
  z.object({ v: z.literal(1), phase: z.literal("roles"), next: z.string().nullable(), sinceMs: z.number(), ids: z.array(z.string()) }),
  z.object({ v: z.literal(1), phase: z.literal("byId"), sinceMs: z.number(), ids: z.array(z.string()) }),
]);
const listCursorSchema = z.object({ v: z.literal(1), soql: z.string(), next: z.string().nullable() });

const encode = (c: unknown) => Buffer.from(JSON.stringify(c)).toString("base64url");
function decode<S extends z.ZodType>(label: string, schema: S, cursor: string): z.output<S> {
  try {
    return schema.parse(JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")));
  } catch (e) {
    throw new ProviderError("CONFIG", label, `${label}: unreadable sync cursor`, { cause: e });
  }
}

const EXPIRED = Symbol("query locator expired");

/**
 * A deals page plus the accounts and contacts its rows carried (Account.* fields, the contact roles'
 * Contact.* fields): storing them saves the getAccounts/getContacts requests for those ids. An addition
 * to CrmPage<CrmDeal> (a subtype, so the CrmClient contract holds); proposed for the contract as
 * CrmPage.related.
 */
export interface SalesforceDealPage extends CrmPage<CrmDeal> {
  related: { accounts: CrmAccount[]; contacts: CrmContact[] };
}
const key = (id: string) => id.toLowerCase();

export class SalesforceClient extends OAuthProviderClient<"SALESFORCE", SalesforceTokenResponse> implements CrmClient {
  private readonly meter: LimitMeter;
  /**
   * Accounts and contacts seen through deal rows (relationship fields), under "salesforce:<kind>:<id>":
   * deps.lookupCache when the engine shares one per sync (then every client of that sync sees them), else
   * this client's own.
   */
  private readonly seen: Map<string, Promise<unknown>>;

  constructor(config: ProviderClientConfig, deps: ProviderDeps) {
    const meter = new LimitMeter();
    super("SALESFORCE", config, { ...deps, fetch: meter.wrap(deps.fetch) }, salesforceTokenResponseSchema);
    this.meter = meter;
    this.seen = deps.lookupCache ?? new Map();
  }

  quota(): CrmQuota | null {
    return this.meter.last ? { ...this.meter.last } : null;
  }

  // ----- HTTP ----------------------------------------------------------------------------------------

  /** The instance_url every API request goes to (stored with the credentials; re-checked against the trusted hosts). */
  private async instance(): Promise<string> {
    const creds = await this.session.credentials();
    const raw = creds.apiBaseUrl ?? (this.config.apiBaseUrl || null);
    if (!raw) throw new ProviderError("CONFIG", this.label, `${this.label}: no instance_url stored; reconnect Salesforce`);
    const checked = checkBaseUrl(raw, this.config.apiHosts ?? oauthSpec("SALESFORCE").apiBaseUrlHosts);
    if (!checked.ok)
      throw new ProviderError("UNTRUSTED_HOST", this.label, `${this.label}: the stored instance_url is not a trusted Salesforce host (${checked.reason})`);
    return checked.url;
  }

  /** Refuses to spend the last share of the org's daily limit (known from the last response). */
  private checkReserve(): void {
    const q = this.meter.last;
    if (!q || q.limit <= 0) return;
    const reserve = Math.max(1, Math.ceil(q.limit * SALESFORCE_QUOTA_RESERVE));
    if (q.used >= q.limit - reserve) {
      throw new ProviderError(
        "RATE_LIMITED",
        this.label,
        `${this.label}: ${q.used} of the org's ${q.limit} daily API requests are used; Callsync leaves the last ${reserve} to the org's other integrations`,
        { retryAfterMs: LIMIT_RETRY_MS, status: 403 },
      );
    }
  }

  private classifyError(status: number, body: unknown): ProviderError | undefined {
    const code = errorCodeOf(body);
    // 403 REQUEST_LIMIT_EXCEEDED: the org's daily limit (a 429 is left to ProviderHttp's Retry-After handling).
    if (status === 403 && code === "REQUEST_LIMIT_EXCEEDED") {
      return new ProviderError("RATE_LIMITED", this.label, `${this.label}: the org's daily API request limit is exceeded (REQUEST_LIMIT_EXCEEDED)`, {
        status,
        retryAfterMs: LIMIT_RETRY_MS,
      });
    }
    if (status === 414) return new ProviderError("INVALID_RESPONSE", this.label, `${this.label}: request URI too long`, { status, field: "(request)" });
    return undefined;
  }

  private async get<S extends z.ZodType>(path: string, endpoint: string, schema: S, priority: RequestPriority): Promise<z.output<S> | typeof EXPIRED> {
    this.checkReserve();
    const base = await this.instance();
    const { data } = await this.http.request({
      method: "GET",
      url: `${base}${path}`,
      endpoint,
      schema,
      priority,
      ...this.authed(),
      classify: (status, body) => this.classifyError(status, body),
      // A query locator expires after 15 minutes of inactivity: the caller runs its query again.
      recover: (status, body) => (status === 400 && errorCodeOf(body) === "INVALID_QUERY_LOCATOR" ? { value: EXPIRED } : undefined),
    });
    return data as z.output<S> | typeof EXPIRED;
  }

  /** One page of a query: the first (by SOQL) or the next (by nextRecordsUrl); restarts an expired locator. */
  private async queryPage(soql: string, next: string | null, priority: RequestPriority, all = false): Promise<QueryPage> {
    const resource = all ? "queryAll" : "query";
    if (next) {
      const page = await this.get(next, `GET /services/data/vXX.X/${resource}/{locator}`, queryPageSchema, priority);
      if (page !== EXPIRED) return page;
    }
    const page = await this.get(
      `/services/data/${SALESFORCE_API_VERSION}/${resource}?q=${encodeURIComponent(soql)}`,
      `GET /services/data/vXX.X/${resource}`,
      queryPageSchema,
      priority,
    );
    if (page === EXPIRED)
      throw new ProviderError("INVALID_RESPONSE", this.label, `${this.label}: query locator refused on a new query`, { field: "nextRecordsUrl" });
    return page;
  }

  /** Every page of a query. */
  private async queryAllPages(soql: string, priority: RequestPriority, all = false): Promise<unknown[]> {
    const out: unknown[] = [];
    let next: string | null = null;
    for (;;) {
      const page = await this.queryPage(soql, next, priority, all);
      out.push(...page.records);
      if (page.done || !page.nextRecordsUrl) return out;
      next = page.nextRecordsUrl;
    }
  }

  // ----- account ---------------------------------------------------------------------------------------

  async accountInfo(o: CrmCallOptions = {}): Promise<CrmAccountInfo> {
    const rows = await this.queryAllPages(organizationQuery(), o.priority ?? "interactive");
    const { records } = parseRecords("account", organizationRecordSchema, rows);
    const org = records[0];
    if (!org) throw new ProviderError("INVALID_RESPONSE", this.label, `${this.label}: the Organization query returned no row`, { field: "records" });
    return { accountId: org.Id, accountName: org.Name, apiBaseUrl: await this.instance(), defaultCurrency: org.DefaultCurrencyIsoCode };
  }

  async listOwners(o: CrmCallOptions = {}): Promise<CrmOwner[]> {
    const rows = await this.queryAllPages(ownersQuery(), o.priority ?? "backfill");
    return parseRecords("account", ownerRecordSchema, rows).records.map((u) => ({ crmId: u.Id, email: u.Email ? u.Email.toLowerCase() : null, name: u.Name }));
  }

  // ----- deals -----------------------------------------------------------------------------------------

  private dealsOf(raw: readonly unknown[]): Omit<SalesforceDealPage, "cursor"> {
    const { records, skipped } = parseRecords("deal", dealRecordSchema, raw);
    const accounts = new Map<string, CrmAccount>();
    const contacts = new Map<string, CrmContact>();
    for (const r of records) {
      const related = relatedOf(r);
      if (related.account) accounts.set(key(related.account.crmId), related.account);
      for (const c of related.contacts) contacts.set(key(c.crmId), c);
    }
    for (const a of accounts.values()) this.remember("account", a);
    for (const c of contacts.values()) this.remember("contact", c);
    return { records: records.map(toDeal), skipped, related: { accounts: [...accounts.values()], contacts: [...contacts.values()] } };
  }

  /** Contact roles beyond the first batch of a child result (rare: >200 roles on one deal) are followed. */
  private async completeRoles(raw: unknown[], priority: RequestPriority): Promise<void> {
    for (const row of raw) {
      const roles = (row as { OpportunityContactRoles?: { done?: boolean; nextRecordsUrl?: string | null; records?: unknown[] } | null })
        .OpportunityContactRoles;
      let next = roles && roles.done === false ? (roles.nextRecordsUrl ?? null) : null;
      while (roles && next && next.startsWith("/services/data/")) {
        const page = await this.get(next, "GET /services/data/vXX.X/query/{locator}", queryPageSchema, priority);
        if (page === EXPIRED) break;
        roles.records = [...(roles.records ?? []), ...page.records.filter((r) => roleRecordSchema.safeParse(r).success)];
        roles.done = page.done;
        next = page.done ? null : (page.nextRecordsUrl ?? null);
      }
    }
  }

  async listDeals(p: { modifiedSince: Date | null; closedSince: Date; cursor: string | null } & CrmCallOptions): Promise<SalesforceDealPage> {
    const priority = p.priority ?? "backfill";
    let c: DealCursor = p.cursor
      ? decode(this.label, cursorSchema, p.cursor)
      : p.modifiedSince
        ? { v: 1, phase: "query", soql: modifiedDealsQuery(p.modifiedSince), next: null, sinceMs: p.modifiedSince.getTime() }
        : { v: 1, phase: "query", soql: firstImportDealsQuery(p.closedSince), next: null, sinceMs: null };

    if (c.phase === "query") {
      const page = await this.queryPage(c.soql, c.next, priority);
      await this.completeRoles(page.records, priority);
      const deals = this.dealsOf(page.records);
      let cursor: DealCursor | null = null;
      if (!page.done && page.nextRecordsUrl) cursor = { ...c, next: page.nextRecordsUrl };
      else if (c.sinceMs !== null) cursor = { v: 1, phase: "roles", next: null, sinceMs: c.sinceMs, ids: [] };
      return { ...deals, cursor: cursor ? encode(cursor) : null };
    }

    if (c.phase === "roles") {
      // Contact roles added, edited or removed since: their deals changed even if the Opportunity did not.
      const since = new Date(c.sinceMs);
      const ids = new Set(c.ids.map(key));
      const list = [...c.ids];
      let next = c.next;
      for (;;) {
        const page = await this.queryPage(changedRolesQuery(since), next, priority, true);
        for (const r of parseRecords("deal", roleOpportunityRecordSchema, page.records).records) {
          if (!ids.has(key(r.OpportunityId))) {
            ids.add(key(r.OpportunityId));
            list.push(r.OpportunityId);
          }
        }
        if (page.done || !page.nextRecordsUrl) break;
        next = page.nextRecordsUrl;
      }
      if (!list.length) return { records: [], skipped: [], related: { accounts: [], contacts: [] }, cursor: null };
      c = { v: 1, phase: "byId", sinceMs: c.sinceMs, ids: list };
    }

    // byId: the deals of changed roles whose own record is older than `since` (the others came already).
    const chunk = c.ids.slice(0, MAX_IDS_PER_QUERY);
    const rest = c.ids.slice(MAX_IDS_PER_QUERY);
    const raw = await this.queryAllPages(dealsByIdQuery(chunk, new Date(c.sinceMs)), priority);
    await this.completeRoles(raw, priority);
    return { ...this.dealsOf(raw), cursor: rest.length ? encode({ v: 1, phase: "byId", sinceMs: c.sinceMs, ids: rest } satisfies DealCursor) : null };
  }

  // ----- accounts and contacts -------------------------------------------------------------------------

  private remember(kind: "account" | "contact", item: { crmId: string }): void {
    this.seen.set(`salesforce:${kind}:${key(item.crmId)}`, Promise.resolve(item));
  }

  private async byIds<T extends { crmId: string }>(
    ids: string[],
    kind: "account" | "contact",
    query: (chunk: string[]) => string,
    parse: (raw: unknown[]) => { records: T[]; skipped: CrmSkipped[] },
    priority: RequestPriority,
  ): Promise<CrmPage<T>> {
    const records: T[] = [];
    const skipped: CrmSkipped[] = [];
    const missing: string[] = [];
    for (const chunk of idChunks(ids, Number.MAX_SAFE_INTEGER)) {
      for (const id of chunk) {
        const hit = (await this.seen.get(`salesforce:${kind}:${key(id)}`)) as T | undefined;
        if (hit) records.push(hit);
        else missing.push(id);
      }
    }
    for (const chunk of idChunks(missing)) {
      const parsed = parse(await this.queryAllPages(query(chunk), priority));
      for (const r of parsed.records) this.remember(kind, r);
      records.push(...parsed.records);
      skipped.push(...parsed.skipped);
    }
    return { records, skipped, cursor: null };
  }

  private parseAccounts(raw: unknown[]) {
    const { records, skipped } = parseRecords("account", accountRecordSchema, raw);
    return { records: records.map(toAccount), skipped };
  }
  private parseContacts(raw: unknown[]) {
    const { records, skipped } = parseRecords("contact", contactRecordSchema, raw);
    return { records: records.map(toContact), skipped };
  }

  getAccounts(ids: string[], o: CrmCallOptions = {}): Promise<CrmPage<CrmAccount>> {
    return this.byIds(ids, "account", accountsByIdQuery, (raw) => this.parseAccounts(raw), o.priority ?? "backfill");
  }

  getContacts(ids: string[], o: CrmCallOptions = {}): Promise<CrmPage<CrmContact>> {
    return this.byIds(ids, "contact", contactsByIdQuery, (raw) => this.parseContacts(raw), o.priority ?? "backfill");
  }

  private async listModified<T>(
    soql: string,
    cursor: string | null,
    parse: (raw: unknown[]) => { records: T[]; skipped: CrmSkipped[] },
    priority: RequestPriority,
  ): Promise<CrmPage<T>> {
    const c = cursor ? decode(this.label, listCursorSchema, cursor) : { v: 1 as const, soql, next: null };
    const page = await this.queryPage(c.soql, c.next, priority);
    const { records, skipped } = parse(page.records);
    return { records, skipped, cursor: !page.done && page.nextRecordsUrl ? encode({ ...c, next: page.nextRecordsUrl }) : null };
  }

  listModifiedAccounts(p: { since: Date; cursor: string | null } & CrmCallOptions): Promise<CrmPage<CrmAccount>> {
    return this.listModified(modifiedAccountsQuery(p.since), p.cursor, (raw) => this.parseAccounts(raw), p.priority ?? "backfill");
  }

  listModifiedContacts(p: { since: Date; cursor: string | null } & CrmCallOptions): Promise<CrmPage<CrmContact>> {
    return this.listModified(modifiedContactsQuery(p.since), p.cursor, (raw) => this.parseContacts(raw), p.priority ?? "backfill");
  }

  // ----- deletions -------------------------------------------------------------------------------------

  async listDeleted(object: CrmObject, p: { since: Date; until: Date } & CrmCallOptions): Promise<string[]> {
    const sobject = OBJECT_OF[object];
    const priority = p.priority ?? "backfill";
    const now = this.now().getTime();
    const until = Math.min(p.until.getTime(), now);
    const ids = new Map<string, string>();
    const add = (id: string) => ids.set(key(id), toSalesforceId18(id));
    let start = p.since.getTime();
    if (start >= until) return [];

    // The part older than getDeleted reaches back: the recycle bin through queryAll.
    const oldest = now - GET_DELETED_MAX_AGE_MS;
    if (start < oldest) {
      const end = Math.min(until, oldest);
      const raw = await this.queryAllPages(deletedByStampQuery(sobject, new Date(start), new Date(end)), priority, true);
      for (const r of parseRecords(object, idRecordSchema, raw).records) add(r.Id);
      start = end;
    }
    // getDeleted works on whole minutes and needs end - start > 1 minute: widen the window to whole minutes
    // (a few extra ids deleted just outside [since, until) are harmless to the caller).
    while (start < until) {
      const end = Math.min(until, start + 30 * DAY_MS - 60_000);
      let s = Math.floor(start / 60_000) * 60_000;
      const e = Math.min(Math.ceil(end / 60_000) * 60_000, Math.floor(now / 60_000) * 60_000);
      if (e - s <= 60_000) s = e - 120_000;
      const qs = `start=${encodeURIComponent(new Date(s).toISOString())}&end=${encodeURIComponent(new Date(e).toISOString())}`;
      const page = await this.get(
        `/services/data/${SALESFORCE_API_VERSION}/sobjects/${sobject}/deleted/?${qs}`,
        `GET /services/data/vXX.X/sobjects/${sobject}/deleted`,
        getDeletedSchema,
        priority,
      );
      if (page !== EXPIRED) for (const d of page.deletedRecords) add(d.id);
      start = end;
    }
    return [...ids.values()];
  }
}
