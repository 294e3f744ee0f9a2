// Fault suite (issue 8). Provider simulators + the local Inngest runtime + the app's real Inngest
// functions, on a database of its own. Each provider is first backfilled cleanly (the reference: every
// call by provider id with its participant count, transcript status and sentence count, and deal link);
// every scenario then starts from nothing, breaks something, and must end in exactly that state: no
// duplicate calls, sentences or participants, every user Completed or Failed with a readable reason,
// 429s exactly the injected ones, and no sync run left running.
//
// 26 scenario tests of 20 kinds (29 provider cases), each ending equal to the clean run: nothing lost,
// nothing doubled:
//   429 storm, 8 consecutive 429s with Retry-After ............................ Gong, Clari
//   5xx burst, 500 + 502 + 503 in a row ........................................ Clari
//   timeouts: listing and transcript requests hang past the client timeout .... Clari
//   user discovery fails for good: back to the Backfill step; starting again .. Clari
//   malformed listing + transcript payloads, recovered on retry ............... Gong, Clari
//   malformed payloads that never heal: the user fails naming the field; Retry  Gong, Clari
//   access token expires before and during the backfill (refreshed) ........... Gong, Salesloft
//   revoked token mid-backfill: Reconnect required, then reconnect ............ Gong, Clari
//   invalid_grant on refresh mid-backfill: Reconnect required, then reconnect . Gong, Salesloft
//   duplicate backfill.requested event ........................................ Gong
//   duplicate user.backfill events for every user ............................. Clari
//   duplicate sync.requested events (poll) .................................... Clari
//   disconnect mid-backfill, reconnect ........................................ Gong
//   disconnect mid-poll, reconnect ............................................ Clari
//   the app serving the functions killed mid-backfill and restarted ........... Gong + Clari at once
//   the Inngest runtime killed mid-backfill and restarted ..................... Gong + Clari at once
//   calls first seen PROCESSED, read again until POST_PROCESSING_DONE ......... Clari
//   CRM context filled in late, a call listed late, a deletion: the re-scan ... Gong
//   another tool spends most of the team's budget (paced from its header) ..... Salesloft
//   one call record that fails validation: skipped and listed, then read valid  Gong, Clari
// and the clean reference itself holds Gong imports without parties, Salesloft /extensive 404s (kept with
// their host) and Clari's never-recorded and future calendar meetings (never stored).
// The three providers' sequences run side by side (each has its own integration, rate limiter and
// faults); the two kills run last, alone. About 3-4 minutes on 2 cores. FAULTS_TRACE=1 traces phases.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SimCall } from "@/dev/simulators/data";
import type { FaultInput } from "@/dev/simulators/faults";
import { eventually, startSyncHarness, type SyncHarness } from "../support/sync-harness";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const SIM_NOW = new Date(Math.floor((Date.now() - 2 * DAY) / HOUR) * HOUR).toISOString();
/** Small on purpose: every scenario backfills this dataset once or twice. */
const DATASET = { seed: 23, callsPerUser: 4, anchor: SIM_NOW, now: SIM_NOW };
/** Client-side request timeout in this suite (production: 30 s); hangs longer than this are timeouts. */
const REQUEST_TIMEOUT_MS = 2_000;
/** A hang that slows a request down without timing it out (keeps a backfill busy to act "mid-way"). */
const SLOW_MS = 600;

type P = "GONG" | "SALESLOFT" | "CLARI";
const PROVIDERS: P[] = ["GONG", "SALESLOFT", "CLARI"];
const SIM = { GONG: "gong", SALESLOFT: "salesloft", CLARI: "clari" } as const;
const NAME = { GONG: "Gong", SALESLOFT: "Salesloft", CLARI: "Clari Copilot" } as const;
/** Each provider's listing and transcript endpoints (simulator labels). */
const ENDPOINT = {
  GONG: { list: "POST /v2/calls/extensive", transcript: "POST /v2/calls/transcript" },
  // Transcripts come from the transcription artifact (one request each; sentences only without the permission).
  SALESLOFT: { list: "GET /v2/conversations", transcript: "GET /v2/transcriptions/:id/artifact" },
  CLARI: { list: "GET /calls", transcript: "GET /call-details" },
} as const;
/**
 * Which calls a backfill ingests (see tests/sync/engine.test.ts `expected`): for every provider, those with a
 * workspace user among the participants it serves (issue 16.3: whoever hosts them); `noParties`: the calls it
 * serves without participants, whose host stands in for them.
 */
const SCOPE = {
  GONG: { includePrivate: true, noParties: (c: SimCall) => c.gongImported },
  SALESLOFT: { includePrivate: true, noParties: (c: SimCall) => c.salesloftNoExtensive },
  CLARI: { includePrivate: false, noParties: () => false },
} as const;

let h: SyncHarness;
type Connect = typeof import("@/lib/integrations/connect");
let connect: Connect;
let inngestClient: typeof import("@/inngest/client");
let engine: typeof import("@/lib/sync/engine");
let meetings: typeof import("@/lib/sync/meetings");

beforeAll(async () => {
  h = await startSyncHarness(DATASET, {
    ownDatabase: true,
    providerRetry: { timeoutMs: REQUEST_TIMEOUT_MS, baseDelayMs: 50, maxDelayMs: 400 },
    // Real pauses grow from 5 s to 2 min; the suite keeps the growth, not the wall time.
    rateLimiter: { breakerBaseMs: 100 },
  });
  connect = await import("@/lib/integrations/connect");
  inngestClient = await import("@/inngest/client");
  engine = await import("@/lib/sync/engine");
  meetings = await import("@/lib/sync/meetings");
  // Issue 16, in the reference every scenario ends equal to: besides what the seed draws (a Gong import
  // without parties, Clari's never-recorded and future calendar meetings, calls Gong lists late), two
  // conversations whose Salesloft /extensive answers 404 and one more Gong import.
  const { users, calls } = h.sims.state.dataset;
  const hosted = calls.filter((c) => users[c.ownerIdx]!.inWorkspace && c.visibleAt <= h.sims.state.now());
  for (const c of hosted.slice(0, 2)) c.salesloftNoExtensive = true;
  for (const c of hosted.filter((x) => x.kind === "phone" && !x.gongImported).slice(0, 1)) c.gongImported = true;
}, 120_000);
const suiteStarted = Date.now();
afterAll(async () => {
  const calls = PROVIDERS.map((p) => `${p} ${clean[p]?.length ?? 0}`).join(", ");
  console.log(
    `[faults] ${equalToClean.length} provider cases ended equal to the clean run (calls per provider: ${calls}), ` +
      `no duplicates, in ${((Date.now() - suiteStarted) / 1000).toFixed(0)} s`,
  );
  await h?.close();
}, 60_000);

