// Issue 15, items 6, 12 and 13: request guards, tampered input and response headers, against the production
// build on the demo stack. Two throwaway workspaces (Victim = A, Attacker = B) are created with SQL
// (e2e/abuse-support.ts); every case is one test named "[category] ...":
//   [csrf]      every state-changing route handler (the table below is checked against app/api) refuses a
//               change without Origin and Sec-Fetch-Site, from another port of the same host (same-site), and
//               from an origin that is only the request's Host, not APP_URL: 403, nothing written; the same
//               request as the app's pages send it is not refused (the control); next-auth's POSTs too
//   [type]      a change whose Content-Type is not application/json (text/plain, a form, multipart, none) is
//               a 415 with a message, nothing written; the app's own buttons send JSON even without a body
//   [tampered]  cursors, page numbers, filters and ids that do not parse: 400 with a message on the API, a
//               404 for ids that are not ours, and pages that ignore what they cannot read; never a 500
//   [headers]   a Content-Security-Policy with a fresh nonce per response and no 'unsafe-inline' for scripts,
//               every script tag carrying it, no violation on the main pages in Chromium; HSTS exactly when
//               APP_URL is https
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { createHash } from "node:crypto";
import type pg from "pg";
import { expect, test, type APIRequestContext, type APIResponse } from "@playwright/test";
import {
  anonymous,
  appSecrets,
  bareCopy,
  connectDb,
  consent,
  createTenant,
  createUser,
  expectReadable,
  id,
  membersSnapshot,
  membershipIdOf,
  PASSWORD,
  pathOf,
  rowCounts,
  signedIn,
  stack,
  word,
  type Tenant,
} from "./abuse-support";

type Who = "adminA" | "memberA" | "adminB" | "anon";
type Method = "POST" | "PUT" | "PATCH" | "DELETE";
/** Who sends a change: one of the signed-in contexts, or a user of A made (and signed in) for this one request. */
type Sender = Who | "fresh";
type Req = { method: Method; url: string; data?: unknown };
type Change = { route: string; method: Method; who: Sender; req: () => Promise<Req> };

const STRONG = "Correct-horse-battery-staple-7";
const CSRF_MESSAGE = /came from another site and was refused/;
const TYPE_MESSAGE = /Content-Type: application\/json/;

let db: pg.Client;
let A: Tenant;
let B: Tenant;
const DOMAIN = `${word("run")}.guards-abuse.test`;
const fresh = (prefix: string) => `${prefix}-${word("u")}@${DOMAIN}`;
const tokenHash = (token: string) => createHash("sha256").update(token).digest("hex");
const as = {} as Record<Who, APIRequestContext>;
const extraContexts: APIRequestContext[] = [];
/** A's Clari integration (connected with the simulator's API key) and a provider user of it waiting for a backfill. */
const a = { clari: "", userSync: "", bothUser: { id: "", email: "" }, bothMembership: "" };
let bInvitation = "";
let bMembership = "";

const appOrigin = () => new URL(stack().appUrl).origin;
/** Another port of the same host: same-site for the browser, another origin for us. */
const otherPortOrigin = () => `http://localhost:${Number(new URL(stack().appUrl).port) + 1}`;
/** The app reached by another name than APP_URL's (127.0.0.1 instead of localhost): its own Host, not our origin. */
const hostOnlyBase = () => {
  const u = new URL(stack().appUrl);
  u.hostname = u.hostname === "localhost" ? "127.0.0.1" : "localhost";
  return u.origin;
};

test.beforeAll(async () => {
  test.setTimeout(120_000);
  db = await connectDb();
  const shared = word("zx");
  A = await createTenant(db, "Victim", shared);
  B = await createTenant(db, "Attacker", shared);
  for (const [who, email] of [
    ["adminA", A.users.admin.email],
    ["memberA", A.users.member.email],
    ["adminB", B.users.admin.email],
  ] as Array<[Who, string]>) {
    as[who] = (await signedIn(email)).ctx;
  }
  as.anon = await anonymous();
  // A connects Clari Copilot with the simulator's key (the integration actions then have a target).
  const connect = await as.adminA.post("/api/integrations/clari/api-key", { data: { apiKey: "sim-clari-key", apiSecret: "sim-clari-secret" } });
  expect(connect.status(), await connect.text()).toBe(200);
  const { rows } = await db.query(`SELECT id FROM "Integration" WHERE "workspaceId" = $1 AND provider = 'CLARI'`, [A.workspaceId]);
  a.clari = String(rows[0]!.id);
  a.userSync = await needsSyncUser(a.clari, fresh("pu"));
  // Someone in both workspaces (the workspace switch has a target).
  a.bothUser = await createUser(db, fresh("both"), [
    { workspaceId: B.workspaceId, role: "ADMIN" },
    { workspaceId: A.workspaceId, role: "MEMBER" },
  ]);
  a.bothMembership = await membershipIdOf(db, a.bothUser.id, A.workspaceId);
  bInvitation = (await invitation(as.adminB, fresh("b-inv"))).id;
  bMembership = await membershipIdOf(db, B.users.member.id, B.workspaceId);
});

test.afterAll(async () => {
  for (const ctx of [...Object.values(as), ...extraContexts]) await ctx?.dispose().catch(() => undefined);
  if (!db) return;
  const pattern = `%@${DOMAIN}`;
  const tenantUsers = [A, B].filter(Boolean).flatMap((t) => Object.values(t.users));
  await db.query(
    `DELETE FROM "Workspace" WHERE id = ANY($1) OR id IN (SELECT m."workspaceId" FROM "Membership" m JOIN "User" u ON u.id = m."userId"
       WHERE u.email LIKE $2 AND m.role = 'ADMIN' AND NOT EXISTS (SELECT 1 FROM "Membership" o WHERE o."workspaceId" = m."workspaceId" AND o."userId" <> m."userId"))`,
    [[A, B].filter(Boolean).map((t) => t.workspaceId), pattern],
  );
  await db.query(`DELETE FROM "User" WHERE id = ANY($1) OR email LIKE $2`, [tenantUsers.map((u) => u.id), pattern]);
  await db.query(`DELETE FROM "OutboxEmail" WHERE "to" LIKE $1 OR "to" = ANY($2)`, [pattern, tenantUsers.map((u) => u.email)]);
  await db.query(`DELETE FROM "LoginThrottle" WHERE key LIKE $1`, [`login-account:%@${DOMAIN}`]);
  await db.end();
});

