// The sync engine end to end: simulators + local Inngest runtime + the app's real functions, on the
// test database. Scenarios run in order on one demo workspace, one provider at a time.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SimCall } from "@/dev/simulators/data";
import { eventually, startSyncHarness, type SyncHarness } from "../support/sync-harness";

const DAY = 86_400_000;
const SIM_NOW = new Date(Math.floor((Date.now() - 2 * DAY) / 3_600_000) * 3_600_000).toISOString();

let h: SyncHarness;
type Conn = typeof import("@/lib/integrations/connect");
let connect: Conn;

beforeAll(async () => {
  h = await startSyncHarness({ seed: 7, callsPerUser: 12, anchor: SIM_NOW, now: SIM_NOW });
  connect = await import("@/lib/integrations/connect");
}, 60_000);
afterAll(async () => {
  await h?.close();
});

/**
 * Calls a backfill must ingest (issue 16.3): already listed, with at least one workspace user among the
 * participants the provider serves, whoever hosts it. A call served without participants (a Gong import, a
 * Salesloft conversation whose /extensive answers 404) has its host standing in for them.
 */
function expected(provider: "GONG" | "SALESLOFT" | "CLARI", opts: { includePrivate: boolean }) {
  const { users, calls } = h.sims.state.dataset;
  const now = h.sims.state.now();
  const noParties = (c: SimCall) => (provider === "GONG" ? c.gongImported : provider === "SALESLOFT" ? c.salesloftNoExtensive : false);
  const mine = (c: SimCall) => (noParties(c) ? users[c.ownerIdx]!.inWorkspace : c.participants.some((p) => p.userIdx >= 0 && users[p.userIdx]!.inWorkspace));
  return calls.filter((c: SimCall) => mine(c) && c.visibleAt <= now && (opts.includePrivate || !c.isPrivate));
}

async function stats() {
  return (await h.control("/__sim/stats")) as Record<string, { total: number; throttled: number; apiRequests: number }>;
}

async function connectOAuth(provider: "GONG" | "SALESLOFT") {
  const { authorizationUrl, state, integrationId, browserNonce } = await connect.startOAuth(h.actor, provider);
  const params = await h.consent(authorizationUrl, "allow");
  expect(params.state).toBe(state);
  const result = await connect.completeOAuth(params, { userId: h.actor.userId, browserNonce });
  expect(result.outcome).toBe("ok");
  return integrationId;
}

async function waitForBackfill(integrationId: string, timeoutMs = 90_000) {
  return eventuallyOrDump(integrationId, timeoutMs);
}

async function eventuallyOrDump(integrationId: string, timeoutMs: number) {
  try {
    return await waitForBackfillOnly(integrationId, timeoutMs);
  } catch (e) {
    const i = await h.db.integration.findUnique({ where: { id: integrationId }, include: { userSyncs: true, syncRuns: true } });
    const runs = await h.runs();
    console.error("backfill did not finish", JSON.stringify({ i, runs: (runs as { data?: unknown; runs?: unknown }).runs ?? runs }, null, 1).slice(0, 6000));
    throw e;
  }
}

async function waitForBackfillOnly(integrationId: string, timeoutMs: number) {
  return eventually(
    "backfill to finish",
    async () => {
      const i = await h.db.integration.findUniqueOrThrow({ where: { id: integrationId } });
      return i.wizardStep === "COMPLETE" && i.status === "CONNECTED" ? i : null;
    },
    timeoutMs,
  );
}

async function callsOf(provider: "GONG" | "SALESLOFT" | "CLARI") {
  return h.db.call.findMany({
    where: { workspaceId: h.actor.workspaceId, provider },
    include: { participants: true, dealLink: { include: { deal: true } } },
  });
}