/** FAULTS_TRACE=1 prints each scenario's phases with elapsed seconds. */
const traceStart = new Map<P, number>();
function trace(p: P, what: string) {
  if (!process.env.FAULTS_TRACE) return;
  const t = traceStart.get(p) ?? Date.now();
  traceStart.set(p, t);
  console.log(`[faults] ${p} +${((Date.now() - t) / 1000).toFixed(1)}s ${what}`);
}

// -------------------------------------------------------------------------------------------------
// Simulator helpers
// -------------------------------------------------------------------------------------------------

type Fault = Omit<FaultInput, "provider">;
type SimStats = { total: number; apiRequests: number; throttled: number; refreshes: number; byStatus: Record<string, number> };

async function simStats(p: P): Promise<SimStats> {
  return ((await h.control("/__sim/stats")) as Record<string, SimStats>)[SIM[p]]!;
}

/** Injects faults for one provider; returns their ids (to read how often each fired). */
async function inject(p: P, faults: Fault[]): Promise<number[]> {
  const added = (await h.control(
    "/__sim/faults",
    faults.map((f) => ({ provider: SIM[p], ...f })),
  )) as Array<{ id: number }>;
  return added.map((f) => f.id);
}

function hits(ids: number[]): number[] {
  const all = h.sims.state.faults.list();
  return ids.map((id) => all.find((f) => f.id === id)?.hits ?? 0);
}

function clearFaults(p: P) {
  h.sims.state.faults.clear(SIM[p]);
}

/** Waits until a provider gets no request for `quietMs` (in-flight work has drained). */
async function requestsStop(p: P, quietMs = 1_500, timeoutMs = 20_000) {
  let last = (await simStats(p)).total;
  let since = Date.now();
  await eventually(
    `${p} requests to stop`,
    async () => {
      const now = (await simStats(p)).total;
      if (now !== last) {
        last = now;
        since = Date.now();
      }
      return Date.now() - since >= quietMs;
    },
    timeoutMs,
  );
}

/** Calls the simulator says a clean backfill of `p` must end with. */
function expectedCalls(p: P): SimCall[] {
  const { users, calls } = h.sims.state.dataset;
  const now = h.sims.state.now();
  const { noParties, includePrivate } = SCOPE[p];
  const mine = (c: SimCall) => (noParties(c) ? users[c.ownerIdx]!.inWorkspace : c.participants.some((x) => x.userIdx >= 0 && users[x.userIdx]!.inWorkspace));
  return calls.filter((c) => mine(c) && c.visibleAt <= now && (includePrivate || !c.isPrivate));
}

// -------------------------------------------------------------------------------------------------
// App-side helpers
// -------------------------------------------------------------------------------------------------

const integrations: Partial<Record<P, string>> = {};

async function connectProvider(p: P): Promise<string> {
  if (p === "CLARI") {
    const { integrationId } = await connect.connectWithApiKey(h.actor, "CLARI", { apiKey: "sim-clari-key", apiSecret: "sim-clari-secret" });
    return integrationId;
  }
  const { authorizationUrl, state, integrationId, browserNonce } = await connect.startOAuth(h.actor, p);
  const params = await h.consent(authorizationUrl, "allow");
  expect(params.state).toBe(state);
  expect((await connect.completeOAuth(params, { userId: h.actor.userId, browserNonce })).outcome).toBe("ok");
  return integrationId;
}

/** What the admin does after "Reconnect required": the wizard again, then a backfill. */
async function reconnect(p: P, integrationId: string) {
  await connect.beginReconnect(h.actor, await h.integration(integrationId));
  expect(await connectProvider(p)).toBe(integrationId);
  await connect.chooseBackfill(h.actor, await h.integration(integrationId), "ALL_TIME");
}

/**
 * A clean slate for one provider: faults cleared, the integration disconnected, its calls and rate
 * limiter state removed, then connected again (Backfill step of the wizard).
 */
async function fresh(p: P): Promise<string> {
  clearFaults(p);
  const id = integrations[p];
  if (id) {
    const row = await h.db.integration.findUniqueOrThrow({ where: { id } });
    if (row.status !== "DISCONNECTED" && row.status !== "NOT_CONNECTED") {
      await connect.disconnect(h.actor, await h.integration(id));
      await requestsStop(p, 1_000);
    }
    // Under the workspace's call lock, as the app's own bulk deletions: the other providers' syncs, running
    // side by side, group meetings across providers (lib/sync/meetings.ts writes meetingId on this provider's
    // calls too) and keep deal counters meanwhile; should PostgreSQL still pick this delete as a deadlock
    // victim, it is done again.
    for (let attempt = 1; ; attempt++) {
      try {
        await h.db.$transaction(async (tx) => {
          await meetings.lockWorkspaceCalls(tx, h.actor.workspaceId);
          await tx.call.deleteMany({ where: { integrationId: id } });
        });
        break;
      } catch (e) {
        if (attempt >= 5 || !/deadlock detected/.test(String((e as Error)?.message ?? e))) throw e;
      }
    }
    await h.db.providerRateLimit.deleteMany({ where: { integrationId: id } });
    await h.db.providerRequestCount.deleteMany({ where: { integrationId: id } });
  }
  integrations[p] = await connectProvider(p);
  return integrations[p]!;
}

/**
 * A fresh connection with "Skip backfill", whose next poll reads the whole history (for Clari a
 * company-wide poll keeps the same calls as the per-user backfill: both qualify calls by participant).
 */
async function freshForPoll(p: P): Promise<string> {
  const id = await fresh(p);
  await connect.chooseBackfill(h.actor, await h.integration(id), "SKIP");
  await completed(id);
  await h.db.integration.update({ where: { id }, data: { lastSuccessfulSyncAt: new Date("2010-01-01T00:00:00Z") } });
  return id;
}

