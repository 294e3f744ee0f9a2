// One sync at a time (issue 15, item 11): the poll / "Sync now" lease, on a database of its own with the
// provider simulators, the local Inngest runtime and the app's real functions. Ten concurrent Sync now
// clicks start one run; the scheduler's tick while a poll hangs starts nothing; a failing poll never frees
// the lease another poll holds (the lease is owned by a run id and released compare-and-set).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InngestTestEngine } from "@inngest/test";
import { eventually, startSyncHarness, type SyncHarness } from "../support/sync-harness";

const HOUR = 3_600_000;
const SIM_NOW = new Date(Math.floor((Date.now() - 2 * 24 * HOUR) / HOUR) * HOUR).toISOString();
const LIST = "GET /calls";

let h: SyncHarness;
let connect: typeof import("@/lib/integrations/connect");
let engine: typeof import("@/lib/sync/engine");
let clariId = "";

beforeAll(async () => {
  h = await startSyncHarness(
    { seed: 31, callsPerUser: 3, anchor: SIM_NOW, now: SIM_NOW },
    // Hangs below are shorter than the client timeout: a slow provider, not a failed request.
    { ownDatabase: true, providerRetry: { timeoutMs: 15_000, baseDelayMs: 50, maxDelayMs: 400 } },
  );
  connect = await import("@/lib/integrations/connect");
  engine = await import("@/lib/sync/engine");
  await h.db.call.deleteMany({ where: { workspaceId: h.actor.workspaceId, provider: "CLARI" } });
  clariId = (await connect.connectWithApiKey(h.actor, "CLARI", { apiKey: "sim-clari-key", apiSecret: "sim-clari-secret" })).integrationId;
  // No backfill: polls only (each reads the last hours, a request or two).
  await connect.chooseBackfill(h.actor, await h.integration(clariId), "SKIP");
  await eventually("connected", async () => (await h.db.integration.findUniqueOrThrow({ where: { id: clariId } })).status === "CONNECTED");
}, 120_000);
afterAll(async () => {
  await h?.close();
}, 60_000);

/** Every poll function run the runtime knows of, once none (nor a failure handler) is queued or running any more. */
async function pollRunsSettled() {
  return eventually(
    "poll runs to settle",
    async () => {
      const runs = (await runtimeRuns()).filter((r) => /sync-poll(-failure)?$/.test(r.function_id));
      return runs.every((r) => ["Completed", "Failed", "Cancelled", "Skipped"].includes(r.status))
        ? runs.filter((r) => r.function_id.endsWith("sync-poll"))
        : null;
    },
    60_000,
  );
}

async function idle() {
  await eventually("the lease to be free", async () => {
    const row = await h.db.integration.findUniqueOrThrow({ where: { id: clariId } });
    const running = await h.db.syncRun.count({ where: { integrationId: clariId, status: "RUNNING" } });
    return row.syncLockRunId === null && running === 0;
  });
  await pollRunsSettled();
}

function faultHits(id: number) {
  return h.sims.state.faults.list().find((f) => f.id === id)?.hits ?? 0;
}

