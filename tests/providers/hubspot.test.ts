// HubSpotClient against the HubSpot simulator: OAuth exchange and refresh, paging, the search API's
// 10,000-result ceiling, stage labels, deletions, 429 handling, malformed records, quota(), and the
// number of requests a first import costs.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DEMO_DEALS, hubspotCompanyId, hubspotDealId } from "@/lib/demo/data";
import { HubspotClient } from "@/lib/providers/hubspot/client";
import { createInMemoryCredentialStore, unlimitedGate } from "@/lib/providers/memory";
import { getCrmClient } from "@/lib/providers/crm";
import type { CrmDeal } from "@/lib/providers/crm/types";
import type { OAuthCredentials, ProviderClientConfig, ProviderDeps } from "@/lib/providers/types";
import type { RunningSimulators, SimStats } from "@/dev/simulators";
import { DELETED_STAGE_ID } from "@/dev/simulators/providers/hubspot-portal";
import { FAST_RETRY, NOW, REDIRECT_URI, consent, control, expectProviderError, simNow, startTestSimulators } from "./helpers";

const DAY = 86_400_000;
const FAST_LIMITS = { hubspot: { per10s: 100_000, searchPerSecond: 100_000, perDay: null } };

let sims: RunningSimulators;
beforeAll(async () => {
  sims = await startTestSimulators({ limits: FAST_LIMITS });
});
afterAll(async () => {
  await sims.stop();
});
beforeEach(async () => {
  await control(sims, "/reset", { now: NOW, limits: FAST_LIMITS });
});

function config(): ProviderClientConfig {
  return {
    apiBaseUrl: `${sims.url}/hubspot-api`,
    oauthBaseUrl: `${sims.url}/hubspot`,
    clientId: "sim-hubspot-client",
    clientSecret: "sim-hubspot-secret",
    redirectUri: REDIRECT_URI,
  };
}

const client = (deps: ProviderDeps = {}) => new HubspotClient(config(), { gate: unlimitedGate, retry: FAST_RETRY, now: simNow(sims), ...deps });

async function connect(deps: ProviderDeps = {}) {
  const c = client(deps);
  const verifier = "v".repeat(50);
  const back = await consent(c.authorizationUrl({ state: "s-1", codeVerifier: verifier }), "allow");
  expect(back.searchParams.get("state")).toBe("s-1");
  const result = await c.exchangeCode({ code: back.searchParams.get("code")!, codeVerifier: verifier });
  const store = createInMemoryCredentialStore(result.credentials);
  return { client: client({ credentials: store, ...deps }), store, result };
}

const stats = async () => (await control(sims, "/stats", undefined, "GET")) as SimStats;

async function allDeals(c: HubspotClient, p: { modifiedSince: Date | null; closedSince: Date }) {
  const deals: CrmDeal[] = [];
  const skipped = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page = await c.listDeals({ ...p, cursor });
    deals.push(...page.records);
    skipped.push(...page.skipped);
    cursor = page.cursor;
    pages++;
  } while (cursor);
  return { deals, skipped, pages };
}