async function invitation(admin: APIRequestContext, email: string): Promise<{ id: string; token: string }> {
  const res = await admin.post("/api/members/invitations", { data: { emails: email, role: "MEMBER" } });
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

/** A CSV deal import of A's, uploading (12 bytes announced) or checked with one row (lib/deals/import-csv.ts). */
async function importOfA(status: "UPLOADING" | "READY"): Promise<string> {
  const id = `imp${Date.now().toString(36)}${Math.random().toString(36).slice(2, 10)}`;
  await db.query(
    `INSERT INTO "DealImport"(id, "workspaceId", "fileName", "fileBytes", status, "totalRows", "updatedAt") VALUES ($1, $2, 'forged.csv', 12, $3::"DealImportStatus", $4, now())`,
    [id, A.workspaceId, status, status === "READY" ? 1 : 0],
  );
  return id;
}

async function memberOfA(status: "ACTIVE" | "DEACTIVATED" = "ACTIVE"): Promise<string> {
  return (await createUser(db, fresh("target"), [{ workspaceId: A.workspaceId, role: "MEMBER", status }])).membershipIds[0]!;
}

/** The sender's session, in a context that adds nothing of its own (no Origin, no Sec-Fetch-Site, no content type). */
async function bareSender(who: Sender, baseURL?: string): Promise<APIRequestContext> {
  let from: APIRequestContext | undefined;
  if (who === "fresh") {
    const user = await createUser(db, fresh("self"), [{ workspaceId: A.workspaceId, role: "ADMIN" }]);
    from = (await signedIn(user.email)).ctx;
    extraContexts.push(from);
  } else if (who !== "anon") from = as[who];
  const ctx = await bareCopy(from, baseURL);
  extraContexts.push(ctx);
  return ctx;
}

/** Sends the change exactly with these headers; a JSON body when the request has one. */
function send(ctx: APIRequestContext, r: Req, headers: Record<string, string>, body?: Buffer): Promise<APIResponse> {
  const data = body ?? (r.data === undefined ? undefined : Buffer.from(JSON.stringify(r.data)));
  return ctx.fetch(r.url, { method: r.method, data, headers });
}

/** Everything a refused change could have written: both workspaces with their members, invitations and audit, and global counts. */
const world = async () => ({
  a: await membersSnapshot(db, A.workspaceId),
  b: await membersSnapshot(db, B.workspaceId),
  counts: await rowCounts(db),
});

/** The guards answer before any work starts, so what a refused request wrote is there when it answers. */
async function nothingWritten(act: () => Promise<APIResponse>): Promise<APIResponse> {
  const before = await world();
  const res = await act();
  expect(await world(), "nothing written").toEqual(before);
  return res;
}

const JSON_TYPE = { "Content-Type": "application/json" };

// Every state-changing route handler under app/api, with a request that would change something of A's.
const CHANGES: Change[] = [
  {
    route: "/api/account/forgot-password",
    method: "POST",
    who: "anon",
    req: async () => ({ method: "POST", url: "/api/account/forgot-password", data: { email: A.users.member.email } }),
  },
  {
    route: "/api/account/password",
    method: "POST",
    who: "fresh",
    req: async () => ({ method: "POST", url: "/api/account/password", data: { currentPassword: PASSWORD, newPassword: STRONG } }),
  },
  {
    route: "/api/account/reset-password",
    method: "POST",
    who: "anon",
    req: async () => ({ method: "POST", url: "/api/account/reset-password", data: { token: "t".repeat(43), password: STRONG } }),
  },
  { route: "/api/account/sign-out-everywhere", method: "POST", who: "fresh", req: async () => ({ method: "POST", url: "/api/account/sign-out-everywhere" }) },
  {
    route: "/api/account/time-zone",
    method: "PUT",
    who: "fresh",
    req: async () => ({ method: "PUT", url: "/api/account/time-zone", data: { timeZone: "Europe/Paris" } }),
  },
  {
    route: "/api/calls/[callId]/link",
    method: "POST",
    who: "adminA",
    req: async () => ({ method: "POST", url: `/api/calls/${A.callId}/link`, data: { dealId: null } }),
  },
  { route: "/api/calls/[callId]/recording", method: "POST", who: "adminA", req: async () => ({ method: "POST", url: `/api/calls/${A.callId}/recording` }) },
  { route: "/api/calls/why", method: "POST", who: "adminA", req: async () => ({ method: "POST", url: "/api/calls/why", data: { ref: "1234567890" } }) },
  {
    route: "/api/calls/triage",
    method: "POST",
    who: "adminA",
    req: async () => ({ method: "POST", url: "/api/calls/triage", data: { action: "restore", callIds: [A.unlinkedCallId] } }),
  },
  // CRM routes (lib/api/crm.ts): a My Domain that is not a Salesforce host is refused (400) before anything is written;
  // A has no CRM, so sync and disconnect answer 404 once past the guards.
  {
    route: "/api/crm/[provider]/connect",
    method: "POST",
    who: "adminA",
    req: async () => ({ method: "POST", url: "/api/crm/salesforce/connect", data: { loginHost: "custom", myDomain: "login.evil.example" } }),
  },
  {
    route: "/api/crm/[provider]/reconnect",
    method: "POST",
    who: "adminA",
    req: async () => ({ method: "POST", url: "/api/crm/salesforce/reconnect", data: { loginHost: "custom", myDomain: "login.evil.example" } }),
  },
  {
    route: "/api/crm/[provider]/oauth-status",
    method: "POST",
    who: "adminA",
    req: async () => ({ method: "POST", url: "/api/crm/hubspot/oauth-status", data: {} }),
  },
  { route: "/api/crm/[provider]/sync", method: "POST", who: "adminA", req: async () => ({ method: "POST", url: "/api/crm/hubspot/sync", data: {} }) },
  {
    route: "/api/crm/[provider]/disconnect",
    method: "POST",
    who: "adminA",
    req: async () => ({ method: "POST", url: "/api/crm/hubspot/disconnect", data: {} }),
  },
  {
    route: "/api/deals/import",
    method: "POST",
    who: "adminA",
    req: async () => ({ method: "POST", url: "/api/deals/import", data: { fileName: "forged.csv", fileBytes: 10 } }),
  },
  {
    route: "/api/deals/import/[importId]/chunks",
    method: "POST",
    who: "adminA",
    req: async () => ({
      method: "POST",
      url: `/api/deals/import/${await importOfA("UPLOADING")}/chunks`,
      data: { index: 0, data: Buffer.from("a,b,c\n1,2,3\n").toString("base64") },
    }),
  },
  {
    route: "/api/deals/import/[importId]/commit",
    method: "POST",
    who: "adminA",
    req: async () => ({ method: "POST", url: `/api/deals/import/${await importOfA("READY")}/commit`, data: { mode: "ALL" } }),
  },
  {
    route: "/api/deals/import/[importId]/cancel",
    method: "POST",
    who: "adminA",
    req: async () => ({ method: "POST", url: `/api/deals/import/${await importOfA("READY")}/cancel`, data: {} }),
  },
  {
    route: "/api/integrations/[provider]/[action]",
    method: "POST",
    who: "adminA",
    req: async () => ({ method: "POST", url: "/api/integrations/clari/no-such-action", data: {} }),
  },
  {
    route: "/api/integrations/[provider]/api-key",
    method: "POST",
    who: "adminA",
    req: async () => ({ method: "POST", url: "/api/integrations/clari/api-key", data: { apiKey: "sim-clari-key", apiSecret: "sim-clari-secret" } }),
  },
  {
    route: "/api/integrations/[provider]/backfill",
    method: "POST",
    who: "adminA",
    req: async () => ({ method: "POST", url: "/api/integrations/clari/backfill", data: { period: "DAYS_30" } }),
  },
  {
    route: "/api/integrations/[provider]/disconnect",
    method: "POST",
    who: "adminA",
    req: async () => ({ method: "POST", url: "/api/integrations/clari/disconnect" }),
  },
  { route: "/api/integrations/[provider]/oauth", method: "POST", who: "adminA", req: async () => ({ method: "POST", url: "/api/integrations/gong/oauth" }) },
  {
    route: "/api/integrations/[provider]/oauth-status",
    method: "POST",
    who: "adminA",
    req: async () => ({ method: "POST", url: "/api/integrations/gong/oauth-status", data: {} }),
  },
  {
    route: "/api/integrations/[provider]/purge",
    method: "POST",
    who: "adminA",
    req: async () => ({ method: "POST", url: "/api/integrations/clari/purge", data: { confirm: "DELETE" } }),
  },
  {
    route: "/api/integrations/[provider]/reconnect",
    method: "POST",
    who: "adminA",
    req: async () => ({ method: "POST", url: "/api/integrations/clari/reconnect" }),
  },
  {
    route: "/api/integrations/[provider]/retry",
    method: "POST",
    who: "adminA",
    req: async () => ({ method: "POST", url: "/api/integrations/clari/retry", data: { userSyncId: a.userSync } }),
  },
  { route: "/api/integrations/[provider]/sync", method: "POST", who: "adminA", req: async () => ({ method: "POST", url: "/api/integrations/clari/sync" }) },
  {
    route: "/api/integrations/[provider]/user-backfill",
    method: "POST",
    who: "adminA",
    req: async () => ({
      method: "POST",
      url: "/api/integrations/clari/user-backfill",
      data: { userSyncId: await needsSyncUser(a.clari, fresh("pu")), period: "DAYS_30" },
    }),
  },
  {
    route: "/api/invitations/accept",
    method: "POST",
    who: "anon",
    req: async () => ({
      method: "POST",
      url: "/api/invitations/accept",
      data: { token: (await invitation(as.adminA, fresh("joiner"))).token, name: "Jo Joiner", password: STRONG },
    }),
  },
  {
    route: "/api/members/[membershipId]",
    method: "PATCH",
    who: "adminA",
    req: async () => ({ method: "PATCH", url: `/api/members/${await memberOfA()}`, data: { role: "ADMIN" } }),
  },
  { route: "/api/members/[membershipId]", method: "DELETE", who: "adminA", req: async () => ({ method: "DELETE", url: `/api/members/${await memberOfA()}` }) },
  {
    route: "/api/members/[membershipId]/deactivate",
    method: "POST",
    who: "adminA",
    req: async () => ({ method: "POST", url: `/api/members/${await memberOfA()}/deactivate` }),
  },
  {
    route: "/api/members/[membershipId]/reactivate",
    method: "POST",
    who: "adminA",
    req: async () => ({ method: "POST", url: `/api/members/${await memberOfA("DEACTIVATED")}/reactivate` }),
  },
  {
    route: "/api/members/invitations",
    method: "POST",
    who: "adminA",
    req: async () => ({ method: "POST", url: "/api/members/invitations", data: { emails: fresh("new"), role: "MEMBER" } }),
  },
  {
    route: "/api/members/invitations/[invitationId]",
    method: "DELETE",
    who: "adminA",
    req: async () => ({ method: "DELETE", url: `/api/members/invitations/${(await invitation(as.adminA, fresh("inv"))).id}` }),
  },
  {
    route: "/api/members/invitations/[invitationId]/resend",
    method: "POST",
    who: "adminA",
    req: async () => ({ method: "POST", url: `/api/members/invitations/${(await invitation(as.adminA, fresh("inv"))).id}/resend` }),
  },
  {
    route: "/api/signup",
    method: "POST",
    who: "anon",
    req: async () => ({
      method: "POST",
      url: "/api/signup",
      data: { workspaceName: `Forged ${word("w")}`, name: "Sam Signup", email: fresh("signup"), password: STRONG },
    }),
  },
  {
    route: "/api/workspace/current",
    method: "POST",
    who: "adminA",
    req: async () => ({ method: "POST", url: "/api/workspace/current", data: { workspaceId: A.workspaceId } }),
  },
];

// Routes that take changes without our guard, and why (lib/http.ts says the same).
const EXEMPT: Record<string, string> = {
  // The Inngest executor is a server, not a browser: its requests carry no Origin, and the serve route
  // checks the runtime's own key (inngest/serve-guard.ts) or the SDK's signature instead.
  "/api/inngest PUT": "Inngest signature / runtime key",
  "/api/inngest POST": "Inngest signature / runtime key",
  // next-auth's own endpoints post forms (its client sends application/x-www-form-urlencoded) with its CSRF
  // token; the route adds the Origin check (cases below), not the JSON rule.
  "/api/auth/[...nextauth] POST": "next-auth: CSRF token + Origin check, form bodies",
  // The demo start (scripts/lib/stack.ts) is a script, not a browser: the route answers 404 to anything
  // without the start's own random key (DEMO_SETUP_KEY); case below.
  "/api/dev/demo-crm POST": "the demo start's key (DEMO_SETUP_KEY), else 404",
};

/** Every (route, method) under app/api that changes state, read from the route files. */
function stateChangingRoutes(): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name === "route.ts") {
        const source = fs.readFileSync(full, "utf8");
        const route = `/${path.relative(path.join(process.cwd(), "app"), path.dirname(full)).split(path.sep).join("/")}`;
        const methods = new Set<string>();
        for (const m of source.matchAll(/export (?:const|async function|function) (POST|PUT|PATCH|DELETE)\b/g)) methods.add(m[1]!);
        // Re-exports too (`export { POST } from "../connect/route"`, `export { handler as POST }`): the exported name counts.
        for (const m of source.matchAll(/export \{([^}]*)\}/g)) {
          for (const item of m[1]!.split(",")) {
            const exported = item
              .trim()
              .split(/\s+as\s+/)
              .pop();
            if (exported && /^(POST|PUT|PATCH|DELETE)$/.test(exported)) methods.add(exported);
          }
        }
        for (const m of methods) found.push(`${route} ${m}`);
      }
    }
  };
  walk(path.join(process.cwd(), "app", "api"));
  return found.sort();
}

