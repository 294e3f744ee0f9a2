// An in-memory CRM behind the CrmClient interface, for the CRM sync tests: deals, accounts, contacts and
// owners with modified times on a clock the test moves, deletions recorded with their time, paging by an
// opaque cursor, records a test makes malformed, and faults (thrown ProviderErrors) a test schedules per
// method. Counts every call so tests can check what was asked (each id once, the API minimum).
import { ProviderError, type ProviderErrorKind } from "@/lib/errors";
import type {
  CrmAccount,
  CrmAccountInfo,
  CrmClient,
  CrmContact,
  CrmDeal,
  CrmId,
  CrmObject,
  CrmOwner,
  CrmPage,
  CrmQuota,
  CrmSkipped,
} from "@/lib/providers/crm/types";
import type { ConnectResult, ProviderCredentials } from "@/lib/providers/types";

type Method = "accountInfo" | "listOwners" | "listDeals" | "getAccounts" | "getContacts" | "listModifiedAccounts" | "listModifiedContacts" | "listDeleted";

export interface FakeFault {
  method: Method;
  kind: ProviderErrorKind;
  /** How many calls of that method fail before it works again (Infinity: for good). */
  times: number;
  retryAfterMs?: number;
}

export class FakeCrm {
  deals = new Map<string, CrmDeal>();
  accounts = new Map<string, CrmAccount>();
  contacts = new Map<string, CrmContact>();
  owners: CrmOwner[] = [];
  deleted: Array<{ object: CrmObject; crmId: string; at: Date }> = [];
  /** Records returned as they are stored but reported skipped by the "client" (its own validation). */
  clientSkipped: CrmSkipped[] = [];
  pageSize = 3;
  /** Deal pages carry the accounts and contacts their deals name (as Salesforce's relationship fields do). */
  relatedInPages = false;
  calls: Array<{ method: Method; ids?: string[] }> = [];
  faults: FakeFault[] = [];
  info: CrmAccountInfo = { accountId: "hub-1", accountName: "Acme Inc", apiBaseUrl: null, defaultCurrency: "USD" };
  revoked = false;

  constructor(readonly provider: CrmId = "HUBSPOT") {}

  private stamp() {
    return new Date().toISOString();
  }

  putDeal(d: Partial<CrmDeal> & { crmId: string }) {
    const prev = this.deals.get(d.crmId);
    const deal: CrmDeal = {
      name: `Deal ${d.crmId}`,
      stage: "Discovery",
      isClosed: false,
      isWon: false,
      amount: "1000.00",
      currency: null,
      closeDate: "2026-12-31",
      ownerCrmId: null,
      accountCrmId: null,
      contactCrmIds: [],
      ...prev,
      ...d,
      modifiedAt: this.stamp(),
    };
    this.deals.set(deal.crmId, deal);
    return deal;
  }

  putAccount(a: Partial<CrmAccount> & { crmId: string }) {
    const account: CrmAccount = { name: `Account ${a.crmId}`, domain: null, ...this.accounts.get(a.crmId), ...a, modifiedAt: this.stamp() };
    this.accounts.set(account.crmId, account);
    return account;
  }

  putContact(c: Partial<CrmContact> & { crmId: string }) {
    const contact: CrmContact = {
      name: `Contact ${c.crmId}`,
      email: null,
      title: null,
      accountCrmId: null,
      ...this.contacts.get(c.crmId),
      ...c,
      modifiedAt: this.stamp(),
    };
    this.contacts.set(contact.crmId, contact);
    return contact;
  }

  remove(object: CrmObject, crmId: string) {
    ({ deal: this.deals, account: this.accounts, contact: this.contacts })[object].delete(crmId);
    this.deleted.push({ object, crmId, at: new Date(this.stamp()) });
  }

  count(method: Method) {
    return this.calls.filter((c) => c.method === method).length;
  }

  /** A CrmClient over this CRM (one per step, as the app builds them). */
  client(): CrmClient {
    return new FakeCrmClient(this);
  }

  /** Throws the scheduled fault of `method`, if any is left. */
  hit(method: Method, ids?: string[]) {
    this.calls.push({ method, ids });
    if (this.revoked)
      throw new ProviderError("AUTH_REVOKED", "HubSpot", "HubSpot refused the refresh token (invalid_grant); reconnect required", { status: 400 });
    const fault = this.faults.find((f) => f.method === method && f.times > 0);
    if (fault) {
      fault.times--;
      throw new ProviderError(fault.kind, "HubSpot", `injected ${fault.kind} on ${method}`, {
        status: fault.kind === "RATE_LIMITED" ? 429 : fault.kind === "TRANSIENT" ? 503 : 400,
        retryAfterMs: fault.retryAfterMs,
      });
    }
  }
}

