// Issue 13: workspace members and invitations (lib/members): inviting many at once, the invitation link and its
// lifecycle (resend, revoke, expiry, single use, bound to the email), role changes, the last-admin rule,
// deactivation / reactivation / removal, workspace scoping and the activity log. Real PostgreSQL; other files run
// in parallel on the same database, so every assertion is about rows this file created.
import { afterAll, describe, expect, it, vi } from "vitest";

// Addresses whose invitation email the "mail server" refuses (everything else goes to the outbox as usual).
const mailFailures = vi.hoisted(() => new Set<string>());
vi.mock("@/lib/mail", async (importOriginal) => {
  const actual = await importOriginal<typeof import("@/lib/mail")>();
  return {
    ...actual,
    sendEmail: async (message: Parameters<typeof actual.sendEmail>[0]) => {
      if (mailFailures.has(message.to)) throw new Error("554 5.7.1 Relay access denied");
      return actual.sendEmail(message);
    },
  };
});
import { verifyPassword } from "@/lib/auth/password";
import { db } from "@/lib/db";
import { ConflictError, NotFoundError, ValidationError } from "@/lib/errors";
import { acceptInvitation, inspectInvitation } from "@/lib/members/accept";
import {
  changeRole,
  deactivateMember,
  INVITATION_TTL_MS,
  invitationLink,
  invite,
  LAST_ADMIN_MESSAGE,
  listMembers,
  reactivateMember,
  removeMember,
  resendInvitation,
  revokeInvitation,
  type MemberActor,
} from "@/lib/members/members";
import { hashLinkToken } from "@/lib/tokens";
import { createWorkspace, uid } from "../support/db";

afterAll(() => db.$disconnect());

const STRONG = "Correct-horse-battery-staple-7";
const DAY = 86_400_000;

type Ws = Awaited<ReturnType<typeof createWorkspace>>;
type U = Ws["admin"];

const actorOf = (ws: Ws, user: U = ws.admin): MemberActor => ({
  workspaceId: ws.workspace.id,
  workspaceName: ws.workspace.name,
  userId: user.id,
  name: user.name,
  email: user.email,
});

const email = (label = "person") => `${label}-${uid()}@test.local`;

async function membershipOf(ws: Ws, user: U) {
  return db.membership.findUniqueOrThrow({ where: { userId_workspaceId: { userId: user.id, workspaceId: ws.workspace.id } } });
}

async function emailsTo(to: string) {
  return db.outboxEmail.findMany({ where: { to }, orderBy: { createdAt: "asc" } });
}

/** The /invite/<token> link of the newest email to the address, and its token. */
async function latestInvite(to: string) {
  const [mail] = await db.outboxEmail.findMany({ where: { to }, orderBy: { createdAt: "desc" }, take: 1 });
  if (!mail) throw new Error(`no email to ${to}`);
  const match = mail.text.match(/https?:\/\/\S+\/invite\/([A-Za-z0-9_-]+)/);
  if (!match) throw new Error(`no invitation link in: ${mail.text}`);
  return { mail, link: match[0], token: match[1]! };
}

async function audits(workspaceId: string, action?: string) {
  return db.auditEvent.findMany({ where: { workspaceId, ...(action ? { action } : {}) }, orderBy: { createdAt: "asc" } });
}

/** Everything the members code can write for a workspace (and the outbox for some addresses). */
async function snapshot(workspaceId: string, addresses: string[] = []) {
  const [memberships, invitations, auditEvents, outbox, users] = await Promise.all([
    db.membership.findMany({ where: { workspaceId }, orderBy: { id: "asc" } }),
    db.invitation.findMany({ where: { workspaceId }, orderBy: { id: "asc" } }),
    db.auditEvent.findMany({ where: { workspaceId }, orderBy: { id: "asc" } }),
    db.outboxEmail.findMany({ where: { to: { in: addresses } }, orderBy: { id: "asc" } }),
    db.user.findMany({ where: { OR: [{ memberships: { some: { workspaceId } } }, { email: { in: addresses } }] }, orderBy: { id: "asc" } }),
  ]);
  return { memberships, invitations, auditEvents, outbox, users };
}

/** Invites one address and returns the invitation row and the token from its email. */
async function inviteOne(ws: Ws, address: string, role: "ADMIN" | "MEMBER" = "MEMBER", now = new Date()) {
  const [outcome] = await invite(actorOf(ws), { emails: address, role }, now);
  expect(outcome).toMatchObject({ email: address, result: "invited" });
  const invitation = await db.invitation.findFirstOrThrow({ where: { workspaceId: ws.workspace.id, email: address, revokedAt: null, acceptedAt: null } });
  const { token, link } = await latestInvite(address);
  return { invitation, token, link, outcome: outcome! };
}

