// Issue #8, abuse suite: against the production build with its real database, simulators and Inngest
// runtime. Two throwaway workspaces (Victim = A, Attacker = B) are created with SQL; their users sign in
// through next-auth like the sign-in form does. Every case is one test, named "[category] ...", so
// `playwright test e2e/abuse.spec.ts --list` counts them per category:
//   [isolation] workspace B asks for workspace A's ids: 404 / not-found, no data of A, nothing changed
//   [role]      members on every admin action (403, nothing changed), no session (401 / sign-in redirect)
//   [oauth]     callback with forged / foreign / expired / reused state, replayed codes, missing params
//   [input]     malformed, oversize and wrong-typed input on every route, form and path parameter
//   [secrets]   provider tokens and API secrets: never in a response or the server log, encrypted at rest
//   [headers]   security headers on pages and API, session cookie flags, CSP holds in the browser
import fs from "node:fs";
import type pg from "pg";
import { expect, test, type APIRequestContext, type APIResponse } from "@playwright/test";
import {
  anonymous,
  appSecrets,
  connectDb,
  consent,
  createTenant,
  decryptEnvelope,
  expectNoneOf,
  expectReadable,
  id,
  integrationRow,
  pathOf,
  PASSWORD,
  signedIn,
  snapshot,
  stack,
  word,
  type Tenant,
} from "./abuse-support";

type Who = "adminA" | "admin2A" | "memberA" | "demotedA" | "removedA" | "adminB" | "memberB" | "anon";
type Secret = { label: string; value: string };

let db: pg.Client;
let A: Tenant;
let B: Tenant;
let SHARED: string;
const as = {} as Record<Who, APIRequestContext>;
let sessionCookieHeader = "";
/** Workspace A's integration rows and sync rows (ids are markers too: B must never see them). */
const aInt = { gong: "", clari: "", userSync: "", providerUser: "", pendingState: "" };
let bGong = "";
/** Every secret the app holds for workspace A, plus the app's own keys. */
const secrets: Secret[] = [];

const PROVIDERS = ["gong", "salesloft", "clari"] as const;
const ACTIONS = ["oauth", "api-key", "backfill", "retry", "sync", "disconnect", "reconnect", "purge"] as const;
const actionBody = (action: string): unknown =>
  ({
    "api-key": { apiKey: "sim-clari-key", apiSecret: "sim-clari-secret" },
    backfill: { period: "DAYS_30" },
    retry: { userSyncId: aInt.userSync },
    purge: { confirm: "DELETE" },
  })[action] ?? {};

test.beforeAll(async () => {
  test.setTimeout(120_000);
  db = await connectDb();
  SHARED = word("zx");
  A = await createTenant(db, "Victim", SHARED);
  B = await createTenant(db, "Attacker", SHARED);
  const logins: Array<[Who, string]> = [
    ["adminA", A.users.admin.email],
    ["admin2A", A.users.admin2.email],
    ["memberA", A.users.member.email],
    ["demotedA", A.users.demoted.email],
    ["removedA", A.users.removed.email],
    ["adminB", B.users.admin.email],
    ["memberB", B.users.member.email],
  ];
  for (const [who, email] of logins) {
    const { ctx, signInResponse } = await signedIn(email);
    as[who] = ctx;
    if (who === "memberB")
      sessionCookieHeader = signInResponse
        .headersArray()
        .filter((h) => h.name.toLowerCase() === "set-cookie")
        .map((h) => h.value)
        .join("\n");
  }
  as.anon = await anonymous();

  // Workspace A connects Gong for real (OAuth against the simulator) and Clari Copilot with its API key.
  const start = await as.adminA.post("/api/integrations/gong/oauth", { data: {} });
  expect(start.status()).toBe(200);
  const { authorizationUrl } = (await start.json()) as { authorizationUrl: string };
  const done = await as.adminA.get(pathOf(await consent(authorizationUrl)));
  expect(await done.text()).toContain("Authorization complete");
  expect((await as.adminA.post("/api/integrations/clari/api-key", { data: { apiKey: "sim-clari-key", apiSecret: "sim-clari-secret" } })).status()).toBe(200);
  const gong = (await integrationRow(db, A.workspaceId, "GONG"))!;
  const clari = (await integrationRow(db, A.workspaceId, "CLARI"))!;
  aInt.gong = String(gong.id);
  aInt.clari = String(clari.id);
  const gongCreds = decryptEnvelope(String(gong.credentialsEnc), String(gong.id)) as { accessToken: string; refreshToken: string };
  secrets.push(
    { label: "Gong access token (A)", value: gongCreds.accessToken },
    { label: "Gong refresh token (A)", value: gongCreds.refreshToken },
    { label: "Clari API key", value: "sim-clari-key" },
    { label: "Clari API secret", value: "sim-clari-secret" },
    { label: "Gong OAuth client secret", value: "sim-gong-secret" },
    { label: "Salesloft OAuth client secret", value: "sim-salesloft-secret" },
    { label: "NEXTAUTH_SECRET", value: appSecrets().NEXTAUTH_SECRET },
    { label: "ENCRYPTION_KEY", value: appSecrets().ENCRYPTION_KEY },
  );

  // A's calls belong to its Gong integration; a provider user of A whose sync failed (retry target).
  await db.query(`UPDATE "Call" SET "integrationId" = $1 WHERE "workspaceId" = $2`, [aInt.gong, A.workspaceId]);
  aInt.providerUser = id();
  aInt.userSync = id();
  const puName = `Victim provider user ${word("pu")}`;
  await db.query(
    `INSERT INTO "ProviderUser"(id, "integrationId", "providerUserId", email, name, "workspaceUserId", "updatedAt") VALUES ($1, $2, $3, $4, $5, $6, now())`,
    [aInt.providerUser, aInt.gong, `9${Date.now()}`, A.users.member.email, puName, A.users.member.id],
  );
  await db.query(
    `INSERT INTO "UserSync"(id, "integrationId", "providerUserId", status, error, "updatedAt") VALUES ($1, $2, $3, 'FAILED', 'Victim failure', now())`,
    [aInt.userSync, aInt.gong, aInt.providerUser],
  );
  // An OAuth attempt of A that is still pending (B polls its state).
  const pending = await as.adminA.post("/api/integrations/salesloft/oauth", { data: {} });
  aInt.pendingState = ((await pending.json()) as { state: string }).state;
  A.markers.push(aInt.gong, aInt.clari, aInt.userSync, aInt.providerUser, puName, aInt.pendingState);

  // B has a Gong integration of its own (not connected): B's admin actions resolve to it, never to A's.
  bGong = id();
  await db.query(`INSERT INTO "Integration"(id, "workspaceId", provider, "updatedAt") VALUES ($1, $2, 'GONG', now())`, [bGong, B.workspaceId]);
});

// The other specs share this database (and some pick "the newest Gong call" without a workspace
// filter): leave nothing behind. Deleting the workspaces cascades to everything they own.
test.afterAll(async () => {
  for (const ctx of Object.values(as)) await ctx?.dispose();
  const tenants = [A, B].filter(Boolean);
  if (db && tenants.length) {
    await db.query(`DELETE FROM "Workspace" WHERE id = ANY($1)`, [tenants.map((t) => t.workspaceId)]);
    await db.query(`DELETE FROM "User" WHERE id = ANY($1)`, [tenants.flatMap((t) => Object.values(t.users).map((u) => u.id))]);
  }
  await db?.end();
});

/** A client-side navigation's request: the RSC payload (Next answers 307 to add its `_rsc` cache key first). */
const RSC = { headers: { RSC: "1" }, maxRedirects: 3 };

/** Runs `act` and asserts that no row of workspace A changed. */
async function unchangedA<T>(act: () => Promise<T>): Promise<T> {
  const before = await snapshot(db, A.workspaceId);
  const result = await act();
  expect(await snapshot(db, A.workspaceId), "workspace A's rows are unchanged").toEqual(before);
  return result;
}

// =============================================================================================
// 1. Tenant isolation
// =============================================================================================

