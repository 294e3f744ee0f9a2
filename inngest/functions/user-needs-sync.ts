// Backfill of one "Needs sync" user (a member who joined after the integration's backfill): sets their window
// to the chosen period, then hands over to the per-user backfill the wizard uses (same live status and Retry).
import { events, inngest } from "@/inngest/client";
import { db } from "@/lib/db";
import { prepareUserBackfill } from "@/lib/sync/engine";

export const userNeedsSyncBackfill = inngest.createFunction(
  { id: "sync-user-needs-sync-backfill", triggers: [events.userBackfillRequested], retries: 2 },
  async ({ event, step }) => {
    const { integrationId, userSyncId, period, userId } = event.data;
    const state = await step.run("prepare", async () => {
      const runId = await prepareUserBackfill(userSyncId, integrationId, period, userId);
      const generation = (await db.integration.findUniqueOrThrow({ where: { id: integrationId }, select: { generation: true } })).generation;
      return { runId, generation };
    });
    if (!state.runId) return { skipped: "user does not need a sync" };
    await step.sendEvent("start-user", events.userBackfill.create({ integrationId, generation: state.generation, userSyncId, runId: state.runId }));
    return { runId: state.runId };
  },
);
