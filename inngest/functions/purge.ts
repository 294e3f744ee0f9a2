// Deletes a disconnected integration's calls in batches.
import { events, inngest } from "@/inngest/client";
import { db } from "@/lib/db";
import { purgeBatch } from "@/lib/sync/engine";

export const purge = inngest.createFunction(
  { id: "integration-purge", triggers: [events.purgeRequested], retries: 5, concurrency: [{ key: "event.data.integrationId", limit: 1 }] },
  async ({ event, step }) => {
    const { integrationId, runId } = event.data;
    let deleted = 0;
    for (let batch = 0; ; batch++) {
      const n = await step.run(`batch-${batch}`, () => purgeBatch(integrationId));
      deleted += n;
      if (n === 0) break;
    }
    await step.run("finish", async () => {
      await db.syncRun.update({ where: { id: runId }, data: { status: "SUCCEEDED", finishedAt: new Date(), callsDeleted: deleted } });
    });
    return { deleted };
  },
);
