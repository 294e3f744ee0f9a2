// Issue 15, items 8 and 10, against the production stack (demo workspace, simulators, local Inngest runtime):
//  - members never see upstream error bodies: the Clari simulator answers 500 with an HTML body carrying a
//    marker and secret-looking strings (fault injection, dev/simulators/faults.ts); the wizard, the Manage
//    page, the sync history, the recording link and the API JSON show the classified message and a
//    reference id, never the marker; the server log has the detail under that reference, secrets redacted;
//  - reps cannot spend the provider quota: a stored link is reused (the simulator counts one request for
//    two reps), a rep fetches at most 5 links a minute (429 saying when), and past the interactive share of
//    the quota the rep reads "Recording links are paused to keep syncing within Clari Copilot's weekly limit".
import fs from "node:fs";
import pg from "pg";
import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { DEMO_PASSWORD } from "../lib/demo/data";
import { signedIn, stack } from "./abuse-support";
import { clearFaults, userRow } from "./integrations-support";
import { signIn } from "./support";

test.describe.configure({ mode: "serial" });

const MARKER = "UPSTREAM-MARKER-9c41";
const SECRETS = ["rt-E2E-SECRET-4711", "sk-live-E2E-SECRET-0815", "at-E2E-SECRET-1234"];
const BODY = `<!doctype html><html><body><h1>${MARKER}</h1><pre>refresh_token=${SECRETS[0]} Authorization: Bearer ${SECRETS[1]} {"access_token":"${SECRETS[2]}"}</pre></body></html>`;
const REFERENCE = /Reference: (R-[0-9A-F]{10})\./;

let db: pg.Client;
let calls: string[] = [];

async function fault(input: Record<string, unknown>) {
  const res = await fetch(`${stack().simulatorUrl}/__sim/faults`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(input),
  });
  expect(res.ok, `POST /__sim/faults answered ${res.status}`).toBe(true);
}

/** Requests the Clari simulator received on the recording endpoint so far. */
async function callDetailsRequests(): Promise<number> {
  const stats = (await (await fetch(`${stack().simulatorUrl}/__sim/stats`)).json()) as { clari: { byEndpoint: Record<string, { total: number }> } };
  return stats.clari.byEndpoint["GET /call-details"]?.total ?? 0;
}

/** No marker, no HTML of the provider's, no secret in what a member sees. */
function expectClean(text: string, what: string) {
  expect(text, `${what}: the provider's body`).not.toContain(MARKER);
  expect(text, `${what}: the provider's HTML`).not.toMatch(/<h1>|<pre>/);
  for (const s of SECRETS) expect(text, `${what}: a secret`).not.toContain(s);
}

/** The server log line of a reference: the detail is there, the secrets are not. */
function expectLogged(reference: string) {
  const file = stack().logFile;
  if (!file) return;
  const line = fs
    .readFileSync(file, "utf8")
    .split("\n")
    .find((l) => l.includes(reference));
  expect(line, `log line for ${reference}`).toBeDefined();
  expect(line).toContain(MARKER);
  expect(line).toContain("status 500");
  for (const s of SECRETS) expect(line, "the log is redacted").not.toContain(s);
}

const postRecording = (ctx: APIRequestContext, callId: string) =>
  ctx.post(`/api/calls/${callId}/recording`, { headers: { "Content-Type": "application/json", Origin: stack().appUrl }, data: {} });

async function expireLinks(ids: string[]) {
  await db.query(
    `UPDATE "Call" SET "audioUrl" = 'https://media.invalid/old.mp3', "videoUrl" = NULL, "recordingExpiresAt" = now() - interval '1 hour', "recordingFetchedAt" = NULL WHERE id = ANY($1)`,
    [ids],
  );
}

async function openCall(page: Page, email: string, callId: string) {
  await signIn(page, email, DEMO_PASSWORD);
  await page.goto(`/calls/${callId}`);
  await expect(page.getByRole("heading", { name: "Recording" })).toBeVisible();
}

test.beforeAll(async () => {
  db = new pg.Client({ connectionString: stack().databaseUrl });
  await db.connect();
});

test.afterAll(async () => {
  await clearFaults().catch(() => undefined);
  // These cases connect Clari Copilot in the demo workspace; the specs after this one (sign-in, the wizard,
  // the rep journey) expect the demo workspace as seeded: no Clari Copilot and none of its calls.
  if (db) {
    const acme = `(SELECT m."workspaceId" FROM "Membership" m JOIN "User" u ON u.id = m."userId" WHERE u.email = 'admin@acme.test' LIMIT 1)`;
    await db.query(`DELETE FROM "Call" WHERE "integrationId" IN (SELECT id FROM "Integration" WHERE provider = 'CLARI' AND "workspaceId" = ${acme})`);
    await db.query(`DELETE FROM "Integration" WHERE provider = 'CLARI' AND "workspaceId" = ${acme}`);
  }
  await db?.end();
});