describe("HubSpot OAuth", () => {
  it("exchanges the code (PKCE), refreshes with the same refresh token, refreshes on expiry and on 401", async () => {
    const { client: c, store, result } = await connect();
    const creds = result.credentials as OAuthCredentials;
    expect(creds.expiresAt).toBe(new Date(Date.parse(NOW) + 1800 * 1000).toISOString());
    expect(creds.scope).toContain("crm.objects.deals.read");
    const next = (await c.refreshCredentials()) as OAuthCredentials;
    expect(next.accessToken).not.toBe(creds.accessToken);
    expect(next.refreshToken).toBe(creds.refreshToken);
    // Past expiry: refreshed before the request.
    await control(sims, "/clock", { advanceMs: 1_801_000 });
    expect((await c.listOwners()).length).toBeGreaterThan(0);
    // Rejected with 401 (expired server-side): one refresh, then the retry succeeds.
    await control(sims, "/tokens/expire", {});
    expect((await c.listOwners()).length).toBeGreaterThan(0);
    expect((await stats()).hubspot.refreshes).toBe(3);
    expect(store.updates).toBe(3);
  });

  it("an uninstalled app (BAD_REFRESH_TOKEN) is AUTH_REVOKED; a reused code is INVALID_CREDENTIALS", async () => {
    const { client: c } = await connect();
    await control(sims, "/hubspot/revoke", {});
    await expectProviderError(c.listOwners(), "AUTH_REVOKED");
    const fresh = client();
    const back = await consent(fresh.authorizationUrl({ state: "s" }), "allow");
    await fresh.exchangeCode({ code: back.searchParams.get("code")! });
    await expectProviderError(fresh.exchangeCode({ code: back.searchParams.get("code")! }), "INVALID_CREDENTIALS");
  });

  it("a token without a needed scope (403 MISSING_SCOPES) is AUTH_REVOKED naming the scope", async () => {
    const t = sims.state.hubspot.issueDirect(["oauth", "crm.objects.deals.read"]);
    const store = createInMemoryCredentialStore({
      kind: "oauth",
      accessToken: t.accessToken,
      refreshToken: t.refreshToken,
      expiresAt: null,
      apiBaseUrl: null,
      scope: null,
    });
    const c = client({ credentials: store });
    expect((await c.getAccounts([])).records).toEqual([]);
    const err = await expectProviderError(c.getContacts(["6000000001"]), "AUTH_REVOKED");
    expect(err.message).toContain("crm.objects.contacts.read");
  });

  it("is the registered CRM factory, and accountInfo names the hub", async () => {
    const { store } = await connect();
    const c = getCrmClient("HUBSPOT", config(), { credentials: store, gate: unlimitedGate, retry: FAST_RETRY, now: simNow(sims) });
    expect(c.provider).toBe("HUBSPOT");
    expect(await c.accountInfo()).toEqual({ accountId: "48205117", accountName: "acme.test", apiBaseUrl: null, defaultCurrency: "USD" });
    const owners = await c.listOwners();
    expect(owners.find((o) => o.email === "rep1@acme.test")).toMatchObject({ name: "Riley Park" });
    expect(owners.some((o) => o.email === "gone@acme.test")).toBe(false);
  });
});

