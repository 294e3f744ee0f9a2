// Stored credentials that no longer decrypt (wrong key, altered, copied from another row): the
// integration says "Credentials unreadable: reconnect", and nothing syncs — no run, no provider request.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { eventually, startSyncHarness, type SyncHarness } from "../support/sync-harness";

let h: SyncHarness;
let connect: typeof import("@/lib/integrations/connect");
let queries: typeof import("@/lib/integrations/queries");
let appEvent: typeof import("@/lib/events").appEvent;

beforeAll(async () => {
  h = await startSyncHarness({ seed: 5, callsPerUser: 2 }, { ownDatabase: true });
  connect = await import("@/lib/integrations/connect");
  queries = await import("@/lib/integrations/queries");
  appEvent = (await import("@/lib/events")).appEvent;
}, 60_000);
afterAll(async () => {
  await h?.close();
});

const UNREADABLE = "Credentials unreadable: reconnect";

async function stats() {
  return (await h.control("/__sim/stats")) as Record<string, { total: number; apiRequests: number }>;
}

async function connected(integrationId: string) {
  await connect.chooseBackfill(h.actor, await h.integration(integrationId), "SKIP");
  await eventually("backfill done", async () => (await h.db.integration.findUniqueOrThrow({ where: { id: integrationId } })).status === "CONNECTED", 60_000);
}

/** Flips characters inside the ciphertext part: still well-formed, no longer authentic. */
function tamper(envelope: string) {
  const parts = envelope.split(".");
  const last = parts.length - 1;
  parts[last] = parts[last]!.slice(0, 4) + (parts[last]![4] === "A" ? "B" : "A") + parts[last]!.slice(5);
  return parts.join(".");
}

describe("unreadable credentials", () => {
  it("a poll of an integration whose credentials were altered makes no provider request, starts no run, and asks for a reconnect", async () => {
    const { integrationId } = await connect.connectWithApiKey(h.actor, "CLARI", { apiKey: "sim-clari-key", apiSecret: "sim-clari-secret" });
    await connected(integrationId);
    const row = await h.db.integration.findUniqueOrThrow({ where: { id: integrationId } });
    await h.db.integration.update({ where: { id: integrationId }, data: { credentialsEnc: tamper(row.credentialsEnc!) } });
    const runsBefore = await h.db.syncRun.count({ where: { integrationId } });
    const before = (await stats()).clari?.total ?? 0;

    await h.actor.send(appEvent("syncRequested", { integrationId, generation: row.generation, kind: "POLL" }));
    const flagged = await eventually("reconnect required", async () => {
      const r = await h.db.integration.findUniqueOrThrow({ where: { id: integrationId } });
      return r.status === "RECONNECT_REQUIRED" ? r : null;
    });
    expect(flagged.statusMessage).toContain(UNREADABLE);
    expect(flagged.nextSyncAt).toBeNull();
    // The poll function has finished (it skipped): still no run and no request to Clari.
    await eventually("poll finished", async () => {
      const { data: runs = [] } = (await h.runs()) as unknown as { data?: Array<{ function_id: string; status: string }> };
      return runs.some((r) => r.function_id.endsWith("sync-poll") && r.status === "Completed");
    });
    expect(await h.db.syncRun.count({ where: { integrationId } })).toBe(runsBefore);
    expect((await stats()).clari?.total ?? 0).toBe(before);
  }, 120_000);

  it("a ciphertext copied from another integration's row: the Manage page and the list say so at once, and Sync now starts nothing", async () => {
    // A fresh, working Clari connection whose (valid) ciphertext is copied onto Gong's row.
    const { integrationId: clariId } = await connect.connectWithApiKey(h.actor, "CLARI", { apiKey: "sim-clari-key", apiSecret: "sim-clari-secret" });
    await connected(clariId);
    const { authorizationUrl, integrationId: gongId, browserNonce } = await connect.startOAuth(h.actor, "GONG");
    const params = await h.consent(authorizationUrl, "allow");
    expect((await connect.completeOAuth(params, { userId: h.actor.userId, browserNonce })).outcome).toBe("ok");
    await connected(gongId);
    const clari = await h.db.integration.findUniqueOrThrow({ where: { id: clariId } });
    await h.db.integration.update({ where: { id: gongId }, data: { credentialsEnc: clari.credentialsEnc } });
    const before = await stats();

    const detail = await queries.getIntegrationDetail(h.actor.workspaceId, "GONG");
    expect(detail.status).toBe("RECONNECT_REQUIRED");
    expect(detail.integration?.statusMessage).toContain(UNREADABLE);
    const cards = await queries.listIntegrationCards(h.actor.workspaceId);
    expect(cards.find((c) => c.key === "GONG")?.integration?.statusMessage).toContain(UNREADABLE);
    // Clari's own copy is fine.
    expect(cards.find((c) => c.key === "CLARI")?.status).toBe("CONNECTED");

    const send = vi.fn(async () => undefined);
    await expect(connect.syncNow({ ...h.actor, send }, await h.integration(gongId))).rejects.toThrow(/reconnect/i);
    expect(send).not.toHaveBeenCalled();
    expect(await h.db.syncRun.count({ where: { integrationId: gongId, kind: { in: ["MANUAL", "POLL"] } } })).toBe(0);
    const after = await stats();
    expect(after.gong?.total ?? 0).toBe(before.gong?.total ?? 0);
  }, 120_000);
});
