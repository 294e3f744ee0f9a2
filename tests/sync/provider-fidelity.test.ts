// Issue 16: the product against simulators that behave like the real providers. Clari Copilot lists every
// calendar meeting (only recordings become calls; a call seen before POST_PROCESSING_DONE is read again);
// Gong lists calls up to a day late and fills brief, key points, action items and CRM context in later
// still (polls overlap two days, the daily re-scan reads 14 and removes what the provider deleted); calls
// without a participant list keep their owner. The engine's units of work run directly (one poll = lease,
// pages, late transcripts, release); the re-scan also through the Inngest runtime, as production runs it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SimCall } from "@/dev/simulators/data";
import { eventually, startSyncHarness, type SyncHarness } from "../support/sync-harness";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const minute = (ms: number) => Math.floor(ms / 60_000) * 60_000;
/** The simulated clock a minute behind real time: what the simulators list "now" is inside a poll's window (it ends at real now). */
const simNow = () => new Date(Date.now() - 60_000).toISOString();

let h: SyncHarness;
let connect: typeof import("@/lib/integrations/connect");
let engine: typeof import("@/lib/sync/engine");
let inngestClient: typeof import("@/inngest/client");

beforeAll(async () => {
  const now = simNow();
  h = await startSyncHarness({ seed: 16, callsPerUser: 6, anchor: now, now }, { ownDatabase: true });
  connect = await import("@/lib/integrations/connect");
  engine = await import("@/lib/sync/engine");
  inngestClient = await import("@/inngest/client");
}, 120_000);
afterAll(async () => {
  await h?.close();
}, 60_000);

async function connectOAuth(provider: "GONG" | "SALESLOFT") {
  const { authorizationUrl, state, integrationId, browserNonce } = await connect.startOAuth(h.actor, provider);
  const params = await h.consent(authorizationUrl, "allow");
  expect(params.state).toBe(state);
  expect((await connect.completeOAuth(params, { userId: h.actor.userId, browserNonce })).outcome).toBe("ok");
  return integrationId;
}