// =============================================================================================
// 1. Cross-site request forgery, even from the same site
// =============================================================================================

test.describe("csrf", () => {
  test("[csrf] the table covers every state-changing route handler in app/api (or says why a route is exempt)", () => {
    const covered = new Set([...CHANGES.map((c) => `${c.route} ${c.method}`), ...Object.keys(EXEMPT)]);
    expect(stateChangingRoutes().filter((r) => !covered.has(r))).toEqual([]);
    expect(
      [...covered].filter((r) => !stateChangingRoutes().includes(r)),
      "no stale entries",
    ).toEqual([]);
  });

  test("[csrf] the demo start's route answers 404 to a signed-in admin, a guessed key and no key, and connects nothing", async () => {
    const counts = async () =>
      (await db.query(`SELECT (SELECT count(*) FROM "Integration")::int AS integrations, (SELECT count(*) FROM "OAuthState")::int AS states`)).rows[0];
    const before = await counts();
    for (const [ctx, headers] of [
      [as.adminA, {}],
      [as.anon, { "x-demo-setup-key": "a".repeat(43) }],
      [as.anon, {}],
    ] as Array<[APIRequestContext, Record<string, string>]>) {
      expect((await ctx.post("/api/dev/demo-crm", { data: {}, headers })).status()).toBe(404);
      expect((await ctx.get("/api/dev/demo-crm", { headers })).status()).toBe(404);
    }
    expect(await counts()).toEqual(before);
  });

  const variants: Array<{ name: string; headers: () => Record<string, string>; base?: () => string }> = [
    { name: "no Origin and no Sec-Fetch-Site", headers: () => JSON_TYPE },
    {
      name: "Sec-Fetch-Site: same-site (another port of this host) with that Origin",
      headers: () => ({ ...JSON_TYPE, Origin: otherPortOrigin(), "Sec-Fetch-Site": "same-site" }),
    },
    { name: "Sec-Fetch-Site: same-site without Origin", headers: () => ({ ...JSON_TYPE, "Sec-Fetch-Site": "same-site" }) },
    { name: "Sec-Fetch-Site: none (not a page of ours)", headers: () => ({ ...JSON_TYPE, "Sec-Fetch-Site": "none" }) },
    {
      name: "the Origin of the request's own Host, which is not APP_URL",
      base: hostOnlyBase,
      headers: () => ({ ...JSON_TYPE, Origin: hostOnlyBase(), "Sec-Fetch-Site": "same-origin" }),
    },
  ];
  for (const c of CHANGES) {
    for (const v of variants) {
      test(`[csrf] ${c.who}: ${c.method} ${c.route} with ${v.name} → 403, nothing written`, async () => {
        const r = await c.req();
        const ctx = await bareSender(c.who);
        let res: APIResponse;
        if (v.base) {
          // Same session, sent to the other host name (the cookie is sent by hand: it belongs to APP_URL's host).
          const cookie = (await ctx.storageState()).cookies.map((k) => `${k.name}=${k.value}`).join("; ");
          const other = await bareSender("anon", v.base());
          res = await nothingWritten(() => send(other, r, { ...v.headers(), ...(cookie ? { Cookie: cookie } : {}) }));
        } else {
          res = await nothingWritten(() => send(ctx, r, v.headers()));
        }
        const body = await expectReadable(res, [403], `${c.method} ${c.route}`);
        expect(JSON.parse(body).error.message).toMatch(CSRF_MESSAGE);
        expect(res.headers()["set-cookie"] ?? "", "no cookie set").toBe("");
      });
    }
  }

  // next-auth's POST endpoints: the credentials sign-in (a forged one would sign the victim into the
  // attacker's account) and sign-out. Its CSRF token alone is a cookie a sibling subdomain can plant.
  const nextAuthVariants: Array<{ name: string; headers: () => Record<string, string> }> = [
    { name: "no Origin and no Sec-Fetch-Site", headers: () => ({}) },
    { name: "Sec-Fetch-Site: same-site (another port) with that Origin", headers: () => ({ Origin: otherPortOrigin(), "Sec-Fetch-Site": "same-site" }) },
    { name: "a foreign Origin", headers: () => ({ Origin: "https://evil.example" }) },
  ];
  for (const v of nextAuthVariants) {
    test(`[csrf] anon: next-auth credentials sign-in with ${v.name} → 403, no session`, async () => {
      const ctx = await bareSender("anon");
      const { csrfToken } = (await (await ctx.get("/api/auth/csrf")).json()) as { csrfToken: string };
      const res = await ctx.post("/api/auth/callback/credentials", {
        form: { email: A.users.member.email, password: PASSWORD, csrfToken, callbackUrl: `${appOrigin()}/deals`, json: "true" },
        headers: v.headers(),
      });
      const body = await expectReadable(res, [403], "sign-in");
      expect(JSON.parse(body).error.message).toMatch(CSRF_MESSAGE);
      expect(await (await ctx.get("/api/auth/session")).json(), "no session").toEqual({});
    });
    test(`[csrf] next-auth sign-out with ${v.name} → 403, the session stays`, async () => {
      const { ctx: signedInCtx } = await signedIn(A.users.member.email);
      extraContexts.push(signedInCtx);
      const ctx = await bareCopy(signedInCtx);
      extraContexts.push(ctx);
      const { csrfToken } = (await (await ctx.get("/api/auth/csrf")).json()) as { csrfToken: string };
      const res = await ctx.post("/api/auth/signout", { form: { csrfToken, callbackUrl: `${appOrigin()}/signin`, json: "true" }, headers: v.headers() });
      const body = await expectReadable(res, [403], "sign-out");
      expect(JSON.parse(body).error.message).toMatch(CSRF_MESSAGE);
      expect(res.headers()["set-cookie"] ?? "", "the session cookie is not cleared").not.toMatch(/session-token=;/);
      const session = (await (await ctx.get("/api/auth/session")).json()) as { user?: { email?: string } };
      expect(session.user?.email).toBe(A.users.member.email);
    });
  }

  test("[csrf] control: next-auth sign-in and sign-out as the sign-in page sends them work", async () => {
    const { ctx } = await signedIn(A.users.member.email);
    extraContexts.push(ctx);
    const { csrfToken } = (await (await ctx.get("/api/auth/csrf")).json()) as { csrfToken: string };
    const out = await ctx.post("/api/auth/signout", { form: { csrfToken, callbackUrl: `${appOrigin()}/signin`, json: "true" } });
    expect(out.status()).toBe(200);
    expect(await (await ctx.get("/api/auth/session")).json()).toEqual({});
  });

  test("[csrf] /api/inngest is exempt from the origin rule (the executor is a server) and refuses strangers by its own key", async () => {
    const ctx = await bareSender("anon");
    for (const method of ["POST", "PUT"] as const) {
      const res = await ctx.fetch("/api/inngest?fnId=x&stepId=step", { method, data: Buffer.from("{}"), headers: JSON_TYPE });
      const body = await res.text();
      expect(res.status(), `${method} /api/inngest`).toBeGreaterThanOrEqual(400);
      expect(body).not.toMatch(CSRF_MESSAGE);
    }
  });
});

