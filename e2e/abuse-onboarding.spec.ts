// Issue #13, abuse suite for the onboarding routes (members, invitations, sign-up, workspace switch, a member's
// backfill) and login throttling, on the demo stack. Two throwaway workspaces (Victim = A, Attacker = B) are
// created with SQL (e2e/abuse-support.ts); every case is one test named "[category] ...":
//   [isolation] B's admin (or someone deactivated in A) with A's membership / invitation ids and integrations:
//               404, nothing of A said, nothing changed; switching to a workspace one is not active in is refused
//   [role]      a member on every admin action (403), no session (401), nothing written
//   [csrf]      every state-changing route refuses a foreign origin (Origin, "null", Sec-Fetch-Site) and writes
//               nothing; the same request from our own origin is accepted (the control). A change with neither
//               Origin nor Sec-Fetch-Site is refused too (lib/http.ts assertSameOrigin; e2e/abuse-guards.spec.ts).
//   [input]     malformed / oversize / wrong-typed bodies, too many or invalid invitees, bad roles, odd path ids,
//               garbage invitation tokens: 4xx with a message, never 500, nothing written
//   [throttle]  5 wrong passwords lock the account (429, even with the right password), a forged
//               X-Forwarded-For does not unlock it, the lock lifts when its row goes
import { createHash } from "node:crypto";
import type pg from "pg";
import { expect, test, type APIRequestContext, type APIResponse } from "@playwright/test";
import {
  anonymous,
  connectDb,
  createTenant,
  createUser,
  credentialsAttempt,
  expectNoneOf,
  expectReadable,
  id,
  membersSnapshot,
  membershipIdOf,
  PASSWORD,
  rowCounts,
  signedIn,
  stack,
  withWorkspaceCookie,
  word,
  type Tenant,
} from "./abuse-support";

type Who = "adminA" | "memberA" | "adminB" | "dormant" | "dormantInA" | "both" | "bothInA" | "anon";
type Method = "GET" | "POST" | "PATCH" | "DELETE";
type Req = { method: Method; url: string; data?: unknown; raw?: string };

const STRONG = "Correct-horse-battery-staple-7";
const CSRF_MESSAGE = /came from another site and was refused/;

let db: pg.Client;
let A: Tenant;
let B: Tenant;
/** Every email this spec creates ends with this domain (cleanup finds them by it). */
const DOMAIN = `${word("run")}.onb-abuse.test`;
const as = {} as Record<Who, APIRequestContext>;
/** A's fixtures: the member's membership, a deactivated member, a pending invitation, a Gong user waiting for a backfill. */
const a = { member: "", dormantMember: "", inv: { id: "", token: "" }, gong: "", userSync: "", markers: [] as string[] };
let dormantUser = { id: "", email: "" };
let bothUser = { id: "", email: "" };

const fresh = (prefix: string) => `${prefix}-${word("u")}@${DOMAIN}`;
const tokenHash = (token: string) => createHash("sha256").update(token).digest("hex");

test.beforeAll(async () => {
  test.setTimeout(120_000);
  db = await connectDb();
  const shared = word("zx");
  A = await createTenant(db, "Victim", shared);
  B = await createTenant(db, "Attacker", shared);
  // Deactivated admin of A who is an active admin of B; an admin of B who is a plain member of A.
  const dormant = await createUser(db, fresh("dormant"), [
    { workspaceId: B.workspaceId, role: "ADMIN" },
    { workspaceId: A.workspaceId, role: "ADMIN", status: "DEACTIVATED" },
  ]);
  dormantUser = dormant;
  const both = await createUser(db, fresh("both"), [
    { workspaceId: B.workspaceId, role: "ADMIN" },
    { workspaceId: A.workspaceId, role: "MEMBER" },
  ]);
  bothUser = both;
  for (const [who, email] of [
    ["adminA", A.users.admin.email],
    ["memberA", A.users.member.email],
    ["adminB", B.users.admin.email],
    ["dormant", dormant.email],
    ["both", both.email],
  ] as Array<[Who, string]>) {
    as[who] = (await signedIn(email)).ctx;
  }
  as.anon = await anonymous();
  as.dormantInA = await withWorkspaceCookie(as.dormant, A.workspaceId);
  as.bothInA = await withWorkspaceCookie(as.both, A.workspaceId);

  a.member = await membershipIdOf(db, A.users.member.id, A.workspaceId);
  a.dormantMember = dormant.membershipIds[1]!;
  a.inv = await invitationInA(fresh("pending"));
  // A's Gong and Clari are connected, with a provider user that joined later ("Needs sync"); B has a Gong of its own.
  a.gong = id();
  await db.query(`INSERT INTO "Integration"(id, "workspaceId", provider, status, "updatedAt") VALUES ($1, $2, 'GONG', 'CONNECTED', now())`, [
    a.gong,
    A.workspaceId,
  ]);
  await db.query(`INSERT INTO "Integration"(id, "workspaceId", provider, status, "updatedAt") VALUES ($1, $2, 'CLARI', 'CONNECTED', now())`, [
    id(),
    A.workspaceId,
  ]);
  await db.query(`INSERT INTO "Integration"(id, "workspaceId", provider, status, "updatedAt") VALUES ($1, $2, 'GONG', 'CONNECTED', now())`, [
    id(),
    B.workspaceId,
  ]);
  a.userSync = await needsSyncUser(a.gong, A.users.member.email);
  a.markers = [...A.markers, a.member, a.dormantMember, a.inv.id, a.inv.token, a.gong, a.userSync];
});

