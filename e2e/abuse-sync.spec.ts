// Issue 15, items 11 and 2, against the production build (its database, simulators and Inngest runtime):
//   [sync]  ten parallel "Sync now" requests with the admin's session start exactly one run; the nine others
//           get 409 "A sync is already running…"
//   [purge] while a purge of tens of thousands of calls runs, connecting again is a 409 that says the calls
//           are being deleted, and writes nothing; once it has finished, connecting works again.
// A throwaway workspace is created with SQL and its admin signs in through next-auth (e2e/abuse-support.ts).
import type pg from "pg";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { connectDb, createTenant, expectReadable, integrationRow, signedIn, stack, word, type Tenant } from "./abuse-support";

const KEY = { apiKey: "sim-clari-key", apiSecret: "sim-clari-secret" };
/** Same-origin, as the app's own client sends them. */
const headers = () => ({ origin: stack().appUrl });

let db: pg.Client;
let T: Tenant;
let admin: APIRequestContext;
let clariId = "";

test.describe.configure({ mode: "serial" });

test.beforeAll(async () => {
  test.setTimeout(120_000);
  db = await connectDb();
  T = await createTenant(db, "SyncOnce", word("sy"));
  admin = (await signedIn(T.users.admin.email)).ctx;
  // Clari Copilot connected with its key, no backfill: polls only.
  expect((await admin.post("/api/integrations/clari/api-key", { data: KEY, headers: headers() })).status()).toBe(200);
  expect((await admin.post("/api/integrations/clari/backfill", { data: { period: "SKIP" }, headers: headers() })).status()).toBe(200);
  await expect.poll(async () => (await integrationRow(db, T.workspaceId, "CLARI"))?.status, { timeout: 60_000 }).toBe("CONNECTED");
  clariId = String((await integrationRow(db, T.workspaceId, "CLARI"))!.id);
});

test.afterAll(async () => {
  await admin?.dispose();
  await db?.end();
});

const manualRuns = async () =>
  (await db.query(`SELECT status FROM "SyncRun" WHERE "integrationId" = $1 AND kind IN ('MANUAL', 'POLL')`, [clariId])).rows as Array<{ status: string }>;

test("[sync] ten parallel Sync now requests start one run; the nine others are told a sync is already running", async () => {
  const responses = await Promise.all(Array.from({ length: 10 }, () => admin.post("/api/integrations/clari/sync", { data: {}, headers: headers() })));
  const statuses = responses.map((r) => r.status()).sort();
  expect(statuses).toEqual([200, 409, 409, 409, 409, 409, 409, 409, 409, 409]);
  for (const r of responses.filter((x) => x.status() === 409)) {
    await expectReadable(r, [409], "Sync now while a sync runs");
    const body = (await r.json()) as { error: { message: string } };
    expect(body.error.message).toMatch(/^A sync is already running for Clari Copilot\./);
  }
  // One run, and it finishes; no other was queued behind it.
  await expect.poll(async () => (await manualRuns()).map((r) => r.status), { timeout: 60_000 }).toEqual(["SUCCEEDED"]);
  await expect.poll(async () => (await integrationRow(db, T.workspaceId, "CLARI"))?.syncLockRunId ?? null).toBeNull();
  expect(await manualRuns()).toHaveLength(1);
});

test("[purge] connecting again while tens of thousands of calls are deleted is refused and writes nothing; afterwards it works", async () => {
  test.setTimeout(180_000);
  await db.query(
    `INSERT INTO "Call" (id, "workspaceId", "integrationId", provider, "providerCallId", title, "startedAt", "updatedAt")
     SELECT $3 || g, $1, $2, 'CLARI', $3 || g, 'Bulk call ' || g, now() - g * interval '1 minute', now() FROM generate_series(1, 20000) g`,
    [T.workspaceId, clariId, `bulk-${clariId}-`],
  );
  const purge = await admin.post("/api/integrations/clari/purge", { data: { confirm: "DELETE" }, headers: headers() });
  expect(purge.status()).toBe(200);

  const again = await admin.post("/api/integrations/clari/api-key", { data: KEY, headers: headers() });
  await expectReadable(again, [409], "connect while purging");
  expect(((await again.json()) as { error: { message: string } }).error.message).toMatch(/being deleted/);
  const reconnect = await admin.post("/api/integrations/clari/reconnect", { data: {}, headers: headers() });
  await expectReadable(reconnect, [409], "reconnect while purging");
  const during = (await integrationRow(db, T.workspaceId, "CLARI"))!;
  expect(during).toMatchObject({ status: "PURGING", credentialsEnc: null });

  await expect.poll(async () => (await integrationRow(db, T.workspaceId, "CLARI"))?.status, { timeout: 150_000 }).toBe("DISCONNECTED");
  const { rows } = await db.query(`SELECT status, "callsDeleted" FROM "SyncRun" WHERE "integrationId" = $1 AND kind = 'PURGE'`, [clariId]);
  expect(rows).toEqual([{ status: "SUCCEEDED", callsDeleted: expect.any(Number) }]);
  expect(rows[0].callsDeleted).toBeGreaterThanOrEqual(20_000);
  expect((await db.query(`SELECT count(*)::int AS n FROM "Call" WHERE "integrationId" = $1`, [clariId])).rows[0].n).toBe(0);
  expect((await admin.post("/api/integrations/clari/api-key", { data: KEY, headers: headers() })).status()).toBe(200);
});
