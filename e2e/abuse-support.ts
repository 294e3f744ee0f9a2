// Helpers for the abuse suite (e2e/abuse.spec.ts): the stack of THIS run (per-port file written by
// scripts/lib/stack.ts), a plain `pg` client on its database, two throwaway workspaces seeded with SQL,
// API request contexts signed in as their users, the simulator's OAuth consent answered over HTTP, and
// the checks every abuse case shares (readable error, no stack trace, no data of the other tenant).
import fs from "node:fs";
import path from "node:path";
import { createDecipheriv, randomBytes, randomInt } from "node:crypto";
import bcrypt from "bcryptjs";
import pg from "pg";
import { expect, request, type APIRequestContext, type APIResponse } from "@playwright/test";
import { browserLike } from "./support";

export type StackInfo = { appUrl: string; simulatorUrl: string | null; inngestUrl: string | null; databaseUrl: string; logFile: string | null };

/** The stack started by playwright.config.ts for this run (its port), not another run's. */
export function stack(): StackInfo {
  const port = process.env.E2E_PORT ?? "3100";
  const file = path.join(process.cwd(), ".data", `e2e-stack-${port}.json`);
  return JSON.parse(fs.readFileSync(file, "utf8")) as StackInfo;
}

export const PASSWORD = "abuse-suite-password";

/** The keys the app runs with (scripts/lib/runtime-env.ts: env first, then .data/secrets.json). */
export function appSecrets(): { NEXTAUTH_SECRET: string; ENCRYPTION_KEY: string } {
  const file = path.join(process.cwd(), ".data", "secrets.json");
  const stored = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as { NEXTAUTH_SECRET: string; ENCRYPTION_KEY: string }) : null;
  return {
    NEXTAUTH_SECRET: process.env.NEXTAUTH_SECRET ?? stored!.NEXTAUTH_SECRET,
    ENCRYPTION_KEY: process.env.ENCRYPTION_KEY ?? stored!.ENCRYPTION_KEY,
  };
}

/** The key the stack's bundled Inngest runtime and the app share (INNGEST_APP_KEY; scripts/lib/stack.ts: env first, then .data/secrets.json). */
export function runtimeKey(): string {
  const file = path.join(process.cwd(), ".data", "secrets.json");
  return process.env.INNGEST_APP_KEY || (JSON.parse(fs.readFileSync(file, "utf8")) as { INNGEST_APP_KEY: string }).INNGEST_APP_KEY;
}

/**
 * lib/crypto.ts's envelope, opened independently of the app: "v2.<key id>.<iv>.<tag>.<ciphertext>"
 * (AES-256-GCM; additional data binds it to the field and the row's id, lib/secrets.ts), or the older
 * "v1.<iv>.<tag>.<ciphertext>" (no key id, no binding).
 */
export function decryptEnvelope(envelope: string, rowId: string, purpose = "integration.credentials"): unknown {
  const parts = envelope.split(".");
  expect(["v1", "v2"]).toContain(parts[0]);
  const [iv, tag, ciphertext] = parts[0] === "v2" ? parts.slice(2) : parts.slice(1);
  const decipher = createDecipheriv("aes-256-gcm", Buffer.from(appSecrets().ENCRYPTION_KEY, "base64"), Buffer.from(iv!, "base64url"));
  if (parts[0] === "v2") decipher.setAAD(Buffer.from(JSON.stringify(["callsync", "v2", parts[1], purpose, rowId]), "utf8"));
  decipher.setAuthTag(Buffer.from(tag!, "base64url"));
  return JSON.parse(Buffer.concat([decipher.update(Buffer.from(ciphertext!, "base64url")), decipher.final()]).toString("utf8"));
}

export const id = () => `ab${randomBytes(11).toString("hex")}`;
/** A lower-case word nobody else uses (full-text search indexes it as one token). */
export const word = (prefix: string) => prefix + Array.from({ length: 10 }, () => "bcdfghjkmnpqrstvwxz"[randomInt(19)]).join("");

// ---------------------------------------------------------------------------------------------
// Database
// ---------------------------------------------------------------------------------------------

export async function connectDb(): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: stack().databaseUrl });
  await client.connect();
  return client;
}