// Leave nothing behind: deleting the workspaces cascades to what they own; users, outbox and throttle rows go by hand.
test.afterAll(async () => {
  for (const ctx of Object.values(as)) await ctx?.dispose();
  if (!db) return;
  const tenantUsers = [A, B].filter(Boolean).flatMap((t) => Object.values(t.users));
  const pattern = `%@${DOMAIN}`;
  await db.query(
    `DELETE FROM "Workspace" WHERE id = ANY($1) OR id IN (SELECT m."workspaceId" FROM "Membership" m JOIN "User" u ON u.id = m."userId"
       WHERE u.email LIKE $2 AND m.role = 'ADMIN' AND NOT EXISTS (SELECT 1 FROM "Membership" o WHERE o."workspaceId" = m."workspaceId" AND o."userId" <> m."userId"))`,
    [[A, B].filter(Boolean).map((t) => t.workspaceId), pattern],
  );
  await db.query(`DELETE FROM "User" WHERE id = ANY($1) OR email LIKE $2`, [tenantUsers.map((u) => u.id), pattern]);
  await db.query(`DELETE FROM "OutboxEmail" WHERE "to" LIKE $1 OR "to" = ANY($2)`, [pattern, tenantUsers.map((u) => u.email)]);
  await db.query(`DELETE FROM "LoginThrottle" WHERE key LIKE $1 OR key = ANY($2)`, [`login-account:%@${DOMAIN}`, FORGED.map((f) => `login-address:${f}`)]);
  // Every demo spec signs in from the same address: give back the failures this spec counted against it.
  if (addressFailures > 0) {
    await db.query(`UPDATE "LoginThrottle" SET points = GREATEST(points - $1, 0) WHERE key = 'login-address:direct'`, [addressFailures]);
  }
  await db.end();
});

/** A pending invitation of A, sent by A's admin through the API; its id and the token of its link. */
async function invitationInA(email: string): Promise<{ id: string; token: string }> {
  const res = await as.adminA.post("/api/members/invitations", { data: { emails: email, role: "MEMBER" } });
  expect(res.status(), await res.text()).toBe(201);
  const { outcomes } = (await res.json()) as { outcomes: Array<{ link: string }> };
  const token = outcomes[0]!.link.split("/invite/")[1]!;
  const { rows } = await db.query(`SELECT id FROM "Invitation" WHERE "tokenHash" = $1`, [tokenHash(token)]);
  return { id: String(rows[0]!.id), token };
}

async function needsSyncUser(integrationId: string, email: string): Promise<string> {
  const providerUser = id();
  const userSync = id();
  await db.query(`INSERT INTO "ProviderUser"(id, "integrationId", "providerUserId", email, name, "updatedAt") VALUES ($1, $2, $3, $4, $5, now())`, [
    providerUser,
    integrationId,
    `9${Date.now()}${Math.floor(Math.random() * 1000)}`,
    email,
    `Provider user ${word("pu")}`,
  ]);
  await db.query(`INSERT INTO "UserSync"(id, "integrationId", "providerUserId", status, "updatedAt") VALUES ($1, $2, $3, 'NEEDS_SYNC', now())`, [
    userSync,
    integrationId,
    providerUser,
  ]);
  return userSync;
}

/** A member of A created for one test (the target an action would change were it allowed). */
async function memberOfA(status: "ACTIVE" | "DEACTIVATED" = "ACTIVE"): Promise<string> {
  const u = await createUser(db, fresh("target"), [{ workspaceId: A.workspaceId, role: "MEMBER", status }]);
  return u.membershipIds[0]!;
}

function send(ctx: APIRequestContext, r: Req, headers: Record<string, string> = {}): Promise<APIResponse> {
  // A Buffer is sent byte for byte (Playwright would JSON-encode a string that is not valid JSON).
  const data = r.raw !== undefined ? Buffer.from(r.raw) : r.data === undefined ? undefined : Buffer.from(JSON.stringify(r.data));
  return ctx.fetch(r.url, { method: r.method, data, headers: data === undefined ? headers : { "Content-Type": "application/json", ...headers } });
}

type World = { a: unknown; b: unknown; counts: Record<string, number> };
const world = async (): Promise<World> => ({
  a: await membersSnapshot(db, A.workspaceId),
  b: await membersSnapshot(db, B.workspaceId),
  counts: await rowCounts(db),
});

/** Runs `act` and asserts that nothing was written: no row of A or B changed, no user, workspace, invitation or email created. */
async function nothingWritten<T>(act: () => Promise<T>): Promise<T> {
  const before = await world();
  const result = await act();
  const after = await world();
  expect(after.counts, "no rows created anywhere").toEqual(before.counts);
  expect(after.a, "workspace A's rows are unchanged").toEqual(before.a);
  expect(after.b, "workspace B's rows are unchanged").toEqual(before.b);
  return result;
}

/** A server-rendered page without React's text separators ("Everyone in <!-- -->Acme"). */
const pageText = (html: string) => html.replaceAll("<!-- -->", "");

const setsWorkspaceCookie = (res: APIResponse) =>
  res.headersArray().some((h) => h.name.toLowerCase() === "set-cookie" && h.value.startsWith("callsync-workspace="));

/** The workspace the context is in, as the members page says it ("Everyone in <name>."). */
async function currentWorkspaceName(ctx: APIRequestContext): Promise<string> {
  const body = pageText(await (await ctx.get("/settings/members")).text());
  for (const t of [A, B]) if (body.includes(`Everyone in ${t.workspaceName}`)) return t.workspaceName;
  return "neither";
}

async function lastWorkspaceOf(userId: string): Promise<string | null> {
  return ((await db.query(`SELECT "lastWorkspaceId" FROM "User" WHERE id = $1`, [userId])).rows[0]?.lastWorkspaceId as string | null) ?? null;
}

