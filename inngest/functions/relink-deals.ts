// Deals or contacts changed: relink every call that was not linked by hand.
import { events, inngest } from "@/inngest/client";
import { relinkWorkspace } from "@/lib/sync/linking";

export const relinkDeals = inngest.createFunction(
  { id: "deals-relink", triggers: [events.dealsChanged], retries: 3, concurrency: [{ key: "event.data.workspaceId", limit: 1 }] },
  async ({ event, step }) => step.run("relink", () => relinkWorkspace(event.data.workspaceId)),
);