describe("inviting", () => {
  it("invites many addresses at once (comma and newline separated, duplicates collapse) with one outcome each", async () => {
    const ws = await createWorkspace("Northwind");
    const [a, b, c] = [email("a"), email("b"), email("c")];
    const outcomes = await invite(actorOf(ws), { emails: `${a}, ${b}\n${c}\n\n${a.toUpperCase()},${b}`, role: "MEMBER" });
    expect(outcomes.map((o) => [o.email, o.result, o.message])).toEqual([
      [a, "invited", `Invitation sent to ${a}.`],
      [b, "invited", `Invitation sent to ${b}.`],
      [c, "invited", `Invitation sent to ${c}.`],
    ]);
    const rows = await db.invitation.findMany({ where: { workspaceId: ws.workspace.id }, orderBy: { email: "asc" } });
    expect(rows.map((r) => [r.email, r.role, r.invitedById])).toEqual([
      [a, "MEMBER", ws.admin.id],
      [b, "MEMBER", ws.admin.id],
      [c, "MEMBER", ws.admin.id],
    ]);
    for (const row of rows) expect(row.expiresAt.getTime() - row.lastSentAt.getTime()).toBe(INVITATION_TTL_MS);
    for (const address of [a, b, c]) {
      expect(await emailsTo(address)).toHaveLength(1);
      const { token, link } = await latestInvite(address);
      // The outcome's link is the emailed one, and the database keeps only its hash.
      expect(outcomes.find((o) => o.email === address)!.link).toBe(link);
      expect(rows.find((r) => r.email === address)!.tokenHash).toBe(hashLinkToken(token));
      expect(rows.find((r) => r.email === address)!.tokenCiphertext).not.toContain(token);
    }
    const sent = await audits(ws.workspace.id, "invitation.sent");
    expect(sent.map((e) => e.summary).sort()).toEqual([`Invited ${a} as Member`, `Invited ${b} as Member`, `Invited ${c} as Member`].sort());
    expect(sent.every((e) => e.actorId === ws.admin.id && e.targetType === "invitation")).toBe(true);
    expect(sent.map((e) => e.targetId).sort()).toEqual(rows.map((r) => r.id).sort());
  });

  it("refuses the whole request when one address is not valid, writing no invitation, email or audit entry", async () => {
    const ws = await createWorkspace();
    const good = email("good");
    const before = await snapshot(ws.workspace.id, [good]);
    const refusal = invite(actorOf(ws), { emails: `${good}, not-an-email\nalso@bad`, role: "MEMBER" });
    await expect(refusal).rejects.toBeInstanceOf(ValidationError);
    await expect(refusal).rejects.toThrow("Not a valid email address: not-an-email, also@bad. Fix them and send again; nobody was invited.");
    await expect(invite(actorOf(ws), { emails: " ,\n ", role: "MEMBER" })).rejects.toThrow("Enter at least one email address.");
    await expect(invite(actorOf(ws), { emails: good, role: "OWNER" })).rejects.toThrow("Choose Member or Admin.");
    const tooMany = Array.from({ length: 51 }, (_, i) => `p${i}-${uid()}@test.local`).join(",");
    await expect(invite(actorOf(ws), { emails: tooMany, role: "MEMBER" })).rejects.toThrow("Invite at most 50 people at a time.");
    expect(await snapshot(ws.workspace.id, [good])).toEqual(before);
  });

  it("reports an address that is already a member, or already invited, and invites only the rest", async () => {
    const ws = await createWorkspace();
    const pending = email("pending");
    await inviteOne(ws, pending);
    const fresh = email("fresh");
    const outcomes = await invite(actorOf(ws), { emails: `${ws.member.email}\n${pending}\n${fresh}`, role: "ADMIN" });
    expect(outcomes.map((o) => [o.email, o.result, o.message])).toEqual([
      [ws.member.email, "already_member", `${ws.member.email} is already a member of this workspace.`],
      [pending, "already_invited", `${pending} already has a pending invitation. Resend it instead.`],
      [fresh, "invited", `Invitation sent to ${fresh}.`],
    ]);
    expect(outcomes[0]!.link).toBeUndefined();
    expect(outcomes[1]!.link).toBeUndefined();
    // Nothing new for the member or the pending address: one invitation, one email, the original role.
    expect(await db.invitation.findMany({ where: { workspaceId: ws.workspace.id, email: pending } })).toEqual([expect.objectContaining({ role: "MEMBER" })]);
    expect(await emailsTo(pending)).toHaveLength(1);
    expect(await db.invitation.count({ where: { email: ws.member.email } })).toBe(0);
    expect(await emailsTo(ws.member.email)).toHaveLength(0);
    expect((await audits(ws.workspace.id, "invitation.sent")).map((e) => e.summary)).toEqual([`Invited ${pending} as Member`, `Invited ${fresh} as Admin`]);
  });

  it("a deactivated member is still a member, not invited again: the admin is told to reactivate them", async () => {
    const ws = await createWorkspace();
    await deactivateMember(actorOf(ws), (await membershipOf(ws, ws.member)).id);
    const [outcome] = await invite(actorOf(ws), { emails: ws.member.email, role: "MEMBER" });
    expect(outcome).toMatchObject({
      result: "deactivated",
      message: `${ws.member.email} is a deactivated member of this workspace. Reactivate them in the list below instead.`,
    });
    expect(await emailsTo(ws.member.email)).toHaveLength(0);
    expect(await db.invitation.count({ where: { workspaceId: ws.workspace.id, email: ws.member.email } })).toBe(0);
  });

  it("two admins inviting the same address at the same moment create one invitation; the other is told it is pending", async () => {
    const ws = await createWorkspace();
    const to = email("twice");
    const outcomes = (await Promise.all([1, 2, 3].map(() => invite(actorOf(ws), { emails: to, role: "MEMBER" })))).flat();
    expect(outcomes.map((o) => o.result).sort()).toEqual(["already_invited", "already_invited", "invited"]);
    expect(await db.invitation.count({ where: { workspaceId: ws.workspace.id, email: to } })).toBe(1);
    expect(await emailsTo(to)).toHaveLength(1);
    expect(await audits(ws.workspace.id, "invitation.sent")).toHaveLength(1);
  });

  it("a mail server that refuses one address mid-batch: every invitation stands, the failed one says so and keeps its link", async () => {
    const ws = await createWorkspace();
    const [first, bounced, last] = [email("first"), email("bounced"), email("last")];
    mailFailures.add(bounced);
    try {
      const outcomes = await invite(actorOf(ws), { emails: `${first}, ${bounced}, ${last}`, role: "MEMBER" });
      expect(outcomes.map((o) => [o.email, o.result])).toEqual([
        [first, "invited"],
        [bounced, "not_sent"],
        [last, "invited"],
      ]);
      expect(outcomes[1]!.message).toBe(
        `Invitation created for ${bounced}, but the email could not be sent. Copy the link and send it yourself, or resend it later.`,
      );
      const stored = await db.invitation.findFirstOrThrow({ where: { workspaceId: ws.workspace.id, email: bounced } });
      expect(await invitationLink(actorOf(ws), stored.id)).toEqual({ email: bounced, link: outcomes[1]!.link });
      expect(await emailsTo(bounced)).toHaveLength(0);
      expect(await emailsTo(last)).toHaveLength(1);
    } finally {
      mailFailures.delete(bounced);
    }
  });

  it("the link of an expired invitation is not handed out: the admin is told to resend it", async () => {
    const ws = await createWorkspace();
    const to = email("late");
    const { invitation } = await inviteOne(ws, to, "MEMBER", new Date(Date.now() - 8 * DAY));
    await expect(invitationLink(actorOf(ws), invitation.id)).rejects.toThrow(
      "This invitation has expired, so its link no longer works. Resend it: the same link then works for 7 more days.",
    );
    await resendInvitation(actorOf(ws), invitation.id);
    expect((await invitationLink(actorOf(ws), invitation.id)).email).toBe(to);
  });

  it("emails the link with the workspace name, the inviter and the role; the link leads to a valid invitation", async () => {
    const ws = await createWorkspace("Globex Sales");
    const to = email("newbie");
    const { link, token, invitation } = await inviteOne(ws, to, "ADMIN");
    const { mail } = await latestInvite(to);
    expect(mail.subject).toBe("Admin invited you to Globex Sales on Callsync");
    expect(mail.text).toContain(`Admin (${ws.admin.email}) invited you to join Globex Sales on Callsync as an admin.`);
    expect(mail.text).toContain(`Accept the invitation: ${link}`);
    expect(link).toBe(`http://localhost:3000/invite/${token}`);
    expect(mail.text).toContain(invitation.expiresAt.toUTCString());
    expect(await inspectInvitation(token)).toEqual({
      state: "valid",
      email: to,
      role: "ADMIN",
      workspaceId: ws.workspace.id,
      workspaceName: "Globex Sales",
      invitedBy: "Admin",
      expiresAt: invitation.expiresAt.toISOString(),
      accountExists: false,
    });
  });

  it("invitationLink gives the admin the same working link as the email", async () => {
    const ws = await createWorkspace();
    const to = email("copy");
    const { link, invitation } = await inviteOne(ws, to);
    expect(await invitationLink(actorOf(ws), invitation.id)).toEqual({ email: to, link });
    const token = new URL((await invitationLink(actorOf(ws), invitation.id)).link).pathname.split("/").pop()!;
    expect((await inspectInvitation(token)).state).toBe("valid");
  });

  it("listMembers shows members with their status and pending invitations (expired ones as EXPIRED)", async () => {
    const ws = await createWorkspace();
    const now = new Date();
    const current = email("current");
    const old = email("old");
    await inviteOne(ws, current, "ADMIN", now);
    await inviteOne(ws, old, "MEMBER", new Date(now.getTime() - 8 * DAY));
    await deactivateMember(actorOf(ws), (await membershipOf(ws, ws.member)).id);
    const list = await listMembers(ws.workspace.id, now);
    expect(list.members.map((m) => [m.email, m.role, m.status])).toEqual([
      [ws.admin.email, "ADMIN", "ACTIVE"],
      [ws.member.email, "MEMBER", "DEACTIVATED"],
    ]);
    expect(list.invitations.map((i) => [i.email, i.role, i.status, i.invitedBy])).toEqual([
      [current, "ADMIN", "INVITED", "Admin"],
      [old, "MEMBER", "EXPIRED", "Admin"],
    ]);
    expect(list.integrations).toEqual([]);
  });
});

