// The app's Inngest client and its typed event catalogue (inngest v4 `eventType`).
// Dev vs cloud is decided by the SDK from its own env vars (INNGEST_DEV, INNGEST_BASE_URL,
// INNGEST_EVENT_KEY, INNGEST_SIGNING_KEY); nothing here knows which server is running.
import { Inngest, eventType } from "inngest";
import { z } from "zod";

/**
 * Every event the app sends or reacts to. Adding one is a one-line change:
 *   syncRequested: eventType("callsync/sync.requested", { schema: z.object({ workspaceId: z.string() }) }),
 */
export const events = {
  testPing: eventType("callsync/test.ping", { schema: z.object({ message: z.string().optional() }) }),

  // Sync engine (inngest/functions/sync.ts). `generation` is the integration's connection generation:
  // work from an older connection stops.
  backfillRequested: eventType("callsync/backfill.requested", {
    schema: z.object({
      integrationId: z.string(),
      generation: z.number().int(),
      period: z.enum(["DAYS_30", "DAYS_60", "DAYS_90", "MONTHS_6", "YEAR_1", "ALL_TIME", "SKIP"]),
      userId: z.string().nullable().optional(),
    }),
  }),
  userBackfill: eventType("callsync/user.backfill", {
    schema: z.object({ integrationId: z.string(), generation: z.number().int(), userSyncId: z.string(), runId: z.string() }),
  }),
  userRetry: eventType("callsync/user.retry", { schema: z.object({ integrationId: z.string(), userSyncId: z.string() }) }),
  syncRequested: eventType("callsync/sync.requested", {
    schema: z.object({
      integrationId: z.string(),
      generation: z.number().int(),
      kind: z.enum(["POLL", "MANUAL"]),
      userId: z.string().nullable().optional(),
    }),
  }),
  integrationDisconnected: eventType("callsync/integration.disconnected", {
    schema: z.object({ integrationId: z.string(), generation: z.number().int() }),
  }),
  purgeRequested: eventType("callsync/integration.purge", { schema: z.object({ integrationId: z.string(), runId: z.string() }) }),
  // Sent by whatever changes deals or deal contacts (CRM import, seed): calls are linked again.
  dealsChanged: eventType("callsync/deals.changed", { schema: z.object({ workspaceId: z.string() }) }),
} as const;

export type CallsyncEventName = (typeof events)[keyof typeof events]["name"];

export const inngest = new Inngest({ id: "callsync" });
