// Statuses that tell the truth (issue 17.4), where the logic lives: the integration reads behind the Manage
// page, the cards and the wizard (lib/integrations/queries.ts), and the engine's ends of per-user runs and
// of a purge (lib/sync/engine.ts). On the run's database, each test in a workspace of its own.
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { BACKFILL_OPTIONS, DEFAULT_BACKFILL_PERIOD } from "@/lib/integrations/catalog";
import { getIntegrationDetail, listIntegrationCards } from "@/lib/integrations/queries";
import { completeBackfillIfDone, finishPurge, prepareUserRetry, startPurge } from "@/lib/sync/engine";
import { createWorkspace, uid } from "../support/db";

const at = (iso: string) => new Date(iso);

async function gong(status: "CONNECTED" | "SYNCING" | "DISCONNECTED" = "CONNECTED", extra: Record<string, unknown> = {}) {
  const ctx = await createWorkspace("Statuses");
  const integration = await db.integration.create({
    data: {
      workspaceId: ctx.workspace.id,
      provider: "GONG",
      status,
      wizardStep: "COMPLETE",
      connectedAt: at("2026-12-01T08:00:00Z"),
      ...extra,
    },
  });
  return { ...ctx, integration };
}

async function user(integrationId: string, workspaceUserId: string, name: string, status: "COMPLETED" | "FAILED" | "PENDING", callsSynced = 0) {
  const pu = await db.providerUser.create({ data: { integrationId, providerUserId: `pu-${uid()}`, name, email: `${uid()}@test.local`, workspaceUserId } });
  return db.userSync.create({
    data: { integrationId, providerUserId: pu.id, status, callsSynced, error: status === "FAILED" ? "Gong answered with an error" : null },
  });
}

async function call(workspaceId: string, integrationId: string) {
  const id = `c-${uid()}`;
  await db.call.create({
    data: { id, workspaceId, integrationId, provider: "GONG", providerCallId: id, title: id, startedAt: at("2026-11-30T10:00:00Z"), durationSec: 60 },
  });
}

describe("Last sync is the last successful one; a failed one shows as failed, with its time and reason", () => {
  it("a sync that failed after one that succeeded: Last sync is the success, the failure is told apart", async () => {
    // lastSyncAt is when a run *started*: the newest, failed one.
    const { workspace, integration } = await gong("CONNECTED", { lastSyncAt: at("2026-12-03T12:00:00Z") });
    await db.syncRun.create({
      data: { integrationId: integration.id, kind: "POLL", status: "SUCCEEDED", startedAt: at("2026-12-03T10:00:00Z"), finishedAt: at("2026-12-03T10:01:00Z") },
    });
    await db.syncRun.create({
      data: {
        integrationId: integration.id,
        kind: "MANUAL",
        status: "FAILED",
        startedAt: at("2026-12-03T12:00:00Z"),
        finishedAt: at("2026-12-03T12:02:00Z"),
        error: "Gong answered with an error (HTTP 500, temporary).",
      },
    });
    const detail = await getIntegrationDetail(workspace.id, "GONG");
    expect(detail.integration?.lastSuccessAt).toBe("2026-12-03T10:01:00.000Z");
    expect(detail.integration?.lastFailure).toEqual({ at: "2026-12-03T12:02:00.000Z", reason: "Gong answered with an error (HTTP 500, temporary)." });
    const card = (await listIntegrationCards(workspace.id)).find((c) => c.key === "GONG")!;
    expect(card.integration?.lastSuccessAt).toEqual(at("2026-12-03T10:01:00Z"));
    expect(card.integration?.lastFailure).toEqual({ at: at("2026-12-03T12:02:00Z"), reason: "Gong answered with an error (HTTP 500, temporary)." });
  });

  it("a success after a failure clears the failure; a purge is not a sync", async () => {
    const { workspace, integration } = await gong();
    await db.syncRun.create({
      data: {
        integrationId: integration.id,
        kind: "POLL",
        status: "FAILED",
        startedAt: at("2026-12-03T08:00:00Z"),
        finishedAt: at("2026-12-03T08:01:00Z"),
        error: "x",
      },
    });
    await db.syncRun.create({
      data: { integrationId: integration.id, kind: "POLL", status: "SUCCEEDED", startedAt: at("2026-12-03T10:00:00Z"), finishedAt: at("2026-12-03T10:01:00Z") },
    });
    await db.syncRun.create({
      data: {
        integrationId: integration.id,
        kind: "PURGE",
        status: "SUCCEEDED",
        startedAt: at("2026-12-03T11:00:00Z"),
        finishedAt: at("2026-12-03T11:01:00Z"),
      },
    });
    const detail = await getIntegrationDetail(workspace.id, "GONG");
    expect(detail.integration?.lastSuccessAt).toBe("2026-12-03T10:01:00.000Z");
    expect(detail.integration?.lastFailure).toBeNull();
  });
});

