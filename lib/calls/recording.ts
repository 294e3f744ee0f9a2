// Fresh recording links on demand. Provider recording URLs are signed and short-lived (Gong 8 h,
// Clari 4 h); we never re-host them, we ask the provider again — through the shared rate limiter with
// "interactive" priority, because a person is waiting.
import "server-only";
import { db } from "@/lib/db";
import { ConflictError, ProviderError } from "@/lib/errors";
import { integrationClient } from "@/lib/sync/clients";
import { PROVIDER_NAMES } from "@/lib/calls/provider-names";
import type { VisibleCall } from "@/lib/calls/visibility";

export type FreshRecording = { audioUrl: string | null; videoUrl: string | null; expiresAt: Date | null };

const USABLE = new Set(["CONNECTED", "SYNCING"]);

/** For a call already loaded through the visibility rule (withCall, or findVisibleCall): only its integration is read here. */
export async function refreshRecording(
  call: Pick<VisibleCall, "id" | "workspaceId" | "provider" | "providerCallId" | "integrationId">,
): Promise<FreshRecording> {
  const integration = call.integrationId
    ? await db.integration.findFirst({
        where: { id: call.integrationId, workspaceId: call.workspaceId },
        select: { id: true, provider: true, apiBaseUrl: true, status: true },
      })
    : null;
  const name = PROVIDER_NAMES[call.provider];
  if (!integration || !USABLE.has(integration.status)) {
    const why = integration?.status === "RECONNECT_REQUIRED" ? "needs to be reconnected" : "is disconnected";
    throw new ConflictError(
      `The ${name} integration ${why}, so a fresh recording link cannot be fetched. Open the call in ${name} instead, or ask an admin to reconnect ${name}.`,
    );
  }
  const client = integrationClient(integration, { priority: "interactive" });
  let recording;
  try {
    recording = await client.fetchRecording(call.providerCallId);
  } catch (error) {
    if (error instanceof ProviderError) {
      // Revoked, or the stored credentials no longer decrypt: either way only a reconnect helps.
      if (error.kind === "AUTH_REVOKED" || error.kind === "CREDENTIALS_UNREADABLE") {
        throw new ConflictError(`${name} no longer accepts this workspace's connection. Ask an admin to reconnect ${name}, or open the call in ${name}.`);
      }
      if (error.kind === "NOT_FOUND") throw new ConflictError(`${name} has no recording for this call.`);
      if (error.kind === "RATE_LIMITED") throw new ConflictError(`${name} is busy right now (rate limit). Try again in a minute.`);
    }
    throw error;
  }
  await db.call.update({
    where: { id: call.id },
    data: { audioUrl: recording.audioUrl, videoUrl: recording.videoUrl, recordingExpiresAt: recording.expiresAt },
  });
  return { audioUrl: recording.audioUrl, videoUrl: recording.videoUrl, expiresAt: recording.expiresAt };
}
