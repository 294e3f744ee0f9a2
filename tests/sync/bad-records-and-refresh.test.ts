// Issue 16, items 5 and 6, against the simulators.
// 5. One bad record never stops a sync: a call record that fails validation is skipped, counted on the run
//    and stored (SkippedCallRecord: provider id, field, message; one row per call however often it is read),
//    the page and the window move on, and a later sync that reads the call valid stores it and drops the row.
// 6. Token refresh never bricks an integration: the refresh lease is renewed while a slow token call is in
//    flight (a short lease here proves the renewal, not the size), so a second worker never spends the same
//    single-use Gong refresh token; a worker whose lease was taken over never renews or releases the new
//    holder's. (A Gong refresh without api_base_url_for_customer keeps the stored host: gong-api-host.test.ts.)
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, startSyncHarness, type SyncHarness } from "../support/sync-harness";

const HOUR = 3_600_000;
/** The simulated clock a minute behind real time: what the simulators list "now" is inside a poll's window. */
const simNow = () => new Date(Date.now() - 60_000).toISOString();

let h: SyncHarness;
let connect: typeof import("@/lib/integrations/connect");
let engine: typeof import("@/lib/sync/engine");
let credentials: typeof import("@/lib/sync/credentials");
let clients: typeof import("@/lib/sync/clients");
let providers: typeof import("@/lib/providers");

beforeAll(async () => {
  const now = simNow();
  h = await startSyncHarness({ seed: 56, callsPerUser: 3, anchor: now, now }, { ownDatabase: true });
  connect = await import("@/lib/integrations/connect");
  engine = await import("@/lib/sync/engine");
  credentials = await import("@/lib/sync/credentials");
  clients = await import("@/lib/sync/clients");
  providers = await import("@/lib/providers");
}, 120_000);
afterAll(async () => {
  await h?.close();
}, 60_000);

type P = "GONG" | "SALESLOFT" | "CLARI";
const SIM = { GONG: "gong", SALESLOFT: "salesloft", CLARI: "clari" } as const;

async function connectOAuth(provider: "GONG" | "SALESLOFT") {
  const { authorizationUrl, state, integrationId, browserNonce } = await connect.startOAuth(h.actor, provider);
  const params = await h.consent(authorizationUrl, "allow");
  expect(params.state).toBe(state);
  expect((await connect.completeOAuth(params, { userId: h.actor.userId, browserNonce })).outcome).toBe("ok");
  return integrationId;
}

/** Connected without a backfill: calls arrive through the polls under test. */
async function connectedForPolls(provider: P) {
  const id =
    provider === "CLARI"
      ? (await connect.connectWithApiKey(h.actor, "CLARI", { apiKey: "sim-clari-key", apiSecret: "sim-clari-secret" })).integrationId
      : await connectOAuth(provider);
  await connect.chooseBackfill(h.actor, await h.integration(id), "SKIP");
  await eventually("the integration to be connected", async () => {
    const i = await h.db.integration.findUniqueOrThrow({ where: { id } });
    return i.status === "CONNECTED" && i.wizardStep === "COMPLETE" ? i : null;
  });
  return id;
}

/** One poll, as the poll function runs it: lease, pages, late transcripts, release. */
async function poll(integrationId: string) {
  await h.db.integration.update({
    where: { id: integrationId },
    data: { lastSuccessfulSyncAt: new Date(Date.now() - HOUR), syncLockedUntil: null, syncLockRunId: null },
  });
  const { generation } = await h.db.integration.findUniqueOrThrow({ where: { id: integrationId } });
  const lease = await engine.acquireSyncLease(integrationId, "MANUAL", null);
  expect(lease, "the sync lease").not.toBeNull();
  let checkpoint = null;
  let pages = 0;
  for (;;) {
    const r = await engine.pollPage(integrationId, generation, lease!.runId, lease!, checkpoint);
    pages++;
    checkpoint = r.checkpoint;
    if (r.done) break;
  }
  await engine.refetchMissingTranscripts(integrationId, generation, lease!.runId);
  await engine.releaseSyncLease(integrationId, lease!.runId, true, lease!.to);
  return { run: await h.db.syncRun.findUniqueOrThrow({ where: { id: lease!.runId } }), pages };
}

