// Every 15 minutes each connected CRM syncs what changed (the scheduler takes each one's lease first, so a
// sync that still runs gets no second one); Sync now sends the same event with its own run.
import { events, inngest } from "@/inngest/client";
import { claimDueCrmSyncs } from "@/lib/crm/sync";
import { cancelOnDisconnect } from "./provider-step";
import { failCrmRunFromError, runCrmSteps } from "./crm-run";

export const crmSync = inngest.createFunction(
  {
    id: "crm-sync",
    triggers: [events.crmSyncRequested],
    retries: 3,
    concurrency: [{ key: "event.data.integrationId", limit: 1 }],
    cancelOn: cancelOnDisconnect,
    onFailure: async ({ event, error }) => {
      const data = event.data.event.data;
      await failCrmRunFromError({ integrationId: data.integrationId, runId: data.runId, kind: data.kind }, error);
    },
  },
  async ({ event, step }) => {
    const result = await runCrmSteps(step, event.data);
    if (result.relink && result.workspaceId) await step.sendEvent("relink", events.dealsChanged.create({ workspaceId: result.workspaceId }));
    return result;
  },
);

export const crmSyncScheduler = inngest.createFunction({ id: "crm-sync-scheduler", triggers: [{ cron: "*/15 * * * *" }], retries: 1 }, async ({ step }) => {
  const due = await step.run("due-crms", () => claimDueCrmSyncs());
  if (due.length > 0) {
    await step.sendEvent(
      "request-syncs",
      due.map((d) => events.crmSyncRequested.create({ integrationId: d.integrationId, generation: d.generation, kind: "POLL", runId: d.runId })),
    );
  }
  return { requested: due.length };
});
