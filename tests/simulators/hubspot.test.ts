// The HubSpot simulator's documented behaviour (see the sources in dev/simulators/providers/hubspot.ts):
// OAuth consent and tokens, token info / account info, objects v3 list / search / batch read,
// associations v4, pipelines, owners, rate limits with their headers and bodies, and the control API.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DEMO_DEALS, hubspotDealId } from "@/lib/demo/data";
import type { RunningSimulators, SimStats } from "@/dev/simulators";
import { DELETED_STAGE_ID } from "@/dev/simulators/providers/hubspot-portal";
import { NOW, consent, control, startTestSimulators } from "../providers/helpers";

const CLIENT = { id: "sim-hubspot-client", secret: "sim-hubspot-secret" };
const REDIRECT = "http://localhost:3000/api/crm/hubspot/callback";
const SCOPES = "oauth crm.objects.deals.read crm.objects.companies.read crm.objects.contacts.read crm.objects.owners.read";

let sims: RunningSimulators;
let api: string;
beforeAll(async () => {
  sims = await startTestSimulators();
  api = `${sims.url}/hubspot-api`;
});
afterAll(async () => {
  await sims.stop();
});
beforeEach(async () => {
  await control(sims, "/reset", { now: NOW, limits: { hubspot: { per10s: 100_000, searchPerSecond: 100_000, perDay: null } } });
});

const form = (body: Record<string, string>) => ({
  method: "POST",
  headers: { "content-type": "application/x-www-form-urlencoded" },
  body: new URLSearchParams(body).toString(),
});

function authorizeUrl(extra: Record<string, string> = {}) {
  const u = new URL(`${sims.url}/hubspot/oauth/authorize`);
  u.search = new URLSearchParams({ client_id: CLIENT.id, redirect_uri: REDIRECT, scope: SCOPES, state: "st-1", ...extra }).toString();
  return u.toString();
}

async function connect(): Promise<{ access_token: string; refresh_token: string; expires_in: number; hub_id: number; scopes: string[] }> {
  const back = await consent(authorizeUrl(), "allow");
  expect(back.searchParams.get("state")).toBe("st-1");
  const res = await fetch(
    `${api}/oauth/v1/token`,
    form({
      grant_type: "authorization_code",
      client_id: CLIENT.id,
      client_secret: CLIENT.secret,
      redirect_uri: REDIRECT,
      code: back.searchParams.get("code")!,
    }),
  );
  expect(res.status).toBe(200);
  return res.json() as never;
}

let token = "";
const get = (path: string, t = token) => fetch(`${api}${path}`, { headers: { authorization: `Bearer ${t}` } });
const post = (path: string, body: unknown, t = token) =>
  fetch(`${api}${path}`, { method: "POST", headers: { authorization: `Bearer ${t}`, "content-type": "application/json" }, body: JSON.stringify(body) });

type Obj = {
  id: string;
  properties: Record<string, string | null>;
  archived: boolean;
  archivedAt?: string;
  associations?: Record<string, { results: Array<{ id: string; type: string }> }>;
};
type Page = { results: Obj[]; paging?: { next: { after: string } }; total?: number };