test.describe("isolation", () => {
  type PageCase = { name: string; who: Who[]; url: () => string; status: number; rsc?: boolean; mustContain?: () => string[]; markers?: () => string[] };
  const pages: PageCase[] = [
    { name: "deal page of A", who: ["adminB", "memberB"], url: () => `/deals/${A.dealId}`, status: 404 },
    // Client navigations get the not-found tree in an RSC payload (HTTP 200 or 404): never A's data.
    { name: "deal page of A (RSC payload)", who: ["adminB"], url: () => `/deals/${A.dealId}`, status: 404, rsc: true },
    {
      name: "deal page of A, paged",
      who: ["memberB"],
      url: () => `/deals/${A.dealId}?before=${Buffer.from(`${new Date().toISOString()}|${A.callId}`).toString("base64url")}`,
      status: 404,
    },
    { name: "call page of A", who: ["adminB", "memberB"], url: () => `/calls/${A.callId}`, status: 404 },
    { name: "call page of A (RSC payload)", who: ["memberB"], url: () => `/calls/${A.callId}`, status: 404, rsc: true },
    { name: "unlinked call page of A", who: ["adminB", "memberB"], url: () => `/calls/${A.unlinkedCallId}`, status: 404 },
    { name: "private call page of A", who: ["adminB"], url: () => `/calls/${A.privateCallId}`, status: 404 },
    {
      name: "search for a word both workspaces said",
      who: ["adminB", "memberB"],
      url: () => `/search?q=${SHARED}`,
      status: 200,
      mustContain: () => [B.callTitle],
    },
    {
      name: "search for a word only A said",
      who: ["adminB"],
      url: () => `/search?q=${A.markers[0]}`,
      status: 200,
      mustContain: () => ["No matches"],
      markers: () => A.markers.slice(1),
    },
    { name: "unlinked calls list", who: ["adminB", "memberB"], url: () => "/calls/unlinked", status: 200, mustContain: () => [B.unlinkedCallTitle] },
    { name: "deals list", who: ["adminB", "memberB"], url: () => "/deals", status: 200, mustContain: () => [B.dealName] },
    {
      name: "deals list filtered by A's deal name",
      who: ["memberB"],
      url: () => `/deals?q=${encodeURIComponent(A.dealName)}`,
      status: 200,
      mustContain: () => ["No deals match"],
      markers: () => A.markers.filter((m) => m !== A.dealName && !A.dealName.includes(m)),
    },
    {
      name: "deals list filtered by A's owner id",
      who: ["adminB"],
      url: () => `/deals?owner=${A.users.member.id}`,
      status: 200,
      mustContain: () => ["No deals match"],
    },
    { name: "integrations settings", who: ["adminB"], url: () => "/settings/integrations", status: 200 },
    ...PROVIDERS.flatMap((p) => [
      { name: `manage page ${p}`, who: ["adminB"] as Who[], url: () => `/settings/integrations/${p}`, status: 200 },
      { name: `setup wizard ${p}`, who: ["adminB"] as Who[], url: () => `/settings/integrations/${p}/setup?step=sync`, status: 200 },
    ]),
  ];
  for (const c of pages) {
    for (const who of c.who) {
      test(`[isolation] ${who}: ${c.name} → ${c.status}, no data of A`, async () => {
        const res = await as[who].get(c.url(), c.rsc ? RSC : {});
        const body = await expectReadable(res, c.rsc ? [200, 404] : [c.status], c.name);
        if (c.rsc) expect(res.headers()["content-type"]).toContain("text/x-component");
        if (c.status === 404 && !c.rsc) expect(body).toContain("Page not found");
        for (const s of c.mustContain?.() ?? []) expect(body, `${c.name} shows B's own data`).toContain(s);
        expectNoneOf(body, c.markers?.() ?? A.markers, c.name);
      });
    }
  }

  // Route handlers: every method each one exports, with A's ids, as B's admin and as B's member.
  type ApiCase = { name: string; method: "GET" | "POST"; url: () => string; data?: () => unknown; status: number; who?: Who[] };
  const apis: ApiCase[] = [
    { name: "GET transcript of A's call", method: "GET", url: () => `/api/calls/${A.callId}/transcript`, status: 404 },
    { name: "GET transcript of A's private call", method: "GET", url: () => `/api/calls/${A.privateCallId}/transcript`, status: 404 },
    { name: "GET deal options of A's call", method: "GET", url: () => `/api/calls/${A.callId}/deal-options`, status: 404 },
    { name: "GET deal options of A's call, searching A's deal", method: "GET", url: () => `/api/calls/${A.callId}/deal-options?q=Victim`, status: 404 },
    {
      name: "GET deal options of B's own call, searching A's deal",
      method: "GET",
      url: () => `/api/calls/${B.callId}/deal-options?q=${encodeURIComponent(A.dealName)}`,
      status: 200,
    },
    { name: "POST link A's call to B's deal", method: "POST", url: () => `/api/calls/${A.callId}/link`, data: () => ({ dealId: B.dealId }), status: 404 },
    { name: "POST unlink A's call", method: "POST", url: () => `/api/calls/${A.callId}/link`, data: () => ({ dealId: null }), status: 404 },
    {
      name: "POST link A's unlinked call to A's deal",
      method: "POST",
      url: () => `/api/calls/${A.unlinkedCallId}/link`,
      data: () => ({ dealId: A.dealId }),
      status: 404,
    },
    { name: "POST link B's own call to A's deal", method: "POST", url: () => `/api/calls/${B.callId}/link`, data: () => ({ dealId: A.dealId }), status: 404 },
    { name: "POST refresh recording of A's call", method: "POST", url: () => `/api/calls/${A.callId}/recording`, status: 404 },
    { name: "GET integration detail gong (B's own)", method: "GET", url: () => "/api/integrations/gong", status: 200, who: ["adminB"] },
    { name: "GET integration detail clari (A has it, B not)", method: "GET", url: () => "/api/integrations/clari", status: 200, who: ["adminB"] },
    {
      name: "POST retry A's failed user through B's Gong",
      method: "POST",
      url: () => "/api/integrations/gong/retry",
      data: () => ({ userSyncId: aInt.userSync }),
      status: 404,
      who: ["adminB"],
    },
    ...(["backfill", "retry", "sync", "disconnect", "reconnect", "purge"] as const).map((action) => ({
      name: `POST ${action} on Clari (connected in A only)`,
      method: "POST" as const,
      url: () => `/api/integrations/clari/${action}`,
      data: () => actionBody(action),
      status: 404,
      who: ["adminB"] as Who[],
    })),
  ];
  for (const c of apis) {
    for (const who of c.who ?? (["adminB", "memberB"] as Who[])) {
      test(`[isolation] ${who}: ${c.name} → ${c.status}, no data of A, A unchanged`, async () => {
        const bBefore = await snapshot(db, B.workspaceId);
        const res = await unchangedA(() => (c.method === "GET" ? as[who].get(c.url()) : as[who].post(c.url(), { data: c.data?.() ?? {} })));
        const body = await expectReadable(res, [c.status], c.name);
        expectNoneOf(body, c.name.includes("searching A's deal") ? A.markers.filter((m) => !A.dealName.includes(m) && m !== A.dealName) : A.markers, c.name);
        if (c.status === 404) expect(body).toMatch(/was not found/);
        if (c.name.startsWith("GET deal options of B's own")) expect((JSON.parse(body) as { deals: unknown[] }).deals).toEqual([]);
        if (c.name.startsWith("POST")) expect(await snapshot(db, B.workspaceId), "B's rows unchanged too").toEqual(bBefore);
      });
    }
  }

  test("[isolation] adminB: polling A's pending OAuth state → invalid, A's attempt untouched", async () => {
    const res = await unchangedA(() => as.adminB.get(`/api/integrations/salesloft/oauth-status?state=${aInt.pendingState}`));
    expect(await res.json()).toEqual({ status: "invalid" });
    // The owner still sees it pending.
    expect(await (await as.adminA.get(`/api/integrations/salesloft/oauth-status?state=${aInt.pendingState}`)).json()).toEqual({ status: "pending" });
  });

  test("[isolation] memberA: a private call of A that the member did not take part in → 404 page and API", async () => {
    const page = await as.memberA.get(`/calls/${A.privateCallId}`);
    expectNoneOf(await expectReadable(page, [404], "private call page"), [A.privateCallTitle], "private call page");
    const api = await as.memberA.get(`/api/calls/${A.privateCallId}/transcript`);
    expectNoneOf(await expectReadable(api, [404], "private transcript"), [A.sentence], "private transcript");
    // The admin who took part sees it (the rule is visibility, not a broken page).
    expect(await (await as.adminA.get(`/calls/${A.privateCallId}`)).text()).toContain(A.privateCallTitle);
  });
});

