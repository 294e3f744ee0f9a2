// One user's backfill, page by page; a failure marks the user Failed as the failure table says.
import { events, inngest } from "@/inngest/client";
import { backfillUserPage, completeBackfillIfDone, isCurrent, markUserFailed } from "@/lib/sync/engine";
import { failureOf } from "@/lib/sync/failures";
import { cancelOnDisconnect, providerCall, providerOf } from "./provider-step";

export const userBackfill = inngest.createFunction(
  {
    id: "sync-user-backfill",
    triggers: [events.userBackfill],
    retries: 4,
    // The shared rate limiter paces requests; this only bounds workers per provider account.
    // One worker per user, so a duplicate event waits and then finds the user done.
    concurrency: [
      { key: "event.data.integrationId", limit: 4 },
      { key: "event.data.userSyncId", limit: 1 },
    ],
    cancelOn: cancelOnDisconnect,
    onFailure: async ({ event, error, step }) => {
      const { userSyncId, integrationId, runId, generation } = event.data.event.data;
      // A run of an older connection (disconnected since) must not touch the new one's users.
      if (!(await step.run("is-current", () => isCurrent(integrationId, generation)))) return;
      await step.run("mark-user-failed", () => markUserFailed(userSyncId, failureOf(error)));
      await step.run("complete-run", () => completeBackfillIfDone(integrationId, runId));
    },
  },
  async ({ event, step }) => {
    const { integrationId, generation, userSyncId, runId } = event.data;
    const provider = await step.run("provider", () => providerOf(integrationId));
    let kept = 0;
    for (let page = 0; ; page++) {
      const result = await providerCall(step, `page-${page}`, provider, () => backfillUserPage(userSyncId, generation, runId));
      kept += result.kept;
      if (result.cancelled) return { cancelled: true, kept };
      if (result.done) break;
    }
    await step.run("complete-run", () => completeBackfillIfDone(integrationId, runId));
    return { kept };
  },
);