export type Tenant = {
  label: string;
  workspaceId: string;
  workspaceName: string;
  users: Record<"admin" | "admin2" | "member" | "demoted" | "removed", { id: string; email: string; name: string }>;
  dealId: string;
  dealName: string;
  accountName: string;
  contactEmail: string;
  callId: string;
  callTitle: string;
  unlinkedCallId: string;
  unlinkedCallTitle: string;
  privateCallId: string;
  privateCallTitle: string;
  sentence: string;
  participantEmail: string;
  /** Strings that belong to this tenant only: none may appear in another tenant's responses. */
  markers: string[];
};

/**
 * A workspace with an admin, a second admin, a member, a deal with a contact, a linked call with
 * participants and a transcript (containing `sharedWord`), an unlinked call and a private call that
 * only the admin took part in.
 */
export async function createTenant(db: pg.Client, label: string, sharedWord: string): Promise<Tenant> {
  const mark = word("zq");
  const workspaceId = id();
  const workspaceName = `${label} ${mark} Inc`;
  const now = new Date();
  await db.query(`INSERT INTO "Workspace"(id, name, slug, "updatedAt") VALUES ($1, $2, $3, $4)`, [workspaceId, workspaceName, `abuse-${mark}`, now]);
  const hash = await bcrypt.hash(PASSWORD, 4);
  const users = {} as Tenant["users"];
  for (const [key, role] of [
    ["admin", "ADMIN"],
    ["admin2", "ADMIN"],
    ["member", "MEMBER"],
    ["demoted", "ADMIN"],
    ["removed", "MEMBER"],
  ] as const) {
    const u = { id: id(), email: `${key}-${mark}@${label.toLowerCase()}.test`, name: `${label} ${key} ${mark}` };
    await db.query(`INSERT INTO "User"(id, name, email, "passwordHash", "emailVerified", "updatedAt") VALUES ($1, $2, $3, $4, $5, $5)`, [
      u.id,
      u.name,
      u.email,
      hash,
      now,
    ]);
    await db.query(`INSERT INTO "Membership"(id, "userId", "workspaceId", role) VALUES ($1, $2, $3, $4)`, [id(), u.id, workspaceId, role]);
    users[key] = u;
  }
  const dealId = id();
  const dealName = `${label} deal ${mark}`;
  const accountName = `${label} account ${mark}`;
  const contactEmail = `buyer-${mark}@customer-of-${label.toLowerCase()}.test`;
  await db.query(
    `INSERT INTO "Deal"(id, "workspaceId", name, stage, amount, "ownerId", "accountName", "crmSource", "crmDealId", "updatedAt")
     VALUES ($1, $2, $3, 'Discovery', 12345, $4, $5, 'SALESFORCE', $6, $7)`,
    [dealId, workspaceId, dealName, users.member.id, accountName, `006${mark}`, now],
  );
  await db.query(`INSERT INTO "DealContact"(id, "workspaceId", "dealId", name, email, "updatedAt") VALUES ($1, $2, $3, $4, $5, $6)`, [
    id(),
    workspaceId,
    dealId,
    `${label} buyer ${mark}`,
    contactEmail,
    now,
  ]);
  const participantEmail = `champion-${mark}@customer-of-${label.toLowerCase()}.test`;
  const sentence = `The ${sharedWord} rollout for ${mark} needs a security review before signature`;
  const insertCall = async (
    title: string,
    opts: { isPrivate?: boolean; link?: boolean; participants: Array<{ email: string; userId?: string; internal: boolean }> },
  ) => {
    const callId = id();
    const startedAt = new Date(now.getTime() - randomInt(1, 10) * 86_400_000);
    await db.query(
      `INSERT INTO "Call"(id, "workspaceId", provider, "providerCallId", title, "startedAt", "durationSec", "isPrivate", summary, "transcriptStatus", "sentenceCount", "updatedAt")
       VALUES ($1, $2, 'GONG', $3, $4, $5, 1800, $6, $7, 'AVAILABLE', 2, $8)`,
      [callId, workspaceId, `sim-${callId}`, title, startedAt, opts.isPrivate ?? false, `Summary of ${title}`, now],
    );
    let position = 0;
    for (const p of opts.participants) {
      await db.query(
        `INSERT INTO "CallParticipant"(id, "callId", "speakerKey", name, email, affiliation, "userId", position, "isAttendee") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, true)`,
        [id(), callId, `spk${position}`, `Speaker ${p.email}`, p.email, p.internal ? "INTERNAL" : "EXTERNAL", p.userId ?? null, position],
      );
      position++;
    }
    await db.query(
      `INSERT INTO "TranscriptSentence"("callId", idx, "speakerKey", "startMs", "endMs", text) VALUES ($1, 0, 'spk0', 0, 4000, $2), ($1, 1, 'spk1', 4000, 9000, $3)`,
      [callId, sentence, `Answer about ${title}`],
    );
    if (opts.link) {
      await db.query(
        `INSERT INTO "CallDealLink"(id, "workspaceId", "callId", "dealId", source, "matchedOn", "callStartedAt", "updatedAt") VALUES ($1, $2, $3, $4, 'CRM_ID', $5, $6, $7)`,
        [id(), workspaceId, callId, dealId, `006${mark}`, startedAt, now],
      );
    }
    return callId;
  };
  const callTitle = `${label} discovery call ${mark}`;
  const unlinkedCallTitle = `${label} unlinked call ${mark}`;
  const privateCallTitle = `${label} private call ${mark}`;
  const team = [
    { email: users.member.email, userId: users.member.id, internal: true },
    { email: participantEmail, internal: false },
  ];
  const callId = await insertCall(callTitle, { link: true, participants: team });
  const unlinkedCallId = await insertCall(unlinkedCallTitle, { participants: team });
  const privateCallId = await insertCall(privateCallTitle, {
    isPrivate: true,
    participants: [
      { email: users.admin.email, userId: users.admin.id, internal: true },
      { email: participantEmail, internal: false },
    ],
  });
  return {
    label,
    workspaceId,
    workspaceName,
    users,
    dealId,
    dealName,
    accountName,
    contactEmail,
    callId,
    callTitle,
    unlinkedCallId,
    unlinkedCallTitle,
    privateCallId,
    privateCallTitle,
    sentence,
    participantEmail,
    markers: [
      mark,
      workspaceName,
      dealName,
      accountName,
      contactEmail,
      callTitle,
      unlinkedCallTitle,
      privateCallTitle,
      participantEmail,
      ...Object.values(users).map((u) => u.email),
    ],
  };
}

