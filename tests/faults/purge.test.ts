// Purge can never eat new data (issue 15, item 2). Provider simulators + the local Inngest runtime + the
// app's real functions, on a database of its own. A Clari Copilot integration is backfilled, then given tens
// of thousands more calls (inserted with SQL, as if its connection had synced them) and purged: connecting
// again while the purge runs is refused with a message and writes nothing; once it has finished, a new
// connection's backfill keeps every call, and the counts the Manage page shows are true. A purge event
// delivered again later (at-least-once delivery) deletes nothing of the new connection.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, startSyncHarness, type SyncHarness } from "../support/sync-harness";

const HOUR = 3_600_000;
const SIM_NOW = new Date(Math.floor((Date.now() - 2 * 24 * HOUR) / HOUR) * HOUR).toISOString();
/** Calls the old connection "synced" on top of the simulator's: tens of thousands, with a participant and two sentences each. */
const BULK = 30_000;
const KEY = { apiKey: "sim-clari-key", apiSecret: "sim-clari-secret" };

let h: SyncHarness;
let connect: typeof import("@/lib/integrations/connect");
let queries: typeof import("@/lib/integrations/queries");
let clariId = "";

beforeAll(async () => {
  h = await startSyncHarness({ seed: 43, callsPerUser: 6, anchor: SIM_NOW, now: SIM_NOW }, { ownDatabase: true });
  connect = await import("@/lib/integrations/connect");
  queries = await import("@/lib/integrations/queries");
  await h.db.call.deleteMany({ where: { workspaceId: h.actor.workspaceId, provider: "CLARI" } });
}, 120_000);
afterAll(async () => {
  await h?.close();
}, 60_000);

async function backfillAll(id: string) {
  await connect.chooseBackfill(h.actor, await h.integration(id), "ALL_TIME");
  await eventually(
    "the backfill to finish",
    async () => {
      const i = await h.db.integration.findUniqueOrThrow({ where: { id } });
      return i.status === "CONNECTED" && i.wizardStep === "COMPLETE";
    },
    120_000,
  );
}

const callIds = async (id: string) =>
  (await h.db.call.findMany({ where: { integrationId: id }, select: { providerCallId: true } })).map((c) => c.providerCallId).sort();

/** BULK calls of this integration, with a participant and two transcript sentences each, in three statements. */
async function insertBulk(id: string) {
  const ws = h.actor.workspaceId;
  await h.db.$executeRaw`
    INSERT INTO "Call" (id, "workspaceId", "integrationId", provider, "providerCallId", title, "startedAt", "durationSec", "transcriptStatus", "sentenceCount", "updatedAt")
    SELECT 'bulk-' || g, ${ws}, ${id}, 'CLARI', 'bulk-' || g, 'Bulk call ' || g, now() - g * interval '1 minute', 600, 'AVAILABLE', 2, now()
    FROM generate_series(1, ${BULK}::int) g`;
  await h.db.$executeRaw`
    INSERT INTO "CallParticipant" (id, "callId", name, email, affiliation, position)
    SELECT 'bulk-p-' || g, 'bulk-' || g, 'Buyer ' || g, 'buyer' || g || '@customer.test', 'EXTERNAL', 0
    FROM generate_series(1, ${BULK}::int) g`;
  await h.db.$executeRaw`
    INSERT INTO "TranscriptSentence" ("callId", idx, "startMs", "endMs", text)
    SELECT 'bulk-' || g, i, i * 1000, i * 1000 + 900, 'Sentence ' || i || ' of bulk call ' || g || ' about pricing'
    FROM generate_series(1, ${BULK}::int) g, generate_series(0, 1) i`;
}

