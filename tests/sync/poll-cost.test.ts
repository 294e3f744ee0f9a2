// Issue 18 target 7, poll cost: a 2-hourly poll of a workspace with no new calls costs the same number of
// requests whatever the number of provider users (it lists company-wide, never user by user), and a poll
// whose overlap holds calls already stored does not fetch them again (Salesloft /extensive and CRM lookups,
// Clari call-details, Gong transcripts of calls already AVAILABLE). Against the simulators, the engine's units
// of work run directly as the poll function runs them (lease, pages, late transcripts, release), at three
// company sizes with the same few recent calls; requests counted by endpoint at the simulator. The daily
// user re-check is counted apart: one user listing, a request per 100 users on Gong and Salesloft.
// Figures in docs/benchmarks.md ("Poll cost").
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { extraWorkspaceUsers, type SimCall } from "@/dev/simulators/data";
import { DEMO_UNMATCHED_PROVIDER_USERS, DEMO_USERS } from "@/lib/demo/data";
import { eventually, startSyncHarness, type SyncHarness } from "../support/sync-harness";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const minute = (ms: number) => Math.floor(ms / 60_000) * 60_000;
/** The simulated clock a minute behind real time: what the simulators list "now" is inside a poll's window (it ends at real now). */
const simNow = () => new Date(Date.now() - 60_000).toISOString();

type P = "GONG" | "SALESLOFT" | "CLARI";
const PROVIDERS: P[] = ["GONG", "SALESLOFT", "CLARI"];
const SLUG = { GONG: "gong", SALESLOFT: "salesloft", CLARI: "clari" } as const;
/** Provider users of the demo company without extras: the demo users and the two the workspace does not match. */
const BASE_USERS = DEMO_USERS.length + DEMO_UNMATCHED_PROVIDER_USERS.length;
const SIZES = [BASE_USERS, 50, 500];
/** Calls of the last hours, all inside every poll's overlap, the same at every size. */
const RECENT_CALLS = 6;

let h: SyncHarness;
let connect: typeof import("@/lib/integrations/connect");
let engine: typeof import("@/lib/sync/engine");

beforeAll(async () => {
  const now = simNow();
  // No generated history: only the recent calls each size adds below.
  h = await startSyncHarness({ seed: 18, callsPerUser: 0, anchor: now, now }, { ownDatabase: true });
  connect = await import("@/lib/integrations/connect");
  engine = await import("@/lib/sync/engine");
}, 120_000);
afterAll(async () => {
  await h?.close();
}, 60_000);

/** Workspace members for the simulator's first `extra` extra reps (rep6@acme.test, ...), as the backfill bench creates them. */
async function ensureMembers(extra: number) {
  for (const u of extraWorkspaceUsers(extra)) {
    const user = await h.db.user.upsert({ where: { email: u.email }, create: { email: u.email, name: u.name, emailVerified: new Date() }, update: {} });
    await h.db.membership.upsert({
      where: { userId_workspaceId: { userId: user.id, workspaceId: h.actor.workspaceId } },
      create: { userId: user.id, workspaceId: h.actor.workspaceId, role: "MEMBER" },
      update: {},
    });
  }
}

async function connectProvider(provider: P) {
  if (provider === "CLARI")
    return (await connect.connectWithApiKey(h.actor, "CLARI", { apiKey: "sim-clari-key", apiSecret: "sim-clari-secret" })).integrationId;
  const { authorizationUrl, state, integrationId, browserNonce } = await connect.startOAuth(h.actor, provider);
  const params = await h.consent(authorizationUrl, "allow");
  expect(params.state).toBe(state);
  expect((await connect.completeOAuth(params, { userId: h.actor.userId, browserNonce })).outcome).toBe("ok");
  return integrationId;
}