// =============================================================================================
// 2. Content type: changes are JSON, even without a body
// =============================================================================================

test.describe("type", () => {
  const types: Array<{ name: string; headers: Record<string, string>; body?: (r: Req) => Buffer }> = [
    { name: "text/plain (what a cross-site form or a no-cors fetch can send)", headers: { "Content-Type": "text/plain" } },
    { name: "a URL-encoded form", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: () => Buffer.from("dealId=&emails=x") },
    { name: "multipart/form-data", headers: { "Content-Type": "multipart/form-data; boundary=xyz" }, body: () => Buffer.from("--xyz--\r\n") },
    { name: "no Content-Type and no body", headers: {}, body: () => Buffer.alloc(0) },
    { name: "application/json-seq (not JSON)", headers: { "Content-Type": "application/json-seq" } },
  ];
  for (const c of CHANGES) {
    test(`[type] ${c.who}: ${c.method} ${c.route} with a non-JSON content type → 415, nothing written`, async () => {
      const ctx = await bareSender(c.who);
      for (const t of types) {
        const r = await c.req();
        const body = t.body?.(r) ?? Buffer.from(JSON.stringify(r.data ?? {}));
        const res = await nothingWritten(() =>
          ctx.fetch(r.url, {
            method: r.method,
            data: body.length ? body : undefined,
            headers: { ...t.headers, Origin: appOrigin(), "Sec-Fetch-Site": "same-origin" },
          }),
        );
        const text = await expectReadable(res, [415], `${c.route} with ${t.name}`);
        expect(JSON.parse(text).error.message, t.name).toMatch(TYPE_MESSAGE);
      }
    });
  }

  test("[type] application/json with a charset is JSON", async () => {
    const ctx = await bareSender("adminA");
    const res = await ctx.post(`/api/calls/${A.callId}/link`, {
      data: Buffer.from(JSON.stringify({ dealId: A.dealId })),
      headers: { "Content-Type": "application/json; charset=utf-8", Origin: appOrigin(), "Sec-Fetch-Site": "same-origin" },
    });
    await expectReadable(res, [200], "link with charset");
  });
});

