// The workspace activity log (Settings -> Activity): who did what and when. Writers call recordAudit in the
// same request as the change (pass the transaction client when there is one).
import "server-only";
import { db, type Prisma } from "@/lib/db";

export type AuditAction =
  | "workspace.created"
  | "invitation.sent"
  | "invitation.resent"
  | "invitation.revoked"
  | "invitation.accepted"
  | "member.role_changed"
  | "member.deactivated"
  | "member.reactivated"
  | "member.removed"
  | "integration.connected"
  | "integration.disconnected"
  | "integration.purged"
  | "integration.sync_requested"
  | "integration.backfill_started"
  | "user.backfill_started"
  | "account.password_reset"
  | "deals.imported"
  | "crm.connected"
  | "crm.disconnected"
  | "crm.sync_requested"
  | "crm.deal_deleted"
  | "call.linked"
  | "call.unlinked"
  | "calls.linked"
  | "calls.dismissed"
  | "calls.restored";

export type AuditEntry = {
  workspaceId: string;
  actorId: string | null;
  action: AuditAction;
  summary: string;
  targetType?: string;
  targetId?: string;
  detail?: Prisma.InputJsonValue;
};

type Client = Pick<typeof db, "auditEvent">;

export async function recordAudit(entry: AuditEntry, client: Client = db): Promise<void> {
  await client.auditEvent.create({
    data: {
      workspaceId: entry.workspaceId,
      actorId: entry.actorId,
      action: entry.action,
      summary: entry.summary,
      targetType: entry.targetType ?? null,
      targetId: entry.targetId ?? null,
      detail: entry.detail,
    },
  });
}

export const AUDIT_PAGE_SIZE = 50;

/** One page of the workspace's activity, newest first (Settings → Activity). */
export async function listAuditEvents(workspaceId: string, page = 1) {
  const total = await db.auditEvent.count({ where: { workspaceId } });
  const pageCount = Math.max(1, Math.ceil(total / AUDIT_PAGE_SIZE));
  const current = Math.min(Math.max(1, Math.floor(page) || 1), pageCount);
  const rows = await db.auditEvent.findMany({
    where: { workspaceId },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    skip: (current - 1) * AUDIT_PAGE_SIZE,
    take: AUDIT_PAGE_SIZE,
    select: { id: true, action: true, summary: true, createdAt: true, actor: { select: { name: true, email: true } } },
  });
  return {
    total,
    page: current,
    pageCount,
    items: rows.map((r) => ({
      id: r.id,
      action: r.action,
      summary: r.summary,
      at: r.createdAt.toISOString(),
      actor: r.actor ? (r.actor.name ?? r.actor.email) : "Callsync",
      actorEmail: r.actor?.email ?? null,
    })),
  };
}
