// Finds integrations whose stored credentials no longer decrypt (wrong or removed key, altered, copied
// from another row) and applies the failure table's lifecycle change (CREDENTIALS_UNREADABLE: reconnect
// required, shown as "Credentials unreadable: reconnect"). Run before anything would use them: the
// settings pages (so the admin sees it at once), Sync now, and the poll and backfill functions (which
// then skip: no run, no provider request).
import "server-only";
import { db } from "@/lib/db";
import { ProviderError } from "@/lib/errors";
import type { Provider } from "@/lib/generated/prisma/enums";
import { openCredentials } from "@/lib/sync/credentials";
import { applyFailureLifecycle } from "@/lib/sync/engine";
import { describeSyncError } from "@/lib/sync/failures";

/** Statuses in which the credentials are about to be used (a reconnect-required one is already flagged). */
const IN_USE = ["CONNECTING", "SYNCING", "CONNECTED"] as const;

/** The ids (of those matched) whose credentials do not decrypt; each is moved to reconnect required. */
export async function flagUnreadableCredentials(where: { workspaceId: string; provider?: Provider } | { integrationId: string }): Promise<string[]> {
  const rows = await db.integration.findMany({
    where: {
      ...("integrationId" in where ? { id: where.integrationId } : { workspaceId: where.workspaceId, ...(where.provider ? { provider: where.provider } : {}) }),
      status: { in: [...IN_USE] },
      credentialsEnc: { not: null },
    },
    select: { id: true, provider: true, credentialsEnc: true },
  });
  const unreadable: string[] = [];
  for (const row of rows) {
    try {
      openCredentials(row.id, row.provider, row.credentialsEnc!);
    } catch (e) {
      if (!(e instanceof ProviderError) || e.kind !== "CREDENTIALS_UNREADABLE") throw e;
      console.warn(`[credentials] integration ${row.id} (${row.provider}): stored credentials do not decrypt; reconnect required`);
      await applyFailureLifecycle(row.id, describeSyncError(row.provider, e));
      unreadable.push(row.id);
    }
  }
  return unreadable;
}

/** False (after flagging it) when the integration's stored credentials do not decrypt. */
export async function credentialsReadable(integrationId: string): Promise<boolean> {
  return (await flagUnreadableCredentials({ integrationId })).length === 0;
}