function page<T>(all: T[], cursor: string | null, size: number, skipped: CrmSkipped[] = []): CrmPage<T> {
  const start = cursor ? Number(cursor) : 0;
  const records = all.slice(start, start + size);
  const next = start + size < all.length ? String(start + size) : null;
  return { records, skipped: start === 0 ? skipped : [], cursor: next };
}

const byId = <T extends { crmId: string }>(xs: Iterable<T>) => [...xs].sort((a, b) => a.crmId.localeCompare(b.crmId));

class FakeCrmClient implements CrmClient {
  readonly provider: CrmId;
  constructor(private readonly crm: FakeCrm) {
    this.provider = crm.provider;
  }

  authorizationUrl({ state }: { state: string }) {
    return `https://crm.example.test/oauth/authorize?state=${encodeURIComponent(state)}`;
  }

  async exchangeCode(): Promise<ConnectResult> {
    const credentials: ProviderCredentials = {
      kind: "oauth",
      accessToken: "at",
      refreshToken: "rt",
      expiresAt: null,
      apiBaseUrl: this.crm.info.apiBaseUrl,
      scope: null,
    };
    return { credentials, apiBaseUrl: this.crm.info.apiBaseUrl, tokenExpiresAt: null, scope: null };
  }

  async refreshCredentials(): Promise<ProviderCredentials> {
    this.crm.hit("accountInfo");
    return { kind: "oauth", accessToken: "at2", refreshToken: "rt", expiresAt: null, apiBaseUrl: null, scope: null };
  }

  async accountInfo() {
    this.crm.hit("accountInfo");
    return this.crm.info;
  }

  async listOwners() {
    this.crm.hit("listOwners");
    return this.crm.owners;
  }

  async listDeals(p: { modifiedSince: Date | null; closedSince: Date; cursor: string | null }) {
    this.crm.hit("listDeals");
    const all = byId(this.crm.deals.values()).filter((d) =>
      p.modifiedSince
        ? Date.parse(d.modifiedAt) >= p.modifiedSince.getTime()
        : !d.isClosed || (d.closeDate !== null && Date.parse(`${d.closeDate}T00:00:00Z`) >= p.closedSince.getTime()),
    );
    const out = page(all, p.cursor, this.crm.pageSize, this.crm.clientSkipped);
    if (!this.crm.relatedInPages) return out;
    const accounts = [...new Set(out.records.flatMap((d) => d.accountCrmId ?? []))].flatMap((id) => this.crm.accounts.get(id) ?? []);
    const contacts = [...new Set(out.records.flatMap((d) => d.contactCrmIds))].flatMap((id) => this.crm.contacts.get(id) ?? []);
    return { ...out, related: { accounts, contacts } };
  }

  async getAccounts(ids: string[]) {
    this.crm.hit("getAccounts", ids);
    return { records: ids.flatMap((id) => this.crm.accounts.get(id) ?? []), skipped: [], cursor: null };
  }

  async getContacts(ids: string[]) {
    this.crm.hit("getContacts", ids);
    return { records: ids.flatMap((id) => this.crm.contacts.get(id) ?? []), skipped: [], cursor: null };
  }

  async listModifiedAccounts(p: { since: Date; cursor: string | null }) {
    this.crm.hit("listModifiedAccounts");
    return page(
      byId(this.crm.accounts.values()).filter((a) => Date.parse(a.modifiedAt) >= p.since.getTime()),
      p.cursor,
      this.crm.pageSize,
    );
  }

  async listModifiedContacts(p: { since: Date; cursor: string | null }) {
    this.crm.hit("listModifiedContacts");
    return page(
      byId(this.crm.contacts.values()).filter((c) => Date.parse(c.modifiedAt) >= p.since.getTime()),
      p.cursor,
      this.crm.pageSize,
    );
  }

  async listDeleted(object: CrmObject, p: { since: Date; until: Date }) {
    this.crm.hit("listDeleted");
    return this.crm.deleted.filter((d) => d.object === object && d.at >= p.since && d.at < p.until).map((d) => d.crmId);
  }

  quota(): CrmQuota | null {
    return { used: this.crm.calls.length, limit: 250_000, window: "day" };
  }
}