async function startBackfill(p: P, integrationId: string) {
  await connect.chooseBackfill(h.actor, await h.integration(integrationId), "ALL_TIME");
}

/** The backfill has ended: no user Pending / In progress and the integration no longer Syncing. */
async function settled(integrationId: string, timeoutMs = 90_000) {
  let settledSince: number | undefined;
  try {
    return await eventually(
      "backfill to settle",
      async () => {
        const i = await h.db.integration.findUniqueOrThrow({ where: { id: integrationId } });
        if (i.status === "SYNCING" || i.status === "CONNECTING") return null;
        const open = await h.db.userSync.count({ where: { integrationId, status: { in: ["PENDING", "IN_PROGRESS"] } } });
        if (open > 0) return null;
        // The run is closed by the step after the last user's (its failure handler's next step).
        const running = await h.db.syncRun.count({ where: { integrationId, status: "RUNNING", kind: { in: ["BACKFILL", "USER_RETRY"] } } });
        return running === 0 || Date.now() - (settledSince ??= Date.now()) > 10_000 ? i : null;
      },
      timeoutMs,
    );
  } catch (e) {
    const i = await h.db.integration.findUnique({ where: { id: integrationId }, include: { userSyncs: true, syncRuns: true } });
    const runs = (await h.runtimeGet("/v1/runs?limit=30")) as unknown;
    console.error("backfill did not settle", JSON.stringify({ i, runs }, null, 1).slice(0, 8000));
    throw e;
  }
}

/** Settled, and every user Completed (a recoverable fault). */
async function completed(integrationId: string, timeoutMs?: number) {
  const i = await settled(integrationId, timeoutMs);
  expect(i).toMatchObject({ status: "CONNECTED", wizardStep: "COMPLETE" });
  const users = await h.db.userSync.findMany({ where: { integrationId }, select: { status: true, error: true } });
  expect(users.length).toBeGreaterThan(0);
  expect(users.filter((u) => u.status !== "COMPLETED")).toEqual([]);
  await assertNoRunLeftRunning(integrationId);
  return i;
}

async function assertNoRunLeftRunning(integrationId: string) {
  const running = await h.db.syncRun.findMany({ where: { integrationId, status: "RUNNING" }, select: { kind: true, startedAt: true } });
  expect(running, "no sync run left running").toEqual([]);
}

/** One line per stored call: the end state a scenario must reproduce. */
async function snapshot(p: P): Promise<string[]> {
  const calls = await h.db.call.findMany({
    where: { workspaceId: h.actor.workspaceId, provider: p },
    select: {
      providerCallId: true,
      transcriptStatus: true,
      sentenceCount: true,
      _count: { select: { participants: true, sentences: true } },
      dealLink: { select: { dealId: true, source: true } },
    },
  });
  return calls
    .map(
      (c) =>
        `${c.providerCallId} participants=${c._count.participants} transcript=${c.transcriptStatus}/${c.sentenceCount}/${c._count.sentences} ` +
        `deal=${c.dealLink?.dealId ?? "-"}/${c.dealLink?.source ?? "-"}`,
    )
    .sort();
}

/** No duplicate or half-written rows for this provider's calls. */
async function assertIntegrity(p: P) {
  const ws = h.actor.workspaceId;
  const [calls] = await h.db.$queryRaw<Array<{ n: number; distinct: number }>>`
    SELECT count(*)::int AS n, count(DISTINCT "providerCallId")::int AS distinct FROM "Call" WHERE "workspaceId" = ${ws} AND provider = ${p}::"Provider"`;
  expect(calls!.n).toBe(calls!.distinct);
  // Sentences: unique, gap-free indexes, as many as the call says; a transcript is all there or absent.
  const badSentences = await h.db.$queryRaw<Array<{ id: string }>>`
    SELECT c.id FROM "Call" c LEFT JOIN "TranscriptSentence" s ON s."callId" = c.id
    WHERE c."workspaceId" = ${ws} AND c.provider = ${p}::"Provider"
    GROUP BY c.id, c."sentenceCount", c."transcriptStatus"
    HAVING count(s.id) <> count(DISTINCT s.idx) OR count(s.id) <> c."sentenceCount"
        OR (count(s.id) > 0 AND max(s.idx) <> count(s.id) - 1)
        OR (c."transcriptStatus" = 'AVAILABLE') <> (count(s.id) > 0)`;
  expect(badSentences).toEqual([]);
  // Participants: positions 0..n-1 once each (a doubled write would repeat them).
  const badParticipants = await h.db.$queryRaw<Array<{ id: string }>>`
    SELECT c.id FROM "Call" c JOIN "CallParticipant" cp ON cp."callId" = c.id
    WHERE c."workspaceId" = ${ws} AND c.provider = ${p}::"Provider"
    GROUP BY c.id HAVING count(*) <> count(DISTINCT cp.position) OR max(cp.position) <> count(*) - 1`;
  expect(badParticipants).toEqual([]);
}

/** Every user Completed, or Failed with a message a person can act on. */
async function assertUsersAccountedFor(integrationId: string) {
  const users = await h.db.userSync.findMany({ where: { integrationId }, include: { providerUser: { select: { email: true } } } });
  expect(users.length).toBeGreaterThan(0);
  for (const u of users) {
    expect(["COMPLETED", "FAILED"], `${u.providerUser?.email ?? u.kind}: ${u.status}`).toContain(u.status);
    if (u.status === "FAILED") assertReadable(u.error);
  }
  return users;
}

