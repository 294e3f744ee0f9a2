// Passwords of an account: "Forgot password?" (a single-use link by email, valid 1 hour), setting a new one from
// that link, changing it in Settings -> Account, and "Sign out of all sessions". Every change of password and
// every "sign out everywhere" bumps User.sessionVersion, which ends every open session on its next request
// (lib/auth/session.ts). The reset request answers the same whether or not the account exists, so the form
// cannot be used to find out who has one.
import "server-only";
import { z } from "zod";
import { recordAudit } from "@/lib/audit";
import { hashPassword, verifyPassword } from "@/lib/auth/password";
import { passwordProblem } from "@/lib/auth/password-policy";
import { loginWaitSeconds, recordLoginFailure, recordLoginSuccess, waitText } from "@/lib/auth/throttle";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { ConflictError, NotFoundError, TooManyAttemptsError, ValidationError } from "@/lib/errors";
import { sendEmail } from "@/lib/mail";
import { hashLinkToken, newLinkToken } from "@/lib/tokens";
import { parseInput, TOKEN_PATTERN } from "@/lib/validation";

export const RESET_TTL_MS = 60 * 60 * 1000;
/** Reset emails per account per hour; requests beyond it are answered as usual and send nothing. */
export const RESETS_PER_HOUR = 3;

export const RESET_REQUESTED_MESSAGE = "If an account exists for that email, we sent a link to reset its password. It is valid for 1 hour.";
export const WRONG_CURRENT_PASSWORD = "That is not your current password.";

export const resetLink = (token: string) => new URL(`/reset-password/${token}`, env.APP_URL).toString();

// -------------------------------------------------------------------------------------------------
// Forgot password
// -------------------------------------------------------------------------------------------------

export const forgotSchema = z.object({
  email: z.string().trim().toLowerCase().max(254, "Use at most 254 characters.").email("Enter a valid email address, like you@company.com."),
});

/**
 * Sends a reset link to the account with this email, if there is one and it has had fewer than RESETS_PER_HOUR
 * links in the last hour. Always resolves with the same neutral message; only the link's hash is stored.
 */
export async function requestPasswordReset(raw: unknown, now = new Date()): Promise<{ message: string }> {
  const { email } = parseInput(forgotSchema, raw);
  const user = await db.user.findUnique({ where: { email }, select: { id: true, name: true } });
  if (!user) return { message: RESET_REQUESTED_MESSAGE };
  const { token, tokenHash } = newLinkToken();
  const expiresAt = new Date(now.getTime() + RESET_TTL_MS);
  const created = await db.$transaction(async (tx) => {
    // One request per account at a time, so two at once cannot both slip under the hourly limit.
    await tx.$queryRaw`SELECT id FROM "User" WHERE id = ${user.id} FOR UPDATE`;
    const recent = await tx.passwordReset.count({ where: { userId: user.id, createdAt: { gt: new Date(now.getTime() - RESET_TTL_MS) } } });
    if (recent >= RESETS_PER_HOUR) return null;
    return tx.passwordReset.create({ data: { userId: user.id, tokenHash, expiresAt, createdAt: now }, select: { id: true } });
  });
  if (!created) return { message: RESET_REQUESTED_MESSAGE };
  try {
    await sendEmail({
      to: email,
      subject: "Reset your Callsync password",
      text: [
        `Someone (hopefully you) asked to reset the password of the Callsync account ${email}.`,
        "",
        `Choose a new password: ${resetLink(token)}`,
        "",
        `The link works once and expires on ${expiresAt.toUTCString()}. Setting a new password signs you out everywhere.`,
        "If you did not ask for this, ignore this email; your password stays as it is.",
      ].join("\n"),
    });
  } catch (error) {
    // The answer must not differ for an existing account, so a refused email is logged, not shown; the unused
    // row is removed so it does not count against the hourly limit.
    console.error("[accounts] password reset email failed", error);
    await db.passwordReset.delete({ where: { id: created.id } }).catch(() => undefined);
  }
  return { message: RESET_REQUESTED_MESSAGE };
}

// -------------------------------------------------------------------------------------------------
// Reset password (from the link)
// -------------------------------------------------------------------------------------------------

export type ResetState = "valid" | "expired" | "used" | "invalid";

export const RESET_STATE_MESSAGE: Record<Exclude<ResetState, "valid">, string> = {
  expired:
    "This reset link has expired. Links are valid for 1 hour and stop working once a newer one has been used. Request a new link and use it within the hour.",
  used: "This reset link was already used. Sign in with the password you chose, or request a new link if you need to reset it again.",
  invalid: "This reset link is not valid. Check that you copied the whole link from the email, or request a new one.",
};

function tokenOk(token: string): boolean {
  return TOKEN_PATTERN.test(token) && token.length <= 100;
}

/** What a reset link leads to, without changing anything. */
export async function inspectPasswordReset(token: string, now = new Date()): Promise<{ state: ResetState; email?: string }> {
  if (!tokenOk(token)) return { state: "invalid" };
  const reset = await db.passwordReset.findUnique({
    where: { tokenHash: hashLinkToken(token) },
    select: { expiresAt: true, usedAt: true, user: { select: { email: true } } },
  });
  if (!reset) return { state: "invalid" };
  const state: ResetState = reset.usedAt ? "used" : reset.expiresAt <= now ? "expired" : "valid";
  return { state, email: reset.user.email };
}

export const resetSchema = z.object({
  token: z.string().regex(TOKEN_PATTERN, RESET_STATE_MESSAGE.invalid).max(100, RESET_STATE_MESSAGE.invalid),
  password: z.string().max(1024, "Use at most 72 bytes."),
});

