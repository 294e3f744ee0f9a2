// The daily re-scan: for providers whose listing window is the call's time (Gong), the last
// describe().rescanDays days are read again company-wide, so fields the provider fills in after a call left
// the polls' overlap (AI brief, key points, action items, CRM context), metadata and privacy changes arrive,
// and calls the provider deleted are removed. One run per integration at a time; each page a durable step.
import { events, inngest } from "@/inngest/client";
import type { CallsCheckpoint } from "@/lib/providers/types";
import { applyFailureLifecycle, dueRescans, failOpenRescans, finishRun, removeUnlisted, rescanPage, startRescan } from "@/lib/sync/engine";
import { credentialsReadable } from "@/lib/sync/credential-check";
import { failureOf } from "@/lib/sync/failures";
import { cancelOnDisconnect, providerCall, providerOf } from "./provider-step";

/** 03:30 UTC every day: a re-scan for each connected integration whose provider wants one. */
export const rescanScheduler = inngest.createFunction({ id: "sync-rescan-scheduler", triggers: [{ cron: "30 3 * * *" }], retries: 1 }, async ({ step }) => {
  const due = await step.run("due-integrations", () => dueRescans());
  if (due.length > 0) {
    await step.sendEvent(
      "request-rescans",
      due.map((i) => events.rescanRequested.create({ integrationId: i.id, generation: i.generation })),
    );
  }
  return { requested: due.length };
});

export const rescan = inngest.createFunction(
  {
    id: "sync-rescan",
    triggers: [events.rescanRequested],
    retries: 3,
    concurrency: [{ key: "event.data.integrationId", limit: 1 }],
    cancelOn: cancelOnDisconnect,
    onFailure: async ({ event, error, step }) => {
      const { integrationId } = event.data.event.data;
      await step.run("fail", async () => {
        const failure = failureOf(error);
        await failOpenRescans(integrationId, failure.message);
        await applyFailureLifecycle(integrationId, failure);
      });
    },
  },
  async ({ event, step }) => {
    const { integrationId, generation } = event.data;
    const provider = await step.run("provider", () => providerOf(integrationId));
    if (!(await step.run("credentials", () => credentialsReadable(integrationId)))) return { skipped: "credentials unreadable: reconnect required" };
    const run = await step.run("start", async () => {
      const r = await startRescan(integrationId, generation);
      return r ? { runId: r.runId, from: r.from.toISOString(), to: r.to.toISOString(), startedAt: r.startedAt.toISOString() } : null;
    });
    if (!run) return { skipped: "not connected, or the provider needs no re-scan" };
    const window = { from: new Date(run.from), to: new Date(run.to) };
    let checkpoint: CallsCheckpoint | null = null;
    for (let page = 0; ; page++) {
      const r: { done: boolean; cancelled: boolean; checkpoint: CallsCheckpoint | null } = await providerCall(step, `page-${page}`, provider, () =>
        rescanPage(integrationId, generation, run.runId, window, checkpoint),
      );
      if (r.cancelled) {
        await step.run("cancelled", () => finishRun(run.runId, "CANCELLED", "Stopped: the integration was disconnected."));
        return { cancelled: true };
      }
      checkpoint = r.checkpoint;
      if (r.done) break;
    }
    // Only after every page: a call no page listed was deleted at the provider.
    const removed = await step.run("remove-deleted", () => removeUnlisted(integrationId, generation, run.runId, window, new Date(run.startedAt)));
    await step.run("finish", () => finishRun(run.runId, "SUCCEEDED"));
    return { runId: run.runId, removed };
  },
);
