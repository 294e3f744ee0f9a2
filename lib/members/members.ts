// Workspace members and invitations (Settings → Members): who is in the workspace, with which role and status,
// matched to which provider user; invitations by email (single use, bound to the email, valid 7 days); role
// changes, deactivation and removal, never leaving a workspace without an active admin. Every change is
// recorded in the activity log. Admin-only checks happen in the routes (withWorkspace role ADMIN); every
// function here scopes by the actor's workspace, so an id from another workspace is simply not found.
import "server-only";
import { z } from "zod";
import { recordAudit } from "@/lib/audit";
import type { Role } from "@/lib/auth/session";
import { openSecret, sealSecret } from "@/lib/secrets";
import { db, type Prisma } from "@/lib/db";
import { env } from "@/lib/env";
import { ConflictError, CryptoError, NotFoundError, ValidationError } from "@/lib/errors";
import { sendEmail } from "@/lib/mail";
import { providerName, RECORDER_IDS } from "@/lib/providers/registry";
import { newLinkToken } from "@/lib/tokens";
import { parseInput } from "@/lib/validation";

export const INVITATION_TTL_MS = 7 * 86_400_000;
export const MAX_INVITES_PER_REQUEST = 50;
export const LAST_ADMIN_MESSAGE = "A workspace needs at least one admin. Make someone else an admin first.";

export type MemberActor = { workspaceId: string; workspaceName: string; userId: string; name: string | null; email: string };

const ROLE_LABEL: Record<Role, string> = { ADMIN: "Admin", MEMBER: "Member" };

export const inviteLink = (token: string) => new URL(`/invite/${token}`, env.APP_URL).toString();

// -------------------------------------------------------------------------------------------------
// Reading
// -------------------------------------------------------------------------------------------------

export type MemberRow = {
  kind: "member";
  membershipId: string;
  userId: string;
  name: string | null;
  email: string;
  role: Role;
  status: "ACTIVE" | "DEACTIVATED";
  lastSignInAt: string | null;
  joinedAt: string;
  matches: Array<{ provider: string; label: string }>;
};

export type InvitationRow = {
  kind: "invitation";
  invitationId: string;
  email: string;
  role: Role;
  status: "INVITED" | "EXPIRED";
  invitedBy: string | null;
  lastSentAt: string;
  expiresAt: string;
};

/** Members (with their provider-user match on every connected integration) and pending invitations. */
export async function listMembers(workspaceId: string, now = new Date()) {
  const [memberships, invitations, integrations] = await Promise.all([
    db.membership.findMany({
      where: { workspaceId },
      orderBy: { createdAt: "asc" },
      select: { id: true, role: true, status: true, createdAt: true, user: { select: { id: true, name: true, email: true, lastSignInAt: true } } },
    }),
    db.invitation.findMany({
      where: { workspaceId, acceptedAt: null, revokedAt: null },
      orderBy: { createdAt: "asc" },
      select: { id: true, email: true, role: true, lastSentAt: true, expiresAt: true, invitedBy: { select: { name: true, email: true } } },
    }),
    db.integration.findMany({
      // Call recorders: their users are matched to members (a CRM's owners are matched to deals instead).
      where: { workspaceId, provider: { in: [...RECORDER_IDS] }, status: { in: ["CONNECTED", "SYNCING", "RECONNECT_REQUIRED"] } },
      orderBy: { createdAt: "asc" },
      select: {
        id: true,
        provider: true,
        providerUsers: { where: { workspaceUserId: { not: null } }, select: { workspaceUserId: true, name: true, email: true } },
      },
    }),
  ]);
  const members: MemberRow[] = memberships.map((m) => ({
    kind: "member",
    membershipId: m.id,
    userId: m.user.id,
    name: m.user.name,
    email: m.user.email,
    role: m.role,
    status: m.status,
    lastSignInAt: m.user.lastSignInAt?.toISOString() ?? null,
    joinedAt: m.createdAt.toISOString(),
    matches: integrations.map((i) => {
      const match = i.providerUsers.find((p) => p.workspaceUserId === m.user.id);
      const provider = providerName(i.provider);
      return { provider, label: `${provider}: ${match ? (match.name ?? match.email ?? "matched") : "not found"}` };
    }),
  }));
  const pending: InvitationRow[] = invitations.map((inv) => ({
    kind: "invitation",
    invitationId: inv.id,
    email: inv.email,
    role: inv.role,
    status: inv.expiresAt > now ? "INVITED" : "EXPIRED",
    invitedBy: inv.invitedBy?.name ?? inv.invitedBy?.email ?? null,
    lastSentAt: inv.lastSentAt.toISOString(),
    expiresAt: inv.expiresAt.toISOString(),
  }));
  return { members, invitations: pending, integrations: integrations.map((i) => providerName(i.provider)) };
}

