// Call records a recorder sync skipped because they failed validation (issue 16, item 5): one row per
// (integration, provider call id), so a retry or the next poll updates it instead of adding another; a later
// page that reads the same call valid removes it. The Manage page lists them with the id and the field.
import "server-only";
import { db } from "@/lib/db";
import type { CallPage } from "@/lib/providers/types";

/** Stores the page's skipped records and clears the ones this page read valid; returns how many were skipped. */
export async function noteSkippedCalls(integrationId: string, runId: string | null, page: CallPage): Promise<number> {
  const valid = page.calls.map((c) => c.providerCallId);
  if (valid.length > 0) {
    await db.skippedCallRecord.deleteMany({ where: { integrationId, providerCallId: { in: valid } } });
  }
  const skipped = new Map((page.skipped ?? []).map((s) => [s.providerCallId, s]));
  for (const s of skipped.values()) {
    await db.skippedCallRecord.upsert({
      where: { integrationId_providerCallId: { integrationId, providerCallId: s.providerCallId } },
      create: { integrationId, providerCallId: s.providerCallId, field: s.field, message: s.message, runId },
      update: { field: s.field, message: s.message, lastSeenAt: new Date(), ...(runId ? { runId } : {}) },
    });
  }
  return skipped.size;
}