// =============================================================================================
// 1. Tenant isolation
// =============================================================================================

test.describe("isolation", () => {
  type Case = { name: string; req: () => Req; notFound: RegExp };
  const cases: Case[] = [
    { name: "PATCH role of A's member", req: () => ({ method: "PATCH", url: `/api/members/${a.member}`, data: { role: "ADMIN" } }), notFound: /That member/ },
    { name: "DELETE A's member", req: () => ({ method: "DELETE", url: `/api/members/${a.member}` }), notFound: /That member/ },
    { name: "deactivate A's member", req: () => ({ method: "POST", url: `/api/members/${a.member}/deactivate` }), notFound: /That member/ },
    { name: "reactivate A's deactivated member", req: () => ({ method: "POST", url: `/api/members/${a.dormantMember}/reactivate` }), notFound: /That member/ },
    { name: "resend A's invitation", req: () => ({ method: "POST", url: `/api/members/invitations/${a.inv.id}/resend` }), notFound: /That invitation/ },
    { name: "revoke A's invitation", req: () => ({ method: "DELETE", url: `/api/members/invitations/${a.inv.id}` }), notFound: /That invitation/ },
    { name: "GET the link of A's invitation", req: () => ({ method: "GET", url: `/api/members/invitations/${a.inv.id}/link` }), notFound: /That invitation/ },
    {
      name: "user-backfill of A's Gong user through B's Gong",
      req: () => ({ method: "POST", url: "/api/integrations/gong/user-backfill", data: { userSyncId: a.userSync, period: "DAYS_30" } }),
      notFound: /That user/,
    },
    {
      name: "user-backfill on Clari (connected in A only)",
      req: () => ({ method: "POST", url: "/api/integrations/clari/user-backfill", data: { userSyncId: a.userSync, period: "DAYS_30" } }),
      notFound: /That integration/,
    },
  ];
  for (const c of cases) {
    for (const who of ["adminB", "dormant", "dormantInA"] as Who[]) {
      test(`[isolation] ${who}: ${c.name} → 404, nothing of A, nothing changed`, async () => {
        const res = await nothingWritten(() => send(as[who], c.req()));
        const body = await expectReadable(res, [404], c.name);
        expect(JSON.parse(body).error.message).toMatch(c.notFound);
        expectNoneOf(body, a.markers, c.name);
      });
    }
  }

  test("[isolation] adminB: inviting A's member and A's invitee says 'invited' (nothing about A), A unchanged", async () => {
    const pendingInA = (await db.query(`SELECT email FROM "Invitation" WHERE id = $1`, [a.inv.id])).rows[0]!.email as string;
    const before = await membersSnapshot(db, A.workspaceId);
    const res = await as.adminB.post("/api/members/invitations", { data: { emails: `${A.users.member.email}, ${pendingInA}`, role: "ADMIN" } });
    const body = await expectReadable(res, [201], "invite A's people");
    const { outcomes } = JSON.parse(body) as { outcomes: Array<{ email: string; result: string }> };
    expect(outcomes.map((o) => o.result)).toEqual(["invited", "invited"]);
    expectNoneOf(body, [A.workspaceName, a.inv.id, a.inv.token], "invite outcome");
    expect(await membersSnapshot(db, A.workspaceId), "A unchanged").toEqual(before);
    const inB = await db.query(`SELECT count(*)::int AS n FROM "Invitation" WHERE "workspaceId" = $1 AND email = ANY($2)`, [
      B.workspaceId,
      [A.users.member.email, pendingInA],
    ]);
    expect(inB.rows[0].n, "the invitations are B's").toBe(2);
  });

  for (const who of ["adminB", "dormant", "dormantInA"] as Who[]) {
    test(`[isolation] ${who}: the members page lists B's people only`, async () => {
      const res = await as[who].get("/settings/members");
      const body = pageText(await expectReadable(res, [200], "members page"));
      expect(body).toContain(`Everyone in ${B.workspaceName}`);
      expect(body).toContain(B.users.admin.email);
      // (A's member may be listed as B's own invitee: the test above invited them to B.)
      expectNoneOf(body, [A.workspaceName, A.users.admin.email, A.users.admin2.email, A.users.demoted.email, a.inv.token, a.inv.id], "members page");
    });
  }

  for (const who of ["adminB", "dormant"] as Who[]) {
    test(`[isolation] ${who}: POST /api/workspace/current to A → 404, stays in B, nothing changed`, async () => {
      const userId = who === "adminB" ? B.users.admin.id : dormantUser.id;
      const last = await lastWorkspaceOf(userId);
      const res = await nothingWritten(() => as[who].post("/api/workspace/current", { data: { workspaceId: A.workspaceId } }));
      const body = await expectReadable(res, [404], "switch to A");
      expect(JSON.parse(body).error.message).toBe("That workspace was not found.");
      expectNoneOf(body, [A.workspaceName], "switch to A");
      expect(setsWorkspaceCookie(res), "no workspace cookie set").toBe(false);
      expect(await lastWorkspaceOf(userId)).toBe(last);
      expect(await currentWorkspaceName(as[who])).toBe(B.workspaceName);
    });
  }

  test("[isolation] dormant with the workspace cookie set to A (deactivated there): still in B, A's admin actions 404", async () => {
    expect(await currentWorkspaceName(as.dormantInA)).toBe(B.workspaceName);
    const res = await nothingWritten(() => as.dormantInA.get(`/api/members/invitations/${a.inv.id}/link`));
    expectNoneOf(await expectReadable(res, [404], "link in A"), [a.inv.token], "link in A");
  });

  test("[isolation] adminB with the workspace cookie set to A (never a member): still in B", async () => {
    const ctx = await withWorkspaceCookie(as.adminB, A.workspaceId);
    expect(await currentWorkspaceName(ctx)).toBe(B.workspaceName);
    await ctx.dispose();
  });

  test("[isolation] control: a user active in A and B may switch to A and back", async () => {
    const res = await as.both.post("/api/workspace/current", { data: { workspaceId: A.workspaceId } });
    expect(await expectReadable(res, [200], "switch")).toContain(A.workspaceName);
    expect(setsWorkspaceCookie(res)).toBe(true);
    expect(await currentWorkspaceName(as.both)).toBe(A.workspaceName);
    expect(await lastWorkspaceOf(bothUser.id)).toBe(A.workspaceId);
    expect((await as.both.post("/api/workspace/current", { data: { workspaceId: B.workspaceId } })).status()).toBe(200);
    expect(await currentWorkspaceName(as.both)).toBe(B.workspaceName);
  });
});

