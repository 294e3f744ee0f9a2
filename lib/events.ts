// The app's background events: names and payload schemas. lib/ code that starts background work takes
// a `SendEvents` function from its caller (route handlers pass the Inngest client's, tests their own), so
// nothing under lib/ imports inngest/. inngest/client.ts turns these into typed Inngest event types.
import { z } from "zod";

const backfillPeriod = z.enum(["DAYS_30", "DAYS_60", "DAYS_90", "MONTHS_6", "YEAR_1", "ALL_TIME", "SKIP"]);

/**
 * Every event the app sends or reacts to. `generation` is the integration's connection generation:
 * work from an older connection stops. Adding one is a one-line change here.
 */
export const EVENT_SCHEMAS = {
  testPing: { name: "callsync/test.ping", schema: z.object({ message: z.string().optional() }) },
  backfillRequested: {
    name: "callsync/backfill.requested",
    schema: z.object({ integrationId: z.string(), generation: z.number().int(), period: backfillPeriod, userId: z.string().nullable().optional() }),
  },
  userBackfill: {
    name: "callsync/user.backfill",
    schema: z.object({ integrationId: z.string(), generation: z.number().int(), userSyncId: z.string(), runId: z.string() }),
  },
  userRetry: { name: "callsync/user.retry", schema: z.object({ integrationId: z.string(), userSyncId: z.string() }) },
  // An admin's Backfill of one "Needs sync" user (a member who joined after the integration's backfill).
  userBackfillRequested: {
    name: "callsync/user.backfill-requested",
    schema: z.object({ integrationId: z.string(), userSyncId: z.string(), period: backfillPeriod.exclude(["SKIP"]), userId: z.string() }),
  },
  syncRequested: {
    name: "callsync/sync.requested",
    // runId: the run whose sync lease the sender took (Sync now, the scheduler); the poll works under it.
    schema: z.object({
      integrationId: z.string(),
      generation: z.number().int(),
      kind: z.enum(["POLL", "MANUAL"]),
      userId: z.string().nullable().optional(),
      runId: z.string().optional(),
    }),
  },
  // The daily re-scan of one integration's last days (inngest/functions/rescan.ts).
  rescanRequested: { name: "callsync/sync.rescan-requested", schema: z.object({ integrationId: z.string(), generation: z.number().int() }) },
  integrationDisconnected: { name: "callsync/integration.disconnected", schema: z.object({ integrationId: z.string(), generation: z.number().int() }) },
  // generation: the connection whose calls are deleted (it and older ones; never a later connection's).
  purgeRequested: { name: "callsync/integration.purge", schema: z.object({ integrationId: z.string(), runId: z.string(), generation: z.number().int() }) },
  // Sent by whatever changes deals or deal contacts (CRM import, seed): calls are linked again.
  dealsChanged: { name: "callsync/deals.changed", schema: z.object({ workspaceId: z.string() }) },
  // A CSV deal import (lib/deals/import-csv.ts): validate the uploaded file into a preview, or commit its rows.
  dealsImport: { name: "callsync/deals.import", schema: z.object({ workspaceId: z.string(), importId: z.string(), phase: z.enum(["validate", "commit"]) }) },
  // CRMs (lib/crm): the first import after a connect, and every later sync (the 15-minute cron, Sync now).
  // runId: the run whose sync lease the sender took; the function works under it.
  crmImportRequested: {
    name: "callsync/crm.import-requested",
    schema: z.object({ integrationId: z.string(), generation: z.number().int(), runId: z.string() }),
  },
  crmSyncRequested: {
    name: "callsync/crm.sync-requested",
    schema: z.object({
      integrationId: z.string(),
      generation: z.number().int(),
      kind: z.enum(["POLL", "MANUAL"]),
      runId: z.string(),
      userId: z.string().nullable().optional(),
    }),
  },
} as const;

type Schemas = typeof EVENT_SCHEMAS;
export type EventKey = keyof Schemas;
export type EventData<K extends EventKey> = z.infer<Schemas[K]["schema"]>;

/** One event to send, as lib/ builds it. */
export type AppEvent = { [K in EventKey]: { name: Schemas[K]["name"]; data: EventData<K> } }[EventKey];

/** Builds a typed event; the payload is validated against its schema. */
export function appEvent<K extends EventKey>(key: K, data: EventData<K>): AppEvent {
  const def = EVENT_SCHEMAS[key];
  return { name: def.name, data: def.schema.parse(data) } as AppEvent;
}

/** Sends events to the background runtime (Inngest in the app). */
export type SendEvents = (events: AppEvent | AppEvent[]) => Promise<unknown>;