// -------------------------------------------------------------------------------------------------
// Invitations
// -------------------------------------------------------------------------------------------------

const emailSchema = z.string().email();

export const inviteSchema = z.object({
  emails: z.string().max(20_000, "Paste at most 50 addresses at a time."),
  role: z.enum(["ADMIN", "MEMBER"], { message: "Choose Member or Admin." }),
});

/** "a@x.com, b@y.com\nc@z.com" → lower-cased, de-duplicated addresses. */
export function splitEmails(text: string): string[] {
  return [
    ...new Set(
      text
        .split(/[\s,;]+/)
        .map((e) => e.trim().replace(/^<|>$/g, "").toLowerCase())
        .filter(Boolean),
    ),
  ];
}

export type InviteOutcome = {
  email: string;
  result: "invited" | "not_sent" | "already_member" | "already_invited" | "deactivated";
  message: string;
  link?: string;
};

async function sendInvitationEmail(actor: MemberActor, email: string, role: Role, token: string, expiresAt: Date) {
  const inviter = actor.name ?? actor.email;
  const link = inviteLink(token);
  await sendEmail({
    to: email,
    subject: `${inviter} invited you to ${actor.workspaceName} on Callsync`,
    text: [
      `${inviter} (${actor.email}) invited you to join ${actor.workspaceName} on Callsync as ${ROLE_LABEL[role] === "Admin" ? "an admin" : "a member"}.`,
      "",
      `Accept the invitation: ${link}`,
      "",
      `The link works once and expires on ${expiresAt.toUTCString()}. If you did not expect it, ignore this email.`,
    ].join("\n"),
  });
  return link;
}

/**
 * Invites one or many addresses. The whole request is refused (nothing written) when any address is not valid;
 * an address that is already a member or already invited is reported, not invited again.
 */
