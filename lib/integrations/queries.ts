// Integration reads for the settings pages. Credentials are never selected here.
import "server-only";
import { db } from "@/lib/db";
import { PROVIDERS } from "@/lib/integrations/catalog";

export async function listIntegrationCards(workspaceId: string) {
  const rows = await db.integration.findMany({
    where: { workspaceId },
    select: {
      id: true,
      provider: true,
      status: true,
      statusMessage: true,
      accountName: true,
      connectedAt: true,
      lastSyncAt: true,
      nextSyncAt: true,
      connectedBy: { select: { name: true, email: true } },
    },
  });
  return PROVIDERS.map((p) => {
    const row = rows.find((r) => r.provider === p.key);
    return { ...p, integration: row ?? null, status: row?.status ?? "NOT_CONNECTED" };
  });
}
