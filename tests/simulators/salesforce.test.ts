// The Salesforce simulator against Salesforce's documented behaviour (sources in the header of
// dev/simulators/providers/salesforce.ts): web server flow with PKCE and Allow/Deny, token and refresh
// bodies, login hosts, query paging with nextRecordsUrl, relationship fields and child subqueries,
// queryAll, getDeleted windows, Sforce-Limit-Info and the documented error bodies.
import { createHash, createHmac as hmac, randomBytes } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DEMO_DEALS } from "@/lib/demo/data";
import type { RunningSimulators } from "@/dev/simulators";
import { demoAccountId, demoOpportunityId, parseSoql, sfId18 } from "@/dev/simulators/providers/salesforce";
import { NOW, REDIRECT_URI, consent, control, startTestSimulators } from "../providers/helpers";

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

const CLIENT = { id: "sim-salesforce-client", secret: "sim-salesforce-secret" };
const api = (path: string) => `${sims.url}/salesforce-api/acme/services/data/v62.0${path}`;
const sfControl = async (path: string, body: unknown = {}) => {
  const res = await fetch(`${sims.url}/__sim/salesforce${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};
async function token(org = "acme"): Promise<string> {
  return (await sfControl("/tokens", { org })).body.accessToken as string;
}
async function get(url: string, accessToken: string | null, headers: Record<string, string> = {}) {
  const res = await fetch(url, { headers: { ...(accessToken ? { authorization: `Bearer ${accessToken}` } : {}), ...headers } });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as unknown) : null };
}
const soql = (q: string) => api(`/query?q=${encodeURIComponent(q)}`);
type QueryResult = { totalSize: number; done: boolean; nextRecordsUrl?: string; records: Array<Record<string, unknown>> };

function pkce() {
  const verifier = randomBytes(32).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
}
function authorizeUrl(host: string, challenge: string | null, state = "st-1") {
  const u = new URL(`${sims.url}${host}/services/oauth2/authorize`);
  u.searchParams.set("response_type", "code");
  u.searchParams.set("client_id", CLIENT.id);
  u.searchParams.set("redirect_uri", REDIRECT_URI);
  u.searchParams.set("state", state);
  u.searchParams.set("scope", "api refresh_token");
  if (challenge) {
    u.searchParams.set("code_challenge", challenge);
    u.searchParams.set("code_challenge_method", "S256");
  }
  return u.toString();
}
async function tokenRequest(host: string, body: Record<string, string>) {
  const res = await fetch(`${sims.url}${host}/services/oauth2/token`, { method: "POST", body: new URLSearchParams(body) });
  return { status: res.status, body: (await res.json()) as Record<string, string> };
}

describe("OAuth 2.0 web server flow with PKCE", () => {
  it("Allow returns a code; the token response has the documented fields; refresh keeps the refresh token", async () => {
    const { verifier, challenge } = pkce();
    const back = await consent(authorizeUrl("/salesforce", challenge), "allow");
    expect(back.searchParams.get("state")).toBe("st-1");
    const code = back.searchParams.get("code")!;
    const t = await tokenRequest("/salesforce", {
      grant_type: "authorization_code",
      code,
      redirect_uri: REDIRECT_URI,
      client_id: CLIENT.id,
      client_secret: CLIENT.secret,
      code_verifier: verifier,
    });
    expect(t.status).toBe(200);
    expect(Object.keys(t.body).sort()).toEqual(["access_token", "id", "instance_url", "issued_at", "refresh_token", "scope", "signature", "token_type"]);
    expect(t.body.token_type).toBe("Bearer");
    expect(t.body.instance_url).toBe(`${sims.url}/salesforce-api/acme`);
    // The identity URL carries 15-character org and user ids, like Salesforce's.
    expect(t.body.id).toMatch(new RegExp(`^${sims.url}/salesforce/id/00D[a-zA-Z0-9]{12}/005[a-zA-Z0-9]{12}$`));
    expect(t.body.issued_at).toMatch(/^\d{13}$/);
    const expected = createHmac(t.body.id + t.body.issued_at);
    expect(t.body.signature).toBe(expected);
    // The code is single-use.
    const again = await tokenRequest("/salesforce", {
      grant_type: "authorization_code",
      code,
      redirect_uri: REDIRECT_URI,
      client_id: CLIENT.id,
      client_secret: CLIENT.secret,
      code_verifier: verifier,
    });
    expect(again).toMatchObject({ status: 400, body: { error: "invalid_grant" } });

    const r1 = await tokenRequest("/salesforce", {
      grant_type: "refresh_token",
      refresh_token: t.body.refresh_token!,
      client_id: CLIENT.id,
      client_secret: CLIENT.secret,
    });
    expect(r1.status).toBe(200);
    expect(r1.body.refresh_token).toBeUndefined();
    expect(r1.body.instance_url).toBe(`${sims.url}/salesforce-api/acme`);
    const r2 = await tokenRequest("/salesforce", {
      grant_type: "refresh_token",
      refresh_token: t.body.refresh_token!,
      client_id: CLIENT.id,
      client_secret: CLIENT.secret,
    });
    expect(r2.status).toBe(200);
    expect((await get(api("/limits"), r2.body.access_token!)).status).toBe(200);

    await sfControl("/tokens/revoke");
    const r3 = await tokenRequest("/salesforce", {
      grant_type: "refresh_token",
      refresh_token: t.body.refresh_token!,
      client_id: CLIENT.id,
      client_secret: CLIENT.secret,
    });
    expect(r3).toEqual({ status: 400, body: { error: "invalid_grant", error_description: "expired access/refresh token" } });
  });

  it("refuses a wrong or missing code_verifier when the code was issued for a challenge", async () => {
    const { challenge } = pkce();
    for (const verifier of ["wrong-verifier-wrong-verifier-wrong-verifier", null]) {
      const code = (await consent(authorizeUrl("/salesforce", challenge), "allow")).searchParams.get("code")!;
      const body: Record<string, string> = {
        grant_type: "authorization_code",
        code,
        redirect_uri: REDIRECT_URI,
        client_id: CLIENT.id,
        client_secret: CLIENT.secret,
      };
      if (verifier) body.code_verifier = verifier;
      expect(await tokenRequest("/salesforce", body)).toEqual({ status: 400, body: { error: "invalid_grant", error_description: "invalid code verifier" } });
    }
  });

  it("Deny redirects with error=access_denied and the state", async () => {
    const back = await consent(authorizeUrl("/salesforce", pkce().challenge, "st-deny"), "deny");
    expect(back.searchParams.get("error")).toBe("access_denied");
    expect(back.searchParams.get("state")).toBe("st-deny");
    expect(back.searchParams.get("code")).toBeNull();
  });

  it("the sandbox login host issues tokens for the sandbox org; My Domain works for the org's name only", async () => {
    const { verifier, challenge } = pkce();
    const code = (await consent(authorizeUrl("/salesforce-test", challenge), "allow")).searchParams.get("code")!;
    const t = await tokenRequest("/salesforce-test", {
      grant_type: "authorization_code",
      code,
      redirect_uri: REDIRECT_URI,
      client_id: CLIENT.id,
      client_secret: CLIENT.secret,
      code_verifier: verifier,
    });
    expect(t.body.instance_url).toBe(`${sims.url}/salesforce-api/acme--uat`);
    const org = (
      await get(
        `${t.body.instance_url}/services/data/v62.0/query?q=${encodeURIComponent("SELECT Id, Name, IsSandbox FROM Organization")}`,
        t.body.access_token!,
      )
    ).body as QueryResult;
    expect(org.records[0]).toMatchObject({ IsSandbox: true });
    // A production token is not valid on the sandbox instance.
    expect((await get(`${t.body.instance_url}/services/data/v62.0/limits`, await token("acme"))).status).toBe(401);

    expect((await fetch(authorizeUrl("/salesforce-my/acme", challenge))).status).toBe(200);
    expect((await fetch(authorizeUrl("/salesforce-my/unknown", challenge))).status).toBe(404);
  });

  it("rejects an unknown client", async () => {
    const t = await tokenRequest("/salesforce", { grant_type: "refresh_token", refresh_token: "x", client_id: "other", client_secret: "x" });
    expect(t).toMatchObject({ status: 400, body: { error: "invalid_client_id" } });
  });
});

function createHmac(data: string): string {
  return hmac("sha256", CLIENT.secret).update(data).digest("base64");
}

describe("REST API: auth, limits, errors", () => {
  it("401 INVALID_SESSION_ID without, with a bad, or with an expired token", async () => {
    const t = await token();
    for (const bearer of [null, "00Dbogus!token"]) {
      const r = await get(api("/limits"), bearer);
      expect(r).toMatchObject({ status: 401, body: [{ errorCode: "INVALID_SESSION_ID", message: "Session expired or invalid" }] });
    }
    await sfControl("/tokens/expire");
    expect((await get(api("/limits"), t)).body).toEqual([{ message: "Session expired or invalid", errorCode: "INVALID_SESSION_ID" }]);
  });

  it("Sforce-Limit-Info counts every API request; over the daily limit: 403 REQUEST_LIMIT_EXCEEDED", async () => {
    const t = await token();
    await sfControl("/limits", { dailyLimit: 3 });
    const seen: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await get(api("/limits"), t);
      expect(r.status).toBe(200);
      seen.push(r.headers.get("sforce-limit-info")!);
    }
    expect(seen).toEqual(["api-usage=1/3", "api-usage=2/3", "api-usage=3/3"]);
    const over = await get(soql("SELECT Id FROM Opportunity"), t);
    expect(over.status).toBe(403);
    expect(over.body).toEqual([{ message: "TotalRequests Limit exceeded.", errorCode: "REQUEST_LIMIT_EXCEEDED" }]);
    expect(over.headers.get("sforce-limit-info")).toBe("api-usage=3/3");
    await sfControl("/limits", { dailyLimit: 100_000, used: 10 });
    const limits = await get(api("/limits"), t);
    expect(limits.body).toEqual({ DailyApiRequests: { Max: 100_000, Remaining: 100_000 - 11 } });
  });

  it.each([
    ["SELEKT Id FROM Opportunity", "MALFORMED_QUERY"],
    ["SELECT Id FROM Opportunity WHERE", "MALFORMED_QUERY"],
    ["SELECT Id, Bogus FROM Opportunity", "INVALID_FIELD"],
    ["SELECT Id FROM Bogus", "INVALID_TYPE"],
    ["SELECT Id FROM Opportunity WHERE SystemModstamp >= '2026-01-01T00:00:00Z'", "MALFORMED_QUERY"],
    ["SELECT Id FROM Opportunity WHERE CloseDate >= 2026-01-01T00:00:00Z", "MALFORMED_QUERY"],
    ["SELECT Id FROM Opportunity WHERE IsClosed = 'false'", "MALFORMED_QUERY"],
    ["SELECT Id FROM Opportunity WHERE Name = 'it\\'s' OR Id IN (SELECT OpportunityId FROM OpportunityContactRole)", "MALFORMED_QUERY"],
  ])("%s -> 400 %s", async (q, errorCode) => {
    const r = await get(soql(q), await token());
    expect(r.status).toBe(400);
    expect((r.body as Array<{ errorCode: string }>)[0]!.errorCode).toBe(errorCode);
  });
});

describe("query", () => {
  it("the demo org: the 24 demo deals with relationship fields and OpportunityContactRoles, plus the awkward records", async () => {
    const t = await token();
    const q =
      "SELECT Id, Name, StageName, Amount, CloseDate, IsClosed, IsWon, AccountId, Account.Name, Account.Website, OwnerId, Owner.Email, Owner.IsActive, SystemModstamp, " +
      "(SELECT ContactId, Contact.Email, Role FROM OpportunityContactRoles) FROM Opportunity ORDER BY Name";
    const r = (await get(soql(q), t)).body as QueryResult;
    expect(r.done).toBe(true);
    expect(r.totalSize).toBe(25); // 24 demo deals + one without an amount (the deleted one is not listed)
    const first = DEMO_DEALS.findIndex((d) => d.name === "Aperture Science - Expansion" || d.accountName === "Aperture Science");
    const deal = DEMO_DEALS[first]!;
    const rec = r.records.find((x) => x.Id === demoOpportunityId(first + 1))!;
    expect(rec).toMatchObject({
      attributes: { type: "Opportunity", url: `/services/data/v62.0/sobjects/Opportunity/${demoOpportunityId(first + 1)}` },
      Name: deal.name,
      StageName: deal.stage,
      Amount: deal.amount,
      IsClosed: deal.isClosed,
      AccountId: demoAccountId(first + 1),
      Account: { attributes: { type: "Account" }, Name: deal.accountName, Website: `https://www.${deal.domain}` },
      Owner: { attributes: { type: "User" }, Email: deal.ownerEmail, IsActive: true },
    });
    expect(rec.SystemModstamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+0000$/);
    expect(rec.CloseDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const roles = rec.OpportunityContactRoles as QueryResult;
    expect(roles.done).toBe(true);
    expect(roles.records.map((x) => (x.Contact as { Email: string }).Email).sort()).toEqual(deal.contacts.map((c) => c.email).sort());
    expect(r.records.every((x) => typeof x.Id === "string" && (x.Id as string).length === 18)).toBe(true);

    const awkward = r.records.find((x) => x.Amount === null)!;
    expect(awkward).toMatchObject({ Owner: { Email: "former.rep@acme.test", IsActive: false } });
    expect(((awkward.OpportunityContactRoles as QueryResult).records[0]!.Contact as { Email: unknown }).Email).toBeNull();
  });

  it("a parent without child rows has null for the subquery; a null reference is a null relationship", async () => {
    const t = await token();
    const [opp] = ((await get(soql("SELECT Id FROM Opportunity LIMIT 1"), t)).body as QueryResult).records;
    await sfControl("/records/update", { id: opp!.Id, fields: { AccountId: null } });
    for (const r of ((await get(soql(`SELECT Id, Account.Name FROM Opportunity WHERE Id = '${opp!.Id}'`), t)).body as QueryResult).records)
      expect(r.Account).toBeNull();
    const c = (await get(soql("SELECT Id FROM Contact WHERE Email = null"), t)).body as QueryResult;
    expect(c.totalSize).toBe(1);
    const acc = (await get(soql(`SELECT Id, (SELECT Id FROM Opportunities) FROM Account WHERE Id = '${c.records[0]!.Id}'`), t)).body as QueryResult;
    expect(acc.totalSize).toBe(0); // the contact id is not an account id
    const lonely = (await get(soql("SELECT Id, (SELECT Id FROM Contacts) FROM Account WHERE Name = 'Zorg Corporation'"), t)).body as QueryResult;
    expect(lonely.records[0]!.Contacts).not.toBeNull();
  });

  it("WHERE with AND/OR, IN with 15- and 18-character ids, dates, datetimes, booleans, ORDER BY, LIMIT", async () => {
    const t = await token();
    const id18 = demoOpportunityId(3);
    const r = (await get(soql(`SELECT Id FROM Opportunity WHERE Id IN ('${id18.slice(0, 15)}', '${demoOpportunityId(5).toLowerCase()}')`), t))
      .body as QueryResult;
    expect(r.records.map((x) => x.Id).sort()).toEqual([id18, demoOpportunityId(5)].sort());
    // 15-character ids are case-sensitive: a wrongly cased one matches nothing.
    const wrongCase = id18.slice(0, 15).toLowerCase();
    expect(((await get(soql(`SELECT Id FROM Opportunity WHERE Id = '${wrongCase}'`), t)).body as QueryResult).totalSize).toBe(0);

    const all = ((await get(soql("SELECT Id, IsClosed, CloseDate FROM Opportunity"), t)).body as QueryResult).records;
    const since = "2026-05-20";
    const expected = all.filter((x) => x.IsClosed === false || (x.CloseDate as string) >= since).length;
    const filtered = (await get(soql(`SELECT Id FROM Opportunity WHERE IsClosed = false OR CloseDate >= ${since}`), t)).body as QueryResult;
    expect(filtered.totalSize).toBe(expected);
    expect(expected).toBeLessThan(all.length);

    const ordered = (
      (
        await get(
          soql(
            "SELECT Name, Amount FROM Opportunity WHERE Amount != null AND (StageName = 'Proposal' OR StageName = 'Negotiation') ORDER BY Amount DESC, Name LIMIT 3",
          ),
          t,
        )
      ).body as QueryResult
    ).records;
    expect(ordered).toHaveLength(3);
    const amounts = ordered.map((x) => x.Amount as number);
    expect([...amounts].sort((a, b) => b - a)).toEqual(amounts);

    const stamp = Date.parse(NOW) - 5 * 86_400_000;
    const recent = (await get(soql(`SELECT Id FROM Opportunity WHERE SystemModstamp >= ${new Date(stamp).toISOString()}`), t)).body as QueryResult;
    const expectedRecent = ((await get(soql("SELECT Id, SystemModstamp FROM Opportunity"), t)).body as QueryResult).records.filter(
      (x) => Date.parse(x.SystemModstamp as string) >= stamp,
    );
    expect(recent.totalSize).toBe(expectedRecent.length);

    const semi = (await get(soql(`SELECT Id FROM Opportunity WHERE Id IN (SELECT OpportunityId FROM OpportunityContactRole WHERE Contact.Email = null)`), t))
      .body as QueryResult;
    expect(semi.totalSize).toBe(1);
  });

  it("string literals are escaped with backslashes", async () => {
    const t = await token();
    const opp = ((await get(soql("SELECT Id FROM Opportunity LIMIT 1"), t)).body as QueryResult).records[0]!;
    await sfControl("/records/update", { id: opp.Id, fields: { Name: "O'Brien \\ Sons" } });
    const r = (await get(soql("SELECT Id, Name FROM Opportunity WHERE Name = 'O\\'Brien \\\\ Sons'"), t)).body as QueryResult;
    expect(r.records.map((x) => x.Name)).toEqual(["O'Brien \\ Sons"]);
    expect(parseSoql("SELECT Id FROM Account WHERE Name LIKE 'a\\%b'").where).toBeTruthy();
  });

  it("pages by nextRecordsUrl in batches of 2,000, fewer with child rows; locators are single-org", async () => {
    await sfControl("/reset", { generated: { opportunities: 4_500, accounts: 300, contacts: 1_500 } });
    const t = await token();
    const seen = new Set<string>();
    let r = (await get(soql("SELECT Id FROM Opportunity"), t)).body as QueryResult;
    const sizes = [r.records.length];
    expect(r.totalSize).toBe(4_525);
    expect(r.done).toBe(false);
    expect(r.nextRecordsUrl).toMatch(/^\/services\/data\/v62\.0\/query\/01g[a-zA-Z0-9]{15}-2000$/);
    r.records.forEach((x) => seen.add(x.Id as string));
    while (!r.done) {
      r = (await get(`${sims.url}/salesforce-api/acme${r.nextRecordsUrl}`, t)).body as QueryResult;
      sizes.push(r.records.length);
      r.records.forEach((x) => seen.add(x.Id as string));
    }
    expect(sizes).toEqual([2000, 2000, 525]);
    expect(seen.size).toBe(4_525);
    expect(r.nextRecordsUrl).toBeUndefined();

    const withRoles = (await get(soql("SELECT Id, (SELECT ContactId FROM OpportunityContactRoles) FROM Opportunity"), t)).body as QueryResult;
    const weight = withRoles.records.reduce((s, x) => s + 1 + ((x.OpportunityContactRoles as QueryResult | null)?.records.length ?? 0), 0);
    expect(withRoles.records.length).toBeLessThan(2000);
    expect(weight).toBeLessThanOrEqual(2000);
    // The Sforce-Query-Options batch size (200..2000).
    const small = (await get(soql("SELECT Id FROM Opportunity"), t, { "sforce-query-options": "batchSize=500" })).body as QueryResult;
    expect(small.records).toHaveLength(500);
    const sandboxToken = await token("acme--uat");
    expect((await get(`${sims.url}/salesforce-api/acme--uat${withRoles.nextRecordsUrl}`, sandboxToken)).body).toEqual([
      { message: "invalid query locator", errorCode: "INVALID_QUERY_LOCATOR" },
    ]);
  });

  it("queryAll includes deleted rows with IsDeleted = true; query does not", async () => {
    const t = await token();
    const q = encodeURIComponent("SELECT Id, IsDeleted FROM Opportunity WHERE IsDeleted = true");
    expect(((await get(api(`/query?q=${q}`), t)).body as QueryResult).totalSize).toBe(0);
    const all = (await get(api(`/queryAll?q=${q}`), t)).body as QueryResult;
    expect(all.totalSize).toBe(1);
    expect(all.records[0]).toMatchObject({ IsDeleted: true });
  });
});

