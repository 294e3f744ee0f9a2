// Issue 16.3, history is complete: Gong and Salesloft list a user's calls by host, so a call hosted by a provider
// user outside the workspace (former.rep@acme.test, contractor@partners.example in the simulators' data) that a
// workspace user attended only arrives through the backfill's outside-hosts pass. Each provider is backfilled
// through the Inngest runtime; then a poll over the whole history adds nothing, and a poll brings a new call
// hosted outside that a workspace user attended.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SimCall } from "@/dev/simulators/data";
import { eventually, startSyncHarness, type SyncHarness } from "../support/sync-harness";

const minute = (ms: number) => Math.floor(ms / 60_000) * 60_000;
/** A minute behind real time, so what the simulators list "now" is inside a poll's window. */
const simNow = () => new Date(Date.now() - 60_000).toISOString();

let h: SyncHarness;
let connect: typeof import("@/lib/integrations/connect");
let engine: typeof import("@/lib/sync/engine");

beforeAll(async () => {
  const now = simNow();
  h = await startSyncHarness({ seed: 16, callsPerUser: 6, anchor: now, now }, { ownDatabase: true });
  connect = await import("@/lib/integrations/connect");
  engine = await import("@/lib/sync/engine");
}, 120_000);
afterAll(async () => {
  await h?.close();
}, 60_000);

type P = "GONG" | "SALESLOFT";

async function connectOAuth(provider: P) {
  const { authorizationUrl, state, integrationId, browserNonce } = await connect.startOAuth(h.actor, provider);
  const params = await h.consent(authorizationUrl, "allow");
  expect(params.state).toBe(state);
  expect((await connect.completeOAuth(params, { userId: h.actor.userId, browserNonce })).outcome).toBe("ok");
  return integrationId;
}

const simCallOf = (p: P, providerCallId: string) => (p === "GONG" ? h.sims.state.callByGongId(providerCallId) : h.sims.state.callBySalesloftId(providerCallId));

/** One poll as the poll function runs it, reading back to `since`. */
async function poll(integrationId: string, since: Date) {
  await h.db.integration.update({ where: { id: integrationId }, data: { lastSuccessfulSyncAt: since, syncLockedUntil: null, syncLockRunId: null } });
  const { generation } = await h.db.integration.findUniqueOrThrow({ where: { id: integrationId } });
  const lease = await engine.acquireSyncLease(integrationId, "MANUAL", null);
  expect(lease, "the sync lease").not.toBeNull();
  let checkpoint = null;
  for (;;) {
    const r = await engine.pollPage(integrationId, generation, lease!.runId, lease!, checkpoint);
    checkpoint = r.checkpoint;
    if (r.done) break;
  }
  await engine.refetchMissingTranscripts(integrationId, generation, lease!.runId);
  await engine.releaseSyncLease(integrationId, lease!.runId, true, lease!.to);
  return h.db.syncRun.findUniqueOrThrow({ where: { id: lease!.runId } });
}

