// Accepting an invitation (/invite/<token>): the link is single use, bound to the invited email and valid 7 days.
// A new person sets their name and password; someone who already has an account signs in with it and joins.
import "server-only";
import { z } from "zod";
import { recordAudit } from "@/lib/audit";
import { hashPassword } from "@/lib/auth/password";
import { passwordProblem } from "@/lib/auth/password-policy";
import { db } from "@/lib/db";
import { ConflictError, ValidationError } from "@/lib/errors";
import { onMemberJoined } from "@/lib/integrations/member-sync";
import { hashLinkToken } from "@/lib/tokens";
import { isOneLine, parseInput, TOKEN_PATTERN } from "@/lib/validation";

export type InvitationState = "valid" | "expired" | "revoked" | "used" | "invalid";

export type InvitationView = {
  state: InvitationState;
  email?: string;
  role?: "ADMIN" | "MEMBER";
  workspaceId?: string;
  workspaceName?: string;
  invitedBy?: string | null;
  expiresAt?: string;
  accountExists?: boolean;
};

/** What an invitation link leads to, without changing anything. */
export async function inspectInvitation(token: string, now = new Date()): Promise<InvitationView> {
  if (!TOKEN_PATTERN.test(token) || token.length > 100) return { state: "invalid" };
  const inv = await db.invitation.findUnique({
    where: { tokenHash: hashLinkToken(token) },
    select: {
      email: true,
      role: true,
      expiresAt: true,
      acceptedAt: true,
      revokedAt: true,
      workspace: { select: { id: true, name: true } },
      invitedBy: { select: { name: true, email: true } },
    },
  });
  if (!inv) return { state: "invalid" };
  const state: InvitationState = inv.acceptedAt ? "used" : inv.revokedAt ? "revoked" : inv.expiresAt <= now ? "expired" : "valid";
  const accountExists = (await db.user.findUnique({ where: { email: inv.email }, select: { id: true } })) !== null;
  return {
    state,
    email: inv.email,
    role: inv.role,
    workspaceId: inv.workspace.id,
    workspaceName: inv.workspace.name,
    invitedBy: inv.invitedBy?.name ?? inv.invitedBy?.email ?? null,
    expiresAt: inv.expiresAt.toISOString(),
    accountExists,
  };
}

export const STATE_MESSAGE: Record<Exclude<InvitationState, "valid">, string> = {
  expired: "This invitation has expired. Ask an admin of the workspace to send you a new one.",
  revoked: "This invitation was revoked. Ask an admin of the workspace for a new invitation if you still need access.",
  used: "This invitation was already used. Sign in with the account that accepted it.",
  invalid: "This invitation link is not valid. Check that you copied the whole link, or ask an admin for a new invitation.",
};

export const acceptSchema = z.object({
  token: z.string().regex(TOKEN_PATTERN, "This invitation link is not valid.").max(100, "This invitation link is not valid."),
  name: z.string().trim().max(120, "Use at most 120 characters.").refine(isOneLine, "Use a name without control characters.").optional(),
  password: z.string().max(1024, "Use at most 72 bytes.").optional(),
});

/**
 * Accepts the invitation for `signedIn` (their account must have the invited email) or for a new account created
 * from name + password. Exactly one acceptance wins even when two tabs submit at once; a refused acceptance writes
 * nothing.
 */
export async function acceptInvitation(raw: unknown, signedIn: { userId: string; email: string; name?: string | null } | null, now = new Date()) {
  const input = parseInput(acceptSchema, raw);
  const view = await inspectInvitation(input.token, now);
  if (view.state !== "valid") throw new ConflictError(STATE_MESSAGE[view.state]);
  const email = view.email!;
  if (signedIn && signedIn.email !== email) throw new ConflictError(`This invitation is for ${email}. Sign out, then open the link again.`);
  let passwordHash: string | null = null;
  let name: string | null = signedIn?.name ?? null;
  if (!signedIn) {
    if (view.accountExists) throw new ConflictError(`${email} already has a Callsync account. Sign in with it, then open the link again.`);
    name = input.name?.trim() || null;
    if (!name) throw new ValidationError("Enter your name.", { name: "Enter your name." });
    const problem = passwordProblem(input.password ?? "", { email, name });
    if (problem) throw new ValidationError(problem, { password: problem });
    passwordHash = await hashPassword(input.password!);
  }
  const result = await db
    .$transaction(async (tx) => {
      const claimed = await tx.invitation.updateMany({
        where: { tokenHash: hashLinkToken(input.token), acceptedAt: null, revokedAt: null, expiresAt: { gt: now } },
        data: { acceptedAt: now, tokenCiphertext: null },
      });
      if (claimed.count !== 1) throw new ConflictError(STATE_MESSAGE.used);
      const userId = signedIn
        ? signedIn.userId
        : (await tx.user.create({ data: { email, name, passwordHash, lastWorkspaceId: view.workspaceId! }, select: { id: true } })).id;
      await tx.invitation.updateMany({ where: { tokenHash: hashLinkToken(input.token) }, data: { acceptedById: userId } });
      const existing = await tx.membership.findUnique({ where: { userId_workspaceId: { userId, workspaceId: view.workspaceId! } }, select: { id: true } });
      if (existing) throw new ConflictError("You are already a member of this workspace. Sign in to open it.");
      await tx.membership.create({ data: { userId, workspaceId: view.workspaceId!, role: view.role!, status: "ACTIVE" } });
      await tx.user.update({ where: { id: userId }, data: { lastWorkspaceId: view.workspaceId! } });
      await recordAudit(
        {
          workspaceId: view.workspaceId!,
          actorId: userId,
          action: "invitation.accepted",
          summary: `${name ?? email} joined the workspace (${email})`,
          targetType: "user",
          targetId: userId,
        },
        tx,
      );
      return { userId, workspaceId: view.workspaceId!, email };
    })
    .catch((error: unknown) => {
      // The same address accepting two invitations (two workspaces) at once as a new account: the user's unique
      // email decides, and the loser is told to sign in, with nothing written for it.
      if ((error as { code?: string }).code === "P2002")
        throw new ConflictError(`${email} already has a Callsync account. Sign in with it, then open the link again.`);
      throw error;
    });
  await onMemberJoined(result.workspaceId, result.userId);
  return result;
}