function assertReadable(message: string | null | undefined) {
  expect(message, "a failure needs a reason").toBeTruthy();
  expect(message!.length).toBeLessThan(300);
  expect(message).not.toMatch(/\bat \S+:\d+|undefined|\[object|Error:|prisma|stack/i);
  expect(message).toMatch(/\.\s|\.$/);
}

/** The reference: a clean backfill of each provider, taken once. */
const clean: Partial<Record<P, string[]>> = {};

/** Provider cases whose end state was compared with the clean run and found equal (printed at the end). */
const equalToClean: string[] = [];

/** The end state equals the clean run's, without duplicates. */
async function assertEqualsClean(p: P) {
  await assertIntegrity(p);
  expect(await snapshot(p)).toEqual(clean[p]);
  equalToClean.push(p);
}

async function throttledSince(p: P, before: SimStats) {
  return (await simStats(p)).throttled - before.throttled;
}

// -------------------------------------------------------------------------------------------------
// Scenarios
// -------------------------------------------------------------------------------------------------

interface Scenario {
  name: string;
  providers: P[];
  timeoutMs?: number;
  run: (p: P) => Promise<void>;
}

/** Faults that must be fully absorbed: the backfill completes and equals the clean run. */
function recoverable(name: string, providers: P[], faults: (p: P) => Fault[], check?: (p: P, fired: number[], before: SimStats) => Promise<void>): Scenario {
  return {
    name,
    providers,
    run: async (p) => {
      const id = await fresh(p);
      const before = await simStats(p);
      const ids = await inject(p, faults(p));
      await startBackfill(p, id);
      await completed(id);
      const fired = hits(ids);
      expect(
        fired.every((n) => n > 0),
        `every injected fault fired (${fired})`,
      ).toBe(true);
      await assertEqualsClean(p);
      // The provider's 429s are exactly the injected ones: our own pacing caused none.
      const injected429 = faults(p).reduce((n, f, i) => n + (String(f.kind) === "429" || f.kind === "rate_limit" ? fired[i]! : 0), 0);
      expect(await throttledSince(p, before)).toBe(injected429);
      const counted = await h.db.providerRequestCount.aggregate({ where: { integrationId: id }, _sum: { throttled: true } });
      expect(counted._sum.throttled ?? 0).toBe(injected429);
      await check?.(p, fired, before);
    },
  };
}

/** Slow (not timed-out) transcript responses: keep a backfill busy long enough to act mid-way. */
const slow = (p: P, count = 6): Fault => ({ kind: "timeout", hangMs: SLOW_MS, count, endpoint: ENDPOINT[p].transcript });

async function callCount(integrationId: string) {
  return h.db.call.count({ where: { integrationId } });
}

/** Waits until the backfill has stored some calls but not all: the moment to break something. */
async function midway(p: P, integrationId: string) {
  const n = await eventually(
    "some calls stored",
    async () => {
      const c = await callCount(integrationId);
      return c >= 1 ? c : null;
    },
    60_000,
  );
  expect(n, "the fault hit the backfill mid-way").toBeLessThan(clean[p]!.length);
  return n;
}

function expireTokens(p: P) {
  if (p === "GONG") h.sims.state.gongOAuth.expireAll();
  if (p === "SALESLOFT") h.sims.state.salesloftOAuth.expireAll();
}

async function failedUsers(integrationId: string) {
  return h.db.userSync.findMany({ where: { integrationId, status: "FAILED" }, include: { providerUser: { select: { email: true } } } });
}

/** A stopped / failed backfill kept only whole, correct rows: a subset of the clean run. */
async function assertSubsetOfClean(p: P) {
  await assertIntegrity(p);
  const ids = new Set(clean[p]!.map((l) => l.split(" ")[0]));
  const stored = await h.db.call.findMany({
    where: { workspaceId: h.actor.workspaceId, provider: p },
    select: { providerCallId: true, participants: { select: { id: true } } },
  });
  expect(stored.filter((c) => !ids.has(c.providerCallId))).toEqual([]);
  const participants = new Map(clean[p]!.map((l) => [l.split(" ")[0], l.split(" ")[1]]));
  for (const c of stored) expect(`participants=${c.participants.length}`).toBe(participants.get(c.providerCallId));
}

/** Retry of every failed user (the sync status page's Retry), once each retry has started. */
async function retryFailed(integrationId: string) {
  const failed = await failedUsers(integrationId);
  for (const u of failed) await connect.retryUser(h.actor, await h.integration(integrationId), u.id);
  for (const u of failed) {
    await eventually("the retry to start", async () => (await h.db.userSync.findUniqueOrThrow({ where: { id: u.id } })).attempts > u.attempts, 30_000);
  }
}

async function callsSynced(integrationId: string) {
  const rows = await h.db.userSync.findMany({ where: { integrationId }, include: { providerUser: { select: { email: true } } } });
  return Object.fromEntries(rows.map((r) => [r.providerUser?.email ?? r.kind, r.callsSynced]));
}
const cleanCallsSynced: Partial<Record<P, Record<string, number>>> = {};

/** Credentials refused for good (revoked token, invalid_grant): Reconnect required, then a reconnect restores everything. */
function authLost(name: string, providers: P[], breakIt: (p: P) => Promise<number[]>): Scenario {
  return {
    name,
    providers,
    run: async (p) => {
      traceStart.delete(p);
      trace(p, "start");
      const id = await fresh(p);
      trace(p, "fresh");
      await inject(p, [slow(p)]);
      await startBackfill(p, id);
      await midway(p, id);
      trace(p, "midway");
      const ids = await breakIt(p);
      const i = await settled(id);
      trace(p, "settled");
      expect(hits(ids).every((n) => n > 0)).toBe(true);
      expect(i.status).toBe("RECONNECT_REQUIRED");
      assertReadable(i.statusMessage);
      expect(i.statusMessage).toMatch(/Reconnect/);
      const users = await assertUsersAccountedFor(id);
      const failed = users.filter((u) => u.status === "FAILED");
      expect(failed.length).toBeGreaterThan(0);
      for (const u of failed) expect(u.error).toMatch(new RegExp(`${NAME[p]} access was revoked or has expired. Reconnect`));
      await assertNoRunLeftRunning(id);
      await requestsStop(p, 1_000);
      trace(p, "requests stopped");
      await assertSubsetOfClean(p);

      clearFaults(p);
      await reconnect(p, id);
      trace(p, "reconnected");
      await completed(id);
      trace(p, "completed");
      await assertEqualsClean(p);
    },
  };
}

const SCENARIOS: Scenario[] = [
  // 1. 429 storms
  recoverable(
    "429 storm: 8 consecutive 429s with Retry-After",
    ["GONG", "CLARI"],
    () => [{ kind: "429", count: 8, retryAfterSec: 1 }],
    async (_p, fired) => {
      expect(fired[0]).toBe(8);
    },
  ),
  // 2. 5xx bursts
  recoverable(
    "5xx burst: 500, 502 and 503 in a row",
    ["CLARI"],
    () => [
      { kind: "500", count: 3, status: 500 },
      { kind: "500", count: 3, status: 502 },
      { kind: "500", count: 3, status: 503 },
    ],
    async (p, _fired, before) => {
      const after = await simStats(p);
      for (const status of ["500", "502", "503"]) expect((after.byStatus[status] ?? 0) - (before.byStatus[status] ?? 0)).toBe(3);
    },
  ),
  // 3. timeouts
  recoverable("timeouts: listing and transcript requests hang past the client timeout", ["CLARI"], (p) => [
    { kind: "timeout", count: 2, hangMs: REQUEST_TIMEOUT_MS * 2, endpoint: ENDPOINT[p].list },
    { kind: "timeout", count: 2, hangMs: REQUEST_TIMEOUT_MS * 2, endpoint: ENDPOINT[p].transcript },
  ]),
  // 4. malformed payloads
  recoverable("malformed listing and transcript payloads, recovered on retry", ["GONG", "CLARI"], (p) => [
    { kind: "malformed", count: 2, endpoint: ENDPOINT[p].list },
    { kind: "malformed", count: 2, endpoint: ENDPOINT[p].transcript },
  ]),
  {
    name: "malformed payloads that never heal: the user fails saying which field; nothing half-written; Retry completes",
    providers: ["GONG", "CLARI"],
    run: async (p) => {
      const id = await fresh(p);
      // Gong: one user's call listing; Clari: the transcripts of one user's calls.
      const victim = "rep2@acme.test";
      const endpoint = p === "GONG" ? ENDPOINT[p].list : ENDPOINT[p].transcript;
      const ids = await inject(p, [{ kind: "malformed", endpoint, providerUserId: victim }]);
      await startBackfill(p, id);
      await settled(id);
      expect(hits(ids)[0]).toBeGreaterThan(0);
      const users = await assertUsersAccountedFor(id);
      const failed = users.filter((u) => u.status === "FAILED");
      expect(failed.map((u) => u.providerUser?.email)).toContain(victim);
      for (const u of failed) {
        expect(u.errorCode).not.toBe("AUTH_REVOKED");
        expect(u.error).toMatch(new RegExp(`${NAME[p]} returned data we could not read \\(field "[\\w.]+"\\)`));
      }
      // Gong: only the victim's listing is broken. Clari: the victim's calls are other users' calls too.
      if (p === "GONG") expect(failed.map((u) => u.providerUser?.email)).toEqual([victim]);
      expect((await h.db.integration.findUniqueOrThrow({ where: { id } })).status).toBe("CONNECTED");
      await assertSubsetOfClean(p);

      clearFaults(p);
      await retryFailed(id);
      await completed(id);
      await assertEqualsClean(p);
    },
  },
  {
    name: "user discovery fails for good (5xx): back to the Backfill step with the reason; starting again completes",
    providers: ["CLARI"],
    run: async (p) => {
      const id = await fresh(p);
      const ids = await inject(p, [{ kind: "500", status: 503, endpoint: "GET /users" }]);
      await startBackfill(p, id);
      const i = await eventually(
        "the wizard to return to the Backfill step",
        async () => {
          const row = await h.db.integration.findUniqueOrThrow({ where: { id } });
          return row.status !== "SYNCING" ? row : null;
        },
        60_000,
      );
      expect(hits(ids)[0]).toBeGreaterThan(0);
      expect(i).toMatchObject({ status: "CONNECTING", wizardStep: "BACKFILL" });
      assertReadable(i.statusMessage);
      expect(i.statusMessage).toMatch(/could not start/);
      expect(await callCount(id)).toBe(0);

      clearFaults(p);
      await startBackfill(p, id);
      await completed(id);
      await assertEqualsClean(p);
    },
  },
  // 5. expired access tokens
  {
    name: "access token expires before and during the backfill: refreshed transparently",
    providers: ["GONG", "SALESLOFT"],
    run: async (p) => {
      const id = await fresh(p);
      const before = await simStats(p);
      const credentialsBefore = (await h.db.integration.findUniqueOrThrow({ where: { id } })).credentialsEnc;
      await inject(p, [slow(p)]);
      expireTokens(p);
      await startBackfill(p, id);
      await midway(p, id);
      expireTokens(p);
      await completed(id);
      await assertEqualsClean(p);
      expect((await simStats(p)).refreshes - before.refreshes).toBeGreaterThanOrEqual(2);
      expect((await simStats(p)).byStatus["401"] ?? 0).toBeGreaterThan(before.byStatus["401"] ?? 0);
      expect((await h.db.integration.findUniqueOrThrow({ where: { id } })).credentialsEnc).not.toBe(credentialsBefore);
    },
  },
  // 6. revoked tokens
  authLost("revoked token mid-backfill: Reconnect required, users failed with the reason; reconnect restores the clean state", ["GONG", "CLARI"], (p) =>
    inject(p, [{ kind: "revoked" }]),
  ),
  // 7. invalid_grant on refresh
  authLost("invalid_grant on refresh mid-backfill: Reconnect required; reconnect restores the clean state", ["GONG", "SALESLOFT"], async (p) => {
    const ids = await inject(p, [{ kind: "invalid_grant" }]);
    expireTokens(p);
    return ids;
  }),
  // 8. duplicate events
  {
    name: "duplicate backfill.requested event: one backfill's worth of data and counts",
    providers: ["GONG"],
    run: async (p) => {
      const id = await fresh(p);
      const integration = await h.db.integration.findUniqueOrThrow({ where: { id } });
      await startBackfill(p, id);
      const { inngest, events } = inngestClient;
      await inngest.send(
        events.backfillRequested.create({ integrationId: id, generation: integration.generation, period: "ALL_TIME", userId: h.actor.userId }),
      );
      await completed(id);
      await assertEqualsClean(p);
      expect(await callsSynced(id)).toEqual(cleanCallsSynced[p]);
    },
  },
  {
    name: "duplicate user.backfill events for every user: no duplicate rows, counts not doubled",
    providers: ["CLARI"],
    run: async (p) => {
      const id = await fresh(p);
      await inject(p, [slow(p, 3)]);
      await startBackfill(p, id);
      const run = await eventually("the backfill plan", async () => {
        const r = await h.db.syncRun.findFirst({ where: { integrationId: id, kind: "BACKFILL", status: "RUNNING" }, orderBy: { startedAt: "desc" } });
        return r && (await h.db.userSync.count({ where: { integrationId: id, status: { in: ["PENDING", "IN_PROGRESS"] } } })) > 0 ? r : null;
      });
      const { generation } = await h.db.integration.findUniqueOrThrow({ where: { id } });
      const users = await h.db.userSync.findMany({ where: { integrationId: id } });
      const { inngest, events } = inngestClient;
      await inngest.send(users.map((u) => events.userBackfill.create({ integrationId: id, generation, userSyncId: u.id, runId: run.id })));
      await completed(id);
      await requestsStop(p, 1_000);
      await assertEqualsClean(p);
      expect(await callsSynced(id)).toEqual(cleanCallsSynced[p]);
      expect(await h.db.syncRun.findUniqueOrThrow({ where: { id: run.id } })).toMatchObject({ status: "SUCCEEDED" });
    },
  },
  {
    name: "duplicate sync.requested events: one poll does the work, the other is skipped",
    providers: ["CLARI"],
    run: async (p) => {
      // No backfill; the poll reads the whole history instead.
      const id = await freshForPoll(p);
      const { generation } = await h.db.integration.findUniqueOrThrow({ where: { id } });
      const { inngest, events } = inngestClient;
      const e = events.syncRequested.create({ integrationId: id, generation, kind: "POLL" });
      await inngest.send([e, events.syncRequested.create({ integrationId: id, generation, kind: "POLL" })]);
      await eventually("the poll", () => h.db.syncRun.findFirst({ where: { integrationId: id, kind: "POLL", status: "SUCCEEDED" } }), 60_000);
      await requestsStop(p, 1_000);
      await assertNoRunLeftRunning(id);
      // Never two polls at once; the duplicate either found the lease taken, or ran after the first and
      // only re-read the overlap after it (not the whole history again).
      const polls = await h.db.syncRun.findMany({ where: { integrationId: id, kind: "POLL" }, orderBy: { startedAt: "asc" } });
      expect(polls.length).toBeLessThanOrEqual(2);
      if (polls.length === 2) {
        expect(polls[1]!.startedAt.getTime()).toBeGreaterThanOrEqual(polls[0]!.finishedAt!.getTime());
        expect(polls[1]!.windowFrom!.getTime()).toBeGreaterThan(Date.now() - DAY);
        expect(polls[1]!.callsAdded).toBe(0);
      }
      await assertEqualsClean(p);
      expect(await h.db.integration.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: "CONNECTED", syncLockRunId: null });
    },
  },
  // 11. disconnect mid-sync
  {
    name: "disconnect mid-backfill: requests stop, data kept; reconnect fills the gap",
    providers: ["GONG"],
    run: async (p) => {
      const id = await fresh(p);
      await inject(p, [slow(p)]);
      await startBackfill(p, id);
      await midway(p, id);
      await connect.disconnect(h.actor, await h.integration(id));
      const stopped = Date.now();
      await requestsStop(p, 1_500);
      expect(Date.now() - stopped).toBeLessThan(10_000);
      expect(await h.db.integration.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: "DISCONNECTED", credentialsEnc: null });
      await assertSubsetOfClean(p);
      const kept = await callCount(id);
      expect(kept).toBeGreaterThan(0);
      expect(kept).toBeLessThan(clean[p]!.length);
      await assertUsersAccountedFor(id);

      clearFaults(p);
      integrations[p] = await connectProvider(p);
      await startBackfill(p, id);
      await completed(id);
      await assertEqualsClean(p);
      const run = await h.db.syncRun.findFirstOrThrow({ where: { integrationId: id, kind: "BACKFILL" }, orderBy: { startedAt: "desc" } });
      expect(run.callsAdded).toBe(clean[p]!.length - kept);
    },
  },
  {
    name: "disconnect mid-poll: the poll is cancelled, requests stop, data kept; reconnect fills the gap",
    providers: ["CLARI"],
    run: async (p) => {
      const id = await freshForPoll(p);
      await inject(p, [slow(p, 20)]);
      await connect.syncNow(h.actor, await h.integration(id));
      await midway(p, id);
      await connect.disconnect(h.actor, await h.integration(id));
      const stopped = Date.now();
      await requestsStop(p, 1_500);
      expect(Date.now() - stopped).toBeLessThan(10_000);
      const poll = await h.db.syncRun.findFirstOrThrow({ where: { integrationId: id, kind: "MANUAL" } });
      expect(poll.status).toBe("CANCELLED");
      expect(await h.db.integration.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: "DISCONNECTED", credentialsEnc: null, syncLockRunId: null });
      await assertSubsetOfClean(p);
      const kept = await callCount(id);
      expect(kept).toBeLessThan(clean[p]!.length);

      clearFaults(p);
      integrations[p] = await connectProvider(p);
      await startBackfill(p, id);
      await completed(id);
      await assertEqualsClean(p);
    },
  },
  // 12. late provider data (issue 16)
  {
    name: "calls first seen PROCESSED (transcript, no summary yet) wait, and are read again until POST_PROCESSING_DONE",
    providers: ["CLARI"],
    run: async (p) => {
      const id = await fresh(p);
      const st = h.sims.state;
      const now = st.now();
      const victims = expectedCalls(p)
        .filter((c) => c.transcriptReadyAt <= now)
        .slice(0, 3);
      // Clari's own stage only (the other providers' scenarios run meanwhile on the same dataset).
      const processedAt = victims.map((c) => c.processedAt);
      for (const c of victims) {
        c.processedAt = Math.min(c.processedAt, now - 60_000);
        c.clariDoneAt = now + DAY;
      }
      try {
        await startBackfill(p, id);
        await completed(id);
        for (const c of victims) {
          expect(await h.db.call.findFirstOrThrow({ where: { integrationId: id, providerCallId: st.clariId(c) } })).toMatchObject({
            transcriptStatus: "PENDING",
            summary: null,
            sentenceCount: 0,
          });
        }
      } finally {
        victims.forEach((c, i) => Object.assign(c, { clariDoneAt: null, processedAt: processedAt[i]! }));
      }
      // Post-processing is done: the polls' re-check of pending transcripts (calls of the last 7 days; here
      // each victim's own days) reads them again.
      const { generation } = await h.db.integration.findUniqueOrThrow({ where: { id } });
      const run = await engine.startRun(id, "MANUAL", {});
      for (const c of victims) await engine.refetchMissingTranscripts(id, generation, run.id, new Date(c.startedAt + HOUR));
      await engine.finishRun(run.id, "SUCCEEDED");
      await assertEqualsClean(p);
    },
  },
  {
    name: "CRM context Gong fills in after the backfill, a call it lists late, a call it deletes: the re-scan brings, adds and removes them",
    providers: ["GONG"],
    run: async (p) => {
      const id = await fresh(p);
      const st = h.sims.state;
      const now = st.now();
      const want = expectedCalls(p);
      const crmLate = want.filter((c) => c.crmDealIdx !== null && c.crmReadyAt <= now).slice(0, 3);
      const listedLate = want.filter((c) => !crmLate.includes(c) && !c.gongImported).slice(0, 2);
      const deleted = want.find((c) => !crmLate.includes(c) && !listedLate.includes(c) && !c.gongImported)!;
      // Gong's own lateness only (the other providers' scenarios run meanwhile on the same dataset).
      const saved = crmLate.map((c) => ({ c, crmReadyAt: c.crmReadyAt }));
      for (const c of crmLate) c.crmReadyAt = now + DAY;
      for (const c of listedLate) c.gongListedAt = now + DAY;
      try {
        await startBackfill(p, id);
        await completed(id);
        for (const c of listedLate) expect(await h.db.call.count({ where: { integrationId: id, providerCallId: st.gongCallId(c) } })).toBe(0);
        for (const c of crmLate) {
          expect(await h.db.call.findFirstOrThrow({ where: { integrationId: id, providerCallId: st.gongCallId(c) } })).toMatchObject({ crmDealIds: [] });
        }
      } finally {
        for (const x of saved) x.c.crmReadyAt = x.crmReadyAt;
        for (const c of listedLate) c.gongListedAt = null;
      }
      // The re-scan's pages and sweep, on windows around these calls (the suite's history is two years
      // long; the engine's re-scan reads the last 14 days): a call Gong deleted goes, then comes back.
      const { generation } = await h.db.integration.findUniqueOrThrow({ where: { id } });
      async function rescan(c: SimCall) {
        const window = { from: new Date(c.startedAt - 60_000), to: new Date(c.startedAt + 60_000) };
        const run = await engine.startRun(id, "RESCAN", window);
        const startedAt = new Date();
        let checkpoint = null;
        for (;;) {
          const r = await engine.rescanPage(id, generation, run.id, window, checkpoint);
          checkpoint = r.checkpoint;
          if (r.done) break;
        }
        // No edge: the simulator filters on the very start time the engine stores.
        const removed = await engine.removeUnlisted(id, generation, run.id, window, startedAt, 0);
        await engine.finishRun(run.id, "SUCCEEDED");
        return removed;
      }
      for (const c of [...crmLate, ...listedLate]) expect(await rescan(c)).toBe(0);
      // Gong's listing only: the others' listings keep it meanwhile.
      deleted.gongListedAt = Number.MAX_SAFE_INTEGER;
      try {
        expect(await rescan(deleted)).toBe(1);
        expect(await h.db.call.count({ where: { integrationId: id, providerCallId: st.gongCallId(deleted) } })).toBe(0);
      } finally {
        deleted.gongListedAt = null;
      }
      expect(await rescan(deleted)).toBe(0);
      await assertEqualsClean(p);
    },
  },
  {
    // Issue 16.7: Salesloft's cost budget is the team's, shared with the customer's other tools. Here
    // another tool spends 592 of every window's 600 before Callsync's first request in it (the
    // simulator's `otherToolCostPerWindow`); windows last 3 s instead of a minute so the run stays short,
    // and the limiter is told so (and keeps a reserve of 1 instead of 5). Our own pacing (up to ~9.5
    // units/s; 4-9 measured here) overruns the 8 left in each window; paced from
    // x-ratelimit-remaining-minute too, the backfill waits for each window and draws no 429.
    name: "another tool spends most of the team's Salesloft budget: paced from the remaining header, no 429",
    providers: ["SALESLOFT"],
    timeoutMs: 240_000,
    run: async (p) => {
      const limiter = await import("@/lib/sync/rate-limiter");
      const WINDOW_MS = 3_000;
      const LEFT = 8;
      const id = await fresh(p);
      const before = await simStats(p);
      h.sims.state.setLimits({ salesloft: { costPerWindow: 600, windowMs: WINDOW_MS, otherToolCostPerWindow: 600 - LEFT } });
      limiter.SHARED_GATE_DEFAULTS.budgetWindowMs = WINDOW_MS;
      limiter.SHARED_GATE_DEFAULTS.budgetReserve = 1;
      try {
        await startBackfill(p, id);
        await completed(id, 200_000);
      } finally {
        limiter.SHARED_GATE_DEFAULTS.budgetWindowMs = null;
        limiter.SHARED_GATE_DEFAULTS.budgetReserve = 5;
        h.sims.state.setLimits({ salesloft: { costPerWindow: 600, windowMs: 60_000, otherToolCostPerWindow: 0 } });
      }
      await assertEqualsClean(p);
      expect(await throttledSince(p, before), "429s drawn from Salesloft").toBe(0);
      // The budget really was the constraint: the backfill spent many windows' worth of what was left.
      const spent = await h.db.providerRequestCount.aggregate({ where: { integrationId: id }, _sum: { cost: true, throttled: true } });
      expect(spent._sum.cost ?? 0).toBeGreaterThan(5 * LEFT);
      console.log(`[faults] Salesloft with another tool's spending: ${spent._sum.cost} cost units, ${LEFT} left per ${WINDOW_MS} ms window`);
      expect(spent._sum.throttled ?? 0).toBe(0);
    },
  },
  {
    name: "one call record that fails validation for good: skipped and listed with its id and field, every user completes; served valid, the next sync brings it in and clears the list",
    providers: ["GONG", "CLARI"],
    run: async (p) => {
      const id = await fresh(p);
      const st = h.sims.state;
      const victim = expectedCalls(p).find((c) => !c.gongImported)!;
      const victimId = p === "GONG" ? st.gongCallId(victim) : st.clariId(victim);
      // The call's start time comes as a number wherever the call is served (listings, details).
      const ids = await inject(p, [{ kind: "malformed", callId: victimId }]);
      await startBackfill(p, id);
      await completed(id);
      expect(hits(ids)[0]).toBeGreaterThan(0);
      await assertIntegrity(p);
      expect(await snapshot(p)).toEqual(clean[p]!.filter((l) => !l.startsWith(`${victimId} `)));
      const rows = await h.db.skippedCallRecord.findMany({ where: { integrationId: id } });
      expect(rows).toEqual([expect.objectContaining({ providerCallId: victimId, field: p === "GONG" ? "metaData.started" : "time" })]);
      const backfill = await h.db.syncRun.findFirstOrThrow({ where: { integrationId: id, kind: "BACKFILL" }, orderBy: { startedAt: "desc" } });
      expect(backfill).toMatchObject({ status: "SUCCEEDED" });
      expect(backfill.recordsSkipped).toBeGreaterThanOrEqual(1);

      clearFaults(p);
      const { generation } = await h.db.integration.findUniqueOrThrow({ where: { id } });
      if (p === "GONG") {
        // Gong: the daily re-scan's page, on a window around the call (the engine's re-scan reads 14 days).
        const window = { from: new Date(victim.startedAt - 60_000), to: new Date(victim.startedAt + 60_000) };
        const run = await engine.startRun(id, "RESCAN", window);
        let checkpoint = null;
        for (;;) {
          const r = await engine.rescanPage(id, generation, run.id, window, checkpoint);
          checkpoint = r.checkpoint;
          if (r.done) break;
        }
        await engine.finishRun(run.id, "SUCCEEDED");
      } else {
        // Clari: a poll over the whole history (it keeps the same calls as the backfill: both go by participant).
        await h.db.integration.update({ where: { id }, data: { lastSuccessfulSyncAt: new Date("2010-01-01T00:00:00Z") } });
        const lease = (await engine.acquireSyncLease(id, "MANUAL", null))!;
        let checkpoint = null;
        for (;;) {
          const r = await engine.pollPage(id, generation, lease.runId, lease, checkpoint);
          checkpoint = r.checkpoint;
          if (r.done) break;
        }
        await engine.releaseSyncLease(id, lease.runId, true, lease.to);
      }
      expect(await h.db.skippedCallRecord.count({ where: { integrationId: id } })).toBe(0);
      await assertEqualsClean(p);
    },
  },
];

