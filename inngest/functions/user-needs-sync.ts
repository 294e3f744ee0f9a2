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
      const prepared = await prepareUserBackfill(userSyncId, integrationId, period, userId);
      const generation = (await db.integration.findUniqueOrThrow({ where: { id: integrationId }, select: { generation: true } })).generation;
      return { runId: prepared?.runId ?? null, outsideHostsSyncId: prepared?.outsideHostsSyncId ?? null, generation };
    });
    if (!state.runId) return { skipped: "user does not need a sync" };
    // With the member's own listing, the outside-hosts pass again (the calls hosted outside that they attended).
    const ids = [userSyncId, ...(state.outsideHostsSyncId ? [state.outsideHostsSyncId] : [])];
    await step.sendEvent(
      "start-user",
      ids.map((id) => events.userBackfill.create({ integrationId, generation: state.generation, userSyncId: id, runId: state.runId! })),
    );
    return { runId: state.runId };
  },
);