// =============================================================================================
// 2. Member vs admin; no session
// =============================================================================================

/** Every admin action of the members routes (and the member backfill), on targets of A made for the one request. */
const adminActions: Array<{ name: string; req: () => Promise<Req> }> = [
  {
    name: "POST /api/members/invitations",
    req: async () => ({ method: "POST", url: "/api/members/invitations", data: { emails: fresh("new"), role: "MEMBER" } }),
  },
  { name: "POST invitation resend", req: async () => ({ method: "POST", url: `/api/members/invitations/${(await invitationInA(fresh("inv"))).id}/resend` }) },
  { name: "DELETE invitation (revoke)", req: async () => ({ method: "DELETE", url: `/api/members/invitations/${(await invitationInA(fresh("inv"))).id}` }) },
  { name: "GET invitation link", req: async () => ({ method: "GET", url: `/api/members/invitations/${(await invitationInA(fresh("inv"))).id}/link` }) },
  { name: "PATCH member role", req: async () => ({ method: "PATCH", url: `/api/members/${await memberOfA()}`, data: { role: "ADMIN" } }) },
  { name: "DELETE member (remove)", req: async () => ({ method: "DELETE", url: `/api/members/${await memberOfA()}` }) },
  { name: "POST member deactivate", req: async () => ({ method: "POST", url: `/api/members/${await memberOfA()}/deactivate` }) },
  { name: "POST member reactivate", req: async () => ({ method: "POST", url: `/api/members/${await memberOfA("DEACTIVATED")}/reactivate` }) },
  {
    name: "POST gong user-backfill",
    req: async () => ({
      method: "POST",
      url: "/api/integrations/gong/user-backfill",
      data: { userSyncId: await needsSyncUser(a.gong, fresh("pu")), period: "DAYS_30" },
    }),
  },
];