// =============================================================================================
// 3. Tampered cursors, page numbers, filters and ids
// =============================================================================================

const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64url");
/** Cursors a person could paste: nothing a page or route can read. */
const CURSORS: Array<[string, () => string]> = [
  ["random base64", () => Buffer.from(Array.from({ length: 48 }, (_, i) => (i * 37) % 256)).toString("base64url")],
  ["JSON of the wrong shape", () => b64(JSON.stringify({ at: 1, id: ["x"] }))],
  ["JSON in the query", () => encodeURIComponent(JSON.stringify({ before: "2024-01-01" }))],
  ["a date before PostgreSQL's range", () => b64(`-271821-04-20T00:00:00.000Z|${id()}`)],
  ["a date after PostgreSQL's range", () => b64(`+275760-09-13T00:00:00.000Z|${id()}`)],
  ["year 0", () => b64(`0000-01-01T00:00:00.000Z|${id()}`)],
  ["a huge number", () => "9".repeat(400)],
  ["an exponent", () => "1e309"],
  ["NUL bytes", () => "%00%00%00"],
  ["a NUL inside a valid-looking cursor", () => b64(`2024-01-01T00:00:00.000Z|abcdefgh\u0000ij`)],
  ["overlong", () => "A".repeat(8000)],
  ["broken percent-encoding", () => "%E0%A4%A"],
  ["a lone surrogate, encoded", () => "%ED%A0%80"],
];
const PAGES: Array<[string, () => string]> = [
  ["a huge number", () => "9".repeat(400)],
  ["an exponent", () => "1e309"],
  ["negative", () => "-5"],
  ["zero", () => "0"],
  ["a fraction", () => "1.5"],
  ["hex", () => "0x10"],
  ["NaN", () => "NaN"],
  ["NUL", () => "%00"],
  ["two values", () => "1&page=2"],
  ["broken percent-encoding", () => "%E0%A4%A"],
];