/** Connected without a backfill (the users are discovered, nothing else is read): the calls arrive through the first poll. */
async function connected(provider: P) {
  const id = await connectProvider(provider);
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
  const lease = await engine.acquireSyncLease(integrationId, "POLL", null);
  expect(lease, "the sync lease").not.toBeNull();
  await engine.recheckProviderUsers(integrationId, generation, lease!.runId);
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

/** API requests by endpoint since the last reset, for one provider (OAuth and artifact downloads left out). */
function requests(provider: P) {
  const s = h.sims.state.stats.snapshot()[SLUG[provider]];
  return { total: s.apiRequests, byEndpoint: Object.fromEntries(Object.entries(s.byEndpoint).map(([e, v]) => [e, v.total])) };
}

interface Measured {
  users: number;
  /** The second poll over the same recent calls: nothing new, everything stored. */
  poll: { total: number; byEndpoint: Record<string, number> };
  /** What the run itself counted for that poll. */
  runRequests: number;
  /** The daily re-check of provider users (a poll that starts more than a day after the last one). */
  recheck: { total: number; byEndpoint: Record<string, number> };
}
const measured: Record<P, Measured[]> = { GONG: [], SALESLOFT: [], CLARI: [] };
/** The last size's integrations and recent calls, for the change below. */
const last: { ids: Partial<Record<P, string>>; calls: SimCall[] } = { ids: {}, calls: [] };

describe("poll cost: constant per workspace, not per user; nothing stored is fetched again", () => {
  for (const size of SIZES) {
    it(`${size} provider users: a poll with no new calls, its overlap holding ${RECENT_CALLS} stored calls`, async () => {
      const extra = size - BASE_USERS;
      // A company of `size` provider users, all of the workspace but the two unmatched ones.
      h.sims.state.reset({ seed: 18, callsPerUser: 0, extraWorkspaceUsers: extra, anchor: simNow(), now: simNow() });
      await ensureMembers(extra);
      expect(h.sims.state.dataset.users).toHaveLength(size);
      // The last size's integrations and calls go (the reset revoked their tokens).
      await h.db.call.deleteMany({ where: { workspaceId: h.actor.workspaceId } });
      await h.db.integration.deleteMany({ where: { workspaceId: h.actor.workspaceId, provider: { in: PROVIDERS } } });

      // A few calls of the last hours, hosted by demo reps: listed, transcribed, processed.
      const t = h.sims.state.now();
      last.calls = [];
      for (let k = 0; k < RECENT_CALLS; k++) {
        const startedAt = minute(t - 4 * HOUR + k * 10 * 60_000);
        last.calls[k] = h.sims.state.addCall({
          ownerEmail: `rep${(k % 5) + 1}@acme.test`,
          startedAt,
          durationSec: 20 * 60,
          visibleAt: startedAt + 25 * 60_000,
          processedAt: startedAt + 30 * 60_000,
          transcriptReadyAt: startedAt + 40 * 60_000,
          crmDealKey: k % 2 === 0 ? "deal-01" : undefined,
        });
      }

      for (const provider of PROVIDERS) {
        const id = await connected(provider);
        last.ids[provider] = id;
        const users = await h.db.providerUser.count({ where: { integrationId: id } });
        expect(users, `${provider} provider users`).toBe(size);
        expect(await h.db.userSync.count({ where: { integrationId: id, kind: "USER" } })).toBe(size - DEMO_UNMATCHED_PROVIDER_USERS.length);

        // The poll two hours ago: every recent call arrives, with its transcript.
        const first = await poll(id, new Date(Date.now() - 2 * HOUR));
        expect(first.callsAdded, `${provider}: the first poll stores the recent calls`).toBe(RECENT_CALLS);
        const calls = await h.db.call.findMany({ where: { integrationId: id }, select: { transcriptStatus: true } });
        expect(
          calls.map((c) => c.transcriptStatus),
          provider,
        ).toEqual(Array(RECENT_CALLS).fill("AVAILABLE"));

        // The next poll, two hours on: nothing new, its overlap holds every stored call.
        h.sims.state.stats.reset();
        const second = await poll(id, new Date(Date.now() - 5 * 60_000));
        const pollRequests = requests(provider);
        expect(second.callsAdded, provider).toBe(0);

        // A poll more than a day after the last user listing re-reads the users (and nothing else more).
        await h.db.integration.update({ where: { id }, data: { usersCheckedAt: new Date(Date.now() - 2 * DAY) } });
        h.sims.state.stats.reset();
        const { generation } = await h.db.integration.findUniqueOrThrow({ where: { id } });
        const run = await engine.startRun(id, "POLL", {});
        expect((await engine.recheckProviderUsers(id, generation, run.id)).checked).toBe(true);
        await engine.finishRun(run.id, "SUCCEEDED");
        measured[provider].push({ users: size, poll: pollRequests, runRequests: second.requestsUsed, recheck: requests(provider) });
      }
    }, 240_000);
  }

  it("a stored call changed at the provider since is read again (Salesloft: its updated_at moved)", async () => {
    const id = last.ids.SALESLOFT!;
    const call = last.calls[0]!;
    h.sims.state.setNow(simNow());
    h.sims.state.updateCall(call, { title: "Renamed in Salesloft" });
    h.sims.state.stats.reset();
    const run = await poll(id, new Date(Date.now() - 5 * 60_000));
    expect(run.callsUpdated).toBe(1);
    expect(requests("SALESLOFT").byEndpoint["GET /v2/conversations/:id/extensive"], "the changed conversation only").toBe(1);
    const stored = await h.db.call.findFirstOrThrow({ where: { integrationId: id, providerCallId: h.sims.state.salesloftId(call) } });
    expect(stored.title).toBe("Renamed in Salesloft");
  }, 60_000);

  it("every provider's poll costs the same at every size, and fetches nothing it already has", () => {
    const lines = PROVIDERS.flatMap((provider) =>
      measured[provider].map(
        (r) =>
          `[poll-cost] ${provider} ${r.users} users: poll ${r.poll.total} requests ${JSON.stringify(r.poll.byEndpoint)} (run counted ${r.runRequests}); ` +
          `daily user re-check ${r.recheck.total} ${JSON.stringify(r.recheck.byEndpoint)}`,
      ),
    );
    console.log(lines.join("\n"));
    for (const provider of PROVIDERS) {
      const rows = measured[provider];
      expect(rows.map((r) => r.users)).toEqual(SIZES);
      // Equal counts, endpoint by endpoint, at every size.
      for (const r of rows) expect(r.poll, `${provider} at ${r.users} users vs ${rows[0]!.users}`).toEqual(rows[0]!.poll);
      // Calls already stored: no details, CRM lookups or transcripts asked for again; only the listing.
      for (const endpoint of Object.keys(rows[0]!.poll.byEndpoint)) {
        expect(endpoint, `${provider}: a poll with nothing new reads only its listing`).toMatch(
          /^(POST \/v2\/calls\/extensive|GET \/v2\/conversations|GET \/calls)$/,
        );
      }
      expect(rows[0]!.poll.total, provider).toBe(1);
    }
  });
});