describe("one sync at a time", () => {
  it("ten concurrent Sync now clicks start one run; the other nine are told a sync is already running", async () => {
    const before = (await pollRunsSettled()).length;
    const clicks = await Promise.allSettled(Array.from({ length: 10 }, async () => connect.syncNow(h.actor, await h.integration(clariId))));
    const started = clicks.filter((c) => c.status === "fulfilled");
    const refused = clicks.filter((c): c is PromiseRejectedResult => c.status === "rejected");
    expect(started).toHaveLength(1);
    expect(refused).toHaveLength(9);
    for (const r of refused) expect(r.reason).toMatchObject({ code: "CONFLICT", message: expect.stringMatching(/^A sync is already running/) });

    await idle();
    const runs = await h.db.syncRun.findMany({ where: { integrationId: clariId, kind: { in: ["MANUAL", "POLL"] } } });
    expect(runs.map((r) => `${r.kind}:${r.status}`)).toEqual(["MANUAL:SUCCEEDED"]);
    // One poll function run, not one per click queued behind it.
    expect((await pollRunsSettled()).length - before).toBe(1);
  }, 90_000);

  it("a hung provider never queues a second poll: the scheduler's tick while it hangs starts nothing", async () => {
    await idle();
    const runsBefore = await h.db.syncRun.count({ where: { integrationId: clariId, kind: { in: ["MANUAL", "POLL"] } } });
    const pollsBefore = (await pollRunsSettled()).length;
    const [hang] = (await h.control("/__sim/faults", [{ provider: "clari", kind: "timeout", hangMs: 6_000, count: 1, endpoint: LIST }])) as Array<{
      id: number;
    }>;
    await connect.syncNow(h.actor, await h.integration(clariId));
    await eventually("the listing to hang", async () => faultHits(hang!.id) === 1);
    // The poll is due again meanwhile (e.g. the scheduler's next tick after the interval).
    await h.db.integration.update({ where: { id: clariId }, data: { nextSyncAt: new Date(Date.now() - 60_000) } });

    expect((await engine.dueIntegrations()).map((i) => i.id)).not.toContain(clariId);
    const { pollScheduler } = await import("@/inngest/functions/poll-scheduler");
    // The scheduler's tick, its steps run for real against the database; sending is only recorded.
    const tick = new InngestTestEngine({ function: pollScheduler, steps: [{ id: "request-polls", handler: () => ({ ids: [] }) }] });
    const { result, ctx } = await tick.execute();
    expect(ctx.step.sendEvent).not.toHaveBeenCalled();
    expect(result).toMatchObject({ requested: 0 });
    await expect(connect.syncNow(h.actor, await h.integration(clariId))).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringMatching(/^A sync is already running/),
    });

    await idle();
    expect(await h.db.syncRun.count({ where: { integrationId: clariId, kind: { in: ["MANUAL", "POLL"] } } })).toBe(runsBefore + 1);
    expect((await pollRunsSettled()).length).toBe(pollsBefore + 1);
  }, 90_000);

  it("a failing poll never frees the lease another poll holds", async () => {
    await idle();
    await h.db.integration.update({ where: { id: clariId }, data: { usersCheckedAt: new Date() } });
    // Poll A's listing hangs, then the provider refuses it for good (a failure that is not retried).
    const faults = (await h.control("/__sim/faults", [
      { provider: "clari", kind: "timeout", hangMs: 3_000, count: 1, endpoint: LIST },
      { provider: "clari", kind: "revoked", count: 1, endpoint: LIST },
    ])) as Array<{ id: number }>;
    await connect.syncNow(h.actor, await h.integration(clariId));
    const a = await eventually("poll A to hold the lease", async () => (await h.db.integration.findUniqueOrThrow({ where: { id: clariId } })).syncLockRunId);
    await eventually("poll A's listing to hang", async () => faultHits(faults[0]!.id) === 1);
    // A's lease lapses while it hangs and poll B takes it over.
    await h.db.integration.update({ where: { id: clariId }, data: { syncLockedUntil: new Date(Date.now() - 1_000) } });
    const b = await engine.acquireSyncLease(clariId, "POLL", null);
    expect(b).not.toBeNull();

    // A fails for good: its failure handler has run once the provider's refusal is on the integration.
    await eventually(
      "poll A to fail",
      async () => (await h.db.integration.findUniqueOrThrow({ where: { id: clariId } })).status === "RECONNECT_REQUIRED",
      60_000,
    );
    await pollRunsSettled();
    expect((await h.db.syncRun.findUniqueOrThrow({ where: { id: a } })).status).toBe("FAILED");
    const row = await h.db.integration.findUniqueOrThrow({ where: { id: clariId } });
    expect(row.syncLockRunId).toBe(b!.runId);
    expect(row.syncLockedUntil!.getTime()).toBeGreaterThan(Date.now());
    expect(await h.db.syncRun.findUniqueOrThrow({ where: { id: b!.runId } })).toMatchObject({ status: "RUNNING" });
    await engine.releaseSyncLease(clariId, b!.runId, true, b!.to);
  }, 90_000);
});

/** The local runtime's function runs (GET /v1/runs: `{ data }`, newest first). */
async function runtimeRuns() {
  // Signed, as the runtime requires of every request (inngest/runtime-signature.ts).
  return ((await h.runtimeGet("/v1/runs?limit=1000")) as { data: Array<{ function_id: string; status: string }> }).data;
}