test("a provider 500 with an HTML body: the wizard, Manage page, history and API JSON show a classified message and a reference", async ({ page }) => {
  test.setTimeout(300_000);
  await signIn(page, "admin@acme.test", DEMO_PASSWORD);
  await page.goto("/settings/integrations/clari/setup");
  await page.getByRole("textbox", { name: "API Key" }).fill("sim-clari-key");
  await page.getByLabel("API Secret", { exact: true }).fill("sim-clari-secret");
  await page.getByRole("button", { name: "Connect with API Key" }).click();
  await expect(page.getByRole("heading", { name: "Choose your backfill period" })).toBeVisible();

  // One user's listing keeps failing with the marker body: that user ends Failed.
  await fault({ provider: "clari", kind: "500", endpoint: "GET /calls", providerUserId: "rep2@acme.test", body: BODY });
  try {
    await page.getByRole("button", { name: "Save & Continue" }).click();
    const rep2 = userRow(page, "Jordan Mills");
    await expect(rep2.getByText("Failed", { exact: true })).toBeVisible({ timeout: 180_000 });
    await expect(rep2).toContainText("Clari Copilot answered with an error (HTTP 500, temporary).");
    await expect(rep2).toContainText(REFERENCE);
    expectClean(await page.content(), "wizard");
    const reference = REFERENCE.exec((await rep2.textContent()) ?? "")![1]!;
    expectLogged(reference);
    const stored = await db.query<{ error: string }>(
      `SELECT us.error FROM "UserSync" us JOIN "ProviderUser" pu ON pu.id = us."providerUserId" WHERE pu.email = 'rep2@acme.test' AND us.status = 'FAILED'`,
    );
    expect(stored.rows.length).toBeGreaterThan(0);
    for (const r of stored.rows) expectClean(r.error, "UserSync.error");
  } finally {
    await clearFaults();
  }
  // The backfill is over (the others completed); the wizard offers to continue with one user failed.
  await expect(page.getByText("Sync finished, but 1 user failed.")).toBeVisible({ timeout: 60_000 });

  // Sync now while every listing fails: the history row says what failed, with a reference.
  await page.goto("/settings/integrations/clari");
  await fault({ provider: "clari", kind: "500", endpoint: "GET /calls", body: BODY });
  try {
    await page.getByRole("button", { name: "Sync now" }).click();
    const row = page.getByRole("table").getByRole("row").filter({ hasText: "Sync now" }).first();
    await expect(row.getByText("Failed")).toBeVisible({ timeout: 180_000 });
    await expect(row).toContainText(REFERENCE);
  } finally {
    await clearFaults();
  }
  await page.reload();
  expectClean(await page.content(), "Manage page");
  await expect(page.getByText(REFERENCE).first()).toBeVisible();
  // The failed sync shows as failed, with what happened (issue 17.4): the 500 is an answer with an error.
  await expect(page.getByTestId("last-failure")).toContainText("Last sync failed at");
  await expect(page.getByTestId("last-failure")).toContainText("Clari Copilot answered with an error (HTTP 500, temporary).");

  // The JSON the Manage page polls.
  const { ctx } = await signedIn("admin@acme.test", DEMO_PASSWORD);
  const res = await ctx.get("/api/integrations/clari");
  expect(res.status()).toBe(200);
  const json = await res.text();
  expectClean(json, "GET /api/integrations/clari");
  expect(json).toMatch(REFERENCE);
  const runs = await db.query<{ error: string | null }>(
    `SELECT r.error FROM "SyncRun" r JOIN "Integration" i ON i.id = r."integrationId" WHERE i.provider = 'CLARI'`,
  );
  for (const r of runs.rows) if (r.error) expectClean(r.error, "SyncRun.error");
  await ctx.dispose();

  calls = (
    await db.query<{ id: string }>(`SELECT id FROM "Call" WHERE provider = 'CLARI' AND NOT "isPrivate" ORDER BY "startedAt" DESC, id LIMIT 10`)
  ).rows.map((r) => r.id);
  expect(calls.length).toBe(10);
});

test("a recording link the provider fails to give: the rep sees a classified message and a reference, the API JSON too", async ({ page }) => {
  await expireLinks([calls[0]!]);
  await fault({ provider: "clari", kind: "500", endpoint: "GET /call-details", body: BODY });
  try {
    await openCall(page, "rep1@acme.test", calls[0]!);
    await page.getByRole("button", { name: "Get a fresh link" }).click();
    const alert = page.getByRole("region", { name: "Recording" }).getByRole("alert");
    await expect(alert).toContainText(
      "Clari Copilot could not give a fresh recording link right now. Try again in a few minutes, or open the call in Clari Copilot.",
    );
    await expect(alert).toContainText(REFERENCE);
    expectClean(await page.content(), "call page");

    const { ctx } = await signedIn("rep1@acme.test", DEMO_PASSWORD);
    const res = await postRecording(ctx, calls[0]!);
    expect(res.status()).toBe(502);
    const text = await res.text();
    expectClean(text, "POST /api/calls/…/recording");
    const body = JSON.parse(text) as { error: { code: string; message: string; reference: string } };
    expect(body.error.code).toBe("UPSTREAM");
    expect(body.error.message).toContain(`Reference: ${body.error.reference}.`);
    expectLogged(body.error.reference);
    await ctx.dispose();
  } finally {
    await clearFaults();
  }
});

