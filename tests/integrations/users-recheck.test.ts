// "Needs sync" for a provider user newly matched to a member (issue 13, item 5): the daily re-check at the start
// of a poll reads the provider's user list, matches provider users that now have an active member with their
// email, and lists them as Needs sync; existing matches keep their status, and within a day nothing is re-read.
import { afterAll, beforeAll, expect, it } from "vitest";
import { startSyncHarness, type SyncHarness } from "../support/sync-harness";

const SIM_NOW = new Date(Math.floor((Date.now() - 2 * 86_400_000) / 3_600_000) * 3_600_000).toISOString();
let h: SyncHarness;

beforeAll(async () => {
  h = await startSyncHarness({ seed: 7, callsPerUser: 3, anchor: SIM_NOW, now: SIM_NOW }, { ownDatabase: true });
}, 60_000);
afterAll(async () => {
  await h?.close();
});

it("a provider user whose email now belongs to an active member becomes Needs sync once; others keep their status", async () => {
  const connect = await import("@/lib/integrations/connect");
  const engine = await import("@/lib/sync/engine");
  const { authorizationUrl, integrationId, browserNonce } = await connect.startOAuth(h.actor, "GONG");
  expect((await connect.completeOAuth(await h.consent(authorizationUrl, "allow"), { userId: h.actor.userId, browserNonce })).outcome).toBe("ok");
  const discovered = await engine.discoverUsers(integrationId);
  expect(discovered.unmatched).toBeGreaterThan(0);
  const matchedBefore = await h.db.userSync.findMany({ where: { integrationId }, select: { id: true, status: true } });
  const { generation, usersCheckedAt } = await h.db.integration.findUniqueOrThrow({ where: { id: integrationId } });
  expect(usersCheckedAt).not.toBeNull();

  // Someone the provider knows joins the workspace without going through an invitation (so nothing matched them).
  const stranger = await h.db.providerUser.findFirstOrThrow({ where: { integrationId, workspaceUserId: null, email: { not: null } } });
  const user = await h.db.user.create({ data: { email: stranger.email!.toLowerCase(), name: stranger.name } });
  await h.db.membership.create({ data: { userId: user.id, workspaceId: h.actor.workspaceId, role: "MEMBER", status: "ACTIVE" } });
  // A deactivated member is never matched.
  const other = await h.db.providerUser.findFirstOrThrow({ where: { integrationId, workspaceUserId: null, email: { not: null }, id: { not: stranger.id } } });
  const gone = await h.db.user.create({ data: { email: other.email!.toLowerCase(), name: other.name } });
  await h.db.membership.create({ data: { userId: gone.id, workspaceId: h.actor.workspaceId, role: "MEMBER", status: "DEACTIVATED" } });

  // Within a day of the last read: skipped, no request.
  const run1 = await engine.startRun(integrationId, "POLL", {});
  expect(await engine.recheckProviderUsers(integrationId, generation, run1.id)).toEqual({ checked: false, newlyMatched: 0 });
  expect((await h.db.syncRun.findUniqueOrThrow({ where: { id: run1.id } })).requestsUsed).toBe(0);
  expect(await h.db.userSync.count({ where: { providerUserId: stranger.id } })).toBe(0);

  // A day later: one listing, the new match is Needs sync, everyone else as before.
  const later = new Date(usersCheckedAt!.getTime() + engine.USERS_RECHECK_MS + 1000);
  const run2 = await engine.startRun(integrationId, "POLL", {});
  expect(await engine.recheckProviderUsers(integrationId, generation, run2.id, later)).toEqual({ checked: true, newlyMatched: 1 });
  expect((await h.db.syncRun.findUniqueOrThrow({ where: { id: run2.id } })).requestsUsed).toBeGreaterThan(0);
  expect(await h.db.providerUser.findUniqueOrThrow({ where: { id: stranger.id } })).toMatchObject({ workspaceUserId: user.id });
  expect(await h.db.userSync.findUniqueOrThrow({ where: { providerUserId: stranger.id } })).toMatchObject({ status: "NEEDS_SYNC" });
  expect(await h.db.providerUser.findUniqueOrThrow({ where: { id: other.id } })).toMatchObject({ workspaceUserId: null });
  const after = await h.db.userSync.findMany({ where: { integrationId, id: { in: matchedBefore.map((m) => m.id) } }, select: { id: true, status: true } });
  expect(after).toEqual(expect.arrayContaining(matchedBefore));
  expect(after).toHaveLength(matchedBefore.length);

  // Again right away: nothing new, nothing re-read.
  const run3 = await engine.startRun(integrationId, "POLL", {});
  expect(await engine.recheckProviderUsers(integrationId, generation, run3.id, new Date(later.getTime() + 1000))).toEqual({ checked: false, newlyMatched: 0 });
});