export async function invite(actor: MemberActor, raw: unknown, now = new Date()): Promise<InviteOutcome[]> {
  const input = parseInput(inviteSchema, raw);
  const emails = splitEmails(input.emails);
  if (emails.length === 0) throw new ValidationError("Enter at least one email address.", { emails: "Enter at least one email address." });
  if (emails.length > MAX_INVITES_PER_REQUEST) {
    throw new ValidationError(`Invite at most ${MAX_INVITES_PER_REQUEST} people at a time.`, {
      emails: `Invite at most ${MAX_INVITES_PER_REQUEST} people at a time.`,
    });
  }
  const invalid = emails.filter((e) => !emailSchema.safeParse(e).success || e.length > 254);
  if (invalid.length) {
    const message = `Not a valid email address: ${invalid.join(", ")}. Fix ${invalid.length === 1 ? "it" : "them"} and send again; nobody was invited.`;
    throw new ValidationError(message, { emails: message });
  }
  const outcomes: InviteOutcome[] = [];
  for (const email of emails) {
    const { token, tokenHash } = newLinkToken();
    const expiresAt = new Date(now.getTime() + INVITATION_TTL_MS);
    // One transaction per address, serialised per (workspace, address) by an advisory lock: two admins (or two
    // tabs) inviting the same person at once create one invitation, and the second is told it is pending.
    const refused = await db.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`invite:${actor.workspaceId}:${email}`}, 0))`;
      const member = await tx.membership.findFirst({ where: { workspaceId: actor.workspaceId, user: { email } }, select: { status: true } });
      if (member?.status === "DEACTIVATED") {
        return {
          email,
          result: "deactivated",
          message: `${email} is a deactivated member of this workspace. Reactivate them in the list below instead.`,
        } as const;
      }
      if (member) return { email, result: "already_member", message: `${email} is already a member of this workspace.` } as const;
      const pending = await tx.invitation.findFirst({
        where: { workspaceId: actor.workspaceId, email, acceptedAt: null, revokedAt: null, expiresAt: { gt: now } },
        select: { id: true },
      });
      if (pending) return { email, result: "already_invited", message: `${email} already has a pending invitation. Resend it instead.` } as const;
      // Earlier expired invitations for the address are superseded (revoked) by the new one.
      await tx.invitation.updateMany({ where: { workspaceId: actor.workspaceId, email, acceptedAt: null, revokedAt: null }, data: { revokedAt: now } });
      const created = await tx.invitation.create({
        data: {
          workspaceId: actor.workspaceId,
          email,
          role: input.role,
          tokenHash,
          invitedById: actor.userId,
          lastSentAt: now,
          expiresAt,
        },
        select: { id: true },
      });
      // Encrypted bound to the row's id (lib/secrets.ts), known once the row exists.
      await tx.invitation.update({ where: { id: created.id }, data: { tokenCiphertext: sealSecret("invitation.token", created.id, token) } });
      await recordAudit(
        {
          workspaceId: actor.workspaceId,
          actorId: actor.userId,
          action: "invitation.sent",
          summary: `Invited ${email} as ${ROLE_LABEL[input.role]}`,
          targetType: "invitation",
          targetId: created.id,
        },
        tx,
      );
      return null;
    });
    if (refused) {
      outcomes.push(refused);
      continue;
    }
    // The invitation stands even when the mail server refuses: the admin is told, and can copy the link or resend.
    try {
      const link = await sendInvitationEmail(actor, email, input.role, token, expiresAt);
      outcomes.push({ email, result: "invited", message: `Invitation sent to ${email}.`, link });
    } catch (error) {
      console.warn(`[members] invitation email to ${email} failed: ${(error as Error).message}`);
      outcomes.push({
        email,
        result: "not_sent",
        message: `Invitation created for ${email}, but the email could not be sent. Copy the link and send it yourself, or resend it later.`,
        link: inviteLink(token),
      });
    }
  }
  return outcomes;
}

/** The invitation's token; one that no longer decrypts (key changed, value altered) cannot be sent again. */
function invitationToken(invitationId: string, envelope: string): string {
  try {
    return openSecret("invitation.token", invitationId, envelope);
  } catch (e) {
    if (!(e instanceof CryptoError)) throw e;
    throw new ConflictError("This invitation's link can no longer be read (the encryption key changed). Revoke it and invite the person again.");
  }
}

async function pendingInvitation(workspaceId: string, invitationId: string) {
  const inv = await db.invitation.findFirst({
    where: { id: invitationId, workspaceId, acceptedAt: null, revokedAt: null },
    select: { id: true, email: true, role: true, tokenCiphertext: true, expiresAt: true },
  });
  if (!inv) throw new NotFoundError("That invitation");
  return inv;
}

/** Sends the invitation again with a fresh 7-day expiry (same link). */
export async function resendInvitation(actor: MemberActor, invitationId: string, now = new Date()) {
  const inv = await pendingInvitation(actor.workspaceId, invitationId);
  if (!inv.tokenCiphertext) throw new ConflictError("This invitation cannot be resent. Revoke it and invite the person again.");
  const expiresAt = new Date(now.getTime() + INVITATION_TTL_MS);
  await db.invitation.update({ where: { id: inv.id }, data: { expiresAt, lastSentAt: now } });
  await recordAudit({
    workspaceId: actor.workspaceId,
    actorId: actor.userId,
    action: "invitation.resent",
    summary: `Resent the invitation to ${inv.email}`,
    targetType: "invitation",
    targetId: inv.id,
  });
  await sendInvitationEmail(actor, inv.email, inv.role, invitationToken(inv.id, inv.tokenCiphertext), expiresAt);
  return { email: inv.email, expiresAt: expiresAt.toISOString() };
}

/** The invitation's link, for an admin to copy (works until it is accepted, revoked or expired). */
export async function invitationLink(actor: MemberActor, invitationId: string, now = new Date()) {
  const inv = await pendingInvitation(actor.workspaceId, invitationId);
  if (inv.expiresAt <= now)
    throw new ConflictError("This invitation has expired, so its link no longer works. Resend it: the same link then works for 7 more days.");
  if (!inv.tokenCiphertext) throw new ConflictError("This invitation's link cannot be shown. Resend or revoke it.");
  return { email: inv.email, link: inviteLink(invitationToken(inv.id, inv.tokenCiphertext)) };
}

export async function revokeInvitation(actor: MemberActor, invitationId: string, now = new Date()) {
  const inv = await pendingInvitation(actor.workspaceId, invitationId);
  await db.invitation.update({ where: { id: inv.id }, data: { revokedAt: now, tokenCiphertext: null } });
  await recordAudit({
    workspaceId: actor.workspaceId,
    actorId: actor.userId,
    action: "invitation.revoked",
    summary: `Revoked the invitation to ${inv.email}`,
    targetType: "invitation",
    targetId: inv.id,
  });
  return { email: inv.email };
}

// -------------------------------------------------------------------------------------------------
// Members
// -------------------------------------------------------------------------------------------------

type Tx = Prisma.TransactionClient;

/**
 * Runs a membership change with the workspace's memberships locked, so two admins demoting or removing each
 * other at once cannot leave the workspace without an active admin: the second waits and then sees the first.
 */
async function withLockedMembers<T>(
  workspaceId: string,
  membershipId: string,
  fn: (tx: Tx, target: { id: string; userId: string; role: Role; status: string; name: string | null; email: string }) => Promise<T>,
) {
  return db.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT id FROM "Membership" WHERE "workspaceId" = ${workspaceId} FOR UPDATE`;
    const target = await tx.membership.findFirst({
      where: { id: membershipId, workspaceId },
      select: { id: true, userId: true, role: true, status: true, user: { select: { name: true, email: true } } },
    });
    if (!target) throw new NotFoundError("That member");
    return fn(tx, { id: target.id, userId: target.userId, role: target.role, status: target.status, name: target.user.name, email: target.user.email });
  });
}