describe("deleted records and control API", () => {
  it("getDeleted lists deletions in [start, end] with earliestDateAvailable and latestDateCovered; windows older than 30 days are refused", async () => {
    const t = await token();
    const now = Date.parse(NOW);
    const iso = (ms: number) => new Date(ms).toISOString();
    const url = (start: number, end: number, object = "Opportunity") =>
      api(`/sobjects/${object}/deleted/?start=${encodeURIComponent(iso(start))}&end=${encodeURIComponent(iso(end))}`);
    const before = (await get(url(now - 10 * 86_400_000, now), t)).body as {
      deletedRecords: Array<{ id: string; deletedDate: string }>;
      earliestDateAvailable: string;
      latestDateCovered: string;
    };
    expect(before.deletedRecords).toHaveLength(1);
    expect(before.deletedRecords[0]!.id).toBe(sfId18("006Dn00000Acm91"));
    expect(before.latestDateCovered).toBe(iso(now).replace("Z", "+0000"));

    await sfControl("/records/delete", { id: demoOpportunityId(2) });
    const after = (await get(url(now - 60_000 * 5, now + 60_000 * 5), t)).body as typeof before;
    expect(after.deletedRecords.map((d) => d.id)).toEqual([demoOpportunityId(2)]);
    // Its contact roles went with it.
    const roles = (await get(url(now - 60_000 * 5, now + 60_000 * 5, "OpportunityContactRole"), t)).body as typeof before;
    expect(roles.deletedRecords.length).toBe(DEMO_DEALS[1]!.contacts.length);
    expect(((await get(soql(`SELECT Id FROM Opportunity WHERE Id = '${demoOpportunityId(2)}'`), t)).body as QueryResult).totalSize).toBe(0);

    const tooOld = await get(url(now - 31 * 86_400_000, now - 20 * 86_400_000), t);
    expect(tooOld.status).toBe(400);
    expect((tooOld.body as Array<{ errorCode: string }>)[0]!.errorCode).toBe("INVALID_REPLICATION_DATE");
    expect((await get(url(now, now - 3_600_000), t)).status).toBe(400);
  });

  it("a stage change bumps SystemModstamp; a new contact role bumps only the role's", async () => {
    const t = await token();
    const id = demoOpportunityId(1);
    const row = async () =>
      ((await get(soql(`SELECT StageName, IsClosed, IsWon, SystemModstamp FROM Opportunity WHERE Id = '${id}'`), t)).body as QueryResult).records[0]!;
    const before = await row();
    await control(sims, "/clock", { advanceMs: 60_000 });
    expect((await sfControl("/opportunities/stage", { id, stage: "Closed Won" })).status).toBe(200);
    const after = await row();
    expect(after).toMatchObject({ StageName: "Closed Won", IsClosed: true, IsWon: true });
    expect(Date.parse(after.SystemModstamp as string)).toBeGreaterThan(Date.parse(before.SystemModstamp as string));

    const contact = ((await get(soql("SELECT Id FROM Contact WHERE Email = null"), t)).body as QueryResult).records[0]!;
    await control(sims, "/clock", { advanceMs: 60_000 });
    const since = new Date(Date.parse(NOW) + 90_000).toISOString();
    expect((await sfControl("/contact-roles", { opportunityId: demoOpportunityId(4), contactId: contact.Id })).status).toBe(201);
    const changedRoles = (await get(soql(`SELECT OpportunityId FROM OpportunityContactRole WHERE SystemModstamp >= ${since}`), t)).body as QueryResult;
    expect(changedRoles.records.map((x) => x.OpportunityId)).toEqual([demoOpportunityId(4)]);
    const changedOpps = (await get(soql(`SELECT Id FROM Opportunity WHERE SystemModstamp >= ${since}`), t)).body as QueryResult;
    expect(changedOpps.totalSize).toBe(0);
  });

  it("counts requests per endpoint in /__sim/stats and resets", async () => {
    const t = await token();
    await get(api("/limits"), t);
    const stats = (await (await fetch(`${sims.url}/__sim/stats`)).json()) as { salesforce: { apiRequests: number; byEndpoint: Record<string, unknown> } };
    expect(stats.salesforce.apiRequests).toBe(1);
    expect(stats.salesforce.byEndpoint["GET /services/data/vXX.X/limits"]).toBeTruthy();
    await sfControl("/reset");
    expect((await get(api("/limits"), t)).status).toBe(401); // tokens are gone after a reset
  });

  it("serves the Lightning record page that Open in Salesforce links to, without a token", async () => {
    const page = await fetch(`${sims.url}/salesforce-api/acme/lightning/r/Opportunity/${demoOpportunityId(1)}/view`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(DEMO_DEALS[0]!.name);
    expect((await fetch(`${sims.url}/salesforce-api/acme/lightning/r/Account/${demoOpportunityId(1)}/view`)).status).toBe(404);
    await sfControl("/records/delete", { id: demoOpportunityId(1) });
    expect((await fetch(`${sims.url}/salesforce-api/acme/lightning/r/Opportunity/${demoOpportunityId(1)}/view`)).status).toBe(404);
  });

  it("the shared /__sim/tokens/expire expires Salesforce sessions too", async () => {
    const t = await token();
    await control(sims, "/tokens/expire", {});
    expect((await get(api("/limits"), t)).status).toBe(401);
  });

  it("generates the benchmark's large org on demand", async () => {
    await sfControl("/reset", { generated: { opportunities: 20_000, accounts: 10_000, contacts: 100_000 } });
    const d = (await (await fetch(`${sims.url}/__sim/salesforce/dataset`)).json()) as { counts: Record<string, number> };
    expect(d.counts).toMatchObject({ Opportunity: 20_025, Account: 10_025, Contact: 100_000 + DEMO_DEALS.reduce((n, x) => n + x.contacts.length, 0) + 1 });
    await sfControl("/reset", {});
  });
});