describe("HubSpot deals, companies, contacts", () => {
  it("first import: open deals plus deals closed since the date, with stage labels, primary company and contacts", async () => {
    const { client: c } = await connect();
    const closedSince = new Date(Date.parse(NOW) - 30 * DAY);
    const { deals, skipped, pages } = await allDeals(c, { modifiedSince: null, closedSince });
    expect(pages).toBe(1);
    expect(skipped).toEqual([]);
    const expected = DEMO_DEALS.map((d, i) => ({ d, id: hubspotDealId(i + 1) })).filter(
      ({ d }) => !d.isClosed || Math.floor((Date.parse(NOW) + d.closeInDays * DAY) / DAY) * DAY >= closedSince.getTime(),
    );
    for (const { d, id } of expected) {
      const got = deals.find((x) => x.crmId === id);
      expect(got, d.name).toBeTruthy();
      expect(got).toMatchObject({
        name: d.name,
        stage: d.stage,
        isClosed: d.isClosed,
        isWon: d.stage === "Closed Won",
        amount: `${d.amount}.00`,
        currency: null,
      });
      expect(got!.accountCrmId).toBe(hubspotCompanyId(Number(id.slice(2))));
      expect(got!.contactCrmIds).toHaveLength(d.contacts.length);
    }
    expect(deals.every((d) => !d.isClosed || Date.parse(d.closeDate!) >= closedSince.getTime() - DAY)).toBe(true);
    const noAmount = deals.find((d) => d.name === "Initrode - Scoping")!;
    expect(noAmount).toMatchObject({ amount: null, closeDate: null, stage: "Discovery" });
    expect(deals.find((d) => d.name === "Kwik-E-Mart - Expansion")).toMatchObject({
      stage: `Unknown stage (${DELETED_STAGE_ID})`,
      amount: "31500.50",
      isClosed: false,
    });
    expect(deals.find((d) => d.name.endsWith("Renewal 2027"))).toMatchObject({ stage: "Renewal due", currency: "EUR" });
    expect(deals.some((d) => d.name === "Duff Beer - Pilot")).toBe(false);
    // Pipelines once, one search, one association read per type.
    const s = (await stats()).hubspot.byEndpoint;
    expect(s["GET /crm/v3/pipelines/:objectType"]!.total).toBe(2); // the unknown stage triggers one fresh read
    expect(s["POST /crm/v3/objects/:type/search"]!.total).toBe(1);
    expect(s["POST /crm/v4/associations/:from/:to/batch/read"]!.total).toBe(2);
  });

  it("companies and contacts by id in batches of 100; unknown ids are omitted; a contact without email is kept", async () => {
    const { client: c } = await connect();
    const accounts = await c.getAccounts([hubspotCompanyId(1), hubspotCompanyId(2), "999", hubspotCompanyId(1)]);
    expect(accounts.records.map((a) => a.name)).toEqual([DEMO_DEALS[0]!.accountName, DEMO_DEALS[1]!.accountName]);
    expect(accounts.records[0]!.domain).toBe(DEMO_DEALS[0]!.domain);
    const ids = Array.from({ length: 62 }, (_, i) => `60${String(i + 1).padStart(8, "0")}`);
    const contacts = await c.getContacts(ids);
    expect(contacts.records).toHaveLength(62);
    expect(contacts.records[0]).toMatchObject({
      name: DEMO_DEALS[0]!.contacts[0]!.name,
      email: DEMO_DEALS[0]!.contacts[0]!.email,
      accountCrmId: hubspotCompanyId(1),
    });
    expect(contacts.records.find((x) => x.name === "Pat Nomail")).toMatchObject({ email: null, title: "Office Manager" });
    const many = await c.getContacts(Array.from({ length: 250 }, (_, i) => `60${String(i + 1).padStart(8, "0")}`));
    expect(many.records).toHaveLength(62);
    const s = (await stats()).hubspot.byEndpoint["POST /crm/v3/objects/:type/batch/read"]!;
    expect(s.total).toBe(1 + 1 + 3);
  });

  it("incremental: a stage change and an association change show up; deletions come from archived listings", async () => {
    const { client: c } = await connect();
    await control(sims, "/clock", { advanceMs: 60_000 });
    const since = new Date(sims.state.now());
    await control(sims, `/hubspot/deals/${hubspotDealId(1)}/stage`, { stage: "Closed Won" });
    await control(sims, `/hubspot/deals/${hubspotDealId(2)}/contacts`, { add: ["6000000001"] });
    await control(sims, `/hubspot/deals/${hubspotDealId(3)}/archive`, {});
    const { deals } = await allDeals(c, { modifiedSince: since, closedSince: new Date(0) });
    expect(deals.map((d) => d.crmId).sort()).toEqual([hubspotDealId(1), hubspotDealId(2)]);
    expect(deals.find((d) => d.crmId === hubspotDealId(1))).toMatchObject({ stage: "Closed Won", isClosed: true, isWon: true });
    expect(deals.find((d) => d.crmId === hubspotDealId(2))!.contactCrmIds).toContain("6000000001");
    const until = new Date(sims.state.now() + 1);
    expect(await c.listDeleted("deal", { since, until })).toEqual([hubspotDealId(3)]);
    // The deal archived before the window (Duff Beer, 2 days ago) is found with an earlier since.
    expect((await c.listDeleted("deal", { since: new Date(since.getTime() - 3 * DAY), until })).sort()).toEqual([hubspotDealId(26), hubspotDealId(3)].sort());
    expect(await c.listDeleted("contact", { since, until })).toEqual([]);
    const companies = await c.listModifiedAccounts({ since: new Date(Date.parse(NOW) - 30 * DAY), cursor: null });
    expect(companies.records.length).toBeGreaterThan(0);
    expect(companies.records.every((a) => Date.parse(a.modifiedAt) >= Date.parse(NOW) - 30 * DAY)).toBe(true);
    const contacts = await c.listModifiedContacts({ since: new Date(Date.parse(NOW) - 30 * DAY), cursor: null });
    expect(contacts.records.every((x) => Date.parse(x.modifiedAt) >= Date.parse(NOW) - 30 * DAY)).toBe(true);
  });

  it("a malformed record is skipped and counted with its id and field; the rest of the page is kept", async () => {
    const { client: c } = await connect();
    await control(sims, "/faults", {
      provider: "hubspot",
      kind: "malformed",
      endpoint: "POST /crm/v3/objects/:type/search",
      field: "results.0.properties.hs_lastmodifieddate",
      count: 1,
    });
    const { deals, skipped } = await allDeals(c, { modifiedSince: null, closedSince: new Date(0) });
    expect(skipped).toEqual([{ object: "deal", crmId: hubspotDealId(1), field: "properties.hs_lastmodifieddate", message: expect.any(String) }]);
    expect(deals).toHaveLength(26);
  });
});