describe("HubSpot OAuth", () => {
  it("consent Allow gives a code; the code gives tokens (1800 s, hub id, scopes); refresh keeps the refresh token", async () => {
    const t = await connect();
    expect(t.expires_in).toBe(1800);
    expect(t.hub_id).toBe(sims.state.config.hubspot.hubId);
    expect(t.scopes).toContain("crm.objects.deals.read");
    const r1 = await fetch(
      `${api}/oauth/v1/token`,
      form({ grant_type: "refresh_token", client_id: CLIENT.id, client_secret: CLIENT.secret, refresh_token: t.refresh_token }),
    );
    const b1 = (await r1.json()) as { access_token: string; refresh_token: string };
    expect(r1.status).toBe(200);
    expect(b1.refresh_token).toBe(t.refresh_token);
    expect(b1.access_token).not.toBe(t.access_token);
    // Reusable: the same refresh token works again (also on the app host's mount).
    const r2 = await fetch(
      `${sims.url}/hubspot/oauth/v1/token`,
      form({ grant_type: "refresh_token", client_id: CLIENT.id, client_secret: CLIENT.secret, refresh_token: t.refresh_token }),
    );
    expect(r2.status).toBe(200);
    const stats = (await control(sims, "/stats", undefined, "GET")) as SimStats;
    expect(stats.hubspot.refreshes).toBe(2);
    // Token calls are OAuth traffic, not API requests (nor rate limited), on either host.
    expect(stats.hubspot.apiRequests).toBe(0);
    expect(stats.hubspot.byEndpoint["POST /oauth/v1/token"]!.total).toBe(3);
  });

  it("Deny redirects with access_denied; codes are single-use; bad refresh tokens and clients get HubSpot's error bodies", async () => {
    const denied = await consent(authorizeUrl(), "deny");
    expect(denied.searchParams.get("error")).toBe("access_denied");
    expect(denied.searchParams.get("state")).toBe("st-1");
    const back = await consent(authorizeUrl(), "allow");
    const exchange = {
      grant_type: "authorization_code",
      client_id: CLIENT.id,
      client_secret: CLIENT.secret,
      redirect_uri: REDIRECT,
      code: back.searchParams.get("code")!,
    };
    expect((await fetch(`${api}/oauth/v1/token`, form(exchange))).status).toBe(200);
    const again = await fetch(`${api}/oauth/v1/token`, form(exchange));
    expect(again.status).toBe(400);
    expect(await again.json()).toMatchObject({ status: "BAD_AUTH_CODE", error: "invalid_grant" });
    const bad = await fetch(
      `${api}/oauth/v1/token`,
      form({ grant_type: "refresh_token", client_id: CLIENT.id, client_secret: CLIENT.secret, refresh_token: "na1-nope" }),
    );
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ status: "BAD_REFRESH_TOKEN", message: "missing or unknown refresh token", error: "invalid_grant" });
    const secret = await fetch(
      `${api}/oauth/v1/token`,
      form({ grant_type: "refresh_token", client_id: CLIENT.id, client_secret: "wrong", refresh_token: "x" }),
    );
    expect(await secret.json()).toMatchObject({ status: "BAD_CLIENT_SECRET", error: "invalid_client" });
    // The token endpoint is form-encoded.
    const asJson = await fetch(`${api}/oauth/v1/token`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(exchange) });
    expect(asJson.status).toBe(400);
  });

  it("an uninstalled app's refresh token answers BAD_REFRESH_TOKEN", async () => {
    const t = await connect();
    await control(sims, "/hubspot/revoke", {});
    const r = await fetch(
      `${api}/oauth/v1/token`,
      form({ grant_type: "refresh_token", client_id: CLIENT.id, client_secret: CLIENT.secret, refresh_token: t.refresh_token }),
    );
    expect(await r.json()).toMatchObject({ status: "BAD_REFRESH_TOKEN" });
  });

  it("token info and account info give the hub id; expired and unknown tokens get 401 bodies", async () => {
    const t = await connect();
    const info = (await (await fetch(`${api}/oauth/v1/access-tokens/${t.access_token}`)).json()) as Record<string, unknown>;
    expect(info).toMatchObject({ hub_id: t.hub_id, token_type: "access", hub_domain: "acme.test", expires_in: 1800 });
    const acct = (await (await get("/account-info/v3/details", t.access_token)).json()) as Record<string, unknown>;
    expect(acct).toMatchObject({ portalId: t.hub_id, companyCurrency: "USD", timeZone: "US/Eastern" });
    await control(sims, "/clock", { advanceMs: 1_801_000 });
    const expired = await get("/crm/v3/objects/deals", t.access_token);
    expect(expired.status).toBe(401);
    const body = (await expired.json()) as { category: string; message: string; correlationId: string };
    expect(body.category).toBe("EXPIRED_AUTHENTICATION");
    expect(body.message).toBe("The OAuth token used to make this call expired 1 second(s) ago.");
    expect(body.correlationId).toMatch(/^[0-9a-f-]{36}$/);
    const unknown = await get("/crm/v3/objects/deals", "not-a-token");
    expect(unknown.status).toBe(401);
    expect(await unknown.json()).toMatchObject({ status: "error", category: "INVALID_AUTHENTICATION" });
  });

  it("a token without a scope gets 403 MISSING_SCOPES for that object", async () => {
    const t = sims.state.hubspot.issueDirect(["oauth", "crm.objects.deals.read"]);
    expect((await get("/crm/v3/objects/deals", t.accessToken)).status).toBe(200);
    const res = await get("/crm/v3/objects/contacts", t.accessToken);
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ category: "MISSING_SCOPES" });
  });
});

