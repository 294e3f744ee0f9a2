// The sync engine as durable functions. Each step is one idempotent unit from lib/sync/engine.ts with a
// stable id, so a retry, a restart of the runtime or a duplicate event resumes without redoing work.
// Disconnect cancels every run of the integration (cancelOn) and bumps its generation, which every
// step checks before it sends a request.
import { NonRetriableError } from "inngest";
import { events, inngest } from "@/inngest/client";
import { ProviderError } from "@/lib/errors";
import type { CallsCheckpoint } from "@/lib/providers/types";
import {
  acquireSyncLease,
  backfillUserPage,
  completeBackfillIfDone,
  describeSyncError,
  discoverUsers,
  dueIntegrations,
  isCurrent,
  markReconnectRequired,
  markUserFailed,
  planBackfill,
  pollPage,
  prepareUserRetry,
  purgeBatch,
  refetchMissingTranscripts,
  releaseSyncLease,
} from "@/lib/sync/engine";
import { db } from "@/lib/db";
import { relinkWorkspace } from "@/lib/sync/linking";

const cancelOnDisconnect = [{ event: events.integrationDisconnected.name, match: "data.integrationId" }];

type ProviderName = "GONG" | "SALESLOFT" | "CLARI";
type StepOutcome<T> = { value: T } | { rateLimitedMs: number };

/** Provider errors -> what the runtime should do: give up (auth), or retry with backoff (transient). */
async function providerStep<T>(provider: ProviderName, fn: () => Promise<T>): Promise<StepOutcome<T>> {
  try {
    return { value: await fn() };
  } catch (error) {
    if (error instanceof ProviderError) {
      const { message } = describeSyncError(provider, error);
      // Being rate limited is not a failure: the caller sleeps durably and tries again.
      if (error.kind === "RATE_LIMITED") return { rateLimitedMs: Math.max(1_000, error.retryAfterMs ?? 30_000) };
      if (error.kind === "AUTH_REVOKED" || error.kind === "CONFIG" || error.kind === "INVALID_CREDENTIALS") {
        throw new NonRetriableError(`${error.kind}: ${message}`, { cause: error });
      }
      throw new Error(message, { cause: error });
    }
    throw error;
  }
}

type Step = { run: <T>(id: string, fn: () => Promise<T>) => Promise<unknown>; sleep: (id: string, ms: number) => Promise<unknown> };

/**
 * One provider-calling step. A rate limit becomes a durable sleep and a fresh step (so it never uses
 * up the function's retries); other errors are retried by the runtime with backoff.
 */
async function providerCall<T>(step: Step, id: string, provider: ProviderName, fn: () => Promise<T>): Promise<T> {
  for (let wait = 0; ; wait++) {
    const outcome = (await step.run(wait === 0 ? id : `${id}-after-wait-${wait}`, () => providerStep(provider, fn))) as StepOutcome<T>;
    if ("value" in outcome) return outcome.value;
    await step.sleep(`${id}-rate-limited-${wait}`, outcome.rateLimitedMs);
  }
}

async function providerOf(integrationId: string) {
  return (await db.integration.findUniqueOrThrow({ where: { id: integrationId }, select: { provider: true } })).provider;
}

/** Readable message for a failure that reached onFailure (errors arrive serialized). */
function failureMessage(error: { message?: string }): string {
  const m = error.message ?? "";
  return m.replace(/^(AUTH_REVOKED|CONFIG|INVALID_CREDENTIALS): /, "");
}

/** Code and message of a serialized failure: the non-retriable kinds carry their code as a prefix. */
function failureDescription(error: { message?: string }): { code: string; message: string } {
  const code = /^(AUTH_REVOKED|CONFIG|INVALID_CREDENTIALS): /.exec(error.message ?? "")?.[1] ?? "FAILED";
  return { code, message: failureMessage(error) || "Syncing stopped on an unexpected error. Retry; if it keeps failing, contact support." };
}