// -------------------------------------------------------------------------------------------------

describe.each(PROVIDERS)("%s", { concurrent: true }, (p) => {
  it.sequential(
    "clean backfill (the reference every scenario compares with)",
    async () => {
      const id = await fresh(p);
      const before = await simStats(p);
      await startBackfill(p, id);
      await completed(id);
      await assertIntegrity(p);
      clean[p] = await snapshot(p);
      cleanCallsSynced[p] = await callsSynced(id);
      const want = expectedCalls(p);
      expect(clean[p]!.length).toBe(want.length);
      expect(clean[p]!.length).toBeGreaterThan(10);
      expect(clean[p]!.filter((l) => /transcript=AVAILABLE/.test(l)).length).toBeGreaterThan(5);
      expect(clean[p]!.filter((l) => !/deal=-/.test(l)).length).toBeGreaterThan(5);
      expect(await throttledSince(p, before)).toBe(0);
      // Issue 16: calls without a participant list keep their workspace host; Clari keeps recordings only.
      const line = (id: string) => clean[p]!.find((l) => l.startsWith(`${id} `));
      const st = h.sims.state;
      if (p === "GONG") {
        const imported = want.filter((c) => c.gongImported);
        expect(imported.length).toBeGreaterThan(0);
        for (const c of imported) expect(line(st.gongCallId(c))).toMatch(/ participants=1 /);
      }
      if (p === "SALESLOFT") {
        const noDetail = want.filter((c) => c.salesloftNoExtensive);
        expect(noDetail.length).toBe(2);
        for (const c of noDetail) expect(line(st.salesloftId(c))).toMatch(/ participants=1 /);
      }
      if (p === "CLARI") {
        expect(st.dataset.meetings.length).toBeGreaterThan(0);
        for (const m of st.dataset.meetings) expect(line(st.clariId(m.call)), `meeting ${m.status}`).toBeUndefined();
      }
    },
    90_000,
  );

  for (const s of SCENARIOS.filter((x) => x.providers.includes(p))) {
    it.sequential(
      s.name,
      async () => {
        expect(clean[p], "the clean reference run").toBeDefined();
        await s.run(p);
      },
      s.timeoutMs ?? 120_000,
    );
  }
});