describe("HubSpot rate limits and quota", () => {
  it("429s with Retry-After are waited out; a 429 without one waits by its policy; past the wait limit RATE_LIMITED", async () => {
    const waits: number[] = [];
    const sleep = async (ms: number) => {
      waits.push(ms);
    };
    const { client: c } = await connect({ sleep });
    await control(sims, "/faults", { provider: "hubspot", kind: "429", endpoint: "GET /crm/v3/owners", count: 1, retryAfterSec: 1 });
    expect((await c.listOwners()).length).toBeGreaterThan(0);
    expect(waits).toEqual([1000]);
    // Without Retry-After: the TEN_SECONDLY_ROLLING policy means a 2 s wait.
    const strip: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      if (res.status !== 429) return res;
      const headers = new Headers(res.headers);
      headers.delete("retry-after");
      return new Response(await res.text(), { status: 429, headers });
    };
    waits.length = 0;
    const { client: c2 } = await connect({ sleep, fetch: strip });
    await control(sims, "/faults", { provider: "hubspot", kind: "429", endpoint: "GET /crm/v3/owners", count: 1 });
    expect((await c2.listOwners()).length).toBeGreaterThan(0);
    expect(waits).toEqual([2000]);
    // The real burst limit: its Retry-After (~10 s) is past FAST_RETRY's 5 s, so the caller gets RATE_LIMITED.
    await control(sims, "/limits", { hubspot: { per10s: 2 } });
    await c.listOwners();
    await c.listOwners();
    const err = await expectProviderError(c.listOwners(), "RATE_LIMITED");
    expect(err.retryAfterMs).toBeGreaterThan(5_000);
    expect((await stats()).hubspot.throttled).toBe(3);
  });

  it("5xx answers are retried with backoff; the listing still completes", async () => {
    const waits: number[] = [];
    const { client: c } = await connect({ sleep: async (ms: number) => void waits.push(ms) });
    await control(sims, "/faults", { provider: "hubspot", kind: "500", endpoint: "POST /crm/v3/objects/:type/search", count: 2 });
    const { deals } = await allDeals(c, { modifiedSince: null, closedSince: new Date(0) });
    expect(deals).toHaveLength(27);
    expect(waits).toHaveLength(2);
    expect((await stats()).hubspot.byEndpoint["POST /crm/v3/objects/:type/search"]!.byStatus).toEqual({ "200": 1, "500": 2 });
  });

  it("searches are paced under 5 per second: no 429 from the search limit", async () => {
    await control(sims, "/limits", { hubspot: { searchPerSecond: 5 } });
    const { client: c } = await connect();
    const started = Date.now();
    for (let i = 0; i < 7; i++) await c.listModifiedAccounts({ since: new Date(0), cursor: null });
    expect(Date.now() - started).toBeGreaterThanOrEqual(6 * 200);
    expect((await stats()).hubspot.throttled).toBe(0);
  });

  it("quota() reads X-HubSpot-RateLimit-Daily(-Remaining); null before any reading and for OAuth calls without them", async () => {
    const { client: c } = await connect();
    expect(c.quota()).toBeNull();
    await c.listOwners();
    expect(c.quota()).toBeNull();
    await control(sims, "/limits", { hubspot: { perDay: 1_000 } });
    await c.listOwners();
    await c.getAccounts([hubspotCompanyId(1)]);
    expect(c.quota()).toEqual({ used: 2, limit: 1_000, window: "day" });
  });
});

