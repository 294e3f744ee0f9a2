// SalesforceClient against the Salesforce simulator: OAuth with PKCE, instance_url trust, one-query deal
// import with paging, incremental (record and contact-role changes), deletions, 15/18-character ids,
// the daily limit, INVALID_SESSION_ID refresh, malformed records skipped, and the request count of a
// first import next to the API minimum.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { simulatorEnv, type RunningSimulators } from "@/dev/simulators";
import { crmSpec } from "@/lib/providers/registry";
import { demoAccountId, demoOpportunityId, sfId18 } from "@/dev/simulators/providers/salesforce";
import { DEMO_DEALS } from "@/lib/demo/data";
import { newCodeVerifier, pkceChallenge } from "@/lib/providers/oauth";
import { getCrmClient } from "@/lib/providers/crm";
import type { CrmClient, CrmDeal } from "@/lib/providers/crm/types";
import { createInMemoryCredentialStore, unlimitedGate } from "@/lib/providers/memory";
import type { OAuthCredentials, ProviderClientConfig, ProviderDeps } from "@/lib/providers/types";
import { SalesforceClient } from "@/lib/providers/salesforce/client";
import { FAST_RETRY, NOW, REDIRECT_URI, consent, control, expectProviderError, simNow, startTestSimulators } from "./helpers";

let sims: RunningSimulators;
beforeAll(async () => {
  sims = await startTestSimulators();
});
afterAll(async () => {
  await sims.stop();
});
beforeEach(async () => {
  await control(sims, "/reset", { now: NOW });
});

const DAY = 86_400_000;
const closedSince = () => new Date(Date.parse(NOW) - 730 * DAY);

/** The client config the app builds from the simulators' env (names from the registry). */
function config(overrides: Partial<ProviderClientConfig> = {}): ProviderClientConfig {
  const env = simulatorEnv(sims.url);
  const names = crmSpec("SALESFORCE").env;
  return {
    apiBaseUrl: "",
    oauthBaseUrl: env[names.oauthBaseUrl],
    clientId: env[names.clientId],
    clientSecret: env[names.clientSecret],
    redirectUri: REDIRECT_URI,
    apiHosts: [env[names.apiHosts!]!],
    ...overrides,
  };
}
const deps = (extra: ProviderDeps = {}): ProviderDeps => ({ gate: unlimitedGate, retry: FAST_RETRY, now: simNow(sims), ...extra });