type PageCase = { name: string; url: () => string; status?: number[]; text?: RegExp };
const pageCases: PageCase[] = [
  ...CURSORS.flatMap(([name, v]) => [
    { name: `deal timeline ?before= ${name}`, url: () => `/deals/${A.dealId}?before=${v()}` },
    { name: `deal timeline ?after= ${name}`, url: () => `/deals/${A.dealId}?after=${v()}` },
    { name: `unlinked calls ?before= ${name}`, url: () => `/calls/unlinked?before=${v()}` },
    { name: `unlinked calls ?after= ${name}`, url: () => `/calls/unlinked?after=${v()}` },
  ]),
  ...PAGES.flatMap(([name, v]) => [
    { name: `deals ?page= ${name}`, url: () => `/deals?page=${v()}` },
    { name: `search ?page= ${name}`, url: () => `/search?q=security&page=${v()}` },
    { name: `activity ?page= ${name}`, url: () => `/settings/activity?page=${v()}` },
  ]),
  { name: "deals ?sort= unknown", url: () => "/deals?sort=password" },
  { name: "deals ?sort= SQL", url: () => `/deals?sort=${encodeURIComponent("name; DROP TABLE")}` },
  { name: "deals ?stage= NUL", url: () => "/deals?stage=%00" },
  { name: "deals ?owner= not an id", url: () => `/deals?owner=${encodeURIComponent("' OR 1=1 --")}` },
  { name: "deals ?q= 10,000 characters", url: () => `/deals?q=${"q".repeat(10_000)}` },
  { name: "deals ?q= broken percent-encoding", url: () => "/deals?q=%E0%A4%A" },
  { name: "search ?q= NUL only", url: () => "/search?q=%00" },
  { name: "search ?q= 10,000 characters", url: () => `/search?q=${"w".repeat(10_000)}` },
  { name: "search ?q= only operators", url: () => `/search?q=${encodeURIComponent('-"" OR OR - !(&:*')}` },
  { name: "members ?invite= overlong with NUL", url: () => `/settings/members?invite=${"x%00".repeat(2000)}` },
  { name: "wizard ?step= unknown", url: () => "/settings/integrations/gong/setup?step=__proto__" },
  { name: "wizard ?step= two values", url: () => "/settings/integrations/gong/setup?step=connect&step=complete" },
  { name: "deal id not an id", url: () => "/deals/not-an-id!", status: [404], text: /does not exist/ },
  { name: "deal id of another workspace", url: () => `/deals/${B.dealId}`, status: [404], text: /does not exist/ },
  { name: "call id overlong", url: () => `/calls/${"c".repeat(500)}`, status: [404], text: /does not exist/ },
  { name: "call id of another workspace", url: () => `/calls/${B.callId}`, status: [404], text: /does not exist/ },
  { name: "call id NUL", url: () => "/calls/%00abcdefgh", status: [404], text: /does not exist/ },
];

type ApiCase = { name: string; who?: Who; method?: "GET" | "POST" | "PATCH"; url: () => string; data?: () => unknown; status: number; message: RegExp };
const apiCases: ApiCase[] = [
  ...["x", "a".repeat(300), "%00%00%00%00%00%00%00%00", "..%2F..%2Fhealth", b64("2024|abc")].map((bad) => ({
    name: `transcript: call id ${bad.slice(0, 20)}`,
    url: () => `/api/calls/${bad}/transcript`,
    status: 404,
    message: /call was not found/,
  })),
  { name: "transcript: another workspace's call", url: () => `/api/calls/${B.callId}/transcript`, status: 404, message: /call was not found/ },
  {
    name: "transcript: someone else's private call (member)",
    who: "memberA",
    url: () => `/api/calls/${A.privateCallId}/transcript`,
    status: 404,
    message: /call was not found/,
  },
  { name: "deal options: ?q= overlong", url: () => `/api/calls/${A.callId}/deal-options?q=${"d".repeat(500)}`, status: 400, message: /200 characters/ },
  { name: "deal options: another workspace's call", url: () => `/api/calls/${B.callId}/deal-options?q=x`, status: 404, message: /call was not found/ },
  ...["", "short", "x".repeat(300), "%00".repeat(20), encodeURIComponent("a b c d e f g h i j k l"), b64(JSON.stringify({ s: 1 })) + "=="].map((bad) => ({
    name: `OAuth status: ?state= ${JSON.stringify(bad.slice(0, 16))}`,
    url: () => `/api/integrations/gong/oauth-status?state=${bad}`,
    status: 400,
    message: /state is not valid/,
  })),
  ...["zoom", "__proto__", "GONG", "%00", "g".repeat(300)].map((slug) => ({
    name: `integration: provider ${slug.slice(0, 12)}`,
    url: () => `/api/integrations/${slug}`,
    status: 404,
    message: /provider was not found/,
  })),
  ...["x", "%00%00%00", "i".repeat(300), "a.b"].map((bad) => ({
    name: `invitation link: id ${bad.slice(0, 12)}`,
    url: () => `/api/members/invitations/${bad}/link`,
    status: 404,
    message: /invitation was not found/,
  })),
  {
    name: "invitation link: another workspace's invitation",
    url: () => `/api/members/invitations/${bInvitation}/link`,
    status: 404,
    message: /invitation was not found/,
  },
  {
    name: "link: dealId not an id",
    method: "POST",
    url: () => `/api/calls/${A.callId}/link`,
    data: () => ({ dealId: "' OR 1=1" }),
    status: 400,
    message: /\w{3,}/,
  },
  {
    name: "link: dealId a number",
    method: "POST",
    url: () => `/api/calls/${A.callId}/link`,
    data: () => ({ dealId: 12345678 }),
    status: 400,
    message: /\w{3,}/,
  },
  {
    name: "link: another workspace's deal",
    method: "POST",
    url: () => `/api/calls/${A.callId}/link`,
    data: () => ({ dealId: B.dealId }),
    status: 404,
    message: /deal was not found/i,
  },
  {
    name: "recording: call id of another workspace",
    method: "POST",
    url: () => `/api/calls/${B.callId}/recording`,
    status: 404,
    message: /call was not found/,
  },
  {
    name: "retry: userSyncId with a NUL",
    method: "POST",
    url: () => "/api/integrations/clari/retry",
    data: () => ({ userSyncId: "abcdefgh\u0000" }),
    status: 400,
    message: /not a valid id/,
  },
  {
    name: "user backfill: period unknown",
    method: "POST",
    url: () => "/api/integrations/clari/user-backfill",
    data: () => ({ userSyncId: a.userSync, period: "FOREVER" }),
    status: 400,
    message: /\w{3,}/,
  },
  {
    name: "member: id of another workspace",
    method: "PATCH",
    url: () => `/api/members/${bMembership}`,
    data: () => ({ role: "MEMBER" }),
    status: 404,
    message: /member was not found/,
  },
  {
    name: "member: role unknown",
    method: "PATCH",
    url: () => `/api/members/${a.bothMembership}`,
    data: () => ({ role: "OWNER" }),
    status: 400,
    message: /\w{3,}/,
  },
  {
    name: "workspace switch: id with a NUL",
    method: "POST",
    url: () => "/api/workspace/current",
    data: () => ({ workspaceId: "abc\u0000def" }),
    status: 400,
    message: /Choose a workspace/,
  },
  {
    name: "workspace switch: another workspace",
    method: "POST",
    url: () => "/api/workspace/current",
    data: () => ({ workspaceId: B.workspaceId }),
    status: 404,
    message: /workspace was not found/,
  },
];

