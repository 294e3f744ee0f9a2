// Every 5 minutes: a poll for each connected integration whose next sync is due. The tick takes each one's
// sync lease before asking for its poll, so an integration whose sync still runs (or hangs) gets nothing.
import { events, inngest } from "@/inngest/client";
import { claimDuePolls } from "@/lib/sync/engine";

export const pollScheduler = inngest.createFunction({ id: "sync-poll-scheduler", triggers: [{ cron: "*/5 * * * *" }], retries: 1 }, async ({ step }) => {
  const due = await step.run("due-integrations", () => claimDuePolls());
  if (due.length > 0) {
    await step.sendEvent(
      "request-polls",
      due.map((i) => events.syncRequested.create({ integrationId: i.integrationId, generation: i.generation, kind: "POLL", runId: i.runId })),
    );
  }
  return { requested: due.length };
});