// 9 and 10: the processes die mid-backfill. They take down every provider's work at once, so these run
// last, alone, on Gong and Clari backfilling side by side.
describe("killed mid-backfill (Gong and Clari at once)", () => {
  const both: P[] = ["GONG", "CLARI"];

  async function killedMidway(kill: () => Promise<void>) {
    expect(clean.GONG && clean.CLARI, "the clean reference runs").toBeTruthy();
    const ids = await Promise.all(both.map((p) => fresh(p)));
    for (const [k, p] of both.entries()) {
      await inject(p, [slow(p)]);
      await startBackfill(p, ids[k]!);
    }
    await Promise.all(both.map((p, k) => midway(p, ids[k]!)));
    await kill();
    await Promise.all(ids.map((id) => completed(id, 120_000)));
    for (const p of both) await assertEqualsClean(p);
  }

  it("the app serving the functions is killed and restarted: end state equals the clean run", async () => {
    await killedMidway(() =>
      h.restartApp(async () => {
        // Down until the runtime has seen it gone (a request refused or cut off).
        await eventually(
          "the runtime to see the app gone",
          async () => {
            const { data } = (await h.runtimeGet("/v1/runs?status=Running&limit=100")) as { data: Array<{ last_error: unknown }> };
            const errors = data.map((r) => JSON.stringify(r.last_error ?? "")).filter((e) => /ECONN|refused|reset|socket|fetch failed|closed/i.test(e));
            return errors.length > 0;
          },
          30_000,
        );
      }),
    );
  }, 180_000);

  it("the Inngest runtime is killed and restarted: end state equals the clean run", async () => {
    await killedMidway(() => h.restartRuntime());
  }, 180_000);
});
