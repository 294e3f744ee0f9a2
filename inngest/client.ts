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
} as const;

export type CallsyncEventName = (typeof events)[keyof typeof events]["name"];

export const inngest = new Inngest({ id: "callsync" });
