// A tiny function proving the pipeline end to end: `callsync/test.ping` -> one memoized step.
import { events, inngest } from "@/inngest/client";

export const heartbeat = inngest.createFunction({ id: "heartbeat", triggers: [events.testPing] }, async ({ event, step }) => {
  const pong = await step.run("pong", () => ({ pong: true, message: event.data.message ?? null }));
  return { ...pong, eventId: event.id ?? null };
});
