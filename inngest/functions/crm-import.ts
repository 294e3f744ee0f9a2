// A CRM's first import, started by the connect (lib/crm/connect.ts took the run's lease): every open deal
// and those closed in the last two years, with their accounts, contacts and owners; then calls relink.
import { events, inngest } from "@/inngest/client";
import { cancelOnDisconnect } from "./provider-step";
import { failCrmRunFromError, runCrmSteps } from "./crm-run";

export const crmImport = inngest.createFunction(
  {
    id: "crm-import",
    triggers: [events.crmImportRequested],
    retries: 3,
    concurrency: [{ key: "event.data.integrationId", limit: 1 }],
    cancelOn: cancelOnDisconnect,
    onFailure: async ({ event, error }) => {
      const data = event.data.event.data;
      await failCrmRunFromError({ integrationId: data.integrationId, runId: data.runId, kind: "BACKFILL" }, error);
    },
  },
  async ({ event, step }) => {
    const result = await runCrmSteps(step, event.data);
    if (result.relink && result.workspaceId) await step.sendEvent("relink", events.dealsChanged.create({ workspaceId: result.workspaceId }));
    return result;
  },
);