test("a fresh link is fetched once: a second rep clicking the same call reuses it without a provider request", async ({ page }) => {
  await expireLinks([calls[1]!]);
  const before = await callDetailsRequests();
  const admin = (await signedIn("admin@acme.test", DEMO_PASSWORD)).ctx;
  const rep = (await signedIn("rep3@acme.test", DEMO_PASSWORD)).ctx;
  const first = await postRecording(admin, calls[1]!);
  expect(first.status()).toBe(200);
  const a = (await first.json()) as { recording: { audioUrl: string; expiresAt: string; cached: boolean } };
  expect(a.recording.cached).toBe(false);
  expect(a.recording.audioUrl).not.toBe("https://media.invalid/old.mp3");
  const second = await postRecording(rep, calls[1]!);
  expect(second.status()).toBe(200);
  expect(((await second.json()) as { recording: unknown }).recording).toEqual({ ...a.recording, cached: true });
  expect((await callDetailsRequests()) - before).toBe(1);
  // The call page renders the stored link for everyone.
  await openCall(page, "rep1@acme.test", calls[1]!);
  await expect(page.getByTestId("recording-expiry")).toHaveText(/^Link expires in \d+ hours? /);
  await admin.dispose();
  await rep.dispose();
});

test("a rep fetches at most 5 fresh links a minute; the 6th is a 429 that says when to retry", async () => {
  const mine = calls.slice(2, 8);
  await expireLinks(mine);
  const before = await callDetailsRequests();
  const { ctx } = await signedIn("rep2@acme.test", DEMO_PASSWORD);
  for (const id of mine.slice(0, 5)) expect((await postRecording(ctx, id)).status()).toBe(200);
  const refused = await postRecording(ctx, mine[5]!);
  expect(refused.status()).toBe(429);
  expect(Number(refused.headers()["retry-after"])).toBeGreaterThan(0);
  const body = (await refused.json()) as { error: { message: string } };
  expect(body.error.message).toMatch(
    /^You asked for 5 fresh recording links in the last minute\. Try again in (\d+ seconds?|1 minute), or open the call in Clari Copilot\.$/,
  );
  expect((await callDetailsRequests()) - before).toBe(5);
  await ctx.dispose();
});

test("past the interactive share of the quota, the rep reads that links are paused and until when", async ({ page }) => {
  await expireLinks([calls[8]!]);
  const { id: integrationId } = (await db.query<{ id: string }>(`SELECT i.id FROM "Integration" i WHERE i.provider = 'CLARI'`)).rows[0]!;
  // This week (Sunday 00:00 UTC): background sync used all but 50 of 100,000; reps already used their 10% of those.
  const day = 86_400_000;
  const today = Math.floor(Date.now() / day);
  const sunday = (today - ((((today - 3) % 7) + 7) % 7)) * day;
  const state = { windows: [null, { bucket: sunday, used: 100_000 - 45, interactive: 5 }] };
  await db.query(
    `INSERT INTO "ProviderRateLimit" ("integrationId", state, "updatedAt") VALUES ($1, $2::jsonb, now())
     ON CONFLICT ("integrationId") DO UPDATE SET state = EXCLUDED.state, "updatedAt" = now()`,
    [integrationId, JSON.stringify(state)],
  );
  const before = await callDetailsRequests();
  try {
    await openCall(page, "rep3@acme.test", calls[8]!);
    await page.getByRole("button", { name: "Get a fresh link" }).click();
    const resets = new Intl.DateTimeFormat("en-US", {
      year: "numeric",
      month: "short",
      day: "numeric",
      hour: "2-digit",
      minute: "2-digit",
      timeZone: "UTC",
      timeZoneName: "short",
    }).format(new Date(sunday + 7 * day));
    await expect(page.getByRole("region", { name: "Recording" }).getByRole("alert")).toHaveText(
      `Recording links are paused to keep syncing within Clari Copilot's weekly limit; try again after ${resets}. You can open the call in Clari Copilot meanwhile.`,
    );
    expect((await callDetailsRequests()) - before).toBe(0);
  } finally {
    await db.query(`UPDATE "ProviderRateLimit" SET state = '{}'::jsonb WHERE "integrationId" = $1`, [integrationId]);
  }
});