// =============================================================================================
// 2. Member vs admin; no session
// =============================================================================================

test.describe("role", () => {
  for (const provider of PROVIDERS) {
    for (const action of [...ACTIONS, "no-such-action"]) {
      test(`[role] memberA: POST /api/integrations/${provider}/${action} → 403, nothing changed`, async () => {
        const res = await unchangedA(() => as.memberA.post(`/api/integrations/${provider}/${action}`, { data: actionBody(action) }));
        const body = await expectReadable(res, [403], `${provider}/${action}`);
        expect(JSON.parse(body).error.message).toMatch(/Only workspace admins/);
        expectNoneOf(body, [aInt.gong, aInt.clari, aInt.userSync], action);
      });
    }
    test(`[role] memberA: GET /api/integrations/${provider} → 403 without data`, async () => {
      const body = await expectReadable(await as.memberA.get(`/api/integrations/${provider}`), [403], provider);
      expectNoneOf(body, [aInt.gong, aInt.clari, aInt.userSync, "accountName"], provider);
    });
  }
  test("[role] memberA: GET oauth-status of the admin's pending state → 403", async () => {
    await expectReadable(await as.memberA.get(`/api/integrations/salesloft/oauth-status?state=${aInt.pendingState}`), [403], "oauth-status");
  });
  test("[role] memberA: completing the admin's OAuth attempt in the callback → refused, nothing stored", async () => {
    const start = await as.adminA.post("/api/integrations/salesloft/oauth", { data: {} });
    const { authorizationUrl } = (await start.json()) as { authorizationUrl: string };
    const callback = await consent(authorizationUrl);
    const res = await unchangedA(() => as.memberA.get(pathOf(callback)));
    expect(await expectReadable(res, [400], "member callback")).toContain("not valid");
  });

  const adminPages = ["/settings/integrations", ...PROVIDERS.flatMap((p) => [`/settings/integrations/${p}`, `/settings/integrations/${p}/setup?step=connect`])];
  for (const url of adminPages) {
    test(`[role] memberA: page ${url} → 403 "Admins only", no integration data`, async () => {
      const body = await expectReadable(await as.memberA.get(url), [403], url);
      expect(body).toContain("Admins only");
      expectNoneOf(body, [aInt.gong, aInt.clari, "Connect with", "Sync now", "Disconnect"], url);
    });
  }

  test("[role] an admin demoted to member keeps the session but loses admin actions at once (role read from the database)", async () => {
    expect((await as.demotedA.get("/api/integrations/gong")).status()).toBe(200);
    await db.query(`UPDATE "Membership" SET role = 'MEMBER' WHERE "userId" = $1`, [A.users.demoted.id]);
    const res = await unchangedA(() => as.demotedA.post("/api/integrations/gong/disconnect", { data: {} }));
    await expectReadable(res, [403], "demoted disconnect");
    expect((await as.demotedA.get("/settings/integrations/gong")).status()).toBe(403);
  });

  test("[role] a user removed from the workspace is signed out of it at once (401 API, sign-in redirect)", async () => {
    expect((await as.removedA.get(`/api/calls/${A.callId}/transcript`)).status()).toBe(200);
    await db.query(`DELETE FROM "Membership" WHERE "userId" = $1`, [A.users.removed.id]);
    const api = await as.removedA.get(`/api/calls/${A.callId}/transcript`);
    expectNoneOf(await expectReadable(api, [401], "removed transcript"), [A.sentence], "removed user");
    const page = await as.removedA.get(`/deals/${A.dealId}`);
    expect(page.status()).toBe(307);
    expect(page.headers().location).toMatch(/^\/signin/);
  });

  test("[role] a forged session cookie (JWT signed with another secret) → 401", async () => {
    const ctx = await anonymous();
    const forged = (await signedIn(B.users.admin.email)).ctx;
    const state = await forged.storageState();
    const cookie = state.cookies.find((c) => c.name.endsWith("next-auth.session-token"))!;
    // Flip characters in the encrypted token: it no longer decrypts with the app's secret.
    const tampered = cookie.value.slice(0, -12) + (cookie.value.endsWith("A") ? "B" : "A").repeat(12);
    const res = await ctx.get("/api/integrations/gong", { headers: { cookie: `${cookie.name}=${tampered}` } });
    await expectReadable(res, [401], "forged cookie");
    await forged.dispose();
    await ctx.dispose();
  });

  // No session at all: every route handler and method answers 401 and changes nothing.
  const anonApis: Array<[string, "GET" | "POST", () => string]> = [
    ["transcript", "GET", () => `/api/calls/${A.callId}/transcript`],
    ["deal-options", "GET", () => `/api/calls/${A.callId}/deal-options`],
    ["link", "POST", () => `/api/calls/${A.callId}/link`],
    ["recording", "POST", () => `/api/calls/${A.callId}/recording`],
    ["integration detail", "GET", () => "/api/integrations/gong"],
    ["oauth-status", "GET", () => `/api/integrations/salesloft/oauth-status?state=${aInt.pendingState}`],
    ...ACTIONS.map((a) => [`action ${a}`, "POST", () => `/api/integrations/gong/${a}`] as [string, "POST", () => string]),
  ];
  for (const [name, method, url] of anonApis) {
    test(`[role] no session: ${method} ${name} → 401, nothing changed`, async () => {
      const res = await unchangedA(() =>
        method === "GET" ? as.anon.get(url()) : as.anon.post(url(), { data: { dealId: null, confirm: "DELETE", period: "DAYS_30" } }),
      );
      const body = await expectReadable(res, [401], name);
      expect(JSON.parse(body).error.message).toMatch(/sign in/i);
      expectNoneOf(body, A.markers, name);
    });
  }
  // The Inngest serve endpoint runs functions (purge included); only the app's runtime, holding the
  // shared key, may call it. A session does not help.
  for (const method of ["GET", "PUT", "POST"] as const) {
    for (const who of ["anon", "adminA"] as Who[]) {
      test(`[role] ${who}: ${method} /api/inngest without the runtime's key → 401, no function runs`, async () => {
        const url = "/api/inngest?fnId=callsync-integration-purge&stepId=step";
        const body = {
          event: { name: "integration/purge.requested", data: { integrationId: aInt.gong } },
          events: [],
          steps: {},
          ctx: { run_id: "01FORGED", attempt: 0, stack: { stack: [] } },
        };
        const res = await unchangedA(() => as[who]!.fetch(url, { method, data: method === "GET" ? undefined : body }));
        const text = await expectReadable(res, [401], `${method} /api/inngest`);
        expect(text).toMatch(/only answers the app's Inngest runtime/);
        expect(text).not.toMatch(/callsync-|functions/);
      });
    }
  }

  const anonPages = [
    "/",
    "/deals",
    "/deals/cl0000000000000000000000",
    "/calls/cl0000000000000000000000",
    "/calls/unlinked",
    "/search?q=pricing",
    "/settings/integrations",
    "/settings/integrations/gong",
    "/settings/integrations/clari/setup",
  ];
  for (const url of anonPages) {
    test(`[role] no session: page ${url} → redirect to /signin`, async () => {
      const res = await as.anon.get(url);
      expect(res.status(), url).toBe(307);
      const location = res.headers().location ?? "";
      expect(location).toMatch(/^(https?:\/\/[^/]+)?\/signin(\?|$)/);
      if (url !== "/") expect(decodeURIComponent(location)).toContain(`callbackUrl=${url}`);
    });
  }
});

// =============================================================================================
// 3. OAuth state tampering and replayed codes
// =============================================================================================

test.describe("oauth", () => {
  const MSG = {
    invalid: "This authorization link is not valid",
    expired: "The authorization session expired",
    cancelled: "Authorization was cancelled",
    denied: "Access was denied",
  };
  /** Starts an attempt as `who` and answers the consent page: the callback URL carrying state and code. */
  async function attempt(provider: "gong" | "salesloft", who: Who = "adminA", decision: "allow" | "deny" = "allow") {
    const res = await as[who].post(`/api/integrations/${provider}/oauth`, { data: {} });
    expect(res.status()).toBe(200);
    const { state, authorizationUrl } = (await res.json()) as { state: string; authorizationUrl: string };
    const callback = await consent(authorizationUrl, decision);
    expect(callback.searchParams.get("state")).toBe(state);
    return { state, callback, code: callback.searchParams.get("code") };
  }
  const cred = async (provider: "GONG" | "SALESLOFT", ws = A.workspaceId) => {
    const row = await integrationRow(db, ws, provider);
    return { enc: row?.credentialsEnc ?? null, generation: row?.generation ?? null, connectedAt: row?.connectedAt ?? null };
  };
  async function expectRefused(res: APIResponse, message: string, what: string) {
    const body = await expectReadable(res, [400], what);
    expect(body).toContain(message);
    expect(body).toContain("Authorization did not complete");
  }
  const callbackUrl = (params: Record<string, string>) => `/api/integrations/oauth/callback?${new URLSearchParams(params)}`;

  test("[oauth] no parameters at all → 400 invalid, nothing stored", async () => {
    const before = await cred("SALESLOFT");
    await expectRefused(await as.adminA.get("/api/integrations/oauth/callback"), MSG.invalid, "no params");
    expect(await cred("SALESLOFT")).toEqual(before);
  });

  test("[oauth] a code without state → 400 invalid, the code is not spent", async () => {
    const { callback, code } = await attempt("salesloft");
    const before = await cred("SALESLOFT");
    await expectRefused(await as.adminA.get(callbackUrl({ code: code! })), MSG.invalid, "no state");
    expect(await cred("SALESLOFT")).toEqual(before);
    // The rightful callback still works afterwards: the code was never sent to the provider.
    expect(await (await as.adminA.get(pathOf(callback))).text()).toContain("Authorization complete");
  });

  test("[oauth] a valid state without code or error → 400 cancelled, nothing stored", async () => {
    const { state } = await attempt("salesloft");
    const before = await cred("SALESLOFT");
    await expectRefused(await as.adminA.get(callbackUrl({ state })), MSG.cancelled, "no code");
    expect(await cred("SALESLOFT")).toEqual(before);
  });

  for (const [name, forge] of [
    ["a forged random state", () => word("forged").padEnd(43, "x")],
    ["a real state with one character changed", (s: string) => s.slice(0, -1) + (s.endsWith("A") ? "B" : "A")],
    ["a state with a NUL byte", (s: string) => `${s}\u0000`],
    ["a 10 KB state", () => "a".repeat(10_000)],
    ["a too short state", () => "abc"],
  ] as Array<[string, (s: string) => string]>) {
    for (const who of ["adminA", "anon"] as Who[]) {
      test(`[oauth] ${who}: ${name} with a real code → 400 invalid, nothing stored`, async () => {
        const { state, code } = await attempt("salesloft");
        const before = await cred("SALESLOFT");
        await expectRefused(await as[who].get(callbackUrl({ state: forge(state), code: code! })), MSG.invalid, name);
        expect(await cred("SALESLOFT")).toEqual(before);
      });
    }
  }

  test("[oauth] the state appears twice in the query (first one forged) → 400 invalid", async () => {
    const { state, code } = await attempt("salesloft");
    const before = await cred("SALESLOFT");
    await expectRefused(
      await as.adminA.get(`/api/integrations/oauth/callback?state=${word("forged").padEnd(43, "x")}&state=${state}&code=${code}`),
      MSG.invalid,
      "double state",
    );
    expect(await cred("SALESLOFT")).toEqual(before);
  });

  test("[oauth] another admin of the same workspace completes the admin's attempt → 400 invalid, the attempt is not spent", async () => {
    const { state, callback } = await attempt("salesloft");
    const before = await cred("SALESLOFT");
    await expectRefused(await as.admin2A.get(pathOf(callback)), MSG.invalid, "other admin");
    expect(await cred("SALESLOFT")).toEqual(before);
    const { rows } = await db.query(`SELECT "usedAt", outcome FROM "OAuthState" WHERE state = $1`, [state]);
    expect(rows[0]).toEqual({ usedAt: null, outcome: null });
    expect(await (await as.adminA.get(pathOf(callback))).text()).toContain("Authorization complete");
    expect((await cred("SALESLOFT")).enc).not.toEqual(before.enc);
  });

  test("[oauth] an admin of another workspace completes A's attempt → 400 invalid, neither workspace stores credentials", async () => {
    const { state, callback } = await attempt("gong");
    const beforeA = await cred("GONG");
    const beforeB = await cred("GONG", B.workspaceId);
    const statusBefore = (await integrationRow(db, A.workspaceId, "GONG"))!.status;
    await expectRefused(await as.adminB.get(pathOf(callback)), MSG.invalid, "other workspace");
    expect(await cred("GONG")).toEqual(beforeA);
    expect(await cred("GONG", B.workspaceId)).toEqual(beforeB);
    expect((await integrationRow(db, A.workspaceId, "GONG"))!.status).toBe(statusBefore);
    // A's attempt is still pending for A.
    expect(await (await as.adminA.get(`/api/integrations/gong/oauth-status?state=${state}`)).json()).toEqual({ status: "pending" });
  });

  test("[oauth] B's state with A's session, B's code → 400 invalid, nothing stored in A or B", async () => {
    const { callback } = await attempt("gong", "adminB");
    const beforeA = await cred("GONG");
    const beforeB = await cred("GONG", B.workspaceId);
    await expectRefused(await as.adminA.get(pathOf(callback)), MSG.invalid, "B's state in A");
    expect(await cred("GONG")).toEqual(beforeA);
    expect(await cred("GONG", B.workspaceId)).toEqual(beforeB);
  });

  test("[oauth] an expired state → 400 expired, nothing stored", async () => {
    const { state, callback } = await attempt("salesloft");
    await db.query(`UPDATE "OAuthState" SET "expiresAt" = now() - interval '1 minute' WHERE state = $1`, [state]);
    const before = await cred("SALESLOFT");
    await expectRefused(await as.adminA.get(pathOf(callback)), MSG.expired, "expired state");
    expect(await cred("SALESLOFT")).toEqual(before);
    expect(await (await as.adminA.get(`/api/integrations/salesloft/oauth-status?state=${state}`)).json()).toEqual({ status: "expired" });
  });

  test("[oauth] a state used once already (the callback replayed) → 400 invalid, credentials unchanged", async () => {
    const { callback } = await attempt("salesloft");
    const ok = await as.adminA.get(pathOf(callback));
    expect(await ok.text()).toContain("Authorization complete");
    const after = await cred("SALESLOFT");
    expect(after.enc).toBeTruthy();
    await expectRefused(await as.adminA.get(pathOf(callback)), MSG.invalid, "replayed callback");
    expect(await cred("SALESLOFT")).toEqual(after);
  });

  test("[oauth] a replayed authorization code with a fresh state → 400, credentials unchanged", async () => {
    const first = await attempt("salesloft");
    expect(await (await as.adminA.get(pathOf(first.callback))).text()).toContain("Authorization complete");
    const after = await cred("SALESLOFT");
    const second = await attempt("salesloft");
    await expectRefused(await as.adminA.get(callbackUrl({ state: second.state, code: first.code! })), MSG.expired, "replayed code");
    expect(await cred("SALESLOFT")).toEqual(after);
  });

  test("[oauth] a made-up authorization code with a real state → 400, nothing stored", async () => {
    const { state } = await attempt("gong");
    const before = await cred("GONG");
    await expectRefused(await as.adminA.get(callbackUrl({ state, code: `code_${word("made")}` })), MSG.expired, "made-up code");
    expect(await cred("GONG")).toEqual(before);
  });

  test("[oauth] a Salesloft code presented with a Gong state → 400, nothing stored", async () => {
    const gong = await attempt("gong");
    const salesloft = await attempt("salesloft");
    const before = { gong: await cred("GONG"), salesloft: await cred("SALESLOFT") };
    await expectRefused(await as.adminA.get(callbackUrl({ state: gong.state, code: salesloft.code! })), MSG.expired, "cross-provider code");
    expect({ gong: await cred("GONG"), salesloft: await cred("SALESLOFT") }).toEqual(before);
  });

  test("[oauth] the provider reports access_denied → 400 denied, nothing stored", async () => {
    const { callback } = await attempt("salesloft", "adminA", "deny");
    expect(callback.searchParams.get("error")).toBe("access_denied");
    const before = await cred("SALESLOFT");
    await expectRefused(await as.adminA.get(pathOf(callback)), MSG.denied, "denied");
    expect(await cred("SALESLOFT")).toEqual(before);
  });

  test("[oauth] an oversize code (100 KB) with a real state → refused, no 500, nothing stored", async () => {
    const { state } = await attempt("salesloft");
    const before = await cred("SALESLOFT");
    const res = await as.adminA.get(callbackUrl({ state, code: "c".repeat(100_000) }));
    await expectReadable(res, [400, 414, 431], "oversize code");
    expect(await cred("SALESLOFT")).toEqual(before);
  });
});

// =============================================================================================
// 4. Malformed and oversize input
// =============================================================================================

test.describe("input", () => {
  const MB = 1024 * 1024;
  type BodyCase = { name: string; who: Who; url: () => string; body: () => string | Buffer; status: number[]; message?: RegExp; contentType?: string };
  const link = () => `/api/calls/${B.callId}/link`;
  const bodies: BodyCase[] = [
    { name: "link: not JSON", who: "memberB", url: link, body: () => "{dealId:", status: [400], message: /must be JSON/ },
    { name: "link: JSON array", who: "memberB", url: link, body: () => "[]", status: [400], message: /Choose a deal/ },
    { name: "link: JSON string", who: "memberB", url: link, body: () => '"x"', status: [400] },
    { name: "link: empty object (never unlinks by accident)", who: "memberB", url: link, body: () => "{}", status: [400], message: /Choose a deal/ },
    { name: "link: dealId is a number", who: "memberB", url: link, body: () => '{"dealId":123}', status: [400] },
    { name: "link: dealId is an operator object", who: "memberB", url: link, body: () => '{"dealId":{"$ne":null}}', status: [400] },
    { name: "link: dealId is a path", who: "memberB", url: link, body: () => '{"dealId":"../../etc/passwd"}', status: [400], message: /not a valid id/ },
    { name: "link: dealId with SQL", who: "memberB", url: link, body: () => JSON.stringify({ dealId: "x' OR '1'='1" }), status: [400] },
    { name: "link: dealId 10,000 characters", who: "memberB", url: link, body: () => JSON.stringify({ dealId: "a".repeat(10_000) }), status: [400] },
    {
      name: "link: 1 MB body",
      who: "memberB",
      url: link,
      body: () => JSON.stringify({ dealId: null, pad: "x".repeat(MB) }),
      status: [413],
      message: /too large/,
    },
    { name: "link: 5 MB body", who: "memberB", url: link, body: () => JSON.stringify({ dealId: "a".repeat(5 * MB) }), status: [413], message: /too large/ },
    {
      name: "api-key: not JSON",
      who: "adminB",
      url: () => "/api/integrations/clari/api-key",
      body: () => "apiKey=x&apiSecret=y",
      status: [400],
      message: /valid JSON/,
    },
    {
      name: "api-key: empty object",
      who: "adminB",
      url: () => "/api/integrations/clari/api-key",
      body: () => "{}",
      status: [400],
      message: /Enter your API Key/,
    },
    { name: "api-key: wrong types", who: "adminB", url: () => "/api/integrations/clari/api-key", body: () => '{"apiKey":1,"apiSecret":["a"]}', status: [400] },
    {
      name: "api-key: 501-character key",
      who: "adminB",
      url: () => "/api/integrations/clari/api-key",
      body: () => JSON.stringify({ apiKey: "k".repeat(501), apiSecret: "s" }),
      status: [400],
      message: /too long/,
    },
    {
      name: "api-key: non-ASCII key",
      who: "adminB",
      url: () => "/api/integrations/clari/api-key",
      body: () => JSON.stringify({ apiKey: "ключ-доступа", apiSecret: "секрет" }),
      status: [400],
      message: /letters, digits and symbols/,
    },
    {
      name: "api-key: key with a NUL and a newline",
      who: "adminB",
      url: () => "/api/integrations/clari/api-key",
      body: () => JSON.stringify({ apiKey: "sim\u0000clari\nkey", apiSecret: "s" }),
      status: [400],
    },
    {
      name: "api-key: 5 MB body",
      who: "adminB",
      url: () => "/api/integrations/clari/api-key",
      body: () => JSON.stringify({ apiKey: "k".repeat(5 * MB), apiSecret: "s" }),
      status: [413],
    },
    {
      name: "api-key on an OAuth provider",
      who: "adminB",
      url: () => "/api/integrations/gong/api-key",
      body: () => '{"apiKey":"a","apiSecret":"b"}',
      status: [400],
      message: /OAuth/,
    },
    { name: "oauth on the API-key provider", who: "adminB", url: () => "/api/integrations/clari/oauth", body: () => "{}", status: [400], message: /API key/ },
    {
      name: "backfill: unknown period",
      who: "adminB",
      url: () => "/api/integrations/gong/backfill",
      body: () => '{"period":"DAYS_7"}',
      status: [400],
      message: /Choose a backfill period: DAYS_30/,
    },
    { name: "backfill: period is a number", who: "adminB", url: () => "/api/integrations/gong/backfill", body: () => '{"period":30}', status: [400] },
    {
      name: "backfill: no period",
      who: "adminB",
      url: () => "/api/integrations/gong/backfill",
      body: () => "{}",
      status: [400],
      message: /Choose a backfill period/,
    },
    {
      name: "backfill: not JSON",
      who: "adminB",
      url: () => "/api/integrations/gong/backfill",
      body: () => "period=DAYS_30",
      status: [400],
      message: /valid JSON/,
    },
    { name: "retry: userSyncId is a number", who: "adminB", url: () => "/api/integrations/gong/retry", body: () => '{"userSyncId":5}', status: [400] },
    {
      name: "retry: userSyncId 65 characters",
      who: "adminB",
      url: () => "/api/integrations/gong/retry",
      body: () => JSON.stringify({ userSyncId: "u".repeat(65) }),
      status: [400],
      message: /not a valid id/,
    },
    {
      name: "retry: userSyncId with a NUL",
      who: "adminB",
      url: () => "/api/integrations/gong/retry",
      body: () => JSON.stringify({ userSyncId: "abcdefgh\u0000" }),
      status: [400],
      message: /not a valid id/,
    },
    {
      name: "purge: lower-case confirmation",
      who: "adminB",
      url: () => "/api/integrations/gong/purge",
      body: () => '{"confirm":"delete"}',
      status: [400],
      message: /Type DELETE/,
    },
    { name: "purge: no confirmation", who: "adminB", url: () => "/api/integrations/gong/purge", body: () => "{}", status: [400], message: /Type DELETE/ },
    { name: "sync: not JSON", who: "adminB", url: () => "/api/integrations/gong/sync", body: () => "{{{", status: [400], message: /valid JSON/ },
    { name: "disconnect: 2 MB body", who: "adminB", url: () => "/api/integrations/gong/disconnect", body: () => "x".repeat(2 * MB), status: [413] },
  ];
  for (const c of bodies) {
    test(`[input] ${c.who}: ${c.name} → ${c.status.join("/")}, readable`, async () => {
      const bBefore = await snapshot(db, B.workspaceId);
      const raw = c.body();
      // A Buffer is sent byte for byte (a string would be JSON-encoded by Playwright).
      const data = typeof raw === "string" ? Buffer.from(raw, "utf8") : raw;
      const res = await unchangedA(() => as[c.who].post(c.url(), { data, headers: { "Content-Type": c.contentType ?? "application/json" } }));
      const body = await expectReadable(res, c.status, c.name);
      // The message, or the per-field message the form shows next to the field.
      if (c.message) expect(JSON.stringify(JSON.parse(body).error)).toMatch(c.message);
      expect(await snapshot(db, B.workspaceId), "B's rows unchanged").toEqual(bBefore);
    });
  }

  type GetCase = { name: string; who: Who; url: () => string; status: number[]; text?: string };
  const BAD_IDS = ["x", "a".repeat(300), "%00", "..%2F..%2Fapi%2Fhealth", "'%20OR%201%3D1%20--", "%F0%9F%92%A9%F0%9F%92%A9%F0%9F%92%A9", "%E0%A4%A"];
  const gets: GetCase[] = [
    ...BAD_IDS.flatMap((bad) => [
      { name: `transcript of call id "${bad.slice(0, 24)}"`, who: "memberB" as Who, url: () => `/api/calls/${bad}/transcript`, status: [400, 404] },
      { name: `deal page of id "${bad.slice(0, 24)}"`, who: "memberB" as Who, url: () => `/deals/${bad}`, status: [400, 404] },
      { name: `call page of id "${bad.slice(0, 24)}"`, who: "memberB" as Who, url: () => `/calls/${bad}`, status: [400, 404] },
    ]),
    { name: "malformed percent-encoding, no session (API)", who: "anon", url: () => "/api/calls/%E0%A4%A/link", status: [400] },
    { name: "malformed percent-encoding in a provider slug", who: "adminB", url: () => "/settings/integrations/%C3%28/setup", status: [400, 404] },
    {
      name: "deal options: q of 201 characters",
      who: "memberB",
      url: () => `/api/calls/${B.callId}/deal-options?q=${"q".repeat(201)}`,
      status: [400],
      text: "limited to 200",
    },
    { name: "deal options: q of 60 KB", who: "memberB", url: () => `/api/calls/${B.callId}/deal-options?q=${"q".repeat(60_000)}`, status: [400, 414, 431] },
    { name: "deal options: q with a NUL", who: "memberB", url: () => `/api/calls/${B.callId}/deal-options?q=a%00b`, status: [200] },
    { name: "deal options of a bad call id", who: "memberB", url: () => `/api/calls/%00/deal-options`, status: [400, 404] },
    { name: "oauth-status without state", who: "adminB", url: () => "/api/integrations/gong/oauth-status", status: [400] },
    {
      name: "oauth-status with a 1,000-character state",
      who: "adminB",
      url: () => `/api/integrations/gong/oauth-status?state=${"s".repeat(1000)}`,
      status: [400],
    },
    { name: "oauth-status with a NUL in the state", who: "adminB", url: () => `/api/integrations/gong/oauth-status?state=${"s".repeat(20)}%00`, status: [400] },
    { name: "GET an action that only exists as POST", who: "adminB", url: () => "/api/integrations/gong/sync", status: [404] },
    { name: "integration detail of an unknown provider", who: "adminB", url: () => "/api/integrations/zoom", status: [404] },
    { name: "integration detail of provider __proto__", who: "adminB", url: () => "/api/integrations/__proto__", status: [404] },
    { name: "manage page of an unknown provider", who: "adminB", url: () => "/settings/integrations/constructor", status: [404] },
    { name: "setup page of an unknown provider", who: "adminB", url: () => "/settings/integrations/%00/setup", status: [400, 404] },
    { name: "setup page with an unknown step", who: "adminB", url: () => "/settings/integrations/gong/setup?step=%3Cscript%3E", status: [200] },
    { name: "search: 10,000-character query", who: "memberB", url: () => `/search?q=${"pricing ".repeat(1250)}`, status: [200] },
    { name: "search: query with a NUL", who: "memberB", url: () => `/search?q=pri%00cing`, status: [200] },
    { name: "search: tsquery syntax soup", who: "memberB", url: () => `/search?q=${encodeURIComponent(`"'&|!:*()<>\\ -- ;`)}`, status: [200] },
    { name: "search: page -5, page 10^12, page abc", who: "memberB", url: () => `/search?q=${SHARED}&page=-5&page=1000000000000&page=abc`, status: [200] },
    { name: "search: page 10^12", who: "memberB", url: () => `/search?q=${SHARED}&page=1000000000000`, status: [200] },
    {
      name: "deals: NUL in q, stage and owner; unknown sort; page -1",
      who: "memberB",
      url: () => "/deals?q=a%00&stage=%00&owner=%00&sort=evil&page=-1",
      status: [200],
    },
    { name: "deals: 5,000-character filters", who: "memberB", url: () => `/deals?q=${"d".repeat(5000)}&stage=${"s".repeat(5000)}`, status: [200] },
    {
      name: "unlinked calls: garbage cursors",
      who: "memberB",
      url: () => `/calls/unlinked?before=${"%00".repeat(50)}&after=${Buffer.from("not|a|cursor").toString("base64url")}`,
      status: [200],
    },
    {
      name: "deal page: cursor with a NUL",
      who: "memberB",
      url: () => `/deals/${B.dealId}?before=${Buffer.from(`2020-01-01T00:00:00.000Z|abc\u0000defgh`).toString("base64url")}`,
      status: [200],
    },
    {
      name: "sign-in page: open-redirect callbackUrl and a 5 KB error code",
      who: "anon",
      url: () => `/signin?callbackUrl=${encodeURIComponent("//evil.example/x")}&error=${"E".repeat(5000)}`,
      status: [200],
    },
  ];
  for (const c of gets) {
    test(`[input] ${c.who}: ${c.name} → ${c.status.join("/")}, never 500`, async () => {
      const body = await expectReadable(await as[c.who].get(c.url()), c.status, c.name);
      if (c.text) expect(body).toContain(c.text);
      // The URL itself is echoed in the page's router state; no link or sign-in target may point there.
      expect(body).not.toMatch(/(href|action)=["'][^"']*evil\.example|callbackUrl\\*"\s*:\s*\\*"[^"\\]*evil/);
      if (c.name.startsWith("sign-in page")) expect(body).toMatch(/callbackUrl\\*"\s*:\s*\\*"\/deals/);
    });
  }

  // Sign-in (next-auth credentials endpoint, what the form posts): never a 500, never a session.
  type SignInCase = { name: string; form: (csrf: string) => Record<string, string> | string; contentType?: string };
  const signIns: SignInCase[] = [
    { name: "10,000-character email", form: (csrf) => ({ email: `${"e".repeat(10_000)}@x.test`, password: PASSWORD, csrfToken: csrf, json: "true" }) },
    { name: "1 MB password", form: (csrf) => ({ email: B.users.admin.email, password: "p".repeat(1024 * 1024), csrfToken: csrf, json: "true" }) },
    { name: "email with a NUL byte", form: (csrf) => ({ email: `${B.users.admin.email}\u0000`, password: PASSWORD, csrfToken: csrf, json: "true" }) },
    { name: "email as SQL", form: (csrf) => ({ email: "' OR 1=1 --", password: "' OR 1=1 --", csrfToken: csrf, json: "true" }) },
    { name: "no CSRF token", form: () => ({ email: B.users.admin.email, password: PASSWORD, json: "true" }) },
    { name: "forged CSRF token", form: () => ({ email: B.users.admin.email, password: PASSWORD, csrfToken: "f".repeat(64), json: "true" }) },
    {
      name: "JSON body instead of a form",
      form: (csrf) => JSON.stringify({ email: B.users.admin.email, password: [1], csrfToken: csrf }),
      contentType: "application/json",
    },
    { name: "garbage body", form: () => "%%%%&&&==", contentType: "application/x-www-form-urlencoded" },
  ];
  for (const c of signIns) {
    test(`[input] sign-in: ${c.name} → refused without a session, never 500`, async () => {
      const ctx = await anonymous();
      const { csrfToken } = (await (await ctx.get("/api/auth/csrf")).json()) as { csrfToken: string };
      const form = c.form(csrfToken);
      const res = await ctx.post(
        "/api/auth/callback/credentials",
        typeof form === "string" ? { data: form, headers: { "Content-Type": c.contentType! } } : { form },
      );
      await expectReadable(res, [200, 302, 400, 401, 403, 413], c.name, { jsonError: false });
      const session = await (await ctx.get("/api/auth/session")).json();
      expect(session, "no session").toEqual({});
      await ctx.dispose();
    });
  }

  test("[input] sign-in: an absolute callbackUrl to another site does not redirect there", async () => {
    const ctx = await anonymous();
    const { csrfToken } = (await (await ctx.get("/api/auth/csrf")).json()) as { csrfToken: string };
    const res = await ctx.post("/api/auth/callback/credentials", {
      form: { email: B.users.member.email, password: PASSWORD, csrfToken, callbackUrl: "https://evil.example/steal", json: "true" },
    });
    const target = res.status() === 200 ? ((await res.json()) as { url: string }).url : res.headers().location!;
    expect(new URL(target, stack().appUrl).origin).toBe(new URL(stack().appUrl).origin);
    await ctx.dispose();
  });

  test("[input] sign-in form in the browser: overlong email and password → the form's own error, no crash", async ({ page }) => {
    await page.goto("/signin");
    await page.getByLabel("Email").fill(`${"e".repeat(400)}@example.test`);
    await page.getByLabel("Password").fill("p".repeat(400));
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("alert").filter({ hasText: /\S/ })).toHaveText("Wrong email or password. Check both and try again.");
    await expect(page).toHaveURL(/\/signin/);
  });

  // Methods a route does not export: 405, never 500.
  const methods: Array<[string, string[]]> = [
    ["/api/calls/{call}/transcript", ["POST", "PUT", "DELETE"]],
    ["/api/calls/{call}/link", ["GET", "PUT", "DELETE", "PATCH"]],
    ["/api/calls/{call}/recording", ["GET", "DELETE"]],
    ["/api/calls/{call}/deal-options", ["POST"]],
    ["/api/integrations/gong", ["POST", "DELETE"]],
    ["/api/integrations/gong/disconnect", ["PUT", "DELETE"]],
    ["/api/integrations/oauth/callback", ["POST"]],
  ];
  for (const [route, list] of methods) {
    test(`[input] adminB: unsupported methods ${list.join(",")} on ${route} → 405`, async () => {
      for (const method of list) {
        const res = await unchangedA(() => as.adminB.fetch(route.replace("{call}", B.callId), method === "GET" ? { method } : { method, data: "{}" }));
        expect(res.status(), `${method} ${route}`).toBe(405);
      }
    });
  }
});

// =============================================================================================
// 5. Secrets: encrypted at rest, never in a response, never in the server log
// =============================================================================================

test.describe("secrets", () => {
  const expectNoSecrets = (text: string, where: string) => {
    for (const s of secrets) expect(text.includes(s.value), `${s.label} in ${where}`).toBe(false);
  };

  test("[secrets] Gong tokens: the raw Integration row holds none in any column; credentialsEnc decrypts to tokens the provider accepts", async () => {
    const { rows } = await db.query(`SELECT * FROM "Integration" WHERE id = $1`, [aInt.gong]);
    const row = rows[0] as Record<string, unknown>;
    const creds = decryptEnvelope(String(row.credentialsEnc), String(row.id)) as { kind: string; accessToken: string; refreshToken: string };
    expect(creds.kind).toBe("oauth");
    for (const [col, value] of Object.entries(row)) {
      for (const t of [creds.accessToken, creds.refreshToken]) expect(String(value).includes(t), `column ${col}`).toBe(false);
    }
    // v2.<key id>.<iv>.<tag>.<ciphertext> (lib/crypto.ts), bound to this row.
    expect(String(row.credentialsEnc)).toMatch(/^v2\.[\w-]+\.[\w-]+\.[\w-]+\.[\w-]+$/);
    // The decrypted token is the real one: the provider (simulator) accepts it.
    const res = await fetch(`${row.apiBaseUrl}/v2/users`, { headers: { authorization: `Bearer ${creds.accessToken}` } });
    expect(res.status).toBe(200);
  });

  test("[secrets] Clari key and secret: the raw Integration row holds neither; credentialsEnc decrypts to exactly them", async () => {
    const { rows } = await db.query(`SELECT * FROM "Integration" WHERE id = $1`, [aInt.clari]);
    const row = rows[0] as Record<string, unknown>;
    for (const [col, value] of Object.entries(row)) {
      for (const s of ["sim-clari-key", "sim-clari-secret"]) expect(String(value).includes(s), `column ${col}`).toBe(false);
    }
    expect(decryptEnvelope(String(row.credentialsEnc), String(row.id))).toEqual({ kind: "apiKey", apiKey: "sim-clari-key", apiSecret: "sim-clari-secret" });
  });

  test("[secrets] no table of the database holds a provider token or API secret in plain text", async () => {
    const provider = secrets.filter((s) => /token|Clari/.test(s.label));
    const { rows: tables } = await db.query(
      `SELECT table_schema, table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')`,
    );
    expect(tables.length).toBeGreaterThan(10);
    for (const t of tables as Array<{ table_schema: string; table_name: string }>) {
      const rel = `"${t.table_schema}"."${t.table_name}"`;
      for (const s of provider) {
        const { rows } = await db.query(`SELECT count(*)::int AS n FROM ${rel} x WHERE strpos(x::text, $1) > 0`, [s.value]);
        expect(rows[0].n, `${s.label} in ${rel}`).toBe(0);
      }
    }
  });

  const pages = () => [
    "/deals",
    `/deals/${A.dealId}`,
    `/calls/${A.callId}`,
    `/calls/${A.privateCallId}`,
    "/calls/unlinked",
    `/search?q=${SHARED}`,
    "/settings/integrations",
    ...PROVIDERS.flatMap((p) => [
      `/settings/integrations/${p}`,
      ...["connect", "authorize", "backfill", "sync", "complete"].map((s) => `/settings/integrations/${p}/setup?step=${s}`),
    ]),
  ];
  const apis = () => [
    ...PROVIDERS.map((p) => `/api/integrations/${p}`),
    `/api/integrations/salesloft/oauth-status?state=${aInt.pendingState}`,
    `/api/calls/${A.callId}/transcript`,
    `/api/calls/${A.callId}/deal-options`,
    "/api/auth/session",
    "/api/auth/csrf",
    "/api/auth/providers",
    "/api/health",
    "/api/inngest",
  ];
  for (const [label, list] of [
    ["pages (HTML)", pages],
    ["pages (RSC payload)", pages],
    ["route handlers", apis],
  ] as const) {
    for (const who of ["adminA", "memberA"] as Who[]) {
      test(`[secrets] ${who}: ${label} carry no token, key or secret in body or headers`, async () => {
        for (const url of list()) {
          const res = await as[who].get(url, label.includes("RSC") ? RSC : {});
          expect(res.status(), url).toBeLessThan(500);
          if (label.includes("RSC") && res.status() === 200) expect(res.headers()["content-type"], url).toContain("text/x-component");
          expectNoSecrets(await res.text(), `${url} body`);
          expectNoSecrets(JSON.stringify(res.headersArray()), `${url} headers`);
        }
      });
    }
  }

  test("[secrets] admin actions' answers carry no secret (connect, status, every action)", async () => {
    const answers: APIResponse[] = [];
    answers.push(await as.adminA.post("/api/integrations/clari/api-key", { data: { apiKey: "sim-clari-key", apiSecret: "sim-clari-secret" } }));
    answers.push(await as.adminA.post("/api/integrations/gong/oauth", { data: {} }));
    for (const action of ["backfill", "retry", "sync", "reconnect", "purge"])
      answers.push(await as.adminA.post(`/api/integrations/gong/${action}`, { data: { period: "NOPE", userSyncId: "nope-nope", confirm: "no" } }));
    for (const res of answers) {
      expect(res.status(), res.url()).toBeLessThan(500);
      expectNoSecrets(await res.text(), res.url());
      expectNoSecrets(JSON.stringify(res.headersArray()), `${res.url()} headers`);
    }
  });

  test("[secrets] a rejected Clari secret is not echoed back", async () => {
    const wrong = `wrong-secret-${word("ws")}`;
    secrets.push({ label: "rejected Clari secret", value: wrong });
    const res = await as.adminB.post("/api/integrations/clari/api-key", { data: { apiKey: "sim-clari-key", apiSecret: wrong } });
    const body = await expectReadable(res, [400], "rejected key");
    expect(body).toContain("rejected");
    expect(body).not.toContain(wrong);
    expect(await integrationRow(db, B.workspaceId, "CLARI")).toBeUndefined();
  });

  test("[secrets] the OAuth callback page of a successful connect shows no token", async () => {
    const start = await as.adminB.post("/api/integrations/gong/oauth", { data: {} });
    const { authorizationUrl } = (await start.json()) as { authorizationUrl: string };
    const res = await as.adminB.get(pathOf(await consent(authorizationUrl)));
    const body = await res.text();
    expect(body).toContain("Authorization complete");
    const bGong = (await integrationRow(db, B.workspaceId, "GONG"))!;
    const creds = decryptEnvelope(String(bGong.credentialsEnc), String(bGong.id)) as { accessToken: string; refreshToken: string };
    secrets.push({ label: "Gong access token (B)", value: creds.accessToken }, { label: "Gong refresh token (B)", value: creds.refreshToken });
    expectNoSecrets(body, "callback page");
    expectNoSecrets(JSON.stringify(res.headersArray()), "callback headers");
  });

  test("[secrets] the server log (Next.js stdout and stderr of this run) holds no token, key or secret", async () => {
    const file = stack().logFile;
    expect(file, "the stack writes a log file").toBeTruthy();
    // Provoke a logged failure with a marker, and wait until it is in the file: the log is live.
    const { state } = (await (await as.adminA.post("/api/integrations/gong/oauth", { data: {} })).json()) as { state: string };
    const marker = `code_${word("logmark")}`;
    await as.adminA.get(`/api/integrations/oauth/callback?${new URLSearchParams({ state, code: marker })}`);
    await expect.poll(() => fs.readFileSync(file!, "utf8").includes("[oauth] code exchange failed"), { timeout: 10_000 }).toBe(true);
    const log = fs.readFileSync(file!, "utf8");
    expect(log.length).toBeGreaterThan(0);
    for (const s of secrets) expect(log.includes(s.value), `${s.label} in the server log`).toBe(false);
  });
});

// =============================================================================================
// 6. Security headers, cookies, CSP
// =============================================================================================

test.describe("headers", () => {
  const EXPECTED: Record<string, RegExp> = {
    "x-frame-options": /^DENY$/,
    "x-content-type-options": /^nosniff$/,
    "referrer-policy": /^strict-origin-when-cross-origin$/,
    "permissions-policy": /camera=\(\).*microphone=\(\).*geolocation=\(\)/,
    "cross-origin-opener-policy": /^same-origin(-allow-popups)?$/,
    "content-security-policy": /frame-ancestors 'none'/,
  };
  const targets: Array<[string, Who, () => string]> = [
    ["sign-in page", "anon", () => "/signin"],
    ["deals page", "adminA", () => "/deals"],
    ["call page", "adminA", () => `/calls/${A.callId}`],
    ["404 page", "adminB", () => `/deals/${A.dealId}`],
    ["403 page", "memberA", () => "/settings/integrations"],
    ["sign-in redirect", "anon", () => "/deals"],
    ["RSC payload", "adminA", () => "/deals"],
    ["health API", "anon", () => "/api/health"],
    ["401 API", "anon", () => "/api/integrations/gong"],
    ["404 API", "memberB", () => `/api/calls/${A.callId}/transcript`],
    ["JSON API", "adminA", () => `/api/calls/${A.callId}/transcript`],
    ["OAuth callback page", "adminA", () => "/api/integrations/oauth/callback"],
    ["next-auth session", "adminA", () => "/api/auth/session"],
  ];
  for (const [name, who, url] of targets) {
    test(`[headers] ${name}: security headers set, no x-powered-by`, async () => {
      const res = await as[who].get(url(), name === "RSC payload" ? RSC : {});
      expect(res.status()).toBeLessThan(500);
      const h = res.headers();
      for (const [key, value] of Object.entries(EXPECTED)) expect(h[key], `${key} on ${name}`).toMatch(value);
      expect(h["x-powered-by"]).toBeUndefined();
      const csp = h["content-security-policy"]!;
      for (const directive of ["default-src 'self'", "object-src 'none'", "base-uri 'self'", "form-action 'self'"]) expect(csp).toContain(directive);
      expect(csp).not.toContain("unsafe-eval");
    });
  }

  test("[headers] static assets carry the headers too", async () => {
    const html = await (await as.anon.get("/signin")).text();
    const asset = /\/_next\/static\/[^"'\s]+\.js/.exec(html)![0];
    const res = await as.anon.get(asset);
    expect(res.status()).toBe(200);
    expect(res.headers()["x-content-type-options"]).toBe("nosniff");
    expect(res.headers()["x-powered-by"]).toBeUndefined();
  });

  test("[headers] the session cookie is HttpOnly, SameSite=Lax, Path=/", async () => {
    const cookie = sessionCookieHeader.split("\n").find((c) => /next-auth\.session-token=/.test(c));
    expect(cookie, "sign-in sets the session cookie").toBeTruthy();
    expect(cookie).toMatch(/;\s*HttpOnly/i);
    expect(cookie).toMatch(/;\s*SameSite=Lax/i);
    expect(cookie).toMatch(/;\s*Path=\//i);
  });

  test("[headers] the CSRF cookie is HttpOnly and SameSite", async () => {
    const res = await (await anonymous()).get("/api/auth/csrf");
    const cookie = res.headersArray().find((h) => h.name.toLowerCase() === "set-cookie" && /csrf-token=/.test(h.value))?.value;
    expect(cookie).toMatch(/;\s*HttpOnly/i);
    expect(cookie).toMatch(/;\s*SameSite=Lax/i);
  });

  test("[headers] the Content-Security-Policy breaks nothing: pages render, hydrate and fetch with no violation", async ({ page, context }) => {
    test.setTimeout(90_000);
    const violations: string[] = [];
    page.on("console", (m) => {
      if (/Content Security Policy|Refused to (load|execute|connect|apply|frame)/i.test(m.text())) violations.push(m.text());
    });
    await context.addInitScript(() => {
      document.addEventListener("securitypolicyviolation", (e) =>
        console.error(`Refused to ${e.effectiveDirective}: Content Security Policy violation ${e.blockedURI}`),
      );
    });
    await page.goto("/signin");
    await page.getByLabel("Email").fill(A.users.admin.email);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(/\/deals/);
    await expect(page.getByRole("heading", { name: "Deals" })).toBeVisible();
    // Call page: the transcript is fetched by client code after hydration.
    await page.goto(`/calls/${A.callId}`);
    await expect(page.getByText(`Answer about ${A.callTitle}`)).toBeVisible();
    // Client navigation (RSC fetch) to the deal, then search with the form.
    await page.getByRole("navigation", { name: "Breadcrumb" }).getByRole("link", { name: A.dealName }).click();
    await expect(page.getByRole("heading", { name: A.dealName })).toBeVisible();
    await page.goto("/search");
    await page.locator("#search-q").fill(SHARED);
    await page.keyboard.press("Enter");
    await expect(page.getByRole("link", { name: A.callTitle }).first()).toBeVisible();
    // The integrations pages poll their route handlers from the browser.
    await page.goto("/settings/integrations/clari");
    await expect(page.getByRole("heading", { level: 1 }).first()).toBeVisible();
    await page.goto("/settings/integrations/gong/setup");
    await expect(page.getByRole("navigation", { name: "Setup steps" })).toBeVisible();
    expect(violations).toEqual([]);
  });
});
