// Issue 13: sign-up and first run, password hashing, login throttling, and what a production start brings.
import bcrypt from "bcryptjs";
import pg from "pg";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { hashPassword, needsRehash, verifyPassword } from "@/lib/auth/password";
import { authorizeCredentials, googleSignInAllowed } from "@/lib/auth/options";
import { ACCOUNT_FAILURES, loginWaitSeconds, recordLoginFailure, recordLoginSuccess, waitText } from "@/lib/auth/throttle";
import { signUp } from "@/lib/accounts/signup";
import { db } from "@/lib/db";
import { ValidationError } from "@/lib/errors";
import { seedIfAsked, stackChoices } from "../../scripts/lib/choices";
import { createScratchDatabase } from "../../scripts/lib/database";
import { createWorkspace, uid } from "../support/db";

afterAll(() => db.$disconnect());

const STRONG = "Correct-horse-battery-staple-7";

describe("password hashing", () => {
  it("hashes with scrypt in a self-describing format and verifies only the right password", async () => {
    const hash = await hashPassword(STRONG);
    expect(hash).toMatch(/^scrypt\$15\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(await hashPassword(STRONG)).not.toBe(hash); // salted
    expect(await verifyPassword(STRONG, hash)).toBe(true);
    expect(await verifyPassword(`${STRONG}x`, hash)).toBe(false);
    expect(needsRehash(hash)).toBe(false);
  });

  it("has no 72-byte truncation: passwords that share 72 bytes differ", async () => {
    const long = "a".repeat(72);
    const hash = await hashPassword(`${long}1`);
    expect(await verifyPassword(`${long}2`, hash)).toBe(false);
  });

  it("verifies a legacy bcrypt hash and replaces it with scrypt at the next successful sign-in", async () => {
    const email = `legacy-${uid()}@test.local`;
    const user = await db.user.create({ data: { email, passwordHash: await bcrypt.hash("old-password-123", 4) } });
    expect(needsRehash((await db.user.findUniqueOrThrow({ where: { id: user.id } })).passwordHash!)).toBe(true);
    expect(await authorizeCredentials({ email, password: "old-password-123" })).toMatchObject({ id: user.id });
    const stored = (await db.user.findUniqueOrThrow({ where: { id: user.id } })).passwordHash!;
    expect(stored.startsWith("scrypt$")).toBe(true);
    expect(await verifyPassword("old-password-123", stored)).toBe(true);
  });

  it("does not block the event loop while hashing", async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    await Promise.all(Array.from({ length: 8 }, () => hashPassword(STRONG)));
    clearInterval(timer);
    expect(ticks).toBeGreaterThan(2); // a synchronous hasher would leave the timer no turn at all
  });
});

