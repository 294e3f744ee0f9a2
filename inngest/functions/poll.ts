// A poll or "Sync now": the company-wide window since the last successful sync, under the sync lease that
// the sender took for this run (event.data.runId). Every page renews that lease compare-and-set on the run id,
// and a failure releases only it: a run whose lease lapsed and was taken over stops, and never frees the
// lease of the run that took over.
import { events, inngest } from "@/inngest/client";
import type { CallsCheckpoint } from "@/lib/providers/types";
import {
  acquireSyncLease,
  applyFailureLifecycle,
  pollPage,
  recheckProviderUsers,
  refetchMissingTranscripts,
  releaseSyncLease,
  resumeSyncLease,
} from "@/lib/sync/engine";
import { credentialsReadable } from "@/lib/sync/credential-check";
import { providerName } from "@/lib/providers/registry";
import { FAILURES, failureOf } from "@/lib/sync/failures";
import { cancelOnDisconnect, providerCall, providerOf } from "./provider-step";

export const poll = inngest.createFunction(
  {
    id: "sync-poll",
    triggers: [events.syncRequested],
    retries: 3,
    concurrency: [{ key: "event.data.integrationId", limit: 1 }],
    cancelOn: cancelOnDisconnect,
    onFailure: async ({ event, error, step }) => {
      const { integrationId, runId } = event.data.event.data;
      await step.run("release", async () => {
        const failure = failureOf(error);
        // This run's own lease only (compare-and-set on its run id), whoever holds the lock now.
        if (runId) await releaseSyncLease(integrationId, runId, false, null, failure.message);
        await applyFailureLifecycle(integrationId, failure);
      });
    },
  },
  async ({ event, step }) => {
    const { integrationId, generation, kind, userId, runId } = event.data;
    const provider = await step.run("provider", () => providerOf(integrationId));
    // Stored credentials that do not decrypt: no provider request; the integration asks for a reconnect (the
    // check applies the failure table's lifecycle change). A run the sender already opened ends as failed with
    // the reason, and its lease is freed; an event without a run opens none.
    if (!(await step.run("credentials", () => credentialsReadable(integrationId)))) {
      if (runId)
        await step.run("release-unreadable", () =>
          releaseSyncLease(integrationId, runId, false, null, FAILURES.CREDENTIALS_UNREADABLE.message(providerName(provider))),
        );
      return { skipped: "credentials unreadable: reconnect required" };
    }
    if (!runId) {
      // An event that names no run (sent before leases were taken by the sender): take one, then carry on as
      // that run's own event, so that a failure knows which lease is its own.
      const taken = await step.run("lease", async () => (await acquireSyncLease(integrationId, kind, userId ?? null))?.runId ?? null);
      if (!taken) return { skipped: "another sync of this integration is running, or it is not connected" };
      await step.sendEvent("continue-under-lease", events.syncRequested.create({ integrationId, generation, kind, userId: userId ?? null, runId: taken }));
      return { runId: taken };
    }
    const lease = await step.run("lease", async () => {
      const l = await resumeSyncLease(integrationId, runId);
      return l ? { runId: l.runId, from: l.from.toISOString(), to: l.to.toISOString() } : null;
    });
    if (!lease) return { skipped: "this run no longer holds the sync lease" };
    const window = { from: new Date(lease.from), to: new Date(lease.to) };
    // Once a day: provider users added since the backfill who match a member become "Needs sync".
    await providerCall(step, "recheck-users", provider, () => recheckProviderUsers(integrationId, generation, lease.runId));
    let checkpoint: CallsCheckpoint | null = null;
    for (let page = 0; ; page++) {
      const r: { done: boolean; cancelled: boolean; checkpoint: CallsCheckpoint | null } = await providerCall(step, `page-${page}`, provider, () =>
        pollPage(integrationId, generation, lease.runId, window, checkpoint),
      );
      if (r.cancelled) return { cancelled: true };
      checkpoint = r.checkpoint;
      if (r.done) break;
    }
    const transcripts = await providerCall(step, "late-transcripts", provider, () => refetchMissingTranscripts(integrationId, generation, lease.runId));
    await step.run("release", () => releaseSyncLease(integrationId, lease.runId, true, window.to));
    return { runId: lease.runId, transcripts };
  },
);