describe("HubSpot CRM objects", () => {
  beforeEach(() => {
    token = sims.state.hubspot.issueDirect().accessToken;
  });

  it("the demo portal holds the seed's deals with HubSpot ids, renamed default stages, and awkward records", async () => {
    const all: Obj[] = [];
    let after: string | undefined;
    let pages = 0;
    do {
      const res = await get(`/crm/v3/objects/deals?limit=10&properties=dealname,amount,dealstage,hubspot_owner_id,closedate${after ? `&after=${after}` : ""}`);
      const page = (await res.json()) as Page;
      all.push(...page.results);
      after = page.paging?.next.after;
      pages++;
    } while (after);
    expect(pages).toBe(3);
    // 24 demo deals + no-amount + deleted-stage + renewal; the archived one is not listed.
    expect(all).toHaveLength(27);
    expect(all.map((d) => d.id).slice(0, 24)).toEqual(DEMO_DEALS.map((_, i) => hubspotDealId(i + 1)));
    expect(all[0]!.properties.dealname).toBe(DEMO_DEALS[0]!.name);
    expect(all[0]!.properties.amount).toBe(String(DEMO_DEALS[0]!.amount));
    expect(all.find((d) => d.properties.dealname === "Initrode - Scoping")!.properties.amount).toBeNull();
    expect(all.find((d) => d.properties.dealstage === DELETED_STAGE_ID)).toBeTruthy();
    const tooMany = await get("/crm/v3/objects/deals?limit=101");
    expect(tooMany.status).toBe(400);
    expect(await tooMany.json()).toMatchObject({ category: "VALIDATION_ERROR" });
  });

  it("archived=true lists only archived records, with archivedAt; associations come back by type name", async () => {
    const archived = (await (await get("/crm/v3/objects/deals?archived=true")).json()) as Page;
    expect(archived.results.map((d) => d.properties.dealname)).toEqual(["Duff Beer - Pilot"]);
    expect(archived.results[0]!.archived).toBe(true);
    expect(archived.results[0]!.archivedAt).toBeTruthy();
    const withAssoc = (await (await get("/crm/v3/objects/deals?limit=1&associations=companies,contacts")).json()) as Page;
    const a = withAssoc.results[0]!.associations!;
    expect(a.companies!.results.map((r) => r.type).sort()).toEqual(["deal_to_company", "deal_to_company_unlabeled"]);
    expect(a.contacts!.results).toHaveLength(DEMO_DEALS[0]!.contacts.length);
  });

  it("search filters (EQ, NEQ, GTE, LT, HAS_PROPERTY), OR across groups, sorts, never returns archived records", async () => {
    const search = async (body: unknown) => {
      const res = await post("/crm/v3/objects/deals/search", body);
      expect(res.status).toBe(200);
      return (await res.json()) as Page;
    };
    const open = await search({ filterGroups: [{ filters: [{ propertyName: "hs_is_closed", operator: "EQ", value: "false" }] }], limit: 200 });
    expect(open.results.every((d) => !["closedwon", "closedlost"].includes(d.properties.dealstage!))).toBe(true);
    expect(open.results.some((d) => d.properties.dealname === "Duff Beer - Pilot")).toBe(false);
    const closed = await search({ filterGroups: [{ filters: [{ propertyName: "hs_is_closed", operator: "NEQ", value: "false" }] }], limit: 200 });
    expect(open.total! + closed.total!).toBe(27);
    const noAmount = await search({ filterGroups: [{ filters: [{ propertyName: "amount", operator: "NOT_HAS_PROPERTY" }] }] });
    expect(noAmount.results.map((d) => d.properties.dealname)).toEqual(["Initrode - Scoping"]);
    const withAmount = await search({ filterGroups: [{ filters: [{ propertyName: "amount", operator: "HAS_PROPERTY" }] }], limit: 100 });
    expect(withAmount.total).toBe(26);
    const since = Date.parse(NOW) - 48 * 3_600_000;
    const recent = await search({
      filterGroups: [{ filters: [{ propertyName: "hs_lastmodifieddate", operator: "GTE", value: String(since) }] }],
      sorts: [{ propertyName: "hs_lastmodifieddate", direction: "ASCENDING" }],
      properties: ["dealname", "hs_lastmodifieddate"],
      limit: 100,
    });
    const times = recent.results.map((d) => Date.parse(d.properties.hs_lastmodifieddate!));
    expect(times.length).toBeGreaterThan(0);
    expect(times.every((t) => t >= since)).toBe(true);
    expect([...times].sort((x, y) => x - y)).toEqual(times);
    const older = await search({
      filterGroups: [{ filters: [{ propertyName: "hs_lastmodifieddate", operator: "LT", value: new Date(since).toISOString() }] }],
      limit: 100,
    });
    expect(older.total! + recent.total!).toBe(27);
    // Two groups are ORed: open deals OR closed on/after a date.
    const firstImport = await search({
      filterGroups: [
        { filters: [{ propertyName: "hs_is_closed", operator: "EQ", value: "false" }] },
        { filters: [{ propertyName: "closedate", operator: "GTE", value: String(Date.parse(NOW) - 30 * 86_400_000) }] },
      ],
      limit: 100,
    });
    expect(firstImport.total).toBeGreaterThan(open.total!);
    expect((await post("/crm/v3/objects/deals/search", { limit: 201 })).status).toBe(400);
    expect((await post("/crm/v3/objects/deals/search", { filterGroups: [{ filters: [{ propertyName: "nope", operator: "EQ", value: "1" }] }] })).status).toBe(
      400,
    );
    const sixGroups = { filterGroups: Array.from({ length: 6 }, () => ({ filters: [{ propertyName: "amount", operator: "HAS_PROPERTY" }] })) };
    expect((await post("/crm/v3/objects/deals/search", sixGroups)).status).toBe(400);
  });

  it("batch read takes at most 100 ids and answers 207 with the missing ones", async () => {
    const ids = ["7000000001", "7000000002", "1"];
    const res = await post("/crm/v3/objects/companies/batch/read", { inputs: ids.map((id) => ({ id })), properties: ["name", "domain"] });
    expect(res.status).toBe(207);
    const body = (await res.json()) as { results: Obj[]; errors: Array<{ category: string; context: { ids: string[] } }> };
    expect(body.results.map((r) => r.properties.name)).toEqual([DEMO_DEALS[0]!.accountName, DEMO_DEALS[1]!.accountName]);
    expect(body.errors[0]).toMatchObject({ category: "OBJECT_NOT_FOUND", context: { ids: ["1"] } });
    const tooMany = await post("/crm/v3/objects/contacts/batch/read", { inputs: Array.from({ length: 101 }, (_, i) => ({ id: String(i) })) });
    expect(tooMany.status).toBe(400);
    const contacts = (await (
      await post("/crm/v3/objects/contacts/batch/read", { inputs: [{ id: "6000000001" }], properties: ["email", "jobtitle", "associatedcompanyid"] })
    ).json()) as { results: Obj[] };
    expect(contacts.results[0]!.properties).toMatchObject({ email: DEMO_DEALS[0]!.contacts[0]!.email, associatedcompanyid: "7000000001" });
  });

  it("associations v4 batch read: numeric toObjectId, typed associations, 207 for records without any, 1000 inputs at most", async () => {
    const res = await post("/crm/v4/associations/deals/companies/batch/read", { inputs: [{ id: hubspotDealId(1) }, { id: hubspotDealId(26) }] });
    expect(res.status).toBe(207);
    const body = (await res.json()) as {
      results: Array<{ from: { id: string }; to: Array<{ toObjectId: number; associationTypes: Array<{ typeId: number; label: string | null }> }> }>;
      errors: unknown[];
    };
    expect(body.results).toHaveLength(1);
    expect(body.results[0]!.to[0]!.toObjectId).toBe(7000000001);
    expect(body.results[0]!.to[0]!.associationTypes.map((t) => t.typeId).sort()).toEqual([341, 5]);
    expect(body.errors).toHaveLength(1);
    const contacts = (await (await post("/crm/v4/associations/deal/contact/batch/read", { inputs: [{ id: hubspotDealId(2) }] })).json()) as typeof body;
    expect(contacts.results[0]!.to).toHaveLength(DEMO_DEALS[1]!.contacts.length);
    expect((await post("/crm/v4/associations/deals/contacts/batch/read", { inputs: Array.from({ length: 1001 }, (_, i) => ({ id: String(i) })) })).status).toBe(
      400,
    );
  });

  it("pipelines give stage labels with isClosed/probability metadata; owners list active users (archived apart)", async () => {
    const pipes = (await (await get("/crm/v3/pipelines/deals")).json()) as {
      results: Array<{ id: string; label: string; stages: Array<{ id: string; label: string; metadata: { isClosed: string; probability: string } }> }>;
    };
    const sales = pipes.results.find((p) => p.id === "default")!;
    expect(sales.stages.map((s) => s.label)).toEqual(["Prospecting", "Discovery", "Proposal", "Negotiation", "Closed Won", "Closed Lost"]);
    expect(sales.stages.find((s) => s.id === "closedwon")!.metadata).toEqual({ isClosed: "true", probability: "1" });
    expect(pipes.results.flatMap((p) => p.stages).some((s) => s.id === DELETED_STAGE_ID)).toBe(false);
    const owners = (await (await get("/crm/v3/owners?limit=100")).json()) as { results: Array<{ id: string; email: string; archived: boolean }> };
    expect(owners.results.map((o) => o.email)).toContain("rep1@acme.test");
    expect(owners.results.some((o) => o.archived)).toBe(false);
    const gone = (await (await get("/crm/v3/owners?archived=true")).json()) as typeof owners;
    expect(gone.results.map((o) => o.email)).toEqual(["gone@acme.test"]);
  });

  it("control API: a stage change and an association change bump hs_lastmodifieddate; an archived deal leaves search", async () => {
    const id = hubspotDealId(3);
    await control(sims, "/clock", { advanceMs: 60_000 });
    const changed = (await control(sims, `/hubspot/deals/${id}/stage`, { stage: "Closed Won" })) as Obj;
    expect(changed.properties).toMatchObject({ dealstage: "closedwon", hs_is_closed: "true", hs_is_closed_won: "true" });
    const since = sims.state.now();
    const found = (await (
      await post("/crm/v3/objects/deals/search", {
        filterGroups: [{ filters: [{ propertyName: "hs_lastmodifieddate", operator: "GTE", value: String(since) }] }],
      })
    ).json()) as Page;
    expect(found.results.map((d) => d.id)).toEqual([id]);
    await control(sims, `/hubspot/deals/${hubspotDealId(4)}/contacts`, { add: ["6000000001"] });
    await control(sims, `/hubspot/deals/${id}/archive`, {});
    const after = (await (
      await post("/crm/v3/objects/deals/search", {
        filterGroups: [{ filters: [{ propertyName: "hs_lastmodifieddate", operator: "GTE", value: String(since) }] }],
      })
    ).json()) as Page;
    expect(after.results.map((d) => d.id)).toEqual([hubspotDealId(4)]);
    const archived = (await (await get("/crm/v3/objects/deals?archived=true")).json()) as Page;
    expect(archived.results.map((d) => d.id)).toContain(id);
    // Gone from batch read too (unless archived=true).
    const batch = await post("/crm/v3/objects/deals/batch/read", { inputs: [{ id }] });
    expect(batch.status).toBe(207);
  });
});