describe("sign-up", () => {
  it("creates the workspace, its admin (hashed password) and the audit entry", async () => {
    const email = `Founder-${uid()}@Example.test`;
    const result = await signUp({ workspaceName: "Northwind Sales", name: "Nora North", email, password: STRONG });
    const user = await db.user.findUniqueOrThrow({ where: { email: email.toLowerCase() }, include: { memberships: { include: { workspace: true } } } });
    expect(user.id).toBe(result.userId);
    expect(user.memberships).toEqual([expect.objectContaining({ role: "ADMIN", status: "ACTIVE", workspaceId: result.workspaceId })]);
    expect(user.memberships[0]!.workspace).toMatchObject({ name: "Northwind Sales" });
    expect(user.memberships[0]!.workspace.slug).toMatch(/^northwind-sales/);
    expect(user.lastWorkspaceId).toBe(result.workspaceId);
    expect(await verifyPassword(STRONG, user.passwordHash!)).toBe(true);
    const audit = await db.auditEvent.findMany({ where: { workspaceId: result.workspaceId } });
    expect(audit).toEqual([
      expect.objectContaining({ action: "workspace.created", actorId: user.id, summary: "Nora North created the workspace Northwind Sales" }),
    ]);
  });

  it("refuses control characters (a NUL PostgreSQL cannot store) in the names with a field message, writing nothing", async () => {
    const email = `nul-${uid()}@test.local`;
    const name = `Nul ${uid()}`;
    await expect(signUp({ workspaceName: name, name: "Sam\u0000Signup", email, password: STRONG })).rejects.toMatchObject({
      fields: { name: "Use a name without control characters." },
    });
    await expect(signUp({ workspaceName: `${name}\u0000Inc`, name: "Sam", email, password: STRONG })).rejects.toMatchObject({
      fields: { workspaceName: "Use a name without control characters." },
    });
    await expect(signUp("not an object")).rejects.toThrow("The request body must be a JSON object with the fields this form sends.");
    expect(await db.user.count({ where: { email } })).toBe(0);
    expect(await db.workspace.count({ where: { name: { startsWith: name } } })).toBe(0);
  });

  it("refuses a weak password, a bad email, a missing name and a taken email, writing nothing", async () => {
    const taken = `taken-${uid()}@test.local`;
    await signUp({ workspaceName: "First", name: "Fay", email: taken, password: STRONG });
    const second = `Second ${uid()}`;
    const emails: string[] = [];
    const cases: Array<[Record<string, string>, string, RegExp]> = [
      [{ password: "password1234" }, "password", /too common/],
      [{ password: "short" }, "password", /at least 12 characters/],
      [{ password: "é".repeat(40) }, "password", /at most 72 bytes/],
      [{ email: "not-an-email" }, "email", /valid email/],
      [{ name: "  " }, "name", /Enter your name/],
      [{ workspaceName: "x" }, "workspaceName", /at least 2 characters/],
      [{ email: taken.toUpperCase() }, "email", /already exists/],
    ];
    for (const [override, field, message] of cases) {
      const input = { workspaceName: second, name: "Sam", email: `new-${uid()}@test.local`, password: STRONG, ...override };
      emails.push(input.email.toLowerCase());
      const error = await signUp(input).catch((e: unknown) => e);
      expect(error, JSON.stringify(override)).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).fields[field], JSON.stringify(override)).toMatch(message);
    }
    // Other test files write in parallel: look for what these attempts would have written, not at totals.
    expect(await db.workspace.count({ where: { name: second } })).toBe(0);
    expect(await db.user.count({ where: { email: { in: emails.filter((e) => e !== taken) } } })).toBe(0);
    expect(await db.auditEvent.count({ where: { summary: { contains: second } } })).toBe(0);
    expect(await db.membership.count({ where: { user: { email: taken } } })).toBe(1);
  });
});

describe("continue with Google", () => {
  it("lets in existing users and people with an open invitation (verified email only); anyone else is 'not invited'", async () => {
    const ws = await createWorkspace();
    const invite = async (email: string, data: { expiresAt?: Date; revokedAt?: Date; acceptedAt?: Date } = {}) =>
      db.invitation.create({
        data: {
          workspaceId: ws.workspace.id,
          email,
          role: "MEMBER",
          tokenHash: `hash-${uid()}`,
          invitedById: ws.admin.id,
          expiresAt: new Date(Date.now() + 86_400_000),
          ...data,
        },
      });
    const [open, expired, revoked] = [`open-${uid()}@test.local`, `expired-${uid()}@test.local`, `revoked-${uid()}@test.local`];
    await invite(open);
    await invite(expired, { expiresAt: new Date(Date.now() - 1000) });
    await invite(revoked, { revokedAt: new Date() });
    expect(await googleSignInAllowed(ws.admin.email, true)).toBe(true);
    expect(await googleSignInAllowed(open.toUpperCase(), true)).toBe(true);
    expect(await googleSignInAllowed(open, false)).toBe("/signin?error=NotInvited");
    expect(await googleSignInAllowed(expired, true)).toBe("/signin?error=NotInvited");
    expect(await googleSignInAllowed(revoked, true)).toBe("/signin?error=NotInvited");
    expect(await googleSignInAllowed(`stranger-${uid()}@test.local`, true)).toBe("/signin?error=NotInvited");
    expect(await googleSignInAllowed(null, true)).toBe("/signin?error=NotInvited");
  });
});

