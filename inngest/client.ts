// The app's Inngest client and its typed event catalogue (inngest v4 `eventType`), built from the
// event schemas in lib/events.ts. Dev vs cloud is decided by the SDK from its own env vars
// (INNGEST_DEV, INNGEST_BASE_URL, INNGEST_EVENT_KEY, INNGEST_SIGNING_KEY). With the bundled local
// runtime (INNGEST_APP_KEY) every request to it (events, registration) is signed with the shared key,
// and only requests to INNGEST_BASE_URL's origin: the signature goes nowhere else.
import { Inngest, eventType } from "inngest";
import { env } from "@/lib/env";
import { EVENT_SCHEMAS, type AppEvent, type SendEvents } from "@/lib/events";
import { signingFetch } from "./runtime-signature";

export const events = {
  testPing: eventType(EVENT_SCHEMAS.testPing.name, { schema: EVENT_SCHEMAS.testPing.schema }),
  backfillRequested: eventType(EVENT_SCHEMAS.backfillRequested.name, { schema: EVENT_SCHEMAS.backfillRequested.schema }),
  userBackfill: eventType(EVENT_SCHEMAS.userBackfill.name, { schema: EVENT_SCHEMAS.userBackfill.schema }),
  userRetry: eventType(EVENT_SCHEMAS.userRetry.name, { schema: EVENT_SCHEMAS.userRetry.schema }),
  userBackfillRequested: eventType(EVENT_SCHEMAS.userBackfillRequested.name, { schema: EVENT_SCHEMAS.userBackfillRequested.schema }),
  syncRequested: eventType(EVENT_SCHEMAS.syncRequested.name, { schema: EVENT_SCHEMAS.syncRequested.schema }),
  rescanRequested: eventType(EVENT_SCHEMAS.rescanRequested.name, { schema: EVENT_SCHEMAS.rescanRequested.schema }),
  integrationDisconnected: eventType(EVENT_SCHEMAS.integrationDisconnected.name, { schema: EVENT_SCHEMAS.integrationDisconnected.schema }),
  purgeRequested: eventType(EVENT_SCHEMAS.purgeRequested.name, { schema: EVENT_SCHEMAS.purgeRequested.schema }),
  dealsChanged: eventType(EVENT_SCHEMAS.dealsChanged.name, { schema: EVENT_SCHEMAS.dealsChanged.schema }),
  dealsImport: eventType(EVENT_SCHEMAS.dealsImport.name, { schema: EVENT_SCHEMAS.dealsImport.schema }),
  crmImportRequested: eventType(EVENT_SCHEMAS.crmImportRequested.name, { schema: EVENT_SCHEMAS.crmImportRequested.schema }),
  crmSyncRequested: eventType(EVENT_SCHEMAS.crmSyncRequested.name, { schema: EVENT_SCHEMAS.crmSyncRequested.schema }),
} as const;

export type CallsyncEventName = (typeof events)[keyof typeof events]["name"];

const runtimeKey = env.INNGEST_APP_KEY;
const runtimeUrl = env.INNGEST_BASE_URL;

export const inngest = new Inngest({
  id: "callsync",
  ...(runtimeKey && runtimeUrl ? { fetch: signingFetch(runtimeKey, [runtimeUrl]) } : {}),
});

/** What lib/ actions get to start background work: the events go to Inngest. */
export const sendEvents: SendEvents = (batch: AppEvent | AppEvent[]) => inngest.send(batch as Parameters<typeof inngest.send>[0]);
