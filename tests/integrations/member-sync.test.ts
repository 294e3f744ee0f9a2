// "Needs sync" (issue 13, item 5): a member who joins after the backfill is matched to their provider users and
// waits for an admin's per-user Backfill, which sets their window and does not hold up the integration.
import { afterAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { onMemberJoined } from "@/lib/integrations/member-sync";
import { completeBackfillIfDone, prepareUserBackfill, startRun } from "@/lib/sync/engine";
import { createWorkspace, uid } from "../support/db";

afterAll(() => db.$disconnect());

async function setup(status: "CONNECTED" | "DISCONNECTED" = "CONNECTED") {
  const { workspace, admin } = await createWorkspace();
  const integration = await db.integration.create({
    data: { workspaceId: workspace.id, provider: "GONG", status, wizardStep: "COMPLETE", connectedAt: new Date() },
  });
  const email = `newrep-${uid()}@test.local`;
  const providerUser = await db.providerUser.create({
    data: { integrationId: integration.id, providerUserId: `g-${uid()}`, email: email.toUpperCase(), name: "New Rep" },
  });
  const user = await db.user.create({ data: { email, name: "New Rep" } });
  await db.membership.create({ data: { userId: user.id, workspaceId: workspace.id, role: "MEMBER" } });
  return { workspace, admin, integration, providerUser, user };
}

describe("onMemberJoined", () => {
  it("matches the provider user by email (any case) and lists them as Needs sync, once", async () => {
    const { workspace, integration, providerUser, user } = await setup();
    expect(await onMemberJoined(workspace.id, user.id)).toBe(1);
    expect(await db.providerUser.findUniqueOrThrow({ where: { id: providerUser.id } })).toMatchObject({ workspaceUserId: user.id });
    expect(await db.userSync.findUniqueOrThrow({ where: { providerUserId: providerUser.id } })).toMatchObject({
      integrationId: integration.id,
      status: "NEEDS_SYNC",
    });
    expect(await onMemberJoined(workspace.id, user.id)).toBe(0); // idempotent
    expect(await db.userSync.count({ where: { providerUserId: providerUser.id } })).toBe(1);
  });

  it("leaves disconnected integrations, other workspaces and provider users matched to someone else alone", async () => {
    const off = await setup("DISCONNECTED");
    expect(await onMemberJoined(off.workspace.id, off.user.id)).toBe(0);
    expect(await db.userSync.count({ where: { providerUserId: off.providerUser.id } })).toBe(0);

    const a = await setup();
    const other = await createWorkspace();
    await db.membership.create({ data: { userId: a.user.id, workspaceId: other.workspace.id, role: "MEMBER" } });
    expect(await onMemberJoined(other.workspace.id, a.user.id)).toBe(0); // a's integration is in another workspace

    await db.providerUser.update({ where: { id: a.providerUser.id }, data: { workspaceUserId: a.admin.id } });
    expect(await onMemberJoined(a.workspace.id, a.user.id)).toBe(0);
    expect(await db.providerUser.findUniqueOrThrow({ where: { id: a.providerUser.id } })).toMatchObject({ workspaceUserId: a.admin.id });
  });
});

describe("per-user backfill of a Needs-sync user", () => {
  it("sets the chosen window, starts a User backfill run and the integration syncs until the user is done", async () => {
    const { workspace, integration, providerUser, user, admin } = await setup();
    await onMemberJoined(workspace.id, user.id);
    const us = await db.userSync.findUniqueOrThrow({ where: { providerUserId: providerUser.id } });
    // Needs sync is not pending work: a backfill run completes without it.
    const run = await startRun(integration.id, "BACKFILL", {});
    expect(await completeBackfillIfDone(integration.id, run.id)).toBe(true);

    const now = new Date("2026-12-02T12:00:00Z");
    const runId = (await prepareUserBackfill(us.id, integration.id, "DAYS_30", admin.id, now))?.runId;
    expect(runId).toBeTruthy();
    const after = await db.userSync.findUniqueOrThrow({ where: { id: us.id } });
    expect(after.status).toBe("PENDING");
    expect(after.windowTo?.toISOString()).toBe(now.toISOString());
    expect(after.windowFrom?.toISOString()).toBe(new Date(now.getTime() - 30 * 86_400_000).toISOString());
    expect(await db.syncRun.findUniqueOrThrow({ where: { id: runId! } })).toMatchObject({ kind: "USER_BACKFILL", status: "RUNNING", triggeredById: admin.id });
    expect((await db.integration.findUniqueOrThrow({ where: { id: integration.id } })).status).toBe("SYNCING");
    // A second click while it runs starts nothing.
    expect(await prepareUserBackfill(us.id, integration.id, "DAYS_30", admin.id, now)).toBeNull();
    expect(await completeBackfillIfDone(integration.id, runId!)).toBe(false); // the user is still pending
  });
});