describe("login throttling (PostgreSQL)", () => {
  it(`after ${ACCOUNT_FAILURES} failures the account waits about 15 minutes; other accounts are not affected`, async () => {
    const email = `victim-${uid()}@test.local`;
    const address = `203.0.113.${Math.floor(Math.random() * 200)}-${uid()}`;
    for (let i = 0; i < ACCOUNT_FAILURES - 1; i++) await recordLoginFailure(email, address);
    expect(await loginWaitSeconds(email, address)).toBe(0);
    await recordLoginFailure(email, address);
    const wait = await loginWaitSeconds(email, address);
    expect(wait).toBeGreaterThan(14 * 60);
    expect(wait).toBeLessThanOrEqual(15 * 60);
    expect(waitText(wait)).toBe("15 minutes");
    expect(await loginWaitSeconds(`other-${uid()}@test.local`, `elsewhere-${uid()}`)).toBe(0);
    const rows = await db.loginThrottle.findMany({ where: { key: { contains: email } } });
    expect(rows).toHaveLength(1);
  });

  it("takes any key a client sends (NUL bytes, 10 KB) without an error", async () => {
    expect(await loginWaitSeconds("a\u0000b@test.local", "x".repeat(10_000))).toBe(0);
    await recordLoginFailure(`${"e".repeat(10_000)}\u0000@test.local`, "\u0000");
  });

  it("counts wrong passwords through sign-in, and a successful sign-in clears the account", async () => {
    const email = `user-${uid()}@test.local`;
    await db.user.create({ data: { email, passwordHash: await hashPassword(STRONG) } });
    for (let i = 0; i < ACCOUNT_FAILURES - 1; i++) expect(await authorizeCredentials({ email, password: "wrong-password-1" })).toBeNull();
    expect((await db.loginThrottle.findFirstOrThrow({ where: { key: { contains: email } } })).points).toBe(ACCOUNT_FAILURES - 1);
    expect(await authorizeCredentials({ email, password: STRONG })).not.toBeNull();
    expect(await db.loginThrottle.count({ where: { key: { contains: email } } })).toBe(0);
    await recordLoginSuccess(email); // clearing twice is harmless
  });
});

describe("what a start brings", () => {
  const saved = { DEMO: process.env.DEMO, USE_SIMULATORS: process.env.USE_SIMULATORS };
  afterEach(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  it("production: no demo and no simulators unless asked; development: both unless turned off", () => {
    delete process.env.DEMO;
    delete process.env.USE_SIMULATORS;
    expect(stackChoices("prod")).toEqual({ demo: false, useSimulators: false });
    expect(stackChoices("dev")).toEqual({ demo: true, useSimulators: true });
    process.env.USE_SIMULATORS = "1";
    expect(stackChoices("prod")).toEqual({ demo: false, useSimulators: true });
    delete process.env.USE_SIMULATORS;
    process.env.DEMO = "1";
    expect(stackChoices("prod")).toEqual({ demo: true, useSimulators: true });
    process.env.DEMO = "0";
    process.env.USE_SIMULATORS = "0";
    expect(stackChoices("dev")).toEqual({ demo: false, useSimulators: false });
  });

  it("a production start on an empty database creates no user; DEMO=1 seeds it once", async () => {
    const scratch = await createScratchDatabase("callsync_start");
    const count = async () => {
      const c = new pg.Client({ connectionString: scratch.url });
      await c.connect();
      try {
        const { rows } = await c.query<{ users: number; workspaces: number }>(
          `SELECT (SELECT count(*)::int FROM "User") AS users, (SELECT count(*)::int FROM "Workspace") AS workspaces`,
        );
        return rows[0]!;
      } finally {
        await c.end();
      }
    };
    try {
      delete process.env.DEMO;
      expect(await seedIfAsked(scratch.url, stackChoices("prod").demo)).toBe(false);
      expect(await count()).toEqual({ users: 0, workspaces: 0 });
      process.env.DEMO = "1";
      expect(await seedIfAsked(scratch.url, stackChoices("prod").demo)).toBe(true);
      const seeded = await count();
      expect(seeded.workspaces).toBe(1);
      expect(seeded.users).toBeGreaterThan(0);
      expect(await seedIfAsked(scratch.url, stackChoices("prod").demo)).toBe(false); // never over existing data
      expect(await count()).toEqual(seeded);
    } finally {
      await scratch.drop();
    }
  }, 120_000);
});