describe("a per-user retry names its user and ends as that user did", () => {
  it("Jordan's retry completes while another user is still failed: the retry row names Jordan and reads as succeeded", async () => {
    const { workspace, integration, admin, member } = await gong("CONNECTED");
    const jordan = await user(integration.id, admin.id, "Jordan Mills", "FAILED");
    await user(integration.id, member.id, "Sam Other", "FAILED");
    const runId = (await prepareUserRetry(jordan.id, integration.id))!;
    expect(runId).toBeTruthy();
    // The retry's page loop brought Jordan to Completed; the run is then closed.
    await db.userSync.update({ where: { id: jordan.id }, data: { status: "COMPLETED", callsSynced: 3, error: null } });
    expect(await completeBackfillIfDone(integration.id, runId)).toBe(true);
    const detail = await getIntegrationDetail(workspace.id, "GONG");
    const retry = detail.runs.find((r) => r.id === runId)!;
    expect(retry).toMatchObject({ kind: "USER_RETRY", status: "SUCCEEDED", error: null, userName: "Jordan Mills" });
  });

  it("a retry whose user failed again reads as failed, with that user's reason", async () => {
    const { workspace, integration, admin } = await gong("CONNECTED");
    const jordan = await user(integration.id, admin.id, "Jordan Mills", "FAILED");
    const runId = (await prepareUserRetry(jordan.id, integration.id))!;
    await db.userSync.update({ where: { id: jordan.id }, data: { status: "FAILED", error: "Gong answered with an error (HTTP 500, temporary)." } });
    await completeBackfillIfDone(integration.id, runId);
    const retry = (await getIntegrationDetail(workspace.id, "GONG")).runs.find((r) => r.id === runId)!;
    expect(retry).toMatchObject({ status: "FAILED", error: "Gong answered with an error (HTTP 500, temporary).", userName: "Jordan Mills" });
  });
});

describe("after a purge", () => {
  it("the page is told the data was deleted (not kept), and every user's count is zero", async () => {
    const { workspace, integration, admin } = await gong("DISCONNECTED", { disconnectedAt: new Date(Date.now() - 60_000) });
    await user(integration.id, admin.id, "Jordan Mills", "COMPLETED", 4);
    for (let n = 0; n < 4; n++) await call(workspace.id, integration.id);
    const before = await getIntegrationDetail(workspace.id, "GONG");
    expect(before.purged).toBeNull();
    const { runId } = await startPurge(integration.id, admin.id);
    await db.call.deleteMany({ where: { integrationId: integration.id } });
    await db.syncRun.update({ where: { id: runId }, data: { callsDeleted: 4 } });
    await finishPurge(integration.id, runId);
    const detail = await getIntegrationDetail(workspace.id, "GONG");
    expect(detail.status).toBe("DISCONNECTED");
    expect(detail.purged).toMatchObject({ callsDeleted: 4 });
    expect(detail.totalCalls).toBe(0);
    expect(detail.users.map((u) => u.callsSynced)).toEqual([0]);
  });
});

describe("per-user counts and the total", () => {
  it("a call shared by two users counts once in the total; the detail carries both so the page can say why", async () => {
    const { workspace, integration, admin, member } = await gong("CONNECTED");
    await user(integration.id, admin.id, "Jordan Mills", "COMPLETED", 2);
    await user(integration.id, member.id, "Sam Other", "COMPLETED", 1);
    await call(workspace.id, integration.id);
    await call(workspace.id, integration.id);
    const detail = await getIntegrationDetail(workspace.id, "GONG");
    expect(detail.totalCalls).toBe(2);
    expect(detail.perUserSum).toBe(3);
  });
});

describe("the Sync step before discovery", () => {
  it("is discovering until the backfill's run exists (its users were listed), then not", async () => {
    const { workspace, integration } = await gong("SYNCING", { wizardStep: "SYNC" });
    // A backfill of an earlier connection does not count.
    await db.syncRun.create({ data: { integrationId: integration.id, kind: "BACKFILL", status: "SUCCEEDED", startedAt: at("2026-11-01T08:00:00Z") } });
    expect((await getIntegrationDetail(workspace.id, "GONG")).discovering).toBe(true);
    await db.syncRun.create({ data: { integrationId: integration.id, kind: "BACKFILL" } });
    expect((await getIntegrationDetail(workspace.id, "GONG")).discovering).toBe(false);
  });
});

describe("the preselected backfill period", () => {
  it("is the one marked Recommended, and only one is", () => {
    const recommended = BACKFILL_OPTIONS.filter((o) => o.recommended);
    expect(recommended).toHaveLength(1);
    expect(DEFAULT_BACKFILL_PERIOD).toBe(recommended[0]!.value);
    expect(recommended[0]!.label).toBe("Last 90 days");
  });
});
