// Issue 13 item 6: forgot password, reset from the emailed link, change password and "sign out of all sessions",
// against PostgreSQL. What the person is told, what is stored and sent, and that a refused request writes nothing.
import { afterAll, describe, expect, it } from "vitest";
import {
  changePassword,
  inspectPasswordReset,
  requestPasswordReset,
  RESET_REQUESTED_MESSAGE,
  RESET_STATE_MESSAGE,
  RESETS_PER_HOUR,
  resetPassword,
  signOutEverywhere,
  WRONG_CURRENT_PASSWORD,
} from "@/lib/accounts/passwords";
import { authorizeCredentials } from "@/lib/auth/options";
import { hashPassword, verifyPassword } from "@/lib/auth/password";
import { ACCOUNT_FAILURES, loginWaitSeconds, recordLoginFailure } from "@/lib/auth/throttle";
import { db } from "@/lib/db";
import { ConflictError, TooManyAttemptsError, ValidationError } from "@/lib/errors";
import { hashLinkToken } from "@/lib/tokens";
import { uid } from "../support/db";

afterAll(() => db.$disconnect());

const OLD = "Correct-horse-battery-staple-7";
const NEW = "Tangerine-lighthouse-orbit-42";
const HOUR = 60 * 60 * 1000;

/** A user with a password, active in one workspace and deactivated in another. */
async function person(opts: { password?: string | null } = {}) {
  const id = uid();
  const email = `reset-${id}@test.local`;
  const passwordHash = opts.password === null ? null : await hashPassword(opts.password ?? OLD);
  const user = await db.user.create({ data: { email, name: `Pat ${id}`, passwordHash } });
  const active = await db.workspace.create({ data: { name: `Active ${id}`, slug: `active-${id}` } });
  const former = await db.workspace.create({ data: { name: `Former ${id}`, slug: `former-${id}` } });
  await db.membership.createMany({
    data: [
      { userId: user.id, workspaceId: active.id, role: "MEMBER", status: "ACTIVE" },
      { userId: user.id, workspaceId: former.id, role: "MEMBER", status: "DEACTIVATED" },
    ],
  });
  return { user, email, active, former };
}

const stored = (userId: string) => db.user.findUniqueOrThrow({ where: { id: userId }, select: { passwordHash: true, sessionVersion: true } });
const resets = (userId: string) => db.passwordReset.findMany({ where: { userId }, orderBy: { createdAt: "asc" } });
const mails = (to: string) => db.outboxEmail.findMany({ where: { to }, orderBy: { createdAt: "asc" } });

/** The token in the newest reset email to `to`. */
async function tokenFromEmail(to: string): Promise<string> {
  const all = await mails(to);
  const link = all.at(-1)?.text.match(/https?:\/\/\S+/)?.[0];
  expect(link).toMatch(/^http:\/\/localhost:3000\/reset-password\/[\w-]{43}$/);
  return link!.split("/").at(-1)!;
}

async function refusal(promise: Promise<unknown>) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).not.toBeNull();
  return error as Error;
}

describe("forgot password", () => {
  it("answers an unknown email exactly as a known one, and stores and sends nothing for it", async () => {
    const email = `nobody-${uid()}@test.local`;
    const before = await db.passwordReset.count();
    expect(await requestPasswordReset({ email })).toEqual({ message: RESET_REQUESTED_MESSAGE });
    expect(await db.passwordReset.count()).toBe(before);
    expect(await mails(email)).toEqual([]);

    const { user, email: known } = await person();
    expect(await requestPasswordReset({ email: known.toUpperCase() })).toEqual({ message: RESET_REQUESTED_MESSAGE });
    expect(await resets(user.id)).toHaveLength(1);
  });

  it("stores only the hash of a link valid for 1 hour and emails the link", async () => {
    const { user, email } = await person();
    const now = new Date();
    await requestPasswordReset({ email: ` ${email} ` }, now);
    const token = await tokenFromEmail(email);
    const [row] = await resets(user.id);
    expect(row).toMatchObject({ tokenHash: hashLinkToken(token), usedAt: null });
    expect(row!.tokenHash).not.toContain(token);
    expect(row!.expiresAt.getTime()).toBe(now.getTime() + HOUR);
    const [mail] = await mails(email);
    expect(mail!.subject).toBe("Reset your Callsync password");
    expect(await inspectPasswordReset(token)).toEqual({ state: "valid", email });
  });

  it(`sends at most ${RESETS_PER_HOUR} links per account per hour, silently, and again after the hour`, async () => {
    const { user, email } = await person();
    const t0 = new Date(Date.now() - 2 * HOUR);
    for (let i = 0; i < RESETS_PER_HOUR + 2; i++) {
      expect(await requestPasswordReset({ email }, new Date(t0.getTime() + i * 1000))).toEqual({ message: RESET_REQUESTED_MESSAGE });
    }
    expect(await resets(user.id)).toHaveLength(RESETS_PER_HOUR);
    expect(await mails(email)).toHaveLength(RESETS_PER_HOUR);
    // Several at once cannot slip past the limit either.
    const t1 = new Date(t0.getTime() + HOUR + 10_000);
    await Promise.all(Array.from({ length: 6 }, () => requestPasswordReset({ email }, t1)));
    expect(await resets(user.id)).toHaveLength(2 * RESETS_PER_HOUR);
    expect(await mails(email)).toHaveLength(2 * RESETS_PER_HOUR);
  });

  it("refuses a malformed email with a field message and writes nothing", async () => {
    const before = await db.passwordReset.count();
    const error = await refusal(requestPasswordReset({ email: "not-an-email" }));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).fields.email).toMatch(/valid email/);
    expect(await db.passwordReset.count()).toBe(before);
  });
});