describe.each(["GONG", "SALESLOFT"] as const)("%s: calls hosted outside the workspace", (p) => {
  let id: string;
  const outside = () => h.sims.state.dataset.users.filter((u) => !u.inWorkspace);
  const inWorkspace = (idx: number) => idx >= 0 && h.sims.state.dataset.users[idx]!.inWorkspace;
  /** Served with their participants (not a Gong import, not a Salesloft /extensive 404), hosted outside, attended from inside. */
  const attendedFromOutside = (c: SimCall) =>
    !inWorkspace(c.ownerIdx) &&
    !(p === "GONG" ? c.gongImported : c.salesloftNoExtensive) &&
    c.participants.some((x) => inWorkspace(x.userIdx)) &&
    c.visibleAt <= h.sims.state.now();

  it("the backfill stores them with their participants and transcripts, counted on their own row", async () => {
    id = await connectOAuth(p);
    await connect.chooseBackfill(h.actor, await h.integration(id), "ALL_TIME");
    await eventually(
      "the backfill to finish",
      async () => {
        const i = await h.db.integration.findUniqueOrThrow({ where: { id } });
        return i.wizardStep === "COMPLETE" && i.status === "CONNECTED" ? i : null;
      },
      150_000,
    );
    expect(outside().length).toBeGreaterThan(0);
    const want = h.sims.state.dataset.calls.filter(attendedFromOutside);
    expect(want.length).toBeGreaterThanOrEqual(3);

    const calls = await h.db.call.findMany({ where: { integrationId: id }, include: { participants: true } });
    const fromOutside = calls.filter((c) => !inWorkspace(simCallOf(p, c.providerCallId)!.ownerIdx));
    expect(fromOutside.map((c) => c.providerCallId).sort()).toEqual(
      want.map((c) => calls.find((s) => simCallOf(p, s.providerCallId) === c)?.providerCallId ?? `missing call ${c.idx}`).sort(),
    );
    for (const c of fromOutside) {
      const sim = simCallOf(p, c.providerCallId)!;
      // Every party, the workspace users among them matched to their user.
      expect(c.participants.length).toBe(sim.participants.length);
      const insiders = sim.participants.filter((x) => inWorkspace(x.userIdx)).map((x) => x.person.email);
      expect(c.participants.filter((x) => x.userId !== null).map((x) => x.email)).toEqual(expect.arrayContaining(insiders));
      const ready = sim.transcriptReadyAt <= h.sims.state.now();
      expect(c.transcriptStatus).toBe(ready ? "AVAILABLE" : "PENDING");
      if (ready) expect(await h.db.transcriptSentence.count({ where: { callId: c.id } })).toBe(c.sentenceCount);
    }
    expect(fromOutside.some((c) => c.transcriptStatus === "AVAILABLE")).toBe(true);

    // The users' rows count the calls they host; the outside-hosts row the others, all Completed.
    const rows = await h.db.userSync.findMany({ where: { integrationId: id }, include: { providerUser: true } });
    const row = rows.find((r) => r.kind === "OUTSIDE_HOSTS");
    expect(row).toMatchObject({ status: "COMPLETED", callsSynced: want.length, error: null, providerUserId: null });
    for (const r of rows.filter((x) => x.kind === "USER")) {
      const hosted = calls.filter((c) => h.sims.state.dataset.users[simCallOf(p, c.providerCallId)!.ownerIdx]!.email === r.providerUser!.email);
      expect(r, r.providerUser!.email!).toMatchObject({ status: "COMPLETED", callsSynced: hosted.length });
    }
    expect(rows.reduce((n, r) => n + r.callsSynced, 0)).toBe(calls.length);
    const run = await h.db.syncRun.findFirstOrThrow({ where: { integrationId: id, kind: "BACKFILL" } });
    expect(run).toMatchObject({ status: "SUCCEEDED", callsAdded: calls.length });
    const listed = h.sims.state.dataset.calls.filter((c) => !inWorkspace(c.ownerIdx) && c.visibleAt <= h.sims.state.now()).length;
    // The cost, for docs/quality.md (issue 16.3).
    console.log(`[outside-hosts] ${p}: ${calls.length} calls (${want.length} hosted outside, of ${listed} listed) in ${run.requestsUsed} requests`);

    // The Sync step and the Manage page show it as a row of its own.
    const { getIntegrationDetail } = await import("@/lib/integrations/queries");
    const detail = await getIntegrationDetail(h.actor.workspaceId, p);
    expect(detail.outsideHosts).toMatchObject({ name: "Calls hosted outside the workspace", status: "COMPLETED", callsSynced: want.length });
    expect(detail.users.length).toBe(rows.length - 1);
    expect(detail.perUserSum).toBe(detail.totalCalls);
  }, 180_000);

  it("a poll over the whole history adds nothing; a new call hosted outside that a workspace user attended arrives with the next poll", async () => {
    const before = await h.db.call.count({ where: { integrationId: id } });
    const participantsBefore = await h.db.callParticipant.count({ where: { call: { integrationId: id } } });
    const again = await poll(id, new Date("2010-01-01T00:00:00Z"));
    expect(again).toMatchObject({ status: "SUCCEEDED", callsAdded: 0 });
    expect(await h.db.call.count({ where: { integrationId: id } })).toBe(before);
    expect(await h.db.callParticipant.count({ where: { call: { integrationId: id } } })).toBe(participantsBefore);

    const host = outside()[0]!;
    const rep = h.sims.state.dataset.users.find((u) => u.email === "rep1@acme.test")!;
    const fresh = h.sims.state.addCall({ ownerEmail: host.email, startedAt: minute(Date.now() - 50 * 60_000), durationSec: 30 * 60, transcriptReady: true });
    if (!fresh.participants.some((x) => x.userIdx === rep.idx)) {
      fresh.participants.push({
        userIdx: rep.idx,
        person: { name: rep.name, email: rep.email, title: rep.title, phone: null },
        internal: true,
        invitee: true,
        attendee: true,
      });
    }
    const run = await poll(id, new Date(Date.now() - 3_600_000));
    expect(run.callsAdded).toBe(1);
    const stored = await h.db.call.findFirstOrThrow({
      where: { integrationId: id, title: fresh.title, startedAt: new Date(fresh.startedAt) },
      include: { participants: true },
    });
    expect(stored.participants.find((x) => x.email === rep.email)?.userId).not.toBeNull();
    expect(stored.transcriptStatus).toBe("AVAILABLE");
    expect(await h.db.call.count({ where: { integrationId: id } })).toBe(before + 1);
  }, 120_000);
});