test.describe("tampered", () => {
  for (const c of pageCases) {
    test(`[tampered] adminA: page ${c.name} → ${c.status?.join("/") ?? "the page, ignoring it"}, never 500`, async () => {
      const res = await as.adminA.get(c.url());
      const body = await expectReadable(res, c.status ?? [200], c.name);
      if (c.text) expect(body).toMatch(c.text);
      else expect(body).toMatch(/<h1[^>]*>/);
    });
  }
  for (const c of apiCases) {
    test(`[tampered] ${c.who ?? "adminA"}: ${c.method ?? "GET"} ${c.name} → ${c.status} with a message`, async () => {
      const ctx = as[c.who ?? "adminA"];
      const before = await world();
      const res = await ctx.fetch(c.url(), { method: c.method ?? "GET", data: c.method && c.method !== "GET" ? (c.data?.() ?? {}) : undefined });
      const body = await expectReadable(res, [c.status], c.name);
      expect(res.headers()["content-type"]).toContain("application/json");
      expect(JSON.parse(body).error.message).toMatch(c.message);
      expect(await world(), "nothing written").toEqual(before);
    });
  }
  test("[tampered] adminA: the RSC payload of a page with a tampered cursor is not a 500", async () => {
    const res = await as.adminA.get(`/deals/${A.dealId}?before=${b64(`-271821-04-20T00:00:00.000Z|${id()}`)}`, { headers: { RSC: "1" }, maxRedirects: 3 });
    expect(res.status()).toBeLessThan(500);
  });
});

// =============================================================================================
// 4. Headers: a nonce-based CSP, HSTS when APP_URL is https
// =============================================================================================

const scriptSrc = (csp: string) =>
  csp
    .split(";")
    .map((d) => d.trim())
    .find((d) => d.startsWith("script-src")) ?? "";
const nonceOf = (csp: string) => /'nonce-([^']+)'/.exec(scriptSrc(csp))?.[1];

test.describe("headers", () => {
  const pages: Array<[string, Who, () => string]> = [
    ["sign-in page", "anon", () => "/signin"],
    ["forgot-password page", "anon", () => "/forgot-password"],
    ["sign-up page", "anon", () => "/signup"],
    ["deals page", "adminA", () => "/deals"],
    ["deal page", "adminA", () => `/deals/${A.dealId}`],
    ["call page", "adminA", () => `/calls/${A.callId}`],
    ["search page", "adminA", () => "/search?q=security"],
    ["members page", "adminA", () => "/settings/members"],
    ["integrations page", "adminA", () => "/settings/integrations"],
    ["wizard", "adminA", () => "/settings/integrations/gong/setup"],
    ["404 page", "adminB", () => `/deals/${A.dealId}`],
  ];
  for (const [name, who, url] of pages) {
    test(`[headers] ${name}: script-src has a nonce and 'strict-dynamic', no 'unsafe-inline'; every script tag carries the nonce`, async () => {
      const res = await as[who].get(url());
      expect(res.status()).toBeLessThan(500);
      const csp = res.headers()["content-security-policy"] ?? "";
      const script = scriptSrc(csp);
      expect(script, "script-src").toMatch(/'nonce-[A-Za-z0-9+/=_-]{16,}'/);
      expect(script).toContain("'strict-dynamic'");
      expect(script).not.toContain("'unsafe-inline'");
      expect(script).not.toContain("'unsafe-eval'");
      const nonce = nonceOf(csp)!;
      const html = await res.text();
      const tags = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
      expect(tags.length, "the page has scripts").toBeGreaterThan(0);
      for (const tag of tags) expect(tag, "script tag carries the response's nonce").toContain(`nonce="${nonce}"`);
      expect(res.headers()["x-nonce"], "the nonce is not echoed in a response header").toBeUndefined();
    });
  }

  test("[headers] the nonce is new on every response", async () => {
    const nonces = new Set<string>();
    const anon = await anonymous();
    extraContexts.push(anon);
    for (let i = 0; i < 5; i++) nonces.add(nonceOf((await anon.get("/signin")).headers()["content-security-policy"] ?? "") ?? `missing-${i}`);
    for (let i = 0; i < 3; i++) nonces.add(nonceOf((await as.adminA.get("/deals")).headers()["content-security-policy"] ?? "") ?? `missing-d${i}`);
    expect([...nonces].filter((n) => n.startsWith("missing"))).toEqual([]);
    expect(nonces.size).toBe(8);
  });

  test("[headers] a nonce sent by the client is not used: the response's nonce is the server's own", async () => {
    const res = await as.anon.get("/signin", {
      headers: { "x-nonce": "attackerchosen1234567890", "Content-Security-Policy": "script-src 'nonce-attackerchosen1234567890'" },
    });
    const csp = res.headers()["content-security-policy"] ?? "";
    expect(nonceOf(csp)).toBeTruthy();
    expect(csp).not.toContain("attackerchosen");
    expect(await res.text()).not.toContain("attackerchosen");
  });

  test("[headers] the OAuth callback page's inline script carries the nonce", async () => {
    const start = await as.adminA.post("/api/integrations/gong/oauth", { data: {} });
    expect(start.status(), await start.text()).toBe(200);
    const { authorizationUrl } = (await start.json()) as { authorizationUrl: string };
    const done = await as.adminA.get(pathOf(await consent(authorizationUrl)));
    const html = await done.text();
    expect(html).toContain("Authorization complete");
    const nonce = nonceOf(done.headers()["content-security-policy"] ?? "");
    expect(nonce).toBeTruthy();
    const tags = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
    expect(tags.length).toBe(1);
    expect(tags[0]).toContain(`nonce="${nonce}"`);
  });

  test("[headers] HSTS follows APP_URL: not sent by this stack (APP_URL is http)", async () => {
    expect(new URL(stack().appUrl).protocol).toBe("http:");
    for (const url of ["/signin", "/api/health"]) expect((await as.anon.get(url)).headers()["strict-transport-security"], url).toBeUndefined();
  });

  test("[headers] HSTS follows APP_URL: the same build with an https APP_URL sends max-age=63072000; includeSubDomains", async () => {
    test.setTimeout(90_000);
    const port = await freePort();
    const child = startHttpsAppUrlServer(port);
    try {
      await expect
        .poll(
          async () =>
            fetch(`http://127.0.0.1:${port}/api/health`)
              .then((r) => r.status)
              .catch(() => 0),
          { timeout: 60_000, message: "the second server starts" },
        )
        .toBe(200);
      for (const url of ["/signin", "/api/health", "/deals"]) {
        const res = await fetch(`http://127.0.0.1:${port}${url}`, { redirect: "manual" });
        expect(res.headers.get("strict-transport-security"), url).toBe("max-age=63072000; includeSubDomains");
      }
    } finally {
      child.kill("SIGTERM");
    }
  });

  test("[headers] no CSP violation on the main pages in Chromium, and they hydrate", async ({ page, context }) => {
    test.setTimeout(120_000);
    const violations: string[] = [];
    page.on("console", (m) => {
      if (/Content Security Policy|Refused to (load|execute|connect|apply|frame)/i.test(m.text())) violations.push(`${page.url()}: ${m.text()}`);
    });
    await context.addInitScript(() => {
      document.addEventListener("securitypolicyviolation", (e) =>
        console.error(`Refused to ${e.effectiveDirective}: Content Security Policy violation ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`),
      );
    });
    // A page that hydrated runs its client code: the sign-in form signs in without a full page post.
    await page.goto("/signin");
    await page.getByLabel("Email").fill(A.users.admin.email);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(/\/deals/);
    await expect(page.getByRole("heading", { name: "Deals" })).toBeVisible();
    await page.goto(`/deals/${A.dealId}`);
    await expect(page.getByRole("heading", { name: A.dealName })).toBeVisible();
    // The call page fetches its transcript from client code.
    await page.goto(`/calls/${A.callId}`);
    await expect(page.getByText(`Answer about ${A.callTitle}`)).toBeVisible();
    await page.goto("/search");
    await page.locator("#search-q").fill("security");
    await page.keyboard.press("Enter");
    // The form sends every filter field; the page redirects to the address with only those in use. Wait for
    // that one, or the next goto races the redirect (ERR_ABORTED).
    await expect(page).toHaveURL(/\/search\?q=security$/);
    await page.goto("/settings/integrations");
    await expect(page.getByRole("heading", { level: 1 }).first()).toBeVisible();
    await page.goto("/settings/integrations/salesloft/setup");
    await expect(page.getByRole("navigation", { name: "Setup steps" })).toBeVisible();
    await page.goto("/settings/members");
    await expect(page.getByRole("heading", { name: "Members" })).toBeVisible();
    // Client-side work after hydration: the invite form validates in the browser.
    await page.getByLabel("Email addresses").fill("not an email");
    await page.getByRole("button", { name: "Send invitations" }).click();
    await expect(page.locator('[role="alert"]:not(#__next-route-announcer__)').filter({ hasText: /\S/ }).first()).toBeVisible();
    // A client-side navigation (RSC fetch) after hydration.
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Deals" }).click();
    await expect(page.getByRole("heading", { name: "Deals" })).toBeVisible();
    expect(violations).toEqual([]);
  });
});

