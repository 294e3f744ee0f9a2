// The integration's backfill: lists the provider users, plans the window, starts one run per user.
import { events, inngest } from "@/inngest/client";
import { discoverUsers, failBackfillStart, planBackfill } from "@/lib/sync/engine";
import { credentialsReadable } from "@/lib/sync/credential-check";
import { failureOf } from "@/lib/sync/failures";
import { cancelOnDisconnect, providerCall, providerOf } from "./provider-step";

export const backfill = inngest.createFunction(
  {
    id: "sync-backfill",
    triggers: [events.backfillRequested],
    retries: 3,
    cancelOn: cancelOnDisconnect,
    onFailure: async ({ event, error, step }) => {
      await step.run("mark-failed", () => failBackfillStart(event.data.event.data.integrationId, failureOf(error)));
    },
  },
  async ({ event, step }) => {
    const { integrationId, generation, period, userId } = event.data;
    const provider = await step.run("provider", () => providerOf(integrationId));
    if (!(await step.run("credentials", () => credentialsReadable(integrationId)))) return { skipped: "credentials unreadable: reconnect required" };
    const users = await providerCall(step, "discover-users", provider, () => discoverUsers(integrationId));
    const plan = await step.run("plan", () => planBackfill(integrationId, period, userId ?? null));
    if (plan.userSyncIds.length > 0) {
      await step.sendEvent(
        "start-users",
        plan.userSyncIds.map((userSyncId) => events.userBackfill.create({ integrationId, generation, userSyncId, runId: plan.runId })),
      );
    }
    return { users, runId: plan.runId, started: plan.userSyncIds.length };
  },
);