test.describe("role", () => {
  for (const c of adminActions) {
    for (const who of ["memberA", "bothInA"] as Who[]) {
      test(`[role] ${who}: ${c.name} → 403, nothing written`, async () => {
        const r = await c.req();
        const res = await nothingWritten(() => send(as[who], r));
        const body = await expectReadable(res, [403], c.name);
        expect(JSON.parse(body).error.message).toMatch(/Only workspace admins/);
        expect(body).not.toMatch(/\/invite\//);
      });
    }
    test(`[role] no session: ${c.name} → 401, nothing written`, async () => {
      const r = await c.req();
      const res = await nothingWritten(() => send(as.anon, r));
      expect(JSON.parse(await expectReadable(res, [401], c.name)).error.message).toMatch(/sign in/i);
    });
  }
  test("[role] no session: POST /api/workspace/current → 401, nothing written", async () => {
    const res = await nothingWritten(() => as.anon.post("/api/workspace/current", { data: { workspaceId: A.workspaceId } }));
    await expectReadable(res, [401], "switch");
    expect(setsWorkspaceCookie(res)).toBe(false);
  });

  test("[role] memberA: the members page shows no invitation link and no admin controls", async () => {
    const body = await expectReadable(await as.memberA.get("/settings/members"), [200], "members page");
    expect(body).toContain("Only admins can invite people");
    expect(body).not.toContain(a.inv.token);
    expect(body).not.toMatch(/\/invite\/[A-Za-z0-9_-]{20,}/);
  });

  test("[role] an admin of A deactivated while signed in: members actions → 401 at once, nothing written", async () => {
    const admin = await createUser(db, fresh("soon-gone"), [{ workspaceId: A.workspaceId, role: "ADMIN" }]);
    const { ctx } = await signedIn(admin.email);
    const inv = await invitationInA(fresh("inv"));
    expect((await ctx.get(`/api/members/invitations/${inv.id}/link`)).status()).toBe(200);
    await db.query(`UPDATE "Membership" SET status = 'DEACTIVATED', "deactivatedAt" = now() WHERE id = $1`, [admin.membershipIds[0]]);
    const res = await nothingWritten(() => ctx.delete(`/api/members/invitations/${inv.id}`));
    await expectReadable(res, [401], "deactivated admin revokes");
    expect(await (await ctx.get(`/api/members/invitations/${inv.id}/link`)).text()).not.toContain(inv.token);
    await ctx.dispose();
  });
});

// =============================================================================================
// 3. Cross-site request forgery
// =============================================================================================

test.describe("csrf", () => {
  const otherOrigin = () => `http://localhost:${Number(new URL(stack().appUrl).port) + 1}`;
  const variants: Array<{ name: string; headers: () => Record<string, string> }> = [
    { name: "a foreign Origin", headers: () => ({ Origin: "https://evil.example" }) },
    { name: "Origin: null (sandboxed frame)", headers: () => ({ Origin: "null" }) },
    { name: "Sec-Fetch-Site: cross-site without Origin", headers: () => ({ "Sec-Fetch-Site": "cross-site" }) },
    { name: "another origin on the same host (same-site)", headers: () => ({ Origin: otherOrigin(), "Sec-Fetch-Site": "same-site" }) },
  ];
  type Change = { name: string; who: Who; req: () => Promise<Req>; ok?: number };
  const changes: Change[] = [
    ...adminActions
      .filter((c) => !c.name.startsWith("GET"))
      .map((c) => ({ ...c, who: "adminA" as Who, ok: c.name.includes("user-backfill") ? undefined : c.name === "POST /api/members/invitations" ? 201 : 200 })),
    {
      name: "POST /api/invitations/accept (new account)",
      who: "anon",
      req: async () => ({
        method: "POST",
        url: "/api/invitations/accept",
        data: { token: (await invitationInA(fresh("joiner"))).token, name: "Jo Joiner", password: STRONG },
      }),
      ok: 200,
    },
    {
      name: "POST /api/signup (new account)",
      who: "anon",
      req: async () => ({
        method: "POST",
        url: "/api/signup",
        data: { workspaceName: `Forged ${word("w")}`, name: "Sam Signup", email: fresh("signup"), password: STRONG },
      }),
      ok: 201,
    },
    {
      name: "POST /api/signup (signed in: another workspace)",
      who: "dormant",
      req: async () => ({ method: "POST", url: "/api/signup", data: { workspaceName: `Forged ${word("w")}` } }),
      ok: 200,
    },
    {
      name: "POST /api/workspace/current",
      who: "both",
      req: async () => ({ method: "POST", url: "/api/workspace/current", data: { workspaceId: A.workspaceId } }),
      ok: 200,
    },
  ];
  for (const c of changes) {
    for (const v of variants) {
      test(`[csrf] ${c.who}: ${c.name} with ${v.name} → 403, nothing written`, async () => {
        const r = await c.req();
        const res = await nothingWritten(() => send(as[c.who], r, v.headers()));
        const body = await expectReadable(res, [403], c.name);
        expect(JSON.parse(body).error.message).toMatch(CSRF_MESSAGE);
        expect(setsWorkspaceCookie(res)).toBe(false);
      });
    }
    if (c.ok) {
      test(`[csrf] control: ${c.who}: ${c.name} from our own origin → ${c.ok}`, async () => {
        const r = await c.req();
        const res = await send(as[c.who], r, { Origin: new URL(stack().appUrl).origin, "Sec-Fetch-Site": "same-origin" });
        await expectReadable(res, [c.ok!], c.name);
        // Back to B for the specs that follow (the control moved the user to A / the new workspace).
        if (c.who === "both" || c.who === "dormant") await as[c.who].post("/api/workspace/current", { data: { workspaceId: B.workspaceId } });
      });
    }
  }
  test("[csrf] adminA: GET an invitation link from a foreign origin grants no cross-origin read (no CORS headers)", async () => {
    const res = await as.adminA.get(`/api/members/invitations/${a.inv.id}/link`, { headers: { Origin: "https://evil.example" } });
    expect(res.headers()["access-control-allow-origin"]).toBeUndefined();
    expect(res.headers()["access-control-allow-credentials"]).toBeUndefined();
    expect(res.headers()["cache-control"]).toContain("no-store");
  });
});

// =============================================================================================
// 4. Input
// =============================================================================================

test.describe("input", () => {
  const OVERSIZE = JSON.stringify({ emails: `${"a".repeat(70 * 1024)}@x.test`, role: "MEMBER", workspaceId: "x", token: "x", userSyncId: "x" });
  const many = (n: number, sep = ", ") => Array.from({ length: n }, (_, i) => `many${i}-${word("m")}@${DOMAIN}`).join(sep);
  type InputCase = { name: string; who: Who; req: () => Promise<Req> | Req; status: number[]; message?: RegExp };
  const bodies = (
    name: string,
    who: Who,
    base: () => Promise<Omit<Req, "data" | "raw">> | Omit<Req, "data" | "raw">,
    extra: Array<[string, unknown, RegExp?]>,
  ): InputCase[] => [
    {
      name: `${name}: malformed JSON`,
      who,
      req: async () => ({ ...(await base()), raw: '{"emails": "a@x.test", role:' }),
      status: [400],
      message: /valid JSON/,
    },
    { name: `${name}: body over 64 KiB`, who, req: async () => ({ ...(await base()), raw: OVERSIZE }), status: [413], message: /too large/ },
    { name: `${name}: JSON array body`, who, req: async () => ({ ...(await base()), data: [] }), status: [400] },
    { name: `${name}: JSON null body`, who, req: async () => ({ ...(await base()), raw: "null" }), status: [400] },
    { name: `${name}: JSON string body`, who, req: async () => ({ ...(await base()), data: "ADMIN" }), status: [400] },
    ...extra.map(([n, data, message]) => ({
      name: `${name}: ${n}`,
      who,
      req: async () => ({ ...(await base()), data: typeof data === "function" ? (data as () => unknown)() : data }),
      status: [400],
      message,
    })),
  ];
  const ROLE = /Choose Member or Admin/;
  const cases: InputCase[] = [
    ...bodies("invite", "adminA", () => ({ method: "POST", url: "/api/members/invitations" }), [
      ["emails as an array", { emails: [fresh("x")], role: "MEMBER" }],
      ["emails as a number", { emails: 42, role: "MEMBER" }],
      ["no emails", { role: "MEMBER" }],
      ["only separators", { emails: " ,; \n ", role: "MEMBER" }, /at least one email/],
      ["51 invitees", { emails: many(51), role: "MEMBER" }, /at most 50 people/],
      ["51 invitees one per line", { emails: many(51, "\n"), role: "MEMBER" }, /at most 50 people/],
      ["20,001 characters of addresses", { emails: "a".repeat(20_001), role: "MEMBER" }, /at most 50 addresses/],
      ["one invalid among valid ones (nobody invited)", { emails: `${fresh("ok")}, not-an-email, ${fresh("ok2")}`, role: "MEMBER" }, /nobody was invited/],
      ["an address without a domain dot", { emails: "someone@localhost", role: "MEMBER" }, /Not a valid email/],
      ["an address of 260 characters", { emails: `${"a".repeat(250)}@x.test`, role: "MEMBER" }, /Not a valid email/],
      ["an address with a NUL byte", { emails: `nul\u0000byte@${DOMAIN}`, role: "MEMBER" }, /Not a valid email/],
      ["a header injection (CRLF Bcc)", { emails: `${fresh("crlf")}\r\nBcc: all@${DOMAIN}`, role: "MEMBER" }, /nobody was invited/],
      ["markup as an address", { emails: `<script>alert(1)</script>@${DOMAIN}`, role: "MEMBER" }, /Not a valid email/],
      ["role OWNER", { emails: fresh("x"), role: "OWNER" }, ROLE],
      ["role in lower case", { emails: fresh("x"), role: "admin" }, ROLE],
      ["role missing", { emails: fresh("x") }, ROLE],
      ["role as an array", { emails: fresh("x"), role: ["ADMIN"] }, ROLE],
      ["role smuggled through __proto__", JSON.parse(`{"emails": "${fresh("x")}", "__proto__": {"role": "ADMIN"}}`), ROLE],
    ]),
    ...bodies("role change", "adminA", () => ({ method: "PATCH", url: `/api/members/${a.member}` }), [
      ["role OWNER", { role: "OWNER" }, ROLE],
      ["role empty", { role: "" }, ROLE],
      ["role null", { role: null }, ROLE],
      ["role 1", { role: 1 }, ROLE],
      ["role as an array", { role: ["ADMIN"] }, ROLE],
      ["role as an object", { role: { toString: "ADMIN" } }, ROLE],
      ["no role", {}, ROLE],
    ]),
    { name: "role change: empty body", who: "adminA", req: () => ({ method: "PATCH", url: `/api/members/${a.member}` }), status: [400] },
    ...bodies("workspace switch", "both", () => ({ method: "POST", url: "/api/workspace/current" }), [
      ["workspaceId a number", { workspaceId: 1 }],
      ["workspaceId with path characters", { workspaceId: "../../etc" }, /Choose a workspace/],
      ["workspaceId of 65 characters", { workspaceId: "a".repeat(65) }, /Choose a workspace/],
      ["no workspaceId", {}],
    ]),
    {
      name: "workspace switch: workspaceId __proto__",
      who: "both",
      req: () => ({ method: "POST", url: "/api/workspace/current", data: { workspaceId: "__proto__" } }),
      status: [404],
    },
    ...bodies("sign-up", "anon", () => ({ method: "POST", url: "/api/signup" }), [
      ["email a number", { workspaceName: "Forged Inc", name: "Sam", email: 1, password: STRONG }],
      ["invalid email", { workspaceName: "Forged Inc", name: "Sam", email: "sam@", password: STRONG }, /valid email/],
      ["email of 300 characters", { workspaceName: "Forged Inc", name: "Sam", email: `${"s".repeat(290)}@${DOMAIN}`, password: STRONG }],
      ["workspace name of 1 character", { workspaceName: "F", name: "Sam", email: fresh("s"), password: STRONG }, /at least 2 characters/],
      ["workspace name of 81 characters", { workspaceName: "F".repeat(81), name: "Sam", email: fresh("s"), password: STRONG }, /at most 80/],
      ["name of 121 characters", { workspaceName: "Forged Inc", name: "S".repeat(121), email: fresh("s"), password: STRONG }, /at most 120/],
      ["short password", { workspaceName: "Forged Inc", name: "Sam", email: fresh("s"), password: "short" }, /at least 12/],
      ["password of 1,025 characters", { workspaceName: "Forged Inc", name: "Sam", email: fresh("s"), password: "p".repeat(1025) }],
      ["password an object", { workspaceName: "Forged Inc", name: "Sam", email: fresh("s"), password: { length: 20 } }],
      ["an existing account's email", () => ({ workspaceName: "Forged Inc", name: "Sam", email: A.users.admin.email, password: STRONG }), /already exists/],
      ["a NUL byte in the name", { workspaceName: "Forged Inc", name: "Sam\u0000Signup", email: fresh("s"), password: STRONG }],
      ["a NUL byte in the workspace name", { workspaceName: "Forged\u0000Inc", name: "Sam", email: fresh("s"), password: STRONG }],
    ]),
    ...bodies("new workspace (signed in)", "adminB", () => ({ method: "POST", url: "/api/signup" }), [
      ["workspace name a number", { workspaceName: 5 }],
      ["workspace name of 1 character", { workspaceName: "F" }, /at least 2 characters/],
      ["no workspace name", {}],
      ["a NUL byte in the workspace name", { workspaceName: "Forged\u0000Inc" }],
    ]),
    ...bodies("user-backfill", "adminA", () => ({ method: "POST", url: "/api/integrations/gong/user-backfill" }), [
      ["userSyncId a number", { userSyncId: 5, period: "DAYS_30" }],
      ["userSyncId with path characters", { userSyncId: "../x", period: "DAYS_30" }, /not a valid id/],
      ["userSyncId of 65 characters", { userSyncId: "a".repeat(65), period: "DAYS_30" }, /not a valid id/],
      ["no userSyncId", { period: "DAYS_30" }],
      ["period SKIP", () => ({ userSyncId: a.userSync, period: "SKIP" })],
      ["period FOREVER", () => ({ userSyncId: a.userSync, period: "FOREVER" })],
    ]),
    { name: "user-backfill: empty body", who: "adminA", req: () => ({ method: "POST", url: "/api/integrations/gong/user-backfill" }), status: [400] },
    {
      name: "user-backfill: provider slug __proto__",
      who: "adminA",
      req: () => ({ method: "POST", url: "/api/integrations/__proto__/user-backfill", data: { userSyncId: a.userSync, period: "DAYS_30" } }),
      status: [404],
    },
  ];
  // Invitation acceptance (public): garbage tokens and bodies, signed out and signed in.
  const INVALID = /This invitation link is not valid/;
  const acceptCases: InputCase[] = [
    ...bodies("accept", "anon", () => ({ method: "POST", url: "/api/invitations/accept" }), [
      ["no token", { name: "Jo", password: STRONG }],
      ["empty token", { token: "", name: "Jo", password: STRONG }, INVALID],
      ["token with path characters", { token: "../../etc/passwd", name: "Jo", password: STRONG }, INVALID],
      ["token as SQL", { token: "' OR '1'='1", name: "Jo", password: STRONG }, INVALID],
      ["token of 101 characters", { token: "a".repeat(101), name: "Jo", password: STRONG }, INVALID],
      ["token with a NUL byte", { token: "abc\u0000def", name: "Jo", password: STRONG }, INVALID],
      ["token as a query object", { token: { $ne: null }, name: "Jo", password: STRONG }],
      ["token as a number", { token: 12345, name: "Jo", password: STRONG }],
      ["token as an array", { token: ["a"], name: "Jo", password: STRONG }],
    ]),
    {
      name: "accept: token of 100,000 characters",
      who: "anon",
      req: () => ({ method: "POST", url: "/api/invitations/accept", data: { token: "a".repeat(100_000) } }),
      status: [413],
    },
    ...(["anon", "adminB"] as Who[]).map((who) => ({
      name: "accept: a well-formed token nobody issued",
      who,
      req: () => ({ method: "POST" as const, url: "/api/invitations/accept", data: { token: `${id()}${id()}`.slice(0, 43), name: "Jo", password: STRONG } }),
      status: [409],
      message: INVALID,
    })),
    {
      name: "accept: a revoked invitation's token",
      who: "anon",
      req: async () => {
        const inv = await invitationInA(fresh("revoked"));
        expect((await as.adminA.delete(`/api/members/invitations/${inv.id}`)).status()).toBe(200);
        return { method: "POST", url: "/api/invitations/accept", data: { token: inv.token, name: "Jo", password: STRONG } };
      },
      status: [409],
      message: /was revoked/,
    },
    {
      name: "accept: the invitation's token plus 1 character",
      who: "anon",
      req: () => ({ method: "POST", url: "/api/invitations/accept", data: { token: `${a.inv.token}x`, name: "Jo", password: STRONG } }),
      status: [409],
      message: INVALID,
    },
    ...(
      [
        ["a weak password", { name: "Jo", password: "short" }, /at least 12/],
        ["a password of 1,025 characters", { name: "Jo", password: "p".repeat(1025) }, undefined],
        ["a password that is a number", { name: "Jo", password: 123456789012345 }, undefined],
        ["no name", { password: STRONG }, /Enter your name/],
        ["a name of 121 characters", { name: "J".repeat(121), password: STRONG }, /at most 120/],
        ["a NUL byte in the name", { name: "Jo\u0000Joiner", password: STRONG }, undefined],
      ] as Array<[string, Record<string, unknown>, RegExp | undefined]>
    ).map(([n, extra, message]) => ({
      name: `accept: a real token with ${n}`,
      who: "anon" as Who,
      req: async () => ({ method: "POST" as const, url: "/api/invitations/accept", data: { token: (await invitationInA(fresh("joiner"))).token, ...extra } }),
      status: [400],
      message,
    })),
    {
      name: "accept: signed in as someone else than the invitee",
      who: "adminB",
      req: () => ({ method: "POST", url: "/api/invitations/accept", data: { token: a.inv.token } }),
      status: [409],
      message: /This invitation is for/,
    },
  ];
  for (const c of [...cases, ...acceptCases]) {
    test(`[input] ${c.who}: ${c.name} → ${c.status.join("/")}, readable, nothing written`, async () => {
      const r = await c.req();
      const res = await nothingWritten(() => send(as[c.who], r));
      const body = await expectReadable(res, c.status, c.name);
      if (c.message) expect(JSON.parse(body).error.message).toMatch(c.message);
      expect(setsWorkspaceCookie(res)).toBe(false);
      expectNoneOf(body, [a.inv.token], c.name);
    });
  }

  // Path ids the routes never issued: refused as not found before any lookup, never a 500.
  const oddIds: Array<[string, string]> = [
    ["SQL", `'; DROP TABLE "Membership";--`],
    ["an encoded NUL", "\u0000"],
    ["an encoded path traversal", "../../etc/passwd"],
    ["65 characters", "a".repeat(65)],
    ["5,000 characters", "a".repeat(5000)],
    ["non-ASCII", "ñandú-🙂"],
    ["__proto__", "__proto__"],
  ];
  const idRoutes: Array<[string, Method, (v: string) => string, unknown?]> = [
    ["PATCH member", "PATCH", (v) => `/api/members/${v}`, { role: "ADMIN" }],
    ["DELETE member", "DELETE", (v) => `/api/members/${v}`],
    ["deactivate", "POST", (v) => `/api/members/${v}/deactivate`],
    ["reactivate", "POST", (v) => `/api/members/${v}/reactivate`],
    ["resend", "POST", (v) => `/api/members/invitations/${v}/resend`],
    ["revoke", "DELETE", (v) => `/api/members/invitations/${v}`],
    ["link", "GET", (v) => `/api/members/invitations/${v}/link`],
  ];
  for (const [route, method, url, data] of idRoutes) {
    for (const [label, value] of oddIds) {
      test(`[input] adminA: ${route} with an id of ${label} → 404, never 500, nothing written`, async () => {
        const res = await nothingWritten(() => send(as.adminA, { method, url: url(encodeURIComponent(value)), data }));
        const body = await expectReadable(res, [404], `${route} ${label}`);
        expect(JSON.parse(body).error.message).toMatch(/was not found/);
      });
    }
  }

  for (const [label, token] of [
    ["garbage", "%%%garbage%%%"],
    ["5,000 characters", "a".repeat(5000)],
    ["a well-formed unknown token", `${id()}${id()}`.slice(0, 43)],
  ] as const) {
    test(`[input] anon: the invitation page with a token of ${label} → says the link is not valid, never 500`, async () => {
      const res = await nothingWritten(() => as.anon.get(`/invite/${encodeURIComponent(token)}`));
      expect(await expectReadable(res, [200, 404], `invite page ${label}`)).toMatch(/not valid|Page not found/);
    });
  }
});

// =============================================================================================
// 5. Login throttling (next-auth credentials endpoint)
// =============================================================================================

/** Forged client addresses (the demo stack does not trust X-Forwarded-For, so none may get a bucket). */
const FORGED = ["203.0.113.7", "198.51.100.23", "192.0.2.99", "203.0.113.200", "198.51.100.1", "192.0.2.1"];
/** Failures this spec counted against the address every demo spec signs in from (given back in afterAll). */
let addressFailures = 0;

test.describe("throttle", () => {
  const accountRow = async (email: string) =>
    (await db.query(`SELECT points, expire FROM "LoginThrottle" WHERE key = $1`, [`login-account:${email}`])).rows[0] as
      { points: number; expire: Date } | undefined;
  const throwaway = async () => (await createUser(db, fresh("throttle"), [{ workspaceId: B.workspaceId, role: "MEMBER" }])).email;
  async function fail(email: string, times: number, headers: (i: number) => Record<string, string> = () => ({})) {
    for (let i = 0; i < times; i++) {
      const r = await credentialsAttempt(email, `wrong-password-${i}`, headers(i));
      addressFailures++;
      expect(r.status, `attempt ${i + 1} is answered, not throttled (${r.body.slice(0, 200)})`).not.toBe(429);
      expect(r.session, "no session").toEqual({});
    }
  }
  const expectLocked = (r: Awaited<ReturnType<typeof credentialsAttempt>>) => {
    expect(r.status, r.body.slice(0, 200)).toBe(429);
    expect(r.session, "no session").toEqual({});
    expect((JSON.parse(r.body) as { error: { code: string } }).error.code).toBe("RATE_LIMITED");
    const wait = Number(r.headers["retry-after"]);
    expect(wait).toBeGreaterThan(800);
    expect(wait).toBeLessThanOrEqual(900);
  };

  test("[throttle] 5 wrong passwords lock the account: the 6th (right password) → 429, the row is stored; deleting it unlocks", async () => {
    const email = await throwaway();
    await fail(email, 5);
    const row = await accountRow(email);
    expect(row?.points).toBe(5);
    expect(row!.expire.getTime()).toBeGreaterThan(Date.now() + 800_000);
    expectLocked(await credentialsAttempt(email, PASSWORD));
    expect((await accountRow(email))?.points, "a refused attempt is not counted again").toBe(5);
    // The same account typed differently is the same account.
    expectLocked(await credentialsAttempt(`  ${email.toUpperCase()} `, PASSWORD));
    // The window passing (the row going) lifts the lock; the right password works and leaves no row.
    await db.query(`DELETE FROM "LoginThrottle" WHERE key = $1`, [`login-account:${email}`]);
    const ok = await credentialsAttempt(email, PASSWORD);
    expect(ok.session.user?.email).toBe(email);
    expect(await accountRow(email)).toBeUndefined();
  });

  test("[throttle] a forged X-Forwarded-For neither spreads the failures nor lifts the account's lock", async () => {
    const email = await throwaway();
    await fail(email, 5, (i) => ({ "X-Forwarded-For": FORGED[i]!, "X-Real-IP": FORGED[i]! }));
    expect((await accountRow(email))?.points).toBe(5);
    expectLocked(await credentialsAttempt(email, PASSWORD, { "X-Forwarded-For": FORGED[5]!, "X-Real-IP": FORGED[5]! }));
    const forgedRows = await db.query(`SELECT key FROM "LoginThrottle" WHERE key = ANY($1)`, [FORGED.map((f) => `login-address:${f}`)]);
    expect(forgedRows.rows, "no bucket for a forged address (the demo stack does not trust X-Forwarded-For)").toEqual([]);
  });

  test("[throttle] a successful sign-in after 4 failures starts the account afresh", async () => {
    const email = await throwaway();
    await fail(email, 4);
    expect((await accountRow(email))?.points).toBe(4);
    expect((await credentialsAttempt(email, PASSWORD)).session.user?.email).toBe(email);
    expect(await accountRow(email)).toBeUndefined();
    await fail(email, 1);
    expect((await credentialsAttempt(email, PASSWORD)).session.user?.email, "one failure after a fresh start does not lock").toBe(email);
  });
});