/** Connected without a backfill: every call arrives through the polls under test. */
async function connectedForPolls(provider: "GONG" | "SALESLOFT" | "CLARI") {
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

/** One poll, as the poll function runs it: lease (window since the last successful sync, minus the overlap), pages, late transcripts, release. */
async function poll(integrationId: string, lastSuccessfulSyncAt: Date) {
  await h.db.integration.update({ where: { id: integrationId }, data: { lastSuccessfulSyncAt, syncLockedUntil: null, syncLockRunId: null } });
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

const stored = (integrationId: string, providerCallId: string) =>
  h.db.call.findFirst({ where: { integrationId, providerCallId }, include: { participants: true, dealLink: { include: { deal: true } } } });

describe("Clari Copilot lists every calendar meeting", () => {
  let clariId: string;

  it("keeps recordings only: scheduled, never-joined and other never-recorded meetings are never stored", async () => {
    clariId = await connectedForPolls("CLARI");
    const { meetings, calls, users } = h.sims.state.dataset;
    expect(meetings.length).toBeGreaterThan(10);
    expect(new Set(meetings.map((m) => m.status)).size).toBeGreaterThan(4);
    // The listing really carries them (what a client that does not filter would store).
    const listed = (await (
      await fetch(`${h.sims.url}/clari-api/calls?limit=25&filterStatus=SCHEDULED&filterStatus=NOBODY_JOINED_CALL&filterStatus=NO_DATA_INCALL`, {
        headers: { "x-api-key": "sim-clari-key", "x-api-password": "sim-clari-secret" },
      })
    ).json()) as { calls: Array<{ status: string }>; pagination: { matched: number } };
    expect(listed.pagination.matched).toBeGreaterThan(0);

    const run = await poll(clariId, new Date("2010-01-01T00:00:00Z"));
    const now = h.sims.state.now();
    const mine = (c: SimCall) => c.participants.some((p) => p.userIdx >= 0 && users[p.userIdx]!.inWorkspace);
    const want = calls.filter((c) => mine(c) && h.sims.state.isVisible(c, now) && !c.isPrivate);
    const got = await h.db.call.findMany({ where: { integrationId: clariId }, select: { providerCallId: true, transcriptStatus: true } });
    const meetingIds = new Set(meetings.map((m) => h.sims.state.clariId(m.call)));
    expect(
      got.filter((c) => meetingIds.has(c.providerCallId)),
      "no never-recorded or future meeting stored",
    ).toEqual([]);
    expect(got.length).toBe(want.length);
    expect(run.callsAdded).toBe(want.length);
  }, 90_000);

  it("a call first seen PROCESSING, then PROCESSED, is read again until POST_PROCESSING_DONE brings transcript, summary and action items", async () => {
    h.sims.state.setNow(simNow());
    const t = h.sims.state.now();
    // Recorded 40 minutes ago, listed now; transcript in 1 h (PROCESSED), summary 2 h later (POST_PROCESSING_DONE).
    const call = h.sims.state.addCall({
      ownerEmail: "rep1@acme.test",
      startedAt: minute(t - 40 * 60_000),
      durationSec: 30 * 60,
      visibleAt: t,
      processedAt: t + HOUR,
      transcriptReadyAt: t + 3 * HOUR,
    });
    const id = h.sims.state.clariId(call);
    await poll(clariId, new Date(Date.now() - 2 * HOUR));
    expect(await stored(clariId, id)).toMatchObject({ transcriptStatus: "PENDING", summary: null });

    // PROCESSED: the transcript is there, the summary not yet. Not final: it stays pending and is asked for again.
    h.sims.state.advance(HOUR + 60_000);
    await poll(clariId, new Date(Date.now() - 2 * HOUR));
    const processed = await stored(clariId, id);
    expect(processed).toMatchObject({ transcriptStatus: "PENDING", summary: null, sentenceCount: 0 });

    h.sims.state.advance(2 * HOUR);
    await poll(clariId, new Date(Date.now() - 2 * HOUR));
    const done = (await stored(clariId, id))!;
    expect(done.transcriptStatus).toBe("AVAILABLE");
    expect(done.sentenceCount).toBeGreaterThan(10);
    expect(done.summary).toContain(call.title);
    expect((done.actionItems as string[]).length).toBeGreaterThan(0);
    expect((done.keyPoints as string[]).length).toBeGreaterThan(0);
  }, 60_000);
});

describe("Gong: late calls, late fields, changes and deletions", () => {
  let gongId: string;

  it("a call Gong lists a day after it ended arrives on the next poll (the overlap is days, not hours)", async () => {
    gongId = await connectedForPolls("GONG");
    h.sims.state.setNow(simNow());
    const t = h.sims.state.now();
    const late = h.sims.state.addCall({ ownerEmail: "rep2@acme.test", startedAt: minute(t - 30 * HOUR), durationSec: 25 * 60, visibleAt: t });
    // The previous poll ran two hours ago, before Gong listed the call.
    await poll(gongId, new Date(Date.now() - 2 * HOUR));
    expect(await stored(gongId, h.sims.state.gongCallId(late))).not.toBeNull();
  }, 60_000);

  it("an imported call without parties keeps its workspace host as the participant; one hosted outside the workspace is not kept", async () => {
    h.sims.state.setNow(simNow());
    const t = h.sims.state.now();
    const outsider = h.sims.state.dataset.users.find((u) => !u.inWorkspace)!;
    const mine = h.sims.state.addCall({ ownerEmail: "rep3@acme.test", startedAt: minute(t - HOUR), durationSec: 10 * 60, gongImported: true });
    const theirs = h.sims.state.addCall({ ownerEmail: outsider.email, startedAt: minute(t - HOUR), durationSec: 10 * 60, gongImported: true });
    await poll(gongId, new Date(Date.now() - 2 * HOUR));
    const call = (await stored(gongId, h.sims.state.gongCallId(mine)))!;
    expect(call, "the imported call").not.toBeNull();
    const rep3 = await h.db.user.findUniqueOrThrow({ where: { email: "rep3@acme.test" } });
    expect(call.participants).toHaveLength(1);
    expect(call.participants[0]).toMatchObject({ userId: rep3.id, email: "rep3@acme.test", affiliation: "INTERNAL", isAttendee: true });
    expect(await stored(gongId, h.sims.state.gongCallId(theirs))).toBeNull();
  }, 60_000);

  it("the daily re-scan brings brief, key points, action items and CRM context filled in later, metadata and privacy changes, and removes deleted calls", async () => {
    h.sims.state.setNow(simNow());
    const t = h.sims.state.now();
    const base = { durationSec: 30 * 60, transcriptReadyAt: t + HOUR } as const;
    // Five days old, synced while Gong had neither the AI fields nor the CRM context.
    const enriched = h.sims.state.addCall({
      ...base,
      ownerEmail: "rep1@acme.test",
      startedAt: minute(t - 5 * DAY),
      visibleAt: t - 5 * DAY + HOUR,
      crmDealKey: "deal-03",
      crmReadyAt: t + HOUR,
    });
    const changed = h.sims.state.addCall({ ...base, ownerEmail: "rep4@acme.test", startedAt: minute(t - 6 * DAY), visibleAt: t - 6 * DAY + HOUR });
    const deleted = h.sims.state.addCall({ ...base, ownerEmail: "rep5@acme.test", startedAt: minute(t - 7 * DAY), visibleAt: t - 7 * DAY + HOUR });
    const older = h.sims.state.addCall({ ...base, ownerEmail: "rep5@acme.test", startedAt: minute(t - 20 * DAY), visibleAt: t - 20 * DAY + HOUR });
    await poll(gongId, new Date(Date.now() - 21 * DAY));
    const ids = [enriched, changed, deleted, older].map((c) => h.sims.state.gongCallId(c));
    for (const id of ids) expect(await stored(gongId, id), id).not.toBeNull();
    expect(await stored(gongId, ids[0]!)).toMatchObject({ summary: null, crmDealIds: [] });

    // Two hours later Gong has the brief and the CRM context; one call went private and was renamed, one was deleted.
    h.sims.state.advance(2 * HOUR);
    h.sims.state.updateCall(changed, { isPrivate: true, title: "Renamed in Gong" });
    h.sims.state.updateCall(deleted, { deleted: true });
    // The regular poll does not reach five days back: nothing of that arrives.
    await poll(gongId, new Date(Date.now() - 2 * HOUR));
    expect(await stored(gongId, ids[0]!)).toMatchObject({ summary: null, crmDealIds: [] });
    expect(await stored(gongId, ids[2]!)).not.toBeNull();
    const total = await h.db.call.count({ where: { integrationId: gongId } });

    const { generation } = await h.db.integration.findUniqueOrThrow({ where: { id: gongId } });
    await inngestClient.inngest.send(inngestClient.events.rescanRequested.create({ integrationId: gongId, generation }));
    const run = await eventually(
      "the re-scan",
      () => h.db.syncRun.findFirst({ where: { integrationId: gongId, kind: "RESCAN", status: { not: "RUNNING" } } }),
      60_000,
    );
    expect(run).toMatchObject({ status: "SUCCEEDED", callsDeleted: 1 });
    expect(run.windowTo!.getTime() - run.windowFrom!.getTime()).toBe(14 * DAY);

    const e = (await stored(gongId, ids[0]!))!;
    expect(e.summary).toContain(enriched.title);
    expect((e.keyPoints as string[]).length).toBeGreaterThan(0);
    expect((e.actionItems as string[]).length).toBeGreaterThan(0);
    expect(e.crmDealIds.length).toBe(1);
    expect(e.dealLink?.deal?.crmDealId).toBe(e.crmDealIds[0]);
    expect(await stored(gongId, ids[1]!)).toMatchObject({ isPrivate: true, title: "Renamed in Gong" });
    expect(await stored(gongId, ids[2]!), "deleted at Gong").toBeNull();
    // Outside the 14 days: left as it was (no listing says anything about it).
    expect(await stored(gongId, ids[3]!)).not.toBeNull();
    expect(await h.db.call.count({ where: { integrationId: gongId } })).toBe(total - 1);
  }, 120_000);
});

describe("Salesloft: a conversation whose /extensive answers 404", () => {
  it("is kept with its owner as the participant when the owner is a workspace user", async () => {
    const id = await connectedForPolls("SALESLOFT");
    h.sims.state.setNow(simNow());
    const t = h.sims.state.now();
    const call = h.sims.state.addCall({ ownerEmail: "rep4@acme.test", startedAt: minute(t - HOUR), durationSec: 15 * 60, salesloftNoExtensive: true });
    await poll(id, new Date(Date.now() - 2 * HOUR));
    const got = (await stored(id, h.sims.state.salesloftId(call)))!;
    expect(got, "the conversation").not.toBeNull();
    const rep4 = await h.db.user.findUniqueOrThrow({ where: { email: "rep4@acme.test" } });
    expect(got.participants.map((p) => p.userId)).toEqual([rep4.id]);
  }, 60_000);
});
