// Two workers on one user's backfill page at once: a duplicate event, or a step attempt the runtime
// gave up on (request timeout) that still finishes while its retry runs. Seen in the Salesloft
// benchmark: the late worker found the checkpoint moved, reported "done", and the user stayed
// In progress forever. The page must count once, and the late worker must carry on, not stop.
import { afterAll, beforeAll, expect, it } from "vitest";
import { startSyncHarness, type SyncHarness } from "../support/sync-harness";

const SIM_NOW = new Date(Math.floor((Date.now() - 2 * 86_400_000) / 3_600_000) * 3_600_000).toISOString();
let h: SyncHarness;

beforeAll(async () => {
  // Over 100 calls per user: a Gong user's backfill takes more than one page.
  h = await startSyncHarness({ seed: 31, callsPerUser: 130, anchor: SIM_NOW, now: SIM_NOW }, { ownDatabase: true });
}, 60_000);
afterAll(async () => {
  await h?.close();
});

it("the worker that loses the race on a page carries on until the user is complete, and every call counts once", async () => {
  const connect = await import("@/lib/integrations/connect");
  const engine = await import("@/lib/sync/engine");
  const { authorizationUrl, integrationId, browserNonce } = await connect.startOAuth(h.actor, "GONG");
  expect((await connect.completeOAuth(await h.consent(authorizationUrl, "allow"), { userId: h.actor.userId, browserNonce })).outcome).toBe("ok");
  await engine.discoverUsers(integrationId);
  const { runId, userSyncIds } = await engine.planBackfill(integrationId, "ALL_TIME", h.actor.userId);
  const { generation } = await h.db.integration.findUniqueOrThrow({ where: { id: integrationId } });
  // A user's row (the plan lists the outside-hosts pass first).
  const userSyncId = (await h.db.userSync.findFirstOrThrow({ where: { id: { in: userSyncIds }, kind: "USER" }, orderBy: { id: "asc" } })).id;

  // Both start from the same (empty) checkpoint; one saves the page first.
  const first = await Promise.all([0, 1].map(() => engine.backfillUserPage(userSyncId, generation, runId)));
  const winners = first.filter((r) => r.kept > 0);
  const losers = first.filter((r) => r.kept === 0);
  expect(winners).toHaveLength(1);
  expect(losers).toHaveLength(1);
  expect(winners[0]!.done).toBe(false);
  // The user is not finished, so the late worker must not report it done.
  expect(losers[0]!.done).toBe(false);

  let pages = 0;
  for (let done = false; !done; pages++) done = (await engine.backfillUserPage(userSyncId, generation, runId)).done;
  expect(pages).toBeGreaterThanOrEqual(1);
  const us = await h.db.userSync.findUniqueOrThrow({ where: { id: userSyncId }, include: { providerUser: true } });
  const calls = await h.db.call.count({ where: { integrationId } });
  expect(us.status).toBe("COMPLETED");
  expect(us.callsSynced).toBe(calls);
  const { users, calls: simCalls } = h.sims.state.dataset;
  const owner = users.findIndex((u) => u.email === us.providerUser!.email);
  expect(calls).toBe(simCalls.filter((c) => c.ownerIdx === owner && c.visibleAt <= h.sims.state.now()).length);
  expect(calls).toBeGreaterThan(100);
}, 120_000);
