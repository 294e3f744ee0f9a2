// Every 5 minutes: a poll for each connected integration whose next sync is due.
import { events, inngest } from "@/inngest/client";
import { dueIntegrations } from "@/lib/sync/engine";

export const pollScheduler = inngest.createFunction({ id: "sync-poll-scheduler", triggers: [{ cron: "*/5 * * * *" }], retries: 1 }, async ({ step }) => {
  const due = await step.run("due-integrations", async () => (await dueIntegrations()).map((i) => ({ id: i.id, generation: i.generation })));
  if (due.length > 0) {
    await step.sendEvent(
      "request-polls",
      due.map((i) => events.syncRequested.create({ integrationId: i.id, generation: i.generation, kind: "POLL" })),
    );
  }
  return { requested: due.length };
});