const skippedRows = (integrationId: string) => h.db.skippedCallRecord.findMany({ where: { integrationId }, orderBy: { providerCallId: "asc" } });

describe("one bad record never stops a sync (issue 16, item 5)", () => {
  // The field each provider's record is broken in (the simulator's default: the call's start time).
  const FIELD: Record<P, string> = { GONG: "metaData.started", SALESLOFT: "created_at", CLARI: "time" };

  for (const provider of ["GONG", "SALESLOFT", "CLARI"] as const) {
    it(`${provider}: a call that fails validation is skipped, counted and stored with its id and field; the poll goes on; read valid later, it is stored and leaves the list`, async () => {
      const id = await connectedForPolls(provider);
      const good = (await h.control("/__sim/calls", { ownerEmail: "rep1@acme.test", startedAt: new Date(Date.now() - 3 * HOUR).toISOString() })) as Record<
        string,
        string
      >;
      const bad = (await h.control("/__sim/calls", { ownerEmail: "rep2@acme.test", startedAt: new Date(Date.now() - 2 * HOUR).toISOString() })) as Record<
        string,
        string
      >;
      const goodId = good[SIM[provider]]!;
      const badId = bad[SIM[provider]]!;
      const [fault] = (await h.control("/__sim/faults", { provider: SIM[provider], kind: "malformed", callId: badId })) as Array<{ id: number }>;

      const first = await poll(id);
      expect(h.sims.state.faults.list().find((f) => f.id === fault!.id)!.hits, "the bad record was served").toBeGreaterThan(0);
      expect(first.run).toMatchObject({ status: "SUCCEEDED", recordsSkipped: 1, error: null });
      expect(await h.db.call.findFirst({ where: { integrationId: id, providerCallId: goodId } }), "the valid call of the same poll").not.toBeNull();
      expect(await h.db.call.findFirst({ where: { integrationId: id, providerCallId: badId } })).toBeNull();
      const rows = await skippedRows(id);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ providerCallId: badId, field: FIELD[provider], runId: first.run.id });
      expect(rows[0]!.message.length).toBeGreaterThan(0);
      const { lastSuccessfulSyncAt } = await h.db.integration.findUniqueOrThrow({ where: { id } });
      expect(lastSuccessfulSyncAt!.getTime(), "the window moved on").toBe(first.run.windowTo!.getTime());

      // Read again (the next poll re-reads its overlap): still one row, first seen unchanged.
      const second = await poll(id);
      expect(second.run).toMatchObject({ status: "SUCCEEDED", recordsSkipped: 1 });
      const again = await skippedRows(id);
      expect(again).toHaveLength(1);
      expect(again[0]).toMatchObject({ id: rows[0]!.id, providerCallId: badId, runId: second.run.id, firstSeenAt: rows[0]!.firstSeenAt });
      expect(again[0]!.lastSeenAt.getTime()).toBeGreaterThanOrEqual(rows[0]!.lastSeenAt.getTime());

      // The provider serves it valid: the next sync stores it and it leaves the list.
      h.sims.state.faults.clear(SIM[provider]);
      const third = await poll(id);
      expect(third.run).toMatchObject({ status: "SUCCEEDED", recordsSkipped: 0 });
      expect(await h.db.call.findFirst({ where: { integrationId: id, providerCallId: badId } })).not.toBeNull();
      expect(await skippedRows(id)).toEqual([]);
    });
  }
});