describe("HubSpot search indexing lag", () => {
  it("with searchLagMs, a change reaches search only after the lag (list and batch read see it at once)", async () => {
    await control(sims, "/reset", { now: NOW, limits: { hubspot: { per10s: 100_000, searchPerSecond: 100_000 } }, hubspot: { searchLagMs: 5_000 } });
    token = sims.state.hubspot.issueDirect().accessToken;
    const since = sims.state.now();
    await control(sims, `/hubspot/deals/${hubspotDealId(5)}/stage`, { stage: "Closed Lost" });
    const q = { filterGroups: [{ filters: [{ propertyName: "hs_lastmodifieddate", operator: "GTE", value: String(since) }] }] };
    expect(((await (await post("/crm/v3/objects/deals/search", q)).json()) as Page).total).toBe(0);
    const direct = (await (await get(`/crm/v3/objects/deals/${hubspotDealId(5)}?properties=dealstage`)).json()) as Obj;
    expect(direct.properties.dealstage).toBe("closedlost");
    await control(sims, "/clock", { advanceMs: 5_001 });
    expect(((await (await post("/crm/v3/objects/deals/search", q)).json()) as Page).results.map((d) => d.id)).toEqual([hubspotDealId(5)]);
  });
});

describe("HubSpot rate limits", () => {
  beforeEach(() => {
    token = sims.state.hubspot.issueDirect().accessToken;
  });

  it("110 / 10 s per account by default: headers on every response, then 429 RATE_LIMIT TEN_SECONDLY_ROLLING with Retry-After", async () => {
    await control(sims, "/limits", { hubspot: { per10s: 3 } });
    const first = await get("/crm/v3/owners");
    expect(first.headers.get("x-hubspot-ratelimit-max")).toBe("3");
    expect(first.headers.get("x-hubspot-ratelimit-remaining")).toBe("2");
    expect(first.headers.get("x-hubspot-ratelimit-interval-milliseconds")).toBe("10000");
    // OAuth calls carry no daily headers.
    expect(first.headers.get("x-hubspot-ratelimit-daily")).toBeNull();
    await get("/crm/v3/owners");
    await get("/crm/v3/owners");
    const limited = await get("/crm/v3/owners");
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(limited.headers.get("x-hubspot-ratelimit-remaining")).toBe("0");
    expect(await limited.json()).toMatchObject({
      status: "error",
      errorType: "RATE_LIMIT",
      policyName: "TEN_SECONDLY_ROLLING",
      message: expect.stringContaining("ten_secondly_rolling"),
    });
    // The search API has its own per-second limit and is not counted in the burst.
    const search = await post("/crm/v3/objects/deals/search", {});
    expect(search.status).toBe(200);
    expect(search.headers.get("x-hubspot-ratelimit-remaining")).toBeNull();
    const stats = (await control(sims, "/stats", undefined, "GET")) as SimStats;
    expect(stats.hubspot.throttled).toBe(1);
    expect(sims.state.config.limits.hubspot.per10s).toBe(3);
    await control(sims, "/reset", { now: NOW });
    expect(sims.state.config.limits.hubspot).toEqual({ per10s: 110, searchPerSecond: 5, perDay: null });
  });

  it("search endpoints: 5 requests per second, 429 policyName SECONDLY", async () => {
    await control(sims, "/limits", { hubspot: { searchPerSecond: 5 } });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await post("/crm/v3/objects/companies/search", { limit: 1 })).status);
    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    expect(statuses[5]).toBe(429);
    const body = (await (await post("/crm/v3/objects/companies/search", {})).json()) as { policyName: string };
    expect(body.policyName).toBe("SECONDLY");
  });

  it("a configured daily limit sends X-HubSpot-RateLimit-Daily(-Remaining) and answers 429 DAILY past it", async () => {
    await control(sims, "/limits", { hubspot: { perDay: 2 } });
    const a = await get("/crm/v3/owners");
    expect(a.headers.get("x-hubspot-ratelimit-daily")).toBe("2");
    expect(a.headers.get("x-hubspot-ratelimit-daily-remaining")).toBe("1");
    await get("/crm/v3/owners");
    const c = await get("/crm/v3/owners");
    expect(c.status).toBe(429);
    expect(await c.json()).toMatchObject({ policyName: "DAILY", message: "You have reached your daily limit." });
  });
});

