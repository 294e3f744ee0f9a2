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
  | "user.backfill_started";

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
