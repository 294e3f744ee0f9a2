// "Needs sync" for new members (issue 13, item 5; Fluint's "Need sync"): when a member joins a workspace
// (invitation accepted, reactivated), the provider users of every connected integration with their email are
// matched to them and listed as "Needs sync"; an admin's per-user Backfill (connect.ts backfillUser) brings
// their history. New calls reach them with the next automatic sync like everyone else's.
import "server-only";
import { db } from "@/lib/db";

const LIVE = ["CONNECTED", "SYNCING", "RECONNECT_REQUIRED"] as const;

/**
 * Matches the member to the unmatched provider users (same email, case-insensitive) of every connected
 * integration of the workspace. Idempotent; a provider user already matched to someone else is left alone.
 * Returns how many provider users were newly matched.
 */
export async function onMemberJoined(workspaceId: string, userId: string): Promise<number> {
  const user = await db.user.findUnique({ where: { id: userId }, select: { email: true } });
  if (!user) return 0;
  const candidates = await db.providerUser.findMany({
    where: { integration: { workspaceId, status: { in: [...LIVE] } }, email: { equals: user.email, mode: "insensitive" }, workspaceUserId: null },
    select: { id: true, integrationId: true },
  });
  let matched = 0;
  for (const pu of candidates) {
    const claimed = await db.providerUser.updateMany({ where: { id: pu.id, workspaceUserId: null }, data: { workspaceUserId: userId } });
    if (claimed.count === 0) continue;
    matched++;
    await db.userSync.upsert({
      where: { providerUserId: pu.id },
      create: { integrationId: pu.integrationId, providerUserId: pu.id, status: "NEEDS_SYNC" },
      update: { status: "NEEDS_SYNC", callsSynced: 0, error: null, errorCode: null, checkpoint: undefined, finishedAt: null },
    });
  }
  return matched;
}