async function connect(cfg = config()): Promise<OAuthCredentials> {
  const client = getCrmClient("SALESFORCE", cfg, deps());
  const verifier = newCodeVerifier();
  const back = await consent(client.authorizationUrl({ state: "st", codeVerifier: verifier }), "allow");
  const result = await client.exchangeCode({ code: back.searchParams.get("code")!, codeVerifier: verifier });
  return result.credentials as OAuthCredentials;
}
async function connected(extra: ProviderDeps = {}) {
  const store = createInMemoryCredentialStore(await connect());
  return { client: getCrmClient("SALESFORCE", config(), deps({ credentials: store, ...extra })), store };
}
type Stats = { salesforce: { apiRequests: number; refreshes: number; byEndpoint: Record<string, { total: number }> } };
const stats = async () => ((await (await fetch(`${sims.url}/__sim/stats`)).json()) as Stats).salesforce;
const sf = async (path: string, body: unknown = {}) => {
  const res = await fetch(`${sims.url}/__sim/salesforce${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(res.ok).toBe(true);
  return res.json() as Promise<Record<string, unknown>>;
};

async function allDeals(client: CrmClient, modifiedSince: Date | null) {
  const deals: CrmDeal[] = [];
  const skipped = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page = await client.listDeals({ modifiedSince, closedSince: closedSince(), cursor });
    deals.push(...page.records);
    skipped.push(...page.skipped);
    cursor = page.cursor;
    pages++;
  } while (cursor);
  return { deals, skipped, pages };
}

describe("OAuth", () => {
  it("web server flow with PKCE: the consent URL carries the S256 challenge, the code exchange the verifier; instance_url becomes the API host", async () => {
    const client = getCrmClient("SALESFORCE", config(), deps());
    const verifier = newCodeVerifier();
    const url = new URL(client.authorizationUrl({ state: "st-1", codeVerifier: verifier }));
    expect(`${url.origin}${url.pathname}`).toBe(`${sims.url}/salesforce/services/oauth2/authorize`);
    expect(url.searchParams.get("code_challenge")).toBe(pkceChallenge(verifier));
    expect(url.searchParams.get("code_challenge_method")).toBe("S256");
    expect(url.searchParams.get("scope")).toBe("api refresh_token");

    const back = await consent(url.toString(), "allow");
    // A wrong verifier is refused by Salesforce's token endpoint.
    await expectProviderError(client.exchangeCode({ code: back.searchParams.get("code")!, codeVerifier: newCodeVerifier() }), "INVALID_CREDENTIALS");

    const creds = await connect();
    expect(creds.apiBaseUrl).toBe(`${sims.url}/salesforce-api/acme`);
    expect(creds.refreshToken).toBeTruthy();
    expect(creds.expiresAt).toBeNull();
  });

  it("the sandbox login host connects the sandbox org", async () => {
    const creds = await connect(config({ oauthBaseUrl: `${sims.url}/salesforce-test` }));
    expect(creds.apiBaseUrl).toBe(`${sims.url}/salesforce-api/acme--uat`);
    const store = createInMemoryCredentialStore(creds);
    const info = await getCrmClient("SALESFORCE", config({ oauthBaseUrl: `${sims.url}/salesforce-test` }), deps({ credentials: store })).accountInfo();
    expect(info.accountName).toBe("Acme (UAT sandbox)");
  });

  it("refresh keeps the refresh token (Salesforce does not rotate it) and the instance_url when omitted; a revoked one is AUTH_REVOKED", async () => {
    const { client, store } = await connected();
    const before = store.current() as OAuthCredentials;
    await sf("/instance-url", { url: null });
    const after = (await client.refreshCredentials()) as OAuthCredentials;
    expect(after.accessToken).not.toBe(before.accessToken);
    expect(after.refreshToken).toBe(before.refreshToken);
    expect(after.apiBaseUrl).toBe(before.apiBaseUrl);
    await sf("/instance-url", {});
    await sf("/tokens/revoke");
    const err = await expectProviderError(client.refreshCredentials(), "AUTH_REVOKED");
    expect(err.message).toContain("expired access/refresh token");
  });

  it("refuses an instance_url on a foreign host and stores nothing; the default trust list refuses plain http", async () => {
    await sf("/instance-url", { url: "https://attacker.example" });
    await expectProviderError(connect(), "UNTRUSTED_HOST");
    await sf("/instance-url", { url: "https://acme.my.salesforce.com.attacker.example" });
    await expectProviderError(connect(), "UNTRUSTED_HOST");
    await sf("/instance-url", {});
    // Without the simulator's origin on the list only https *.salesforce.com is trusted.
    await expectProviderError(connect(config({ apiHosts: undefined })), "UNTRUSTED_HOST");
  });

  it("INVALID_SESSION_ID: one refresh, then the request is repeated", async () => {
    const { client } = await connected();
    await client.accountInfo();
    await sf("/tokens/expire");
    const before = await stats();
    const info = await client.accountInfo();
    expect(info.accountId).toMatch(/^00D[a-zA-Z0-9]{15}$/);
    const after = await stats();
    expect(after.refreshes - before.refreshes).toBe(1);
  });
});

describe("reading the org", () => {
  it("accountInfo: the 18-character org id, the org name and the instance URL", async () => {
    const { client } = await connected();
    const info = await client.accountInfo();
    const d = (await (await fetch(`${sims.url}/__sim/salesforce/dataset`)).json()) as { orgId: string };
    expect(info).toEqual({ accountId: d.orgId, accountName: "Acme", apiBaseUrl: `${sims.url}/salesforce-api/acme`, defaultCurrency: "USD" });
  });

  it("first import: open deals plus recently closed ones, with stage, amount, owner, account and contact roles", async () => {
    const { client } = await connected();
    const { deals, skipped } = await allDeals(client, null);
    expect(skipped).toEqual([]);
    expect(deals).toHaveLength(25); // the 24 demo deals + one without an amount; the deleted one is absent
    const i = 2;
    const d = DEMO_DEALS[i]!;
    const deal = deals.find((x) => x.crmId === demoOpportunityId(i + 1))!;
    expect(deal).toMatchObject({
      name: d.name,
      stage: d.stage,
      isClosed: d.isClosed,
      amount: `${d.amount}.00`,
      currency: null,
      accountCrmId: demoAccountId(i + 1),
    });
    expect(deal.contactCrmIds).toHaveLength(d.contacts.length);
    expect(deals.every((x) => x.crmId.length === 18 && x.contactCrmIds.every((c) => c.length === 18))).toBe(true);
    expect(deals.find((x) => x.amount === null)?.name).toContain("Zorg");

    const owners = await client.listOwners();
    const owner = owners.find((o) => o.crmId === deal.ownerCrmId)!;
    expect(owner.email).toBe(d.ownerEmail);
    expect(owners.some((o) => o.email === "former.rep@acme.test")).toBe(true);

    // The pages carry the accounts and contacts their rows named (page.related).
    const first = (await (client as SalesforceClient).listDeals({ modifiedSince: null, closedSince: closedSince(), cursor: null })).related;
    expect(first.accounts.find((x) => x.crmId === demoAccountId(i + 1))).toMatchObject({ name: d.accountName, domain: d.domain });
    expect(first.contacts.map((c) => c.email)).toEqual(expect.arrayContaining(d.contacts.map((c) => c.email)));
    // Accounts and contacts came with the deals: reading them costs no request.
    const before = (await stats()).apiRequests;
    const accounts = await client.getAccounts(deals.map((x) => x.accountCrmId!).filter(Boolean));
    const contacts = await client.getContacts(deals.flatMap((x) => x.contactCrmIds));
    expect((await stats()).apiRequests).toBe(before);
    expect(accounts.records.find((a) => a.crmId === demoAccountId(i + 1))).toMatchObject({ name: d.accountName, domain: d.domain });
    expect(contacts.records.map((c) => c.email)).toEqual(expect.arrayContaining(d.contacts.map((c) => c.email)));
    expect(contacts.records.some((c) => c.email === null)).toBe(true);
  });

  it("closedSince filters closed deals by close date; open deals always come", async () => {
    const { client } = await connected();
    const since = new Date(Date.parse(NOW) - 40 * DAY);
    const page = await client.listDeals({ modifiedSince: null, closedSince: since, cursor: null });
    const closedDemo = DEMO_DEALS.filter((d) => d.isClosed);
    const expected = DEMO_DEALS.filter((d) => !d.isClosed || d.closeInDays >= -40).length + 1;
    expect(page.records).toHaveLength(expected);
    expect(expected).toBeLessThan(25);
    expect(closedDemo.length).toBeGreaterThan(0);
  });

  it("getAccounts / getContacts by 15- or 18-character id, any case of the 18; unknown ids omitted; answers in 18-character form", async () => {
    const { client } = await connected();
    const id18 = demoAccountId(5);
    const r = await client.getAccounts([id18.slice(0, 15), id18.toLowerCase(), sfId18("001Dn00000Nope1"), "not-an-id"]);
    expect(r.records.map((a) => a.crmId)).toEqual([id18]);
    const contactId = sfId18("003Dn00000C0500");
    const c = await client.getContacts([contactId.slice(0, 15)]);
    expect(c.records).toHaveLength(1);
    expect(c.records[0]!.crmId).toBe(contactId);
    expect(c.records[0]!.accountCrmId).toBe(id18);
  });

  it("pages a large org by nextRecordsUrl; the first import costs the API minimum", async () => {
    await sf("/reset", { generated: { opportunities: 2_000, accounts: 400, contacts: 2_000 } });
    const { client } = await connected();
    const start = (await stats()).apiRequests;
    const { deals, pages } = await allDeals(client, null);
    const afterDeals = (await stats()).apiRequests;
    // The minimum: every matching Opportunity with its contact roles (child rows count toward the 2,000-row batch).
    const q = encodeURIComponent(
      "SELECT Id, (SELECT Id FROM OpportunityContactRoles) FROM Opportunity WHERE IsClosed = false OR CloseDate >= " + closedSince().toISOString().slice(0, 10),
    );
    const token = (await sf("/tokens")).accessToken as string;
    let weight = 0;
    let count = 0;
    let next: string | null = `/services/data/v62.0/query?q=${q}`;
    while (next) {
      const res = (await (await fetch(`${sims.url}/salesforce-api/acme${next}`, { headers: { authorization: `Bearer ${token}` } })).json()) as {
        records: Array<{ OpportunityContactRoles: { records: unknown[] } | null }>;
        done: boolean;
        nextRecordsUrl?: string;
      };
      for (const r of res.records) weight += 1 + (r.OpportunityContactRoles?.records.length ?? 0);
      count += res.records.length;
      next = res.done ? null : res.nextRecordsUrl!;
    }
    expect(deals).toHaveLength(count);
    expect(count).toBeGreaterThan(1_500);
    const minimum = Math.ceil(weight / 2000);
    expect(afterDeals - start).toBe(pages);
    expect(pages).toBeGreaterThanOrEqual(minimum);
    expect(pages).toBeLessThanOrEqual(minimum + 1);
    // Accounts and contacts of those deals: no request at all.
    const before = (await stats()).apiRequests;
    await client.getAccounts(deals.map((d) => d.accountCrmId!).filter(Boolean));
    await client.getContacts(deals.flatMap((d) => d.contactCrmIds));
    expect((await stats()).apiRequests).toBe(before);
    // A second client sharing the sync's lookupCache also answers from it.
    const cache = new Map<string, Promise<unknown>>();
    const a = getCrmClient("SALESFORCE", config(), deps({ credentials: createInMemoryCredentialStore(await connect()), lookupCache: cache }));
    const firstPage = await a.listDeals({ modifiedSince: null, closedSince: closedSince(), cursor: null });
    const b = getCrmClient("SALESFORCE", config(), deps({ credentials: createInMemoryCredentialStore(await connect()), lookupCache: cache }));
    const mark = (await stats()).apiRequests;
    const got = await b.getContacts(firstPage.records.flatMap((d) => d.contactCrmIds));
    expect(got.records.length).toBeGreaterThan(0);
    expect((await stats()).apiRequests).toBe(mark);
    console.log(`[salesforce] first import of ${count} opportunities (${weight} rows with contact roles): ${pages} requests, API minimum ${minimum}`);
  });

  it("restarts a query whose locator expired between pages (15 minutes idle)", async () => {
    await sf("/reset", { generated: { opportunities: 2_500, accounts: 100, contacts: 0 } });
    const { client } = await connected();
    const first = await client.listDeals({ modifiedSince: null, closedSince: closedSince(), cursor: null });
    expect(first.cursor).not.toBeNull();
    await control(sims, "/clock", { advanceMs: 16 * 60_000 });
    const second = await client.listDeals({ modifiedSince: null, closedSince: closedSince(), cursor: first.cursor });
    expect(second.records.length).toBeGreaterThan(0);
  });
});

describe("incremental", () => {
  it("returns deals whose record changed and deals whose contact roles changed, each once", async () => {
    const { client } = await connected();
    await control(sims, "/clock", { advanceMs: 60_000 });
    const since = new Date(Date.parse(NOW) + 30_000);
    await sf("/opportunities/stage", { id: demoOpportunityId(1), stage: "Closed Won" });
    const contact = sfId18("003Dn00000C0100");
    await sf("/contact-roles", { opportunityId: demoOpportunityId(7), contactId: contact });
    // Both changes on deal 9: counted once.
    await sf("/opportunities/stage", { id: demoOpportunityId(9), stage: "Negotiation" });
    await sf("/contact-roles", { opportunityId: demoOpportunityId(9), contactId: contact });
    const { deals } = await allDeals(client, since);
    expect(deals.map((d) => d.crmId).sort()).toEqual([demoOpportunityId(1), demoOpportunityId(7), demoOpportunityId(9)].sort());
    expect(deals.find((d) => d.crmId === demoOpportunityId(1))).toMatchObject({ stage: "Closed Won", isClosed: true, isWon: true });
    expect(deals.find((d) => d.crmId === demoOpportunityId(7))!.contactCrmIds).toContain(contact);

    // A removed contact role (deleted with its contact) also brings its deal back.
    await control(sims, "/clock", { advanceMs: 60_000 });
    const since2 = new Date(Date.parse(NOW) + 90_000);
    await sf("/records/delete", { id: sfId18("003Dn00000C1200") });
    const again = await allDeals(client, since2);
    expect(again.deals.map((d) => d.crmId)).toEqual([demoOpportunityId(12)]);
    expect(again.deals[0]!.contactCrmIds).not.toContain(sfId18("003Dn00000C1200"));
  });

  it("nothing changed: one query for deals and one for roles", async () => {
    const { client } = await connected();
    const before = (await stats()).apiRequests;
    const { deals } = await allDeals(client, new Date(Date.parse(NOW) + 1_000));
    expect(deals).toEqual([]);
    expect((await stats()).apiRequests - before).toBe(2);
  });

  it("listModifiedAccounts / listModifiedContacts by SystemModstamp", async () => {
    const { client } = await connected();
    await control(sims, "/clock", { advanceMs: 60_000 });
    await sf("/records/update", { id: demoAccountId(3), fields: { Website: "https://new.example" } });
    const since = new Date(Date.parse(NOW) + 30_000);
    const a = await client.listModifiedAccounts({ since, cursor: null });
    expect(a.records.map((x) => [x.crmId, x.domain])).toEqual([[demoAccountId(3), "new.example"]]);
    expect(a.cursor).toBeNull();
    const c = await client.listModifiedContacts({ since, cursor: null });
    expect(c.records).toEqual([]);
  });
});

describe("deletions", () => {
  it("lists deleted ids through getDeleted in the recent window and queryAll for older windows", async () => {
    const { client } = await connected();
    await control(sims, "/clock", { advanceMs: 5 * 60_000 });
    await sf("/records/delete", { id: demoOpportunityId(4) });
    const until = new Date(Date.parse(NOW) + 10 * 60_000);
    await control(sims, "/clock", { advanceMs: 5 * 60_000 });
    const recent = await client.listDeleted("deal", { since: new Date(Date.parse(NOW) + 60_000), until });
    expect(recent).toEqual([demoOpportunityId(4)]);
    const wide = await client.listDeleted("deal", { since: new Date(Date.parse(NOW) - 10 * DAY), until });
    expect(wide.sort()).toEqual([demoOpportunityId(4), sfId18("006Dn00000Acm91")].sort());
    const s = await stats();
    expect(s.byEndpoint["GET /services/data/vXX.X/sobjects/{sObject}/deleted"]!.total).toBe(2);
    // Since 40 days ago: the part older than 30 days goes through queryAll, the rest through getDeleted.
    const old = await client.listDeleted("deal", { since: new Date(Date.parse(NOW) - 40 * DAY), until });
    expect(old.sort()).toEqual(wide.sort());
    const s2 = await stats();
    expect(s2.byEndpoint["GET /services/data/vXX.X/queryAll"]!.total).toBeGreaterThanOrEqual(1);
    expect(await client.listDeleted("contact", { since: new Date(Date.parse(NOW) - DAY), until })).toEqual([]);
  });
});

describe("limits and bad records", () => {
  it("quota() reads Sforce-Limit-Info; REQUEST_LIMIT_EXCEEDED is RATE_LIMITED; the last 5 % are left to the org", async () => {
    const { client } = await connected();
    expect(client.quota()).toBeNull();
    await sf("/limits", { dailyLimit: 1_000, used: 100 });
    await client.accountInfo();
    expect(client.quota()).toEqual({ used: 101, limit: 1_000, window: "day" });
    await sf("/limits", { used: 960 });
    await client.accountInfo();
    expect(client.quota()).toEqual({ used: 961, limit: 1_000, window: "day" });
    const before = (await stats()).apiRequests;
    const err = await expectProviderError(client.accountInfo(), "RATE_LIMITED");
    expect(err.message).toContain("961 of the org's 1000");
    expect((await stats()).apiRequests).toBe(before); // refused without a request

    const fresh = new SalesforceClient(config(), deps({ credentials: createInMemoryCredentialStore(await connect()) }));
    await sf("/limits", { used: 1_000 });
    const limited = await expectProviderError(fresh.listOwners(), "RATE_LIMITED");
    expect(limited.message).toContain("REQUEST_LIMIT_EXCEEDED");
  });

  it("a malformed record is skipped with its id and field; the rest of the page arrives", async () => {
    const { client } = await connected();
    await control(sims, "/faults", {
      provider: "salesforce",
      kind: "malformed",
      endpoint: "GET /services/data/vXX.X/query",
      field: "records.0.CloseDate",
      count: 1,
    });
    const page = await client.listDeals({ modifiedSince: null, closedSince: closedSince(), cursor: null });
    expect(page.records).toHaveLength(24);
    expect(page.skipped).toHaveLength(1);
    expect(page.skipped[0]).toMatchObject({ object: "deal", field: "CloseDate" });
    expect(page.skipped[0]!.crmId).toMatch(/^006[a-zA-Z0-9]{15}$/);
  });

  it("a 429 with Retry-After is waited out and retried (not mistaken for the daily limit)", async () => {
    const { client } = await connected();
    await control(sims, "/faults", { provider: "salesforce", kind: "429", count: 2 });
    expect((await client.accountInfo()).accountName).toBe("Acme");
  });

  it("5xx and timeouts are retried; a storm ends TRANSIENT", async () => {
    const { client } = await connected();
    await control(sims, "/faults", { provider: "salesforce", kind: "500", count: 1 });
    expect((await client.accountInfo()).accountName).toBe("Acme");
    await control(sims, "/faults", { provider: "salesforce", kind: "500" });
    await expectProviderError(client.accountInfo(), "TRANSIENT");
  });
});