/** Every row of a workspace that an action could change, as one JSON document (compared before/after). */
export async function snapshot(db: pg.Client, workspaceId: string): Promise<unknown> {
  const { rows } = await db.query(
    `SELECT json_build_object(
       'integrations', (SELECT json_agg(i ORDER BY i.id) FROM "Integration" i WHERE i."workspaceId" = $1),
       'states', (SELECT json_agg(s ORDER BY s.id) FROM "OAuthState" s JOIN "Integration" i ON i.id = s."integrationId" WHERE i."workspaceId" = $1),
       'providerUsers', (SELECT json_agg(p ORDER BY p.id) FROM "ProviderUser" p JOIN "Integration" i ON i.id = p."integrationId" WHERE i."workspaceId" = $1),
       'userSyncs', (SELECT json_agg(u ORDER BY u.id) FROM "UserSync" u JOIN "Integration" i ON i.id = u."integrationId" WHERE i."workspaceId" = $1),
       'runs', (SELECT json_agg(r ORDER BY r.id) FROM "SyncRun" r JOIN "Integration" i ON i.id = r."integrationId" WHERE i."workspaceId" = $1),
       'calls', (SELECT json_agg(c ORDER BY c.id) FROM "Call" c WHERE c."workspaceId" = $1),
       'links', (SELECT json_agg(l ORDER BY l.id) FROM "CallDealLink" l WHERE l."workspaceId" = $1),
       'deals', (SELECT json_agg(d ORDER BY d.id) FROM "Deal" d WHERE d."workspaceId" = $1),
       'memberships', (SELECT json_agg(m ORDER BY m.id) FROM "Membership" m WHERE m."workspaceId" = $1)
     ) AS doc`,
    [workspaceId],
  );
  return rows[0].doc;
}

export async function integrationRow(db: pg.Client, workspaceId: string, provider: "GONG" | "SALESLOFT" | "CLARI") {
  const { rows } = await db.query(`SELECT * FROM "Integration" WHERE "workspaceId" = $1 AND provider = $2`, [workspaceId, provider]);
  return rows[0] as Record<string, unknown> | undefined;
}

// ---------------------------------------------------------------------------------------------
// HTTP
// ---------------------------------------------------------------------------------------------

/** A signed-out API context that sends, on every change, the Origin and content type a browser page of the app sends (e2e/support.ts browserLike). */
export async function anonymous(): Promise<APIRequestContext> {
  return browserLike(await request.newContext({ baseURL: stack().appUrl, maxRedirects: 0 }), stack().appUrl);
}