describe("reset password from the link", () => {
  it("sets the password, ends every session, invalidates the other links, audits active workspaces, clears the throttle", async () => {
    const { user, email, active, former } = await person();
    await requestPasswordReset({ email });
    const first = await tokenFromEmail(email);
    await requestPasswordReset({ email });
    const second = await tokenFromEmail(email);
    const address = `test-${uid()}`;
    for (let i = 0; i < ACCOUNT_FAILURES; i++) await recordLoginFailure(email, address);
    expect(await loginWaitSeconds(email, address)).toBeGreaterThan(0);
    const before = await stored(user.id);

    expect(await resetPassword({ token: second, password: NEW })).toEqual({ email });

    const after = await stored(user.id);
    expect(after.sessionVersion).toBe(before.sessionVersion + 1);
    expect(await verifyPassword(NEW, after.passwordHash!)).toBe(true);
    expect(await authorizeCredentials({ email, password: NEW })).toMatchObject({ id: user.id, sessionVersion: after.sessionVersion });
    expect(await authorizeCredentials({ email, password: OLD })).toBeNull();
    expect(await inspectPasswordReset(second)).toEqual({ state: "used", email });
    expect(await inspectPasswordReset(first)).toEqual({ state: "expired", email });
    expect(await loginWaitSeconds(email, address)).toBe(0);
    const audit = await db.auditEvent.findMany({ where: { workspaceId: { in: [active.id, former.id] } } });
    expect(audit).toEqual([expect.objectContaining({ workspaceId: active.id, actorId: user.id, action: "account.password_reset", targetId: user.id })]);
  });

  it("works once: the second use is refused and changes nothing", async () => {
    const { user, email } = await person();
    await requestPasswordReset({ email });
    const token = await tokenFromEmail(email);
    await resetPassword({ token, password: NEW });
    const after = await stored(user.id);
    const error = await refusal(resetPassword({ token, password: "Another-fine-password-99" }));
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.message).toBe(RESET_STATE_MESSAGE.used);
    expect(await stored(user.id)).toEqual(after);
  });

  it("two uses at the same moment: exactly one wins", async () => {
    const { user, email } = await person();
    await requestPasswordReset({ email });
    const token = await tokenFromEmail(email);
    const before = await stored(user.id);
    const passwords = ["Winner-number-one-password", "Winner-number-two-password"];
    const results = await Promise.allSettled(passwords.map((password) => resetPassword({ token, password })));
    const won = results.filter((r) => r.status === "fulfilled");
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0]!.reason).toBeInstanceOf(ConflictError);
    const after = await stored(user.id);
    expect(after.sessionVersion).toBe(before.sessionVersion + 1);
    const winner = passwords[results.findIndex((r) => r.status === "fulfilled")]!;
    expect(await verifyPassword(winner, after.passwordHash!)).toBe(true);
    expect(await db.auditEvent.count({ where: { action: "account.password_reset", actorId: user.id } })).toBe(1);
  });

  it("expires after 1 hour", async () => {
    const { user, email } = await person();
    const t0 = new Date(Date.now() - 30 * 60 * 1000);
    await requestPasswordReset({ email }, t0);
    const token = await tokenFromEmail(email);
    const before = await stored(user.id);
    expect((await inspectPasswordReset(token, new Date(t0.getTime() + HOUR - 1000))).state).toBe("valid");
    expect((await inspectPasswordReset(token, new Date(t0.getTime() + HOUR))).state).toBe("expired");
    const error = await refusal(resetPassword({ token, password: NEW }, new Date(t0.getTime() + HOUR)));
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.message).toBe(RESET_STATE_MESSAGE.expired);
    expect(await stored(user.id)).toEqual(before);
    expect((await resets(user.id))[0]!.usedAt).toBeNull();
  });

  it("refuses a weak password with the policy's message on the field and writes nothing", async () => {
    const { user, email } = await person();
    await requestPasswordReset({ email });
    const token = await tokenFromEmail(email);
    const before = await stored(user.id);
    for (const [password, message] of [
      ["short", /at least 12 characters/],
      ["password1234", /too common/],
      [`${email.split("@")[0]}-extra`, /email address/],
    ] as const) {
      const error = await refusal(resetPassword({ token, password }));
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).fields.password).toMatch(message);
    }
    expect(await stored(user.id)).toEqual(before);
    expect((await resets(user.id))[0]!.usedAt).toBeNull();
    expect(await db.auditEvent.count({ where: { actorId: user.id } })).toBe(0);
  });

  it("says which: unknown and malformed links are invalid", async () => {
    expect(await inspectPasswordReset("x".repeat(43))).toEqual({ state: "invalid" });
    expect(await inspectPasswordReset("../../etc")).toEqual({ state: "invalid" });
    const error = await refusal(resetPassword({ token: "x".repeat(43), password: NEW }));
    expect(error.message).toBe(RESET_STATE_MESSAGE.invalid);
  });

  it("lets a Google-only account (no password) set one", async () => {
    const { user, email } = await person({ password: null });
    await requestPasswordReset({ email });
    await resetPassword({ token: await tokenFromEmail(email), password: NEW });
    expect(await authorizeCredentials({ email, password: NEW })).toMatchObject({ id: user.id });
  });
});