async function assertAnotherActiveAdmin(tx: Tx, workspaceId: string, membershipId: string) {
  const others = await tx.membership.count({ where: { workspaceId, role: "ADMIN", status: "ACTIVE", id: { not: membershipId } } });
  if (others === 0) throw new ConflictError(LAST_ADMIN_MESSAGE);
}

export const roleSchema = z.object({ role: z.enum(["ADMIN", "MEMBER"], { message: "Choose Member or Admin." }) });

export async function changeRole(actor: MemberActor, membershipId: string, raw: unknown) {
  const { role } = parseInput(roleSchema, raw);
  return withLockedMembers(actor.workspaceId, membershipId, async (tx, target) => {
    if (target.role === role) return { role };
    if (target.role === "ADMIN" && target.status === "ACTIVE") await assertAnotherActiveAdmin(tx, actor.workspaceId, target.id);
    await tx.membership.update({ where: { id: target.id }, data: { role } });
    await recordAudit(
      {
        workspaceId: actor.workspaceId,
        actorId: actor.userId,
        action: "member.role_changed",
        summary: `Changed ${target.name ?? target.email}'s role to ${ROLE_LABEL[role]}`,
        targetType: "user",
        targetId: target.userId,
        detail: { from: target.role, to: role },
      },
      tx,
    );
    return { role };
  });
}

/**
 * Deactivates a member: they can no longer use this workspace, and every open session of theirs ends on its next
 * request (the session version moves on). Their synced calls stay.
 */
export async function deactivateMember(actor: MemberActor, membershipId: string, now = new Date()) {
  return withLockedMembers(actor.workspaceId, membershipId, async (tx, target) => {
    if (target.status === "DEACTIVATED") return { status: "DEACTIVATED" as const };
    if (target.role === "ADMIN") await assertAnotherActiveAdmin(tx, actor.workspaceId, target.id);
    await tx.membership.update({ where: { id: target.id }, data: { status: "DEACTIVATED", deactivatedAt: now } });
    await tx.user.update({ where: { id: target.userId }, data: { sessionVersion: { increment: 1 } } });
    await recordAudit(
      {
        workspaceId: actor.workspaceId,
        actorId: actor.userId,
        action: "member.deactivated",
        summary: `Deactivated ${target.name ?? target.email}`,
        targetType: "user",
        targetId: target.userId,
      },
      tx,
    );
    return { status: "DEACTIVATED" as const };
  });
}

export async function reactivateMember(actor: MemberActor, membershipId: string) {
  const result = await withLockedMembers(actor.workspaceId, membershipId, async (tx, target) => {
    if (target.status === "ACTIVE") return { status: "ACTIVE" as const, userId: target.userId, changed: false };
    await tx.membership.update({ where: { id: target.id }, data: { status: "ACTIVE", deactivatedAt: null } });
    await recordAudit(
      {
        workspaceId: actor.workspaceId,
        actorId: actor.userId,
        action: "member.reactivated",
        summary: `Reactivated ${target.name ?? target.email}`,
        targetType: "user",
        targetId: target.userId,
      },
      tx,
    );
    return { status: "ACTIVE" as const, userId: target.userId, changed: true };
  });
  return result;
}

/** Removes a member from the workspace (their account, other workspaces and synced calls stay); their sessions end. */
export async function removeMember(actor: MemberActor, membershipId: string) {
  return withLockedMembers(actor.workspaceId, membershipId, async (tx, target) => {
    if (target.role === "ADMIN" && target.status === "ACTIVE") await assertAnotherActiveAdmin(tx, actor.workspaceId, target.id);
    await tx.membership.delete({ where: { id: target.id } });
    await tx.user.update({ where: { id: target.userId }, data: { sessionVersion: { increment: 1 } } });
    await recordAudit(
      {
        workspaceId: actor.workspaceId,
        actorId: actor.userId,
        action: "member.removed",
        summary: `Removed ${target.name ?? target.email} from the workspace`,
        targetType: "user",
        targetId: target.userId,
      },
      tx,
    );
    return { removed: true };
  });
}