describe("invitation lifecycle", () => {
  it("resend keeps the link, extends the expiry and emails the same link again", async () => {
    const ws = await createWorkspace();
    const to = email("resend");
    const sentAt = new Date(Date.now() - 5 * DAY);
    const { invitation, link } = await inviteOne(ws, to, "MEMBER", sentAt);
    const now = new Date();
    const result = await resendInvitation(actorOf(ws), invitation.id, now);
    expect(result).toEqual({ email: to, expiresAt: new Date(now.getTime() + INVITATION_TTL_MS).toISOString() });
    const after = await db.invitation.findUniqueOrThrow({ where: { id: invitation.id } });
    expect(after.tokenHash).toBe(invitation.tokenHash);
    expect(after.expiresAt.getTime()).toBe(now.getTime() + INVITATION_TTL_MS);
    expect(after.expiresAt.getTime()).toBeGreaterThan(invitation.expiresAt.getTime());
    expect(after.lastSentAt.getTime()).toBe(now.getTime());
    const mails = await emailsTo(to);
    expect(mails).toHaveLength(2);
    expect(mails[1]!.text).toContain(link);
    expect(mails[1]!.text).toContain(after.expiresAt.toUTCString());
    expect((await audits(ws.workspace.id, "invitation.resent")).map((e) => [e.summary, e.targetId])).toEqual([
      [`Resent the invitation to ${to}`, invitation.id],
    ]);
  });

  it("resend brings an expired invitation back to life with the same link", async () => {
    const ws = await createWorkspace();
    const to = email("revive");
    const { invitation, token } = await inviteOne(ws, to, "MEMBER", new Date(Date.now() - 10 * DAY));
    expect((await inspectInvitation(token)).state).toBe("expired");
    await resendInvitation(actorOf(ws), invitation.id);
    expect((await inspectInvitation(token)).state).toBe("valid");
  });

  it("revoke: the link says revoked, accepting it is refused, and it can no longer be copied or resent", async () => {
    const ws = await createWorkspace();
    const to = email("revoked");
    const { invitation, token } = await inviteOne(ws, to);
    expect(await revokeInvitation(actorOf(ws), invitation.id)).toEqual({ email: to });
    const row = await db.invitation.findUniqueOrThrow({ where: { id: invitation.id } });
    expect(row.revokedAt).not.toBeNull();
    expect(row.tokenCiphertext).toBeNull();
    expect(await inspectInvitation(token)).toMatchObject({ state: "revoked", email: to });
    const accept = acceptInvitation({ token, name: "Rae", password: STRONG }, null);
    await expect(accept).rejects.toBeInstanceOf(ConflictError);
    await expect(accept).rejects.toThrow("This invitation was revoked. Ask an admin of the workspace for a new invitation if you still need access.");
    expect(await db.user.findUnique({ where: { email: to } })).toBeNull();
    await expect(invitationLink(actorOf(ws), invitation.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(resendInvitation(actorOf(ws), invitation.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(revokeInvitation(actorOf(ws), invitation.id)).rejects.toBeInstanceOf(NotFoundError);
    expect((await audits(ws.workspace.id, "invitation.revoked")).map((e) => e.summary)).toEqual([`Revoked the invitation to ${to}`]);
    expect((await listMembers(ws.workspace.id)).invitations).toEqual([]);
    // After a revoke the address can be invited again.
    const [again] = await invite(actorOf(ws), { emails: to, role: "MEMBER" });
    expect(again).toMatchObject({ result: "invited" });
  });

  it("expiry: after 7 days the link says expired and accepting it is refused", async () => {
    const ws = await createWorkspace();
    const to = email("expiring");
    const { invitation, token } = await inviteOne(ws, to);
    const later = new Date(invitation.expiresAt.getTime() + 1000);
    expect((await inspectInvitation(token, new Date(invitation.expiresAt.getTime() - 1000))).state).toBe("valid");
    expect((await inspectInvitation(token, later)).state).toBe("expired");
    await expect(acceptInvitation({ token, name: "Ex", password: STRONG }, null, later)).rejects.toThrow(
      "This invitation has expired. Ask an admin of the workspace to send you a new one.",
    );
    // The same through the stored expiry.
    await db.invitation.update({ where: { id: invitation.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect((await inspectInvitation(token)).state).toBe("expired");
    await expect(acceptInvitation({ token, name: "Ex", password: STRONG }, null)).rejects.toBeInstanceOf(ConflictError);
    expect(await db.user.findUnique({ where: { email: to } })).toBeNull();
    expect(await db.invitation.findUniqueOrThrow({ where: { id: invitation.id } })).toMatchObject({ acceptedAt: null });
  });

  it("inviting an address whose invitation expired replaces it with a new link", async () => {
    const ws = await createWorkspace();
    const to = email("reinvite");
    const { invitation, token } = await inviteOne(ws, to, "MEMBER", new Date(Date.now() - 8 * DAY));
    const fresh = await inviteOne(ws, to);
    expect(fresh.token).not.toBe(token);
    expect((await db.invitation.findUniqueOrThrow({ where: { id: invitation.id } })).revokedAt).not.toBeNull();
    expect((await inspectInvitation(token)).state).toBe("revoked");
    expect((await inspectInvitation(fresh.token)).state).toBe("valid");
  });

  it("an unknown or malformed token is 'invalid'", async () => {
    expect(await inspectInvitation("no-such-token-" + uid())).toEqual({ state: "invalid" });
    expect(await inspectInvitation("../../etc/passwd")).toEqual({ state: "invalid" });
    expect(await inspectInvitation("a".repeat(101))).toEqual({ state: "invalid" });
    await expect(acceptInvitation({ token: "no-such-token-" + uid(), name: "N", password: STRONG }, null)).rejects.toThrow(
      "This invitation link is not valid. Check that you copied the whole link, or ask an admin for a new invitation.",
    );
    await expect(acceptInvitation({ token: "bad token!", name: "N", password: STRONG }, null)).rejects.toBeInstanceOf(ValidationError);
  });
});

describe("accepting an invitation", () => {
  it("a new person: weak password and missing name are refused writing nothing; then joins with the invited role", async () => {
    const ws = await createWorkspace("Initech");
    const to = email("newhire");
    const { token, invitation } = await inviteOne(ws, to, "ADMIN");
    const before = await snapshot(ws.workspace.id, [to]);
    await expect(acceptInvitation({ token, name: "Nia New", password: "short" }, null)).rejects.toThrow("Use at least 12 characters.");
    await expect(acceptInvitation({ token, name: "Nia New", password: "password1234" }, null)).rejects.toBeInstanceOf(ValidationError);
    await expect(acceptInvitation({ token, name: "Nia New" }, null)).rejects.toBeInstanceOf(ValidationError);
    const noName = acceptInvitation({ token, name: "   ", password: STRONG }, null);
    await expect(noName).rejects.toBeInstanceOf(ValidationError);
    await expect(noName).rejects.toThrow("Enter your name.");
    expect(await db.user.findUnique({ where: { email: to } })).toBeNull();
    expect(await snapshot(ws.workspace.id, [to])).toEqual(before);
    expect((await inspectInvitation(token)).state).toBe("valid");

    const result = await acceptInvitation({ token, name: "  Nia New ", password: STRONG }, null);
    const user = await db.user.findUniqueOrThrow({ where: { email: to } });
    expect(result).toEqual({ userId: user.id, workspaceId: ws.workspace.id, email: to });
    expect(user.name).toBe("Nia New");
    expect(user.lastWorkspaceId).toBe(ws.workspace.id);
    expect(await verifyPassword(STRONG, user.passwordHash!)).toBe(true);
    expect(await db.membership.findMany({ where: { userId: user.id } })).toEqual([
      expect.objectContaining({ workspaceId: ws.workspace.id, role: "ADMIN", status: "ACTIVE" }),
    ]);
    const row = await db.invitation.findUniqueOrThrow({ where: { id: invitation.id } });
    expect(row.acceptedAt).not.toBeNull();
    expect(row.acceptedById).toBe(user.id);
    expect(row.tokenCiphertext).toBeNull();
    expect((await audits(ws.workspace.id, "invitation.accepted")).map((e) => [e.actorId, e.summary, e.targetId])).toEqual([
      [user.id, `Nia New joined the workspace (${to})`, user.id],
    ]);
    const list = await listMembers(ws.workspace.id);
    expect(list.invitations).toEqual([]);
    expect(list.members.find((m) => m.email === to)).toMatchObject({ name: "Nia New", role: "ADMIN", status: "ACTIVE" });
    // Inviting the address again now reports a member.
    expect((await invite(actorOf(ws), { emails: to, role: "MEMBER" }))[0]).toMatchObject({ result: "already_member" });
  });

  it("a used link is refused with 'already used' and changes nothing", async () => {
    const ws = await createWorkspace();
    const to = email("once");
    const { token } = await inviteOne(ws, to);
    await acceptInvitation({ token, name: "Una Once", password: STRONG }, null);
    const user = await db.user.findUniqueOrThrow({ where: { email: to } });
    expect((await inspectInvitation(token)).state).toBe("used");
    const before = await snapshot(ws.workspace.id, [to]);
    await expect(acceptInvitation({ token, name: "Una Once", password: STRONG }, null)).rejects.toThrow(
      "This invitation was already used. Sign in with the account that accepted it.",
    );
    await expect(acceptInvitation({ token }, { userId: user.id, email: to })).rejects.toThrow(/already used/);
    expect(await snapshot(ws.workspace.id, [to])).toEqual(before);
  });

  it("two acceptances of one link at once: exactly one wins", async () => {
    const ws = await createWorkspace();
    const to = email("race");
    const { token } = await inviteOne(ws, to);
    const results = await Promise.allSettled([
      acceptInvitation({ token, name: "Tab One", password: STRONG }, null),
      acceptInvitation({ token, name: "Tab Two", password: `${STRONG}x` }, null),
    ]);
    const won = results.filter((r) => r.status === "fulfilled");
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0]!.reason).toBeInstanceOf(ConflictError);
    const users = await db.user.findMany({ where: { email: to } });
    expect(users).toHaveLength(1);
    expect(await db.membership.count({ where: { userId: users[0]!.id, workspaceId: ws.workspace.id } })).toBe(1);
    expect(await audits(ws.workspace.id, "invitation.accepted")).toHaveLength(1);
  });

  it("signed in with another email: refused, nothing written", async () => {
    const ws = await createWorkspace();
    const other = await createWorkspace();
    const to = email("intended");
    const { token, invitation } = await inviteOne(ws, to);
    const before = await snapshot(ws.workspace.id, [to]);
    await expect(acceptInvitation({ token }, { userId: other.admin.id, email: other.admin.email })).rejects.toThrow(
      `This invitation is for ${to}. Sign out, then open the link again.`,
    );
    expect(await snapshot(ws.workspace.id, [to])).toEqual(before);
    expect(await db.membership.findFirst({ where: { userId: other.admin.id, workspaceId: ws.workspace.id } })).toBeNull();
    expect((await db.invitation.findUniqueOrThrow({ where: { id: invitation.id } })).acceptedAt).toBeNull();
  });

  it("signed in with the invited email: joins the workspace, keeping the account and its other workspaces", async () => {
    const ws = await createWorkspace("Hooli");
    const other = await createWorkspace("Elsewhere");
    const person = other.admin; // admin of another workspace, invited here as a member
    const { token } = await inviteOne(ws, person.email);
    expect(await inspectInvitation(token)).toMatchObject({ state: "valid", accountExists: true });
    const result = await acceptInvitation({ token }, { userId: person.id, email: person.email });
    expect(result).toEqual({ userId: person.id, workspaceId: ws.workspace.id, email: person.email });
    const memberships = await db.membership.findMany({ where: { userId: person.id }, orderBy: { createdAt: "asc" } });
    expect(memberships.map((m) => [m.workspaceId, m.role, m.status])).toEqual([
      [other.workspace.id, "ADMIN", "ACTIVE"],
      [ws.workspace.id, "MEMBER", "ACTIVE"],
    ]);
    const user = await db.user.findUniqueOrThrow({ where: { id: person.id } });
    expect(user.passwordHash).toBe(person.passwordHash);
    expect(user.name).toBe(person.name);
    expect(user.lastWorkspaceId).toBe(ws.workspace.id);
    expect(await db.user.count({ where: { email: person.email } })).toBe(1);
    expect(await audits(ws.workspace.id, "invitation.accepted")).toEqual([expect.objectContaining({ actorId: person.id, targetId: person.id })]);
  });

  it("the activity entry of a signed-in acceptance names the person", async () => {
    const ws = await createWorkspace();
    const other = await createWorkspace();
    const person = other.admin;
    const { token } = await inviteOne(ws, person.email);
    await acceptInvitation({ token }, { userId: person.id, email: person.email, name: person.name });
    expect((await audits(ws.workspace.id, "invitation.accepted")).map((e) => e.summary)).toEqual([`${person.name} joined the workspace (${person.email})`]);
  });

  it("a new address accepting invitations to two workspaces at the same moment: one account, the other told to sign in", async () => {
    const [a, b] = [await createWorkspace(), await createWorkspace()];
    const to = email("double");
    const [ta, tb] = [(await inviteOne(a, to)).token, (await inviteOne(b, to)).token];
    const results = await Promise.allSettled([
      acceptInvitation({ token: ta, name: "Dee Double", password: STRONG }, null),
      acceptInvitation({ token: tb, name: "Dee Double", password: STRONG }, null),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
    const refused = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(refused.reason).toBeInstanceOf(ConflictError);
    expect(refused.reason.message).toBe(`${to} already has a Callsync account. Sign in with it, then open the link again.`);
    expect(await db.user.count({ where: { email: to } })).toBe(1);
    expect(await db.membership.count({ where: { user: { email: to } } })).toBe(1);
    expect(await db.invitation.count({ where: { email: to, acceptedAt: { not: null } } })).toBe(1);
  });

  it("someone who is already a member is refused and the invitation stays unused (the claim is rolled back)", async () => {
    const ws = await createWorkspace();
    const other = await createWorkspace();
    const person = other.member;
    const { token, invitation } = await inviteOne(ws, person.email);
    // They joined by some other path in the meantime.
    await db.membership.create({ data: { userId: person.id, workspaceId: ws.workspace.id, role: "MEMBER" } });
    const before = await snapshot(ws.workspace.id, [person.email]);
    await expect(acceptInvitation({ token }, { userId: person.id, email: person.email })).rejects.toThrow(
      "You are already a member of this workspace. Sign in to open it.",
    );
    expect(await snapshot(ws.workspace.id, [person.email])).toEqual(before);
    expect(await db.invitation.findUniqueOrThrow({ where: { id: invitation.id } })).toMatchObject({ acceptedAt: null, acceptedById: null });
  });

  it("an existing account that is not signed in is told to sign in, nothing written", async () => {
    const ws = await createWorkspace();
    const other = await createWorkspace();
    const { token } = await inviteOne(ws, other.member.email);
    const before = await snapshot(ws.workspace.id, [other.member.email]);
    const refusal = acceptInvitation({ token, name: "Someone", password: STRONG }, null);
    await expect(refusal).rejects.toBeInstanceOf(ConflictError);
    await expect(refusal).rejects.toThrow(`${other.member.email} already has a Callsync account. Sign in with it, then open the link again.`);
    expect(await snapshot(ws.workspace.id, [other.member.email])).toEqual(before);
    const user = await db.user.findUniqueOrThrow({ where: { id: other.member.id } });
    expect(user.passwordHash).toBe(other.member.passwordHash);
    expect(user.name).toBe("Member");
    expect((await inspectInvitation(token)).state).toBe("valid");
  });
});

describe("roles and the last-admin rule", () => {
  it("changes a role, records it, and does nothing when the role is unchanged", async () => {
    const ws = await createWorkspace();
    const m = await membershipOf(ws, ws.member);
    expect(await changeRole(actorOf(ws), m.id, { role: "ADMIN" })).toEqual({ role: "ADMIN" });
    expect((await membershipOf(ws, ws.member)).role).toBe("ADMIN");
    expect(await changeRole(actorOf(ws), m.id, { role: "ADMIN" })).toEqual({ role: "ADMIN" });
    await changeRole(actorOf(ws), m.id, { role: "MEMBER" });
    expect((await membershipOf(ws, ws.member)).role).toBe("MEMBER");
    const events = await audits(ws.workspace.id, "member.role_changed");
    expect(events.map((e) => [e.summary, e.targetId, e.detail])).toEqual([
      ["Changed Member's role to Admin", ws.member.id, { from: "MEMBER", to: "ADMIN" }],
      ["Changed Member's role to Member", ws.member.id, { from: "ADMIN", to: "MEMBER" }],
    ]);
    const before = await snapshot(ws.workspace.id);
    await expect(changeRole(actorOf(ws), m.id, { role: "OWNER" })).rejects.toThrow("Choose Member or Admin.");
    expect(await snapshot(ws.workspace.id)).toEqual(before);
  });

  it("the only admin cannot demote, deactivate or remove themselves; nothing changes", async () => {
    const ws = await createWorkspace();
    const mine = await membershipOf(ws, ws.admin);
    const before = await snapshot(ws.workspace.id);
    for (const attempt of [
      () => changeRole(actorOf(ws), mine.id, { role: "MEMBER" }),
      () => deactivateMember(actorOf(ws), mine.id),
      () => removeMember(actorOf(ws), mine.id),
    ]) {
      const refusal = attempt();
      await expect(refusal).rejects.toBeInstanceOf(ConflictError);
      await expect(refusal).rejects.toThrow(LAST_ADMIN_MESSAGE);
    }
    expect(LAST_ADMIN_MESSAGE).toBe("A workspace needs at least one admin. Make someone else an admin first.");
    expect(await snapshot(ws.workspace.id)).toEqual(before);
  });

  it("a deactivated admin does not count as the other admin", async () => {
    const ws = await createWorkspace();
    const theirs = await membershipOf(ws, ws.member);
    await changeRole(actorOf(ws), theirs.id, { role: "ADMIN" });
    await deactivateMember(actorOf(ws), theirs.id);
    const mine = await membershipOf(ws, ws.admin);
    await expect(changeRole(actorOf(ws), mine.id, { role: "MEMBER" })).rejects.toThrow(LAST_ADMIN_MESSAGE);
    await expect(removeMember(actorOf(ws), mine.id)).rejects.toThrow(LAST_ADMIN_MESSAGE);
    expect((await membershipOf(ws, ws.admin)).role).toBe("ADMIN");
    // With a second active admin, the first may step down.
    await reactivateMember(actorOf(ws), theirs.id);
    await changeRole(actorOf(ws), mine.id, { role: "MEMBER" });
    expect((await membershipOf(ws, ws.admin)).role).toBe("MEMBER");
  });

  it("two admins demoting each other at the same moment leave exactly one admin", async () => {
    const ws = await createWorkspace();
    const a = await membershipOf(ws, ws.admin);
    const b = await membershipOf(ws, ws.member);
    await changeRole(actorOf(ws), b.id, { role: "ADMIN" });
    const results = await Promise.allSettled([
      changeRole(actorOf(ws, ws.admin), b.id, { role: "MEMBER" }),
      changeRole(actorOf(ws, ws.member), a.id, { role: "MEMBER" }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(lost).toHaveLength(1);
    expect(lost[0]!.reason).toBeInstanceOf(ConflictError);
    expect((lost[0]!.reason as Error).message).toBe(LAST_ADMIN_MESSAGE);
    expect(await db.membership.count({ where: { workspaceId: ws.workspace.id, role: "ADMIN", status: "ACTIVE" } })).toBe(1);
  });

  it("two admins removing / deactivating each other at the same moment leave exactly one active admin", async () => {
    const ws = await createWorkspace();
    const a = await membershipOf(ws, ws.admin);
    const b = await membershipOf(ws, ws.member);
    await changeRole(actorOf(ws), b.id, { role: "ADMIN" });
    const results = await Promise.allSettled([removeMember(actorOf(ws, ws.admin), b.id), deactivateMember(actorOf(ws, ws.member), a.id)]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(await db.membership.count({ where: { workspaceId: ws.workspace.id, role: "ADMIN", status: "ACTIVE" } })).toBe(1);
  });
});

describe("deactivating, reactivating and removing", () => {
  it("deactivate ends the member's sessions and marks them DEACTIVATED; reactivate brings them back", async () => {
    const ws = await createWorkspace();
    const m = await membershipOf(ws, ws.member);
    const at = new Date(Date.now() - 60_000);
    expect(await deactivateMember(actorOf(ws), m.id, at)).toEqual({ status: "DEACTIVATED" });
    expect(await membershipOf(ws, ws.member)).toMatchObject({ status: "DEACTIVATED", deactivatedAt: at, role: "MEMBER" });
    expect((await db.user.findUniqueOrThrow({ where: { id: ws.member.id } })).sessionVersion).toBe(ws.member.sessionVersion + 1);
    expect((await db.user.findUniqueOrThrow({ where: { id: ws.admin.id } })).sessionVersion).toBe(ws.admin.sessionVersion);
    // Deactivating again changes nothing.
    await deactivateMember(actorOf(ws), m.id);
    expect((await db.user.findUniqueOrThrow({ where: { id: ws.member.id } })).sessionVersion).toBe(ws.member.sessionVersion + 1);
    expect((await audits(ws.workspace.id, "member.deactivated")).map((e) => [e.summary, e.actorId, e.targetId])).toEqual([
      ["Deactivated Member", ws.admin.id, ws.member.id],
    ]);

    expect(await reactivateMember(actorOf(ws), m.id)).toEqual({ status: "ACTIVE", userId: ws.member.id, changed: true });
    expect(await membershipOf(ws, ws.member)).toMatchObject({ status: "ACTIVE", deactivatedAt: null, role: "MEMBER" });
    expect(await reactivateMember(actorOf(ws), m.id)).toEqual({ status: "ACTIVE", userId: ws.member.id, changed: false });
    expect((await audits(ws.workspace.id, "member.reactivated")).map((e) => e.summary)).toEqual(["Reactivated Member"]);
  });

  it("remove deletes only the membership: the account and its calls stay, its sessions end", async () => {
    const ws = await createWorkspace();
    const call = await db.call.create({
      data: {
        workspaceId: ws.workspace.id,
        provider: "GONG",
        providerCallId: `call-${uid()}`,
        title: "Discovery",
        startedAt: new Date(),
        participants: { create: { name: "Member", email: ws.member.email, userId: ws.member.id, affiliation: "INTERNAL" } },
      },
      include: { participants: true },
    });
    const m = await membershipOf(ws, ws.member);
    expect(await removeMember(actorOf(ws), m.id)).toEqual({ removed: true });
    expect(await db.membership.findUnique({ where: { id: m.id } })).toBeNull();
    const user = await db.user.findUniqueOrThrow({ where: { id: ws.member.id } });
    expect(user.sessionVersion).toBe(ws.member.sessionVersion + 1);
    expect(user.passwordHash).toBe(ws.member.passwordHash);
    expect(await db.call.findUnique({ where: { id: call.id } })).not.toBeNull();
    expect(await db.callParticipant.findUniqueOrThrow({ where: { id: call.participants[0]!.id } })).toMatchObject({ userId: ws.member.id });
    expect((await membershipOf(ws, ws.admin)).role).toBe("ADMIN");
    expect((await audits(ws.workspace.id, "member.removed")).map((e) => [e.summary, e.targetId])).toEqual([
      ["Removed Member from the workspace", ws.member.id],
    ]);
    expect((await listMembers(ws.workspace.id)).members.map((x) => x.email)).toEqual([ws.admin.email]);
    // Removed people can be invited back.
    expect((await invite(actorOf(ws), { emails: ws.member.email, role: "MEMBER" }))[0]).toMatchObject({ result: "invited" });
    await expect(removeMember(actorOf(ws), m.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it("an admin may remove a deactivated admin and another admin while one admin remains", async () => {
    const ws = await createWorkspace();
    const theirs = await membershipOf(ws, ws.member);
    await changeRole(actorOf(ws), theirs.id, { role: "ADMIN" });
    await removeMember(actorOf(ws), theirs.id);
    expect(await db.membership.findUnique({ where: { id: theirs.id } })).toBeNull();
  });
});

describe("workspace scoping", () => {
  it("every function given an id from another workspace throws NotFoundError and changes nothing", async () => {
    const mine = await createWorkspace("Mine");
    const theirs = await createWorkspace("Theirs");
    const pendingAddress = email("theirs-pending");
    const { invitation } = await inviteOne(theirs, pendingAddress);
    const theirAdmin = await membershipOf(theirs, theirs.admin);
    const theirMember = await membershipOf(theirs, theirs.member);
    await deactivateMember(actorOf(theirs), theirMember.id);
    const before = await snapshot(theirs.workspace.id, [pendingAddress]);
    const beforeMine = await snapshot(mine.workspace.id);
    const me = actorOf(mine);
    const attempts: Array<[string, () => Promise<unknown>]> = [
      ["resendInvitation", () => resendInvitation(me, invitation.id)],
      ["invitationLink", () => invitationLink(me, invitation.id)],
      ["revokeInvitation", () => revokeInvitation(me, invitation.id)],
      ["changeRole", () => changeRole(me, theirAdmin.id, { role: "MEMBER" })],
      ["changeRole member", () => changeRole(me, theirMember.id, { role: "ADMIN" })],
      ["deactivateMember", () => deactivateMember(me, theirAdmin.id)],
      ["reactivateMember", () => reactivateMember(me, theirMember.id)],
      ["removeMember", () => removeMember(me, theirAdmin.id)],
      ["removeMember unknown", () => removeMember(me, "no-such-membership")],
    ];
    for (const [name, attempt] of attempts) {
      await expect(attempt(), name).rejects.toBeInstanceOf(NotFoundError);
    }
    expect(await snapshot(theirs.workspace.id, [pendingAddress])).toEqual(before);
    expect(await snapshot(mine.workspace.id)).toEqual(beforeMine);
    // Their members are not members here: inviting them here is a real invitation, and their list is not mine.
    expect((await invite(me, { emails: theirs.member.email, role: "MEMBER" }))[0]).toMatchObject({ result: "invited" });
    expect((await listMembers(mine.workspace.id)).members.map((m) => m.email)).toEqual([mine.admin.email, mine.member.email]);
  });
});