/**
 * A context with `from`'s cookies (its session) that sends only what each request says: no Origin, no
 * Sec-Fetch-Site, no content type of its own. What a script outside any browser, or a forged request, sends.
 */
export async function bareCopy(from?: APIRequestContext, baseURL = stack().appUrl): Promise<APIRequestContext> {
  return request.newContext({ baseURL, maxRedirects: 0, storageState: from ? await from.storageState() : undefined });
}

/** An API context signed in through next-auth's credentials endpoint, exactly like the sign-in form. */
export async function signedIn(email: string, password = PASSWORD): Promise<{ ctx: APIRequestContext; signInResponse: APIResponse }> {
  const ctx = await anonymous();
  const { csrfToken } = (await (await ctx.get("/api/auth/csrf")).json()) as { csrfToken: string };
  const signInResponse = await ctx.post("/api/auth/callback/credentials", {
    form: { email, password, csrfToken, callbackUrl: `${stack().appUrl}/deals`, json: "true" },
  });
  const session = (await (await ctx.get("/api/auth/session")).json()) as { user?: { email?: string } };
  expect(session.user?.email, `signed in as ${email}`).toBe(email);
  return { ctx, signInResponse };
}

const STACK_TRACE = /\n\s+at [^\n]+\(|node_modules\/|\.next\/server|webpack-internal|\b(?:TypeError|ReferenceError|PrismaClient\w*Error)\b|\.tsx?:\d+:\d+/;

/** Status among `allowed`, a body a person can read, and never a stack trace or internal error text. */
export async function expectReadable(res: APIResponse, allowed: number[], what: string, opts: { jsonError?: boolean } = {}): Promise<string> {
  const body = await res.text();
  expect(allowed, `${what}: status ${res.status()} (body ${body.slice(0, 300)})`).toContain(res.status());
  expect(body, `${what}: no stack trace`).not.toMatch(STACK_TRACE);
  const type = res.headers()["content-type"] ?? "";
  if (type.includes("application/json") && res.status() >= 400 && opts.jsonError !== false) {
    const json = JSON.parse(body) as { error?: { message?: string } };
    expect(json.error?.message, `${what}: error message`).toMatch(/\w{3,}/);
  }
  return body;
}

/** None of the tenant's strings in the body (case-insensitive). */
export function expectNoneOf(body: string, markers: string[], what: string) {
  const lower = body.toLowerCase();
  for (const m of markers) expect(lower.includes(m.toLowerCase()), `${what}: leaks "${m}"`).toBe(false);
}

// ---------------------------------------------------------------------------------------------
// OAuth against the simulator
// ---------------------------------------------------------------------------------------------

const unescapeHtml = (s: string) =>
  s
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");

/** Answers the simulator's consent page like a person would; returns the callback URL it redirects to. */
export async function consent(authorizationUrl: string, decision: "allow" | "deny" = "allow"): Promise<URL> {
  const page = await fetch(authorizationUrl);
  expect(page.status, "consent page").toBe(200);
  const html = await page.text();
  const action = unescapeHtml(/<form method="post" action="([^"]+)"/.exec(html)![1]!);
  const form = new URLSearchParams();
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) form.set(unescapeHtml(m[1]!), unescapeHtml(m[2]!));
  form.set("decision", decision);
  const res = await fetch(new URL(action, authorizationUrl), { method: "POST", body: form, redirect: "manual" });
  expect(res.status, "consent answer redirects").toBe(302);
  return new URL(res.headers.get("location")!);
}

/** The callback URL as a path for an API context (same origin as the app). */
export const pathOf = (u: URL) => `${u.pathname}${u.search}`;

// ---------------------------------------------------------------------------------------------
// Onboarding routes (e2e/abuse-onboarding.spec.ts): members, invitations, sign-up, workspace switch
// ---------------------------------------------------------------------------------------------

export type MembershipSpec = { workspaceId: string; role: "ADMIN" | "MEMBER"; status?: "ACTIVE" | "DEACTIVATED" };