describe("HubSpot large portals", () => {
  afterAll(async () => {
    await control(sims, "/reset", { now: NOW, limits: FAST_LIMITS, hubspot: { portal: null } });
  });

  it("a first import past 10,000 matching deals continues by id: every deal once, no 400", { timeout: 120_000 }, async () => {
    await control(sims, "/reset", { now: NOW, limits: FAST_LIMITS, hubspot: { portal: { deals: 10_500, companies: 300, contacts: 1_000 } } });
    const { client: c } = await connect();
    const { deals, skipped } = await allDeals(c, { modifiedSince: null, closedSince: new Date(0) });
    expect(skipped).toEqual([]);
    expect(new Set(deals.map((d) => d.crmId)).size).toBe(10_500);
    expect(deals).toHaveLength(10_500);
    const s = (await stats()).hubspot;
    expect(s.byEndpoint["POST /crm/v3/objects/:type/search"]).toEqual({ total: Math.ceil(10_500 / 200), byStatus: { "200": Math.ceil(10_500 / 200) } });
    expect(s.byStatus["400"]).toBeUndefined();
  });

  it("records that stop matching mid-listing shift nothing (keyset paging); pipelines are read once per listing", { timeout: 120_000 }, async () => {
    await control(sims, "/reset", { now: NOW, limits: FAST_LIMITS, hubspot: { portal: { deals: 2_000, companies: 200, contacts: 1_000 } } });
    const { client: c, store } = await connect();
    const all = sims.state.hubspot.portal.records.deals.map((d) => d.id);
    const first = await c.listDeals({ modifiedSince: null, closedSince: new Date(0), cursor: null });
    expect(first.records).toHaveLength(1_000);
    // 50 deals already listed are deleted before the next page is read.
    for (const d of first.records.slice(0, 50)) await control(sims, `/hubspot/deals/${d.crmId}/archive`, {});
    const seen = new Set(first.records.map((d) => d.crmId));
    let cursor = first.cursor;
    while (cursor) {
      // Every page from a new client, as every durable step of a sync builds its own.
      const page = await client({ credentials: store }).listDeals({ modifiedSince: null, closedSince: new Date(0), cursor });
      for (const d of page.records) seen.add(d.crmId);
      cursor = page.cursor;
    }
    expect([...seen].sort()).toEqual([...all].sort());
    expect((await stats()).hubspot.byEndpoint["GET /crm/v3/pipelines/:objectType"]!.total).toBe(1);
  });

  it("a 2,000-deal first import costs the API minimum: searches of 200, association reads of 1,000, batch reads of 100", { timeout: 120_000 }, async () => {
    await control(sims, "/reset", { now: NOW, limits: FAST_LIMITS, hubspot: { portal: { deals: 2_000, companies: 1_000, contacts: 10_000 } } });
    const { client: c } = await connect();
    const closedSince = new Date(Date.parse(NOW) - 730 * DAY);
    const portal = sims.state.hubspot.portal;
    const matching = portal.records.deals.filter((d) => d.properties.hs_is_closed === "false" || Date.parse(d.properties.closedate!) >= closedSince.getTime());
    const { deals } = await allDeals(c, { modifiedSince: null, closedSince });
    expect(deals.map((d) => d.crmId).sort()).toEqual(matching.map((d) => d.id).sort());
    const companyIds = [...new Set(deals.map((d) => d.accountCrmId).filter((x): x is string => x !== null))];
    const contactIds = [...new Set(deals.flatMap((d) => d.contactCrmIds))];
    expect((await c.getAccounts(companyIds)).records).toHaveLength(companyIds.length);
    expect((await c.getContacts(contactIds)).records).toHaveLength(contactIds.length);
    const s = (await stats()).hubspot;
    const minimum = {
      pipelines: 1,
      searches: Math.ceil(matching.length / 200),
      associations: 2 * Math.ceil(matching.length / 1_000),
      batchReads: Math.ceil(companyIds.length / 100) + Math.ceil(contactIds.length / 100),
    };
    expect({
      pipelines: s.byEndpoint["GET /crm/v3/pipelines/:objectType"]!.total,
      searches: s.byEndpoint["POST /crm/v3/objects/:type/search"]!.total,
      associations: s.byEndpoint["POST /crm/v4/associations/:from/:to/batch/read"]!.total,
      batchReads: s.byEndpoint["POST /crm/v3/objects/:type/batch/read"]!.total,
    }).toEqual(minimum);
    expect(s.throttled).toBe(0);
    const crmRequests = [
      "GET /crm/v3/pipelines/:objectType",
      "POST /crm/v3/objects/:type/search",
      "POST /crm/v4/associations/:from/:to/batch/read",
      "POST /crm/v3/objects/:type/batch/read",
    ]
      .map((e) => s.byEndpoint[e]!.total)
      .reduce((a, b) => a + b, 0);
    console.info(
      `[hubspot] first import: ${matching.length} of 2,000 deals, ${companyIds.length} companies, ${contactIds.length} contacts in ${crmRequests} CRM requests (minimum ${Object.values(minimum).reduce((a, b) => a + b, 0)}), 0 429s`,
    );
  });
});