/**
 * Sets the password from a reset link. The link is single use even when two requests arrive at once (a
 * conditional update decides); in the same transaction the user's other open links stop working, every
 * session ends (sessionVersion) and each workspace the user is active in gets an audit entry. A refused reset
 * (bad link, weak password) writes nothing.
 */
export async function resetPassword(raw: unknown, now = new Date()): Promise<{ email: string }> {
  const input = parseInput(resetSchema, raw);
  const view = await inspectPasswordReset(input.token, now);
  if (view.state !== "valid") throw new ConflictError(RESET_STATE_MESSAGE[view.state]);
  const email = view.email!;
  const problem = passwordProblem(input.password, { email });
  if (problem) throw new ValidationError(problem, { password: problem });
  const passwordHash = await hashPassword(input.password);
  const tokenHash = hashLinkToken(input.token);
  await db.$transaction(async (tx) => {
    const claimed = await tx.passwordReset.updateMany({ where: { tokenHash, usedAt: null, expiresAt: { gt: now } }, data: { usedAt: now } });
    if (claimed.count !== 1) {
      const again = await tx.passwordReset.findUnique({ where: { tokenHash }, select: { usedAt: true } });
      throw new ConflictError(RESET_STATE_MESSAGE[again?.usedAt ? "used" : "expired"]);
    }
    const reset = await tx.passwordReset.findUniqueOrThrow({ where: { tokenHash }, select: { id: true, userId: true } });
    const user = await tx.user.update({
      where: { id: reset.userId },
      data: { passwordHash, sessionVersion: { increment: 1 } },
      select: { name: true, email: true, memberships: { where: { status: "ACTIVE" }, select: { workspaceId: true } } },
    });
    await tx.passwordReset.updateMany({
      where: { userId: reset.userId, usedAt: null, id: { not: reset.id }, expiresAt: { gt: now } },
      data: { expiresAt: now },
    });
    for (const m of user.memberships) {
      await recordAudit(
        {
          workspaceId: m.workspaceId,
          actorId: reset.userId,
          action: "account.password_reset",
          summary: `${user.name ?? user.email} reset their password with an email link (all their sessions were signed out)`,
          targetType: "user",
          targetId: reset.userId,
        },
        tx,
      );
    }
  });
  // The account's failed sign-ins are forgiven: the person just proved they own the mailbox.
  await recordLoginSuccess(email).catch((error) => console.error("[accounts] clearing the login throttle failed", error));
  return { email };
}

// -------------------------------------------------------------------------------------------------
// Settings -> Account
// -------------------------------------------------------------------------------------------------

export type AccountView = { name: string | null; email: string; hasPassword: boolean; timeZone: string | null };

export async function accountOverview(userId: string): Promise<AccountView> {
  const user = await db.user.findUnique({ where: { id: userId }, select: { name: true, email: true, passwordHash: true, timeZone: true } });
  if (!user) throw new NotFoundError("Your account");
  return { name: user.name, email: user.email, hasPassword: Boolean(user.passwordHash), timeZone: user.timeZone };
}

export const changePasswordSchema = z.object({
  currentPassword: z.string().max(1024, WRONG_CURRENT_PASSWORD),
  newPassword: z.string().max(1024, "Use at most 72 bytes."),
});

/**
 * Changes the signed-in user's password after checking the current one, and ends every session (the browser
 * that asked signs in again with the new password). A wrong current password or a weak new one writes nothing.
 */
export async function changePassword(userId: string, raw: unknown, address = "direct"): Promise<{ email: string }> {
  const input = parseInput(changePasswordSchema, raw);
  const user = await db.user.findUnique({ where: { id: userId }, select: { email: true, name: true, passwordHash: true } });
  if (!user) throw new NotFoundError("Your account");
  if (!user.passwordHash) {
    const message = "Your account has no password yet (you sign in with Google). Use “Forgot password?” on the sign-in page to set one.";
    throw new ValidationError(message, { currentPassword: message });
  }
  // Wrong current passwords count like failed sign-ins (lib/auth/throttle.ts), so a stolen session cannot be
  // used to guess the password here without limit.
  const wait = await loginWaitSeconds(user.email, address);
  if (wait > 0) throw new TooManyAttemptsError(`Too many wrong passwords. Try again in ${waitText(wait)}, or reset your password.`, wait);
  if (!input.currentPassword || !(await verifyPassword(input.currentPassword, user.passwordHash))) {
    await recordLoginFailure(user.email, address);
    throw new ValidationError(WRONG_CURRENT_PASSWORD, { currentPassword: WRONG_CURRENT_PASSWORD });
  }
  const problem = passwordProblem(input.newPassword, { email: user.email, name: user.name });
  if (problem) throw new ValidationError(problem, { newPassword: problem });
  const passwordHash = await hashPassword(input.newPassword);
  // Only if the stored hash is still the one we checked: two changes at once cannot both win.
  const updated = await db.user.updateMany({
    where: { id: userId, passwordHash: user.passwordHash },
    data: { passwordHash, sessionVersion: { increment: 1 } },
  });
  if (updated.count !== 1) throw new ConflictError("Your password was changed at the same time from somewhere else. Sign in again and retry.");
  return { email: user.email };
}

/** "Sign out of all sessions": every open session, this browser's included, ends on its next request. */
export async function signOutEverywhere(userId: string): Promise<void> {
  await db.user.update({ where: { id: userId }, data: { sessionVersion: { increment: 1 } } });
}