/** A user (password PASSWORD) with memberships created in the order given (the first is their default workspace). */
export async function createUser(
  db: pg.Client,
  email: string,
  memberships: MembershipSpec[],
): Promise<{ id: string; email: string; name: string; membershipIds: string[] }> {
  const user = { id: id(), email, name: `Abuse ${email.split("@")[0]}` };
  const now = new Date();
  await db.query(`INSERT INTO "User"(id, name, email, "passwordHash", "emailVerified", "updatedAt") VALUES ($1, $2, $3, $4, $5, $5)`, [
    user.id,
    user.name,
    email,
    await bcrypt.hash(PASSWORD, 4),
    now,
  ]);
  const membershipIds: string[] = [];
  for (const [i, m] of memberships.entries()) {
    const membershipId = id();
    const status = m.status ?? "ACTIVE";
    await db.query(`INSERT INTO "Membership"(id, "userId", "workspaceId", role, status, "deactivatedAt", "createdAt") VALUES ($1, $2, $3, $4, $5, $6, $7)`, [
      membershipId,
      user.id,
      m.workspaceId,
      m.role,
      status,
      status === "DEACTIVATED" ? now : null,
      new Date(now.getTime() - 60_000 + i * 1000),
    ]);
    membershipIds.push(membershipId);
  }
  return { ...user, membershipIds };
}

export async function membershipIdOf(db: pg.Client, userId: string, workspaceId: string): Promise<string> {
  const { rows } = await db.query(`SELECT id FROM "Membership" WHERE "userId" = $1 AND "workspaceId" = $2`, [userId, workspaceId]);
  return String(rows[0]!.id);
}

/** snapshot() plus what the members routes change: invitations, audit entries and the members' users (session version, last workspace). */
export async function membersSnapshot(db: pg.Client, workspaceId: string): Promise<unknown> {
  const { rows } = await db.query(
    `SELECT json_build_object(
       'invitations', (SELECT json_agg(v ORDER BY v.id) FROM "Invitation" v WHERE v."workspaceId" = $1),
       'audit', (SELECT json_agg(a ORDER BY a.id) FROM "AuditEvent" a WHERE a."workspaceId" = $1),
       'users', (SELECT json_agg(json_build_object('id', u.id, 'sv', u."sessionVersion", 'last', u."lastWorkspaceId", 'hash', u."passwordHash") ORDER BY u.id)
                 FROM "User" u WHERE u.id IN (SELECT "userId" FROM "Membership" m WHERE m."workspaceId" = $1))
     ) AS doc`,
    [workspaceId],
  );
  return { ...((await snapshot(db, workspaceId)) as object), ...(rows[0].doc as object) };
}

/** Row counts of what a refused onboarding request must not create anywhere. */
export async function rowCounts(db: pg.Client): Promise<Record<string, number>> {
  const { rows } = await db.query(
    `SELECT (SELECT count(*) FROM "User")::int AS users, (SELECT count(*) FROM "Workspace")::int AS workspaces,
            (SELECT count(*) FROM "Membership")::int AS memberships, (SELECT count(*) FROM "Invitation")::int AS invitations,
            (SELECT count(*) FROM "OutboxEmail")::int AS outbox`,
  );
  return rows[0] as Record<string, number>;
}

/** One sign-in through next-auth's credentials endpoint (like signedIn, without asserting success), in a context of its own. */
export async function credentialsAttempt(
  email: string,
  password: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, string>; body: string; session: { user?: { email?: string } } }> {
  const ctx = await anonymous();
  try {
    const { csrfToken } = (await (await ctx.get("/api/auth/csrf")).json()) as { csrfToken: string };
    const res = await ctx.post("/api/auth/callback/credentials", {
      form: { email, password, csrfToken, callbackUrl: `${stack().appUrl}/deals`, json: "true" },
      headers,
    });
    const body = await res.text();
    const session = (await (await ctx.get("/api/auth/session")).json()) as { user?: { email?: string } };
    return { status: res.status(), headers: res.headers(), body, session };
  } finally {
    await ctx.dispose();
  }
}

/** A copy of a signed-in context whose workspace cookie (callsync-workspace) names `workspaceId`. */
export async function withWorkspaceCookie(ctx: APIRequestContext, workspaceId: string): Promise<APIRequestContext> {
  const state = await ctx.storageState();
  const host = new URL(stack().appUrl).hostname;
  const cookies = [
    ...state.cookies.filter((c) => c.name !== "callsync-workspace"),
    { name: "callsync-workspace", value: workspaceId, domain: host, path: "/", expires: -1, httpOnly: true, secure: false, sameSite: "Lax" as const },
  ];
  return browserLike(await request.newContext({ baseURL: stack().appUrl, maxRedirects: 0, storageState: { cookies, origins: [] } }), stack().appUrl);
}
