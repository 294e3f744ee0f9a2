// Abuse suite, secrets at rest (issue 15, item 9), against the production stack: stored credentials
// that no longer decrypt — altered in the database, or a valid ciphertext copied from another
// workspace's row (AES-GCM additional data binds it to its row) — show the integration as
// "Credentials unreadable: reconnect" on the Manage page and the integrations list, and Sync now starts
// nothing (no run, no background job). The database is reached like e2e/abuse.spec.ts does (pg client).
import { expect, test, type APIRequestContext } from "@playwright/test";
import type pg from "pg";
import { signIn } from "./support";
import { connectDb, createTenant, integrationRow, PASSWORD, signedIn, stack, word, type Tenant } from "./abuse-support";

const UNREADABLE = "Credentials unreadable: reconnect";

let db: pg.Client;
let A: Tenant;
let B: Tenant;
let adminA: APIRequestContext;
let adminB: APIRequestContext;

/** State-changing requests as the app's own pages send them (JSON, our Origin). */
const post = (ctx: APIRequestContext, path: string, data: unknown = {}) => ctx.post(path, { data, headers: { origin: stack().appUrl } });

async function connectClari(ctx: APIRequestContext, tenant: Tenant) {
  expect((await post(ctx, "/api/integrations/clari/api-key", { apiKey: "sim-clari-key", apiSecret: "sim-clari-secret" })).status()).toBe(200);
  expect((await post(ctx, "/api/integrations/clari/backfill", { period: "SKIP" })).status()).toBe(200);
  await expect.poll(async () => (await integrationRow(db, tenant.workspaceId, "CLARI"))?.status, { timeout: 60_000 }).toBe("CONNECTED");
  return (await integrationRow(db, tenant.workspaceId, "CLARI"))!;
}

async function syncRuns(integrationId: string) {
  const { rows } = await db.query(`SELECT count(*)::int AS n FROM "SyncRun" WHERE "integrationId" = $1`, [integrationId]);
  return rows[0].n as number;
}

async function pollJobs() {
  const res = await fetch(`${stack().inngestUrl}/v1/runs?limit=1000`);
  const { data = [] } = (await res.json()) as { data?: Array<{ function_id: string }> };
  return data.filter((r) => r.function_id.endsWith("sync-poll")).length;
}

test.beforeAll(async () => {
  test.setTimeout(180_000);
  db = await connectDb();
  A = await createTenant(db, "Keyring", word("zk"));
  B = await createTenant(db, "Other", word("zo"));
  adminA = (await signedIn(A.users.admin.email)).ctx;
  adminB = (await signedIn(B.users.admin.email)).ctx;
});

test.afterAll(async () => {
  await adminA?.dispose();
  await adminB?.dispose();
  await db?.end();
});

/** What the admin sees, and that Sync now starts nothing. */
async function expectUnreadable(page: import("@playwright/test").Page, tenant: Tenant, ctx: APIRequestContext, integrationId: string) {
  const runsBefore = await syncRuns(integrationId);
  const jobsBefore = await pollJobs();

  await signIn(page, tenant.users.admin.email, PASSWORD);
  await page.goto("/settings/integrations/clari");
  await expect(page.getByRole("alert").filter({ hasText: UNREADABLE })).toBeVisible();
  await expect(page.getByTestId("integration-status")).toHaveText("Reconnect required");
  await expect(page.getByRole("button", { name: "Sync now" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Reconnect" })).toBeVisible();

  await page.goto("/settings/integrations");
  await expect(page.getByRole("article", { name: "Clari Copilot" })).toContainText(UNREADABLE);

  // Sync now, sent straight to the route: refused with a message that says what to do; nothing starts.
  const res = await post(ctx, "/api/integrations/clari/sync");
  expect(res.status()).toBe(409);
  expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/reconnect/i);
  expect(await syncRuns(integrationId)).toBe(runsBefore);
  expect(await pollJobs()).toBe(jobsBefore);
  const row = (await integrationRow(db, tenant.workspaceId, "CLARI"))!;
  expect(row).toMatchObject({ status: "RECONNECT_REQUIRED", nextSyncAt: null });
}

test("[secrets] credentials altered in the database: Manage and the list say 'Credentials unreadable: reconnect'; Sync now starts nothing", async ({
  page,
}) => {
  test.setTimeout(120_000);
  const row = await connectClari(adminA, A);
  const envelope = String(row.credentialsEnc);
  const parts = envelope.split(".");
  const last = parts.length - 1;
  parts[last] = (parts[last]![0] === "A" ? "B" : "A") + parts[last]!.slice(1);
  await db.query(`UPDATE "Integration" SET "credentialsEnc" = $2 WHERE id = $1`, [row.id, parts.join(".")]);
  await expectUnreadable(page, A, adminA, String(row.id));
});

test("[secrets] a valid ciphertext copied from another workspace's integration row does not decrypt there", async ({ page }) => {
  test.setTimeout(120_000);
  const other = await connectClari(adminB, B);
  // A connects again (fresh, working credentials), then B's ciphertext is pasted over A's.
  expect((await post(adminA, "/api/integrations/clari/reconnect")).status()).toBe(200);
  const mine = await connectClari(adminA, A);
  await db.query(`UPDATE "Integration" SET "credentialsEnc" = $2 WHERE id = $1`, [mine.id, other.credentialsEnc]);
  await expectUnreadable(page, A, adminA, String(mine.id));
  // B's own row, with the same ciphertext, is fine.
  expect((await integrationRow(db, B.workspaceId, "CLARI"))!.status).toBe("CONNECTED");
});