describe("change password and sign out everywhere", () => {
  it("a wrong current password or a weak new one is refused and writes nothing", async () => {
    const { user } = await person();
    const before = await stored(user.id);
    const wrong = await refusal(changePassword(user.id, { currentPassword: "Not-my-password-at-all", newPassword: NEW }));
    expect(wrong).toBeInstanceOf(ValidationError);
    expect((wrong as ValidationError).fields).toEqual({ currentPassword: WRONG_CURRENT_PASSWORD });
    const weak = await refusal(changePassword(user.id, { currentPassword: OLD, newPassword: "short" }));
    expect((weak as ValidationError).fields).toEqual({ newPassword: "Use at least 12 characters." });
    expect(await stored(user.id)).toEqual(before);
  });

  it("wrong current passwords count like failed sign-ins: after the limit even the right one waits, and nothing changes", async () => {
    const { user, email } = await person();
    const before = await stored(user.id);
    for (let i = 0; i < ACCOUNT_FAILURES; i++) {
      expect(await refusal(changePassword(user.id, { currentPassword: `Wrong-guess-number-${i}`, newPassword: NEW }))).toBeInstanceOf(ValidationError);
    }
    expect(await loginWaitSeconds(email, "direct")).toBeGreaterThan(0);
    const locked = await refusal(changePassword(user.id, { currentPassword: OLD, newPassword: NEW }));
    expect(locked).toBeInstanceOf(TooManyAttemptsError);
    expect((locked as Error).message).toMatch(/^Too many wrong passwords\. Try again in 1[45] minutes, or reset your password\.$/);
    expect(await stored(user.id)).toEqual(before);
  });

  it("changes the password and ends every session", async () => {
    const { user, email } = await person();
    const before = await stored(user.id);
    expect(await changePassword(user.id, { currentPassword: OLD, newPassword: NEW })).toEqual({ email });
    const after = await stored(user.id);
    expect(after.sessionVersion).toBe(before.sessionVersion + 1);
    expect(await authorizeCredentials({ email, password: NEW })).toMatchObject({ id: user.id, sessionVersion: after.sessionVersion });
    expect(await authorizeCredentials({ email, password: OLD })).toBeNull();
  });

  it("an account without a password is told how to set one", async () => {
    const { user } = await person({ password: null });
    const error = await refusal(changePassword(user.id, { currentPassword: "", newPassword: NEW }));
    expect((error as ValidationError).fields.currentPassword).toMatch(/Forgot password/);
    expect(await stored(user.id)).toEqual({ passwordHash: null, sessionVersion: 0 });
  });

  it("sign out everywhere bumps the session version", async () => {
    const { user } = await person();
    await signOutEverywhere(user.id);
    expect((await stored(user.id)).sessionVersion).toBe(1);
  });
});