describe("purge", () => {
  it("purging tens of thousands of calls: connecting again meanwhile is refused; the next backfill's calls all survive, the counts shown are true", async () => {
    clariId = (await connect.connectWithApiKey(h.actor, "CLARI", KEY)).integrationId;
    await backfillAll(clariId);
    const reference = await callIds(clariId);
    expect(reference.length).toBeGreaterThan(10);
    await insertBulk(clariId);
    const total = reference.length + BULK;
    expect((await queries.getIntegrationDetail(h.actor.workspaceId, "CLARI")).totalCalls).toBe(total);

    const { runId } = await connect.purge(h.actor, await h.integration(clariId), { confirm: "DELETE" });
    // At once, while the purge runs: connecting again (key, or the Reconnect button) is refused and writes nothing.
    const refused = { code: "CONFLICT", message: expect.stringMatching(/being deleted/) };
    await expect(connect.connectWithApiKey(h.actor, "CLARI", KEY)).rejects.toMatchObject(refused);
    await expect(connect.beginReconnect(h.actor, await h.integration(clariId))).rejects.toMatchObject(refused);
    await expect(connect.purge(h.actor, await h.integration(clariId), { confirm: "DELETE" })).rejects.toMatchObject({ code: "CONFLICT" });
    const during = await h.db.integration.findUniqueOrThrow({ where: { id: clariId } });
    expect(during).toMatchObject({ status: "PURGING", wizardStep: "CONNECT", credentialsEnc: null });
    expect(await h.db.syncRun.count({ where: { integrationId: clariId, kind: "PURGE" } })).toBe(1);
    const shown = await queries.getIntegrationDetail(h.actor.workspaceId, "CLARI");
    expect(shown.status).toBe("PURGING");
    expect(shown.purge).toMatchObject({ status: "RUNNING" });

    const done = await eventually(
      "the purge to finish",
      async () => {
        const run = await h.db.syncRun.findUniqueOrThrow({ where: { id: runId } });
        const row = await h.db.integration.findUniqueOrThrow({ where: { id: clariId } });
        return run.status !== "RUNNING" && row.status !== "PURGING" ? run : null;
      },
      400_000,
    );
    expect(done).toMatchObject({ status: "SUCCEEDED", callsDeleted: total });
    expect(await h.db.call.count({ where: { integrationId: clariId } })).toBe(0);
    expect(await h.db.transcriptSentence.count({ where: { call: { integrationId: clariId } } })).toBe(0);

    // Connect again and backfill: every call of the new backfill is there.
    await connect.connectWithApiKey(h.actor, "CLARI", KEY);
    await backfillAll(clariId);
    expect(await callIds(clariId)).toEqual(reference);
    const detail = await queries.getIntegrationDetail(h.actor.workspaceId, "CLARI");
    expect(detail.status).toBe("CONNECTED");
    expect(detail.totalCalls).toBe(reference.length);
    expect(detail.purge).toMatchObject({ status: "SUCCEEDED", callsDeleted: total });
    const backfill = detail.runs.find((r) => r.kind === "BACKFILL")!;
    expect(backfill).toMatchObject({ status: "SUCCEEDED", callsAdded: reference.length });
    expect(detail.users.every((u) => u.status === "COMPLETED")).toBe(true);
  }, 600_000);

  it("a purge event delivered again during the next connection's life deletes none of its calls", async () => {
    const reference = await callIds(clariId);
    expect(reference.length).toBeGreaterThan(10);
    const old = await h.db.syncRun.findFirstOrThrow({ where: { integrationId: clariId, kind: "PURGE" } });
    const { inngest, events } = await import("@/inngest/client");
    const purges = async () => (await runtimeRuns()).filter((r) => r.function_id.endsWith("integration-purge"));
    const before = (await purges()).length;
    // The first purge's event again, as at-least-once delivery may hand it over (the generation it was for included).
    const generation = (await h.db.integration.findUniqueOrThrow({ where: { id: clariId } })).generation;
    const data = { integrationId: clariId, runId: old.id, generation: generation - 1 };
    await inngest.send(events.purgeRequested.create(data as Parameters<typeof events.purgeRequested.create>[0]));
    await eventually("the duplicate purge to end", async () => {
      const runs = await purges();
      return runs.length > before && runs.every((r) => ["Completed", "Failed", "Cancelled", "Skipped"].includes(r.status));
    });
    expect(await callIds(clariId)).toEqual(reference);
    expect((await queries.getIntegrationDetail(h.actor.workspaceId, "CLARI")).totalCalls).toBe(reference.length);
    expect(await h.db.syncRun.findUniqueOrThrow({ where: { id: old.id } })).toMatchObject({ status: "SUCCEEDED", callsDeleted: old.callsDeleted });
    expect(await h.db.integration.findUniqueOrThrow({ where: { id: clariId } })).toMatchObject({ status: "CONNECTED" });
  }, 120_000);
});

/** The local runtime's function runs (GET /v1/runs: `{ data }`, newest first). */
async function runtimeRuns() {
  // Signed, as the runtime requires of every request (inngest/runtime-signature.ts).
  return ((await h.runtimeGet("/v1/runs?limit=1000")) as { data: Array<{ function_id: string; status: string }> }).data;
}
