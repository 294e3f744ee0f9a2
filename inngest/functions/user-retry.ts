// Retry of one failed user: resumes its backfill from the checkpoint.
import { events, inngest } from "@/inngest/client";
import { db } from "@/lib/db";
import { prepareUserRetry } from "@/lib/sync/engine";

export const userRetry = inngest.createFunction({ id: "sync-user-retry", triggers: [events.userRetry], retries: 2 }, async ({ event, step }) => {
  const { integrationId, userSyncId } = event.data;
  const state = await step.run("prepare", async () => {
    const runId = await prepareUserRetry(userSyncId, integrationId);
    const generation = (await db.integration.findUniqueOrThrow({ where: { id: integrationId }, select: { generation: true } })).generation;
    return { runId, generation };
  });
  if (!state.runId) return { skipped: "user is not failed" };
  await step.sendEvent("resume-user", events.userBackfill.create({ integrationId, generation: state.generation, userSyncId, runId: state.runId }));
  return { runId: state.runId };
});