describe("token refresh never bricks an integration (issue 16, item 6)", () => {
  let gongId: string;
  const SHORT_LEASE_MS = 300;
  const SLOW_TOKEN_MS = 1_500;

  /** A worker: its own client and credential store on the same integration row. */
  async function worker(leaseMs: number) {
    const row = await h.db.integration.findUniqueOrThrow({ where: { id: gongId } });
    const config = clients.providerConfig("GONG");
    return providers.getProviderClient(
      "GONG",
      { ...config, apiBaseUrl: row.apiBaseUrl ?? config.apiBaseUrl },
      { credentials: credentials.dbCredentialStore(gongId, "GONG", { leaseMs }) },
    );
  }
  const refreshes = async () => ((await h.control("/__sim/stats")) as Record<string, { refreshes: number }>).gong!.refreshes;

  it("a token call slower than the lease: the lease is renewed, the second worker waits and uses the first one's tokens; the refresh token is spent once", async () => {
    gongId = await connectedForPolls("GONG");
    const a = await worker(SHORT_LEASE_MS);
    const b = await worker(SHORT_LEASE_MS);
    await a.listUsers();
    const before = await refreshes();
    await h.control("/__sim/faults", { provider: "gong", kind: "slow_token", hangMs: SLOW_TOKEN_MS });
    await h.control("/__sim/tokens/expire", {});

    // Both get a 401 with the same access token and refresh: the first holds the lease for 1.5 s (five leases).
    const results = await Promise.allSettled([a.listUsers(), new Promise((r) => setTimeout(r, 50)).then(() => b.listUsers())]);
    expect(
      results.map((r) => (r.status === "fulfilled" ? "ok" : String((r.reason as Error).message))),
      "neither worker was refused (invalid_grant)",
    ).toEqual(["ok", "ok"]);
    expect(await refreshes(), "one refresh: the single-use refresh token was spent once").toBe(before + 1);
    h.sims.state.faults.clear("gong");

    // The stored pair is the live one: a later refresh (with the stored refresh token) succeeds.
    const row = await h.db.integration.findUniqueOrThrow({ where: { id: gongId } });
    expect(row).toMatchObject({ status: "CONNECTED", refreshLockedUntil: null, refreshLockHolder: null });
    await (await worker(SHORT_LEASE_MS)).refreshCredentials();
    expect(await refreshes()).toBe(before + 2);
  });

  it("a worker whose lease was taken over neither renews nor releases the new holder's lease", async () => {
    const store = (leaseMs: number, waitMs?: number) => credentials.dbCredentialStore(gongId, "GONG", { leaseMs, waitMs });
    const lease = () => h.db.integration.findUniqueOrThrow({ where: { id: gongId }, select: { refreshLockedUntil: true, refreshLockHolder: true } });
    let finishA!: () => void;
    const a = store(SHORT_LEASE_MS).withRefreshLock(() => new Promise<void>((r) => (finishA = r)));
    const heldByA = await eventually("A to hold the lease", async () => ((await lease()).refreshLockHolder ? await lease() : null), 5_000);

    // A stalls past its lease (its renewals lost, e.g. a paused process): its lease lapses and B takes it.
    await h.db.integration.update({ where: { id: gongId }, data: { refreshLockedUntil: new Date(Date.now() - 1_000), refreshLockHolder: "lapsed" } });
    let finishB!: () => void;
    const b = store(60_000).withRefreshLock(() => new Promise<void>((r) => (finishB = r)));
    const heldByB = await eventually("B to hold the lease", async () => {
      const l = await lease();
      return l.refreshLockHolder && l.refreshLockHolder !== "lapsed" ? l : null;
    });
    expect(heldByB.refreshLockHolder).not.toBe(heldByA.refreshLockHolder);

    // A finishes: B's lease stays B's, and a third worker cannot take it.
    finishA();
    await a;
    await new Promise((r) => setTimeout(r, SHORT_LEASE_MS));
    const after = await lease();
    expect(after.refreshLockHolder, "A released or overwrote B's lease").toBe(heldByB.refreshLockHolder);
    expect(after.refreshLockedUntil!.getTime()).toBeGreaterThan(Date.now());
    await expect(store(SHORT_LEASE_MS, 400).withRefreshLock(async () => "C refreshed")).rejects.toThrow(/Another worker is refreshing/);

    finishB();
    await b;
    expect(await lease()).toEqual({ refreshLockedUntil: null, refreshLockHolder: null });
  });
});