describe("HubSpot large portal", () => {
  afterAll(async () => {
    await control(sims, "/reset", { now: NOW, hubspot: { portal: null } });
  });

  it("generates the benchmark portal and enforces the search API's 10,000-result ceiling", async () => {
    await control(sims, "/reset", {
      now: NOW,
      limits: { hubspot: { per10s: 100_000, searchPerSecond: 100_000 } },
      hubspot: { portal: { deals: 20_000, companies: 10_000, contacts: 100_000 } },
    });
    token = sims.state.hubspot.issueDirect().accessToken;
    const portal = (await control(sims, "/hubspot/portal", undefined, "GET")) as { counts: Record<string, number> };
    expect(portal.counts).toEqual({ deals: 20_000, archivedDeals: 0, companies: 10_000, contacts: 100_000 });
    const all = { filterGroups: [{ filters: [{ propertyName: "amount", operator: "HAS_PROPERTY" }] }], limit: 200 };
    const first = (await (await post("/crm/v3/objects/deals/search", all)).json()) as Page;
    expect(first.total).toBeGreaterThan(10_000);
    const last = await post("/crm/v3/objects/deals/search", { ...all, after: "9800" });
    expect(last.status).toBe(200);
    expect(((await last.json()) as Page).paging?.next.after).toBe("10000");
    const past = await post("/crm/v3/objects/deals/search", { ...all, after: "10000" });
    expect(past.status).toBe(400);
    expect(await past.json()).toMatchObject({ status: "error", category: "VALIDATION_ERROR" });
    // Closed deals reach back more than two years, so the first import's window matters.
    const twoYears = Date.parse(NOW) - 730 * 86_400_000;
    const old = (await (
      await post("/crm/v3/objects/deals/search", {
        filterGroups: [{ filters: [{ propertyName: "closedate", operator: "LT", value: String(twoYears) }] }],
        limit: 1,
      })
    ).json()) as Page;
    expect(old.total).toBeGreaterThan(1_000);
  });
});