describe("sync engine", () => {
  let gongId: string;

  it("backfills several Gong users: exactly the qualifying calls, with participants, transcripts, summaries and CRM links", async () => {
    const before = await stats();
    gongId = await connectOAuth("GONG");
    await connect.chooseBackfill(h.actor, await h.integration(gongId), "ALL_TIME");
    await waitForBackfill(gongId);

    const want = expected("GONG", { includePrivate: true });
    const got = await callsOf("GONG");
    expect(got.length).toBe(want.length);
    expect(got.length).toBeGreaterThan(20);
    const byTitle = new Set(got.map((c) => c.title));
    for (const c of want) expect(byTitle.has(c.title)).toBe(true);

    const ready = want.filter((c) => c.transcriptReadyAt <= h.sims.state.now()).length;
    expect(got.filter((c) => c.transcriptStatus === "AVAILABLE").length).toBe(ready);
    expect(got.filter((c) => c.transcriptStatus === "PENDING").length).toBe(want.length - ready);
    const withTranscript = got.find((c) => c.transcriptStatus === "AVAILABLE")!;
    const sentences = await h.db.transcriptSentence.findMany({ where: { callId: withTranscript.id } });
    expect(sentences.length).toBe(withTranscript.sentenceCount);
    const speakers = new Set(withTranscript.participants.map((p) => p.speakerKey).filter(Boolean));
    expect(sentences.every((s) => s.speakerKey === null || speakers.has(s.speakerKey))).toBe(true);
    expect(got.filter((c) => c.summary).length).toBe(got.length);
    // Imported calls come without parties: their host is the one participant.
    const imported = got.filter((c) => h.sims.state.callByGongId(c.providerCallId)!.gongImported);
    expect(imported.every((c) => c.participants.length === 1 && c.participants[0]!.userId !== null)).toBe(true);
    expect(got.filter((c) => !imported.includes(c)).every((c) => c.participants.length >= 2)).toBe(true);
    expect(got.filter((c) => c.isPrivate).length).toBe(want.filter((c) => c.isPrivate).length);

    // CRM context wins: a call carrying a demo deal's ids is linked to that deal.
    const withCrm = got.filter((c) => c.crmDealIds.length > 0);
    expect(withCrm.length).toBeGreaterThan(0);
    for (const c of withCrm) {
      expect(c.dealLink?.source).toBe("CRM_ID");
      expect(c.dealLink?.deal?.crmDealId).toBe(c.crmDealIds[0]);
    }

    // One row per matched provider user, each Completed with the calls it hosts, and one for the calls hosted
    // outside the workspace that a workspace user attended (issue 16.3).
    const syncs = await h.db.userSync.findMany({ where: { integrationId: gongId, kind: "USER" }, include: { providerUser: true } });
    const { users } = h.sims.state.dataset;
    expect(syncs.length).toBe(users.filter((u) => u.inWorkspace).length);
    for (const s of syncs) {
      const owned = want.filter((c) => users[c.ownerIdx]!.email === s.providerUser!.email).length;
      expect(s).toMatchObject({ status: "COMPLETED", callsSynced: owned, error: null });
    }
    const outsideHosted = want.filter((c) => !users[c.ownerIdx]!.inWorkspace);
    expect(outsideHosted.length).toBeGreaterThanOrEqual(3);
    const outside = await h.db.userSync.findFirstOrThrow({ where: { integrationId: gongId, kind: "OUTSIDE_HOSTS" } });
    expect(outside).toMatchObject({ status: "COMPLETED", callsSynced: outsideHosted.length, error: null });
    const unmatched = await h.db.providerUser.findMany({ where: { integrationId: gongId, workspaceUserId: null } });
    expect(unmatched.map((u) => u.email).sort()).toEqual(
      users
        .filter((u) => !u.inWorkspace)
        .map((u) => u.email)
        .sort(),
    );

    // The run is recorded, and our own pacing caused no 429.
    const run = await h.db.syncRun.findFirstOrThrow({ where: { integrationId: gongId, kind: "BACKFILL" } });
    expect(run).toMatchObject({ status: "SUCCEEDED", callsAdded: want.length });
    const after = await stats();
    expect(after.gong!.throttled - (before.gong?.throttled ?? 0)).toBe(0);
    expect(run.requestsUsed).toBe(after.gong!.apiRequests - (before.gong?.apiRequests ?? 0) - 1 /* users list */);
    const integration = await h.db.integration.findUniqueOrThrow({ where: { id: gongId } });
    expect(integration.nextSyncAt!.getTime()).toBeGreaterThan(Date.now() + 3_600_000);
    expect(integration.credentialsEnc).not.toContain("at_");
  }, 60_000);

  it("a second sync of the same window changes nothing (no duplicates)", async () => {
    const before = await callsOf("GONG");
    const sentencesBefore = await h.db.transcriptSentence.count({ where: { call: { workspaceId: h.actor.workspaceId } } });
    await connect.syncNow(h.actor, await h.integration(gongId));
    const run = await eventually("manual sync", () => h.db.syncRun.findFirst({ where: { integrationId: gongId, kind: "MANUAL", status: "SUCCEEDED" } }));
    expect(run.callsAdded).toBe(0);
    const after = await callsOf("GONG");
    expect(after.length).toBe(before.length);
    expect(await h.db.transcriptSentence.count({ where: { call: { workspaceId: h.actor.workspaceId } } })).toBe(sentencesBefore);
    expect(await h.db.callParticipant.count({ where: { call: { provider: "GONG", workspaceId: h.actor.workspaceId } } })).toBe(
      before.reduce((n, c) => n + c.participants.length, 0),
    );
  });

  it("late calls and late transcripts arrive on later polls", async () => {
    // From here on the simulated clock follows real time, as in production.
    await h.control("/__sim/clock", { now: new Date().toISOString() });
    const minute = (ms: number) => Math.floor(ms / 60_000) * 60_000;
    const fresh = h.sims.state.addCall({ ownerEmail: "rep1@acme.test", startedAt: minute(Date.now() - 40 * 60_000), durationSec: 30 * 60 });
    await connect.syncNow(h.actor, await h.integration(gongId));
    await eventually(
      "second manual sync",
      async () => (await h.db.syncRun.count({ where: { integrationId: gongId, kind: "MANUAL", status: "SUCCEEDED" } })) === 2,
    );
    const stored = await h.db.call.findFirstOrThrow({ where: { integrationId: gongId, title: fresh.title, startedAt: new Date(fresh.startedAt) } });
    expect(stored.transcriptStatus).toBe("PENDING");

    // A call that happened 3 hours ago but only shows up now (provider lag) is inside the poll overlap.
    const late = h.sims.state.addCall({ ownerEmail: "rep3@acme.test", startedAt: minute(Date.now() - 3 * 3_600_000), durationSec: 20 * 60 });
    await h.control("/__sim/clock", { advanceMs: 25 * 3_600_000 });
    await connect.syncNow(h.actor, await h.integration(gongId));
    await eventually(
      "third manual sync",
      async () => (await h.db.syncRun.count({ where: { integrationId: gongId, kind: "MANUAL", status: "SUCCEEDED" } })) === 3,
    );
    expect((await h.db.call.findUniqueOrThrow({ where: { id: stored.id } })).transcriptStatus).toBe("AVAILABLE");
    expect(await h.db.transcriptSentence.count({ where: { callId: stored.id } })).toBeGreaterThan(0);
    expect(await h.db.call.count({ where: { integrationId: gongId, title: late.title, startedAt: new Date(late.startedAt) } })).toBe(1);
  }, 60_000);

  it("a user with an injected auth failure ends Failed with a readable error; Retry completes them; others are unaffected", async () => {
    await h.control("/__sim/reset", { seed: 7, callsPerUser: 12, anchor: SIM_NOW, now: SIM_NOW });
    const victim = h.sims.state.dataset.users.find((u) => u.email === "rep2@acme.test")!;
    // Only this user's call listing is refused (call details are shared with other users' calls).
    await h.control("/__sim/faults", { provider: "clari", kind: "revoked", count: 1000, endpoint: "GET /calls", providerUserId: victim.email });
    const { integrationId } = await connect.connectWithApiKey(h.actor, "CLARI", { apiKey: "sim-clari-key", apiSecret: "sim-clari-secret" });
    await connect.chooseBackfill(h.actor, await h.integration(integrationId), "ALL_TIME");
    const failed = await eventually("victim to fail", () =>
      h.db.userSync.findFirst({ where: { integrationId, status: "FAILED" }, include: { providerUser: true } }),
    );
    expect(failed.providerUser!.email).toBe(victim.email);
    expect(failed.error).toMatch(/Reconnect/);
    await eventually(
      "others to complete",
      async () => (await h.db.userSync.count({ where: { integrationId, status: { in: ["PENDING", "IN_PROGRESS"] } } })) === 0,
    );
    expect(await h.db.userSync.count({ where: { integrationId, status: "COMPLETED" } })).toBe(5);

    await h.control("/__sim/faults", undefined, "DELETE");
    await connect.retryUser(h.actor, await h.integration(integrationId), failed.id);
    await waitForBackfill(integrationId);
    const want = expected("CLARI", { includePrivate: false });
    const got = await callsOf("CLARI");
    expect(got.length).toBe(want.length);
    expect((await h.db.userSync.findUniqueOrThrow({ where: { id: failed.id } })).status).toBe("COMPLETED");
  }, 120_000);

  it("429 bursts, 500s and timeouts mid-backfill end with the same data as a clean run", async () => {
    const clean = (await callsOf("CLARI")).map((c) => `${c.providerCallId}:${c.participants.length}:${c.transcriptStatus}:${c.dealLink?.dealId ?? "-"}`).sort();
    await h.control("/__sim/faults", undefined, "DELETE");
    const integration = await h.db.integration.findFirstOrThrow({ where: { workspaceId: h.actor.workspaceId, provider: "CLARI" } });
    await connect.disconnect(h.actor, await h.integration(integration.id));
    await h.db.call.deleteMany({ where: { provider: "CLARI", workspaceId: h.actor.workspaceId } });
    await connect.connectWithApiKey(h.actor, "CLARI", { apiKey: "sim-clari-key", apiSecret: "sim-clari-secret" });
    await h.control("/__sim/faults", { provider: "clari", kind: "429", count: 4, retryAfterSec: 1 });
    await h.control("/__sim/faults", { provider: "clari", kind: "500", count: 6 });
    await h.control("/__sim/faults", { provider: "clari", kind: "timeout", count: 1, hangMs: 200 });
    await connect.chooseBackfill(h.actor, await h.integration(integration.id), "ALL_TIME");
    await waitForBackfill(integration.id);
    const again = (await callsOf("CLARI")).map((c) => `${c.providerCallId}:${c.participants.length}:${c.transcriptStatus}:${c.dealLink?.dealId ?? "-"}`).sort();
    expect(again).toEqual(clean);
    expect(await h.db.userSync.count({ where: { integrationId: integration.id, status: { not: "COMPLETED" } } })).toBe(0);
    const s = await stats();
    expect(s.clari!.throttled).toBeGreaterThanOrEqual(4);
  }, 120_000);

  it("purge deletes one integration's calls in batches and keeps the others", async () => {
    const clari = await h.db.call.count({ where: { provider: "CLARI", workspaceId: h.actor.workspaceId } });
    await connect.disconnect(h.actor, await h.integration(gongId));
    await expect(connect.purge(h.actor, await h.integration(gongId), { confirm: "delete" })).rejects.toThrow(/Type DELETE/);
    await connect.purge(h.actor, await h.integration(gongId), { confirm: "DELETE" });
    await eventually("purge", () => h.db.syncRun.findFirst({ where: { integrationId: gongId, kind: "PURGE", status: "SUCCEEDED" } }));
    expect(await h.db.call.count({ where: { provider: "GONG", workspaceId: h.actor.workspaceId } })).toBe(0);
    expect(await h.db.callDealLink.count({ where: { call: { provider: "GONG", workspaceId: h.actor.workspaceId } } })).toBe(0);
    expect(await h.db.call.count({ where: { provider: "CLARI", workspaceId: h.actor.workspaceId } })).toBe(clari);
  }, 60_000);

  it("disconnect during a backfill stops requests within seconds and keeps the data; reconnect fills the gap without duplicates", async () => {
    await h.control("/__sim/reset", { seed: 11, callsPerUser: 30, anchor: SIM_NOW, now: SIM_NOW });
    // Slow transcript responses keep the backfill busy long enough to disconnect in the middle of it.
    await h.control("/__sim/faults", { provider: "gong", kind: "timeout", hangMs: 1_500, count: 100, endpoint: "POST /v2/calls/transcript" });
    await connectOAuth("GONG");
    await connect.chooseBackfill(h.actor, await h.integration(gongId), "ALL_TIME");
    await eventually("some calls", async () => (await h.db.call.count({ where: { integrationId: gongId } })) >= 1);
    await connect.disconnect(h.actor, await h.integration(gongId));
    const stopped = Date.now();
    // Requests already in flight may finish; after that, silence.
    await eventually(
      "requests to stop",
      async () => {
        const a = (await stats()).gong!.total;
        await new Promise((r) => setTimeout(r, 1_500));
        return (await stats()).gong!.total === a;
      },
      15_000,
    );
    expect(Date.now() - stopped).toBeLessThan(10_000);
    const kept = await h.db.call.count({ where: { integrationId: gongId } });
    expect(kept).toBeGreaterThanOrEqual(1);
    expect(await h.db.integration.findUniqueOrThrow({ where: { id: gongId } })).toMatchObject({ status: "DISCONNECTED", credentialsEnc: null });
    const want = expected("GONG", { includePrivate: true });
    expect(kept).toBeLessThan(want.length);

    await h.control("/__sim/faults", undefined, "DELETE");
    await connectOAuth("GONG");
    await connect.chooseBackfill(h.actor, await h.integration(gongId), "ALL_TIME");
    await waitForBackfill(gongId, 120_000);
    expect(await h.db.userSync.count({ where: { integrationId: gongId, status: { not: "COMPLETED" } } })).toBe(0);
    const got = await callsOf("GONG");
    expect(got.length).toBe(want.length);
    const run = await h.db.syncRun.findFirstOrThrow({ where: { integrationId: gongId, kind: "BACKFILL" }, orderBy: { startedAt: "desc" } });
    expect(run.callsAdded).toBe(want.length - kept);
  }, 180_000);

  it("a runtime restart in the middle of a backfill ends with the same data as a clean run", async () => {
    const clean = (await callsOf("GONG")).map((c) => `${c.providerCallId}:${c.participants.length}:${c.transcriptStatus}:${c.dealLink?.dealId ?? "-"}`).sort();
    await connect.disconnect(h.actor, await h.integration(gongId));
    await connect.purge(h.actor, await h.integration(gongId), { confirm: "DELETE" });
    await eventually("purge", async () => (await h.db.syncRun.count({ where: { integrationId: gongId, kind: "PURGE", status: "SUCCEEDED" } })) === 2);
    await h.control("/__sim/faults", { provider: "gong", kind: "timeout", hangMs: 1_000, count: 100, endpoint: "POST /v2/calls/transcript" });
    await connectOAuth("GONG");
    await connect.chooseBackfill(h.actor, await h.integration(gongId), "ALL_TIME");
    await eventually("some calls", async () => (await h.db.call.count({ where: { integrationId: gongId } })) >= 1);
    await h.restartRuntime();
    await h.control("/__sim/faults", undefined, "DELETE");
    await waitForBackfill(gongId, 120_000);
    const again = (await callsOf("GONG")).map((c) => `${c.providerCallId}:${c.participants.length}:${c.transcriptStatus}:${c.dealLink?.dealId ?? "-"}`).sort();
    expect(again).toEqual(clean);
    expect(await h.db.userSync.count({ where: { integrationId: gongId, status: { not: "COMPLETED" } } })).toBe(0);
  }, 180_000);

  it("a deals.changed event relinks calls to a deal whose CRM id now matches", async () => {
    const call = await h.db.call.findFirstOrThrow({
      where: { workspaceId: h.actor.workspaceId, provider: "GONG", crmDealIds: { isEmpty: false }, dealLink: { source: "CRM_ID" } },
      include: { dealLink: true },
    });
    const other = await h.db.deal.findFirstOrThrow({ where: { workspaceId: h.actor.workspaceId, id: { not: call.dealLink!.dealId! } } });
    const original = await h.db.deal.findUniqueOrThrow({ where: { id: call.dealLink!.dealId! } });
    // The CRM moves the opportunity id to another deal record.
    await h.db.deal.update({ where: { id: original.id }, data: { crmDealId: null } });
    await h.db.deal.update({ where: { id: other.id }, data: { crmDealId: call.crmDealIds[0]! } });
    const { inngest, events } = await import("@/inngest/client");
    await inngest.send(events.dealsChanged.create({ workspaceId: h.actor.workspaceId }));
    await eventually("relink", async () => (await h.db.callDealLink.findUnique({ where: { callId: call.id } }))?.dealId === other.id, 30_000);
    await h.db.deal.update({ where: { id: other.id }, data: { crmDealId: other.crmDealId } });
    await h.db.deal.update({ where: { id: original.id }, data: { crmDealId: original.crmDealId } });
  }, 60_000);
});
