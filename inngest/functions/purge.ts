// Deletes a disconnected integration's calls in batches: only those of the connection the purge was started
// for (the event's generation), each batch counted on the run. The integration is PURGING until it ends.
import { events, inngest } from "@/inngest/client";
import { failPurge, finishPurge, preparePurge, purgeBatch } from "@/lib/sync/engine";

export const purge = inngest.createFunction(
  {
    id: "integration-purge",
    triggers: [events.purgeRequested],
    retries: 5,
    concurrency: [{ key: "event.data.integrationId", limit: 1 }],
    onFailure: async ({ event, step }) => {
      const { integrationId, runId } = event.data.event.data;
      await step.run("stopped", () => failPurge(integrationId, runId, "an error on our side"));
    },
  },
  async ({ event, step }) => {
    const { integrationId, runId, generation } = event.data;
    await step.run("analyze", () => preparePurge());
    let deleted = 0;
    for (let batch = 0; ; batch++) {
      const n = await step.run(`batch-${batch}`, () => purgeBatch(integrationId, generation, runId));
      deleted += n;
      if (n === 0) break;
    }
    await step.run("finish", () => finishPurge(integrationId, runId));
    return { deleted };
  },
);