export const backfill = inngest.createFunction(
  {
    id: "sync-backfill",
    triggers: [events.backfillRequested],
    retries: 3,
    cancelOn: cancelOnDisconnect,
    onFailure: async ({ event, error, step }) => {
      await step.run("mark-failed", async () => {
        const { integrationId } = event.data.event.data;
        const message = failureMessage(error);
        if (/revoked|expired|Reconnect/i.test(message)) await markReconnectRequired(integrationId, message);
        else {
          // Nothing was planned (e.g. the users could not be listed): back to the Backfill step so the
          // admin can start it again, instead of a Sync step that never ends.
          await db.integration.updateMany({
            where: { id: integrationId, status: "SYNCING" },
            data: { status: "CONNECTING", wizardStep: "BACKFILL", statusMessage: `The backfill could not start. ${message}` },
          });
        }
      });
    },
  },
  async ({ event, step }) => {
    const { integrationId, generation, period, userId } = event.data;
    const provider = await step.run("provider", () => providerOf(integrationId));
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

export const userBackfill = inngest.createFunction(
  {
    id: "sync-user-backfill",
    triggers: [events.userBackfill],
    retries: 4,
    // The shared rate limiter paces requests; this only bounds workers per provider account.
    // One worker per user, so a duplicate event waits and then finds the user done.
    concurrency: [{ key: "event.data.integrationId", limit: 4 }, { key: "event.data.userSyncId", limit: 1 }],
    cancelOn: cancelOnDisconnect,
    onFailure: async ({ event, error, step }) => {
      const { userSyncId, integrationId, runId, generation } = event.data.event.data;
      // A run of an older connection (disconnected since) must not touch the new one's users.
      if (!(await step.run("is-current", () => isCurrent(integrationId, generation)))) return;
      await step.run("mark-user-failed", () => markUserFailed(userSyncId, error, failureDescription(error)));
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

export const userRetry = inngest.createFunction(
  { id: "sync-user-retry", triggers: [events.userRetry], retries: 2 },
  async ({ event, step }) => {
    const { integrationId, userSyncId } = event.data;
    const state = await step.run("prepare", async () => {
      const runId = await prepareUserRetry(userSyncId, integrationId);
      const generation = (await db.integration.findUniqueOrThrow({ where: { id: integrationId }, select: { generation: true } })).generation;
      return { runId, generation };
    });
    if (!state.runId) return { skipped: "user is not failed" };
    await step.sendEvent("resume-user", events.userBackfill.create({ integrationId, generation: state.generation, userSyncId, runId: state.runId }));
    return { runId: state.runId };
  },
);

export const pollScheduler = inngest.createFunction(
  { id: "sync-poll-scheduler", triggers: [{ cron: "*/5 * * * *" }], retries: 1 },
  async ({ step }) => {
    const due = await step.run("due-integrations", async () => (await dueIntegrations()).map((i) => ({ id: i.id, generation: i.generation })));
    if (due.length > 0) {
      await step.sendEvent("request-polls", due.map((i) => events.syncRequested.create({ integrationId: i.id, generation: i.generation, kind: "POLL" })));
    }
    return { requested: due.length };
  },
);

export const poll = inngest.createFunction(
  {
    id: "sync-poll",
    triggers: [events.syncRequested],
    retries: 3,
    concurrency: [{ key: "event.data.integrationId", limit: 1 }],
    cancelOn: cancelOnDisconnect,
    onFailure: async ({ event, error, step }) => {
      const { integrationId } = event.data.event.data;
      await step.run("release", async () => {
        const row = await db.integration.findUnique({ where: { id: integrationId }, select: { syncLockRunId: true } });
        const message = failureMessage(error);
        if (row?.syncLockRunId) await releaseSyncLease(integrationId, row.syncLockRunId, false, null, message);
        if (/revoked|has expired|Reconnect the integration/i.test(message)) await markReconnectRequired(integrationId, message);
      });
    },
  },
  async ({ event, step }) => {
    const { integrationId, generation, kind, userId } = event.data;
    const provider = await step.run("provider", () => providerOf(integrationId));
    const lease = await step.run("lease", async () => {
      const l = await acquireSyncLease(integrationId, kind, userId ?? null);
      return l ? { runId: l.runId, from: l.from.toISOString(), to: l.to.toISOString() } : null;
    });
    if (!lease) return { skipped: "another sync of this integration is running, or it is not connected" };
    const window = { from: new Date(lease.from), to: new Date(lease.to) };
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

export const purge = inngest.createFunction(
  { id: "integration-purge", triggers: [events.purgeRequested], retries: 5, concurrency: [{ key: "event.data.integrationId", limit: 1 }] },
  async ({ event, step }) => {
    const { integrationId, runId } = event.data;
    let deleted = 0;
    for (let batch = 0; ; batch++) {
      const n = await step.run(`batch-${batch}`, () => purgeBatch(integrationId));
      deleted += n;
      if (n === 0) break;
    }
    await step.run("finish", async () => {
      await db.syncRun.update({ where: { id: runId }, data: { status: "SUCCEEDED", finishedAt: new Date(), callsDeleted: deleted } });
    });
    return { deleted };
  },
);

/** Deals or contacts changed: relink every call that was not linked by hand. */
export const relinkDeals = inngest.createFunction(
  { id: "deals-relink", triggers: [events.dealsChanged], retries: 3, concurrency: [{ key: "event.data.workspaceId", limit: 1 }] },
  async ({ event, step }) => step.run("relink", () => relinkWorkspace(event.data.workspaceId)),
);

export const syncFunctions = [backfill, userBackfill, userRetry, pollScheduler, poll, purge, relinkDeals];