// =============================================================================================
// 5. Controls, last: they change A for real (syncs start), which the "nothing written" cases above must not see
// =============================================================================================

test.describe("controls", () => {
  for (const c of CHANGES) {
    test(`[csrf] control: ${c.who}: ${c.method} ${c.route} as the app's pages send it is not refused by the guards`, async () => {
      const r = await c.req();
      const ctx = await bareSender(c.who);
      const res = await send(ctx, r, { ...JSON_TYPE, Origin: appOrigin(), "Sec-Fetch-Site": "same-origin" });
      const body = await expectReadable(res, [200, 201, 400, 404, 409], `${c.method} ${c.route}`);
      expect(body).not.toMatch(CSRF_MESSAGE);
      expect(body).not.toMatch(TYPE_MESSAGE);
    });
  }

  test("[type] the app's bodiless buttons (Sync now, Disconnect) send Content-Type: application/json from the browser", async ({ page }) => {
    test.setTimeout(90_000);
    await page.goto("/signin");
    await page.getByLabel("Email").fill(A.users.admin.email);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(/\/deals/);
    // A fully connected Clari Copilot for A, so the Manage page offers Sync now and Disconnect.
    await db.query(`UPDATE "Integration" SET status = 'CONNECTED', "wizardStep" = 'COMPLETE' WHERE id = $1`, [a.clari]);
    await page.goto("/settings/integrations/clari");
    const seen: Array<{ url: string; type: string | null; origin: string | null; status: number }> = [];
    page.on("response", async (res) => {
      const req = res.request();
      if (req.method() === "POST" && /\/api\/integrations\/clari\/(sync|disconnect)$/.test(req.url())) {
        seen.push({
          url: new URL(req.url()).pathname,
          type: await req.headerValue("content-type"),
          origin: await req.headerValue("origin"),
          status: res.status(),
        });
      }
    });
    await page.getByRole("button", { name: "Sync now" }).click();
    await expect.poll(() => seen.length).toBe(1);
    await page
      .getByRole("button", { name: /^Disconnect/ })
      .first()
      .click();
    const dialog = page.getByRole("dialog");
    if (await dialog.isVisible().catch(() => false)) await dialog.getByRole("button", { name: /Disconnect/ }).click();
    await expect.poll(() => seen.length).toBe(2);
    for (const s of seen) {
      expect(s.type, s.url).toBe("application/json");
      expect(s.origin, s.url).toBe(appOrigin());
      expect(s.status, s.url).not.toBe(415);
      expect(s.status, s.url).not.toBe(403);
    }
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** `next start` of this build on the stack's database, with APP_URL https (as behind a TLS-terminating proxy). */
function startHttpsAppUrlServer(port: number): ChildProcess {
  const secrets = appSecrets();
  const appUrl = "https://callsync.example.test";
  const child = spawn(path.join(process.cwd(), "node_modules", ".bin", "next"), ["start", "-p", String(port), "-H", "127.0.0.1"], {
    env: {
      ...process.env,
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      DATABASE_URL: stack().databaseUrl,
      APP_URL: appUrl,
      NEXTAUTH_URL: appUrl,
      NEXTAUTH_SECRET: secrets.NEXTAUTH_SECRET,
      ENCRYPTION_KEY: secrets.ENCRYPTION_KEY,
      // Production needs Inngest Cloud keys (or the bundled runtime's): well-formed ones; this server never
      // runs a function, it only answers pages for their headers.
      INNGEST_DEV: "",
      INNGEST_APP_KEY: "",
      INNGEST_SIGNING_KEY: `signkey-prod-${"cd".repeat(32)}`,
      INNGEST_EVENT_KEY: "hsts-check-event-key",
      PORT: String(port),
    },
    stdio: "ignore",
  });
  return child;
}
