// Issue #6: the integration wizard and the Manage Integration page, end to end against the production
// build, the provider simulators and the local Inngest runtime (the sync engine runs for real).
import { expect, test, type Page } from "@playwright/test";
import { DEMO_USERS } from "../lib/demo/data";
import { browserLike, signIn } from "./support";
import { connectDb } from "./abuse-support";
import { authorizeInNewTab, clearFaults, expectAccessible, firstDealCallCount, injectFault, userRow, wizardStep } from "./integrations-support";

test.describe.configure({ mode: "serial" });

const MATCHED = DEMO_USERS.map((u) => u.name);

/** E2E_SCREENSHOTS=1 keeps full-page screenshots of each screen in test-results/screens for review. */
async function shot(page: Page, name: string) {
  if (process.env.E2E_SCREENSHOTS === "1") await page.screenshot({ path: `test-results/screens/${name}.png`, fullPage: true });
}

async function expectAllCompleted(page: Page, timeout = 90_000) {
  for (const name of MATCHED) {
    await expect(userRow(page, name).getByText(/^Completed \(\d+ calls?\)$/)).toBeVisible({ timeout });
  }
}

test("a member cannot reach integration settings, the wizard, or its route handlers", async ({ page }) => {
  await signIn(page, "rep1@acme.test");
  for (const url of ["/settings/integrations", "/settings/integrations/gong", "/settings/integrations/clari/setup?step=connect"]) {
    const res = await page.goto(url);
    expect(res?.status(), url).toBe(403);
    await expect(page.getByRole("heading", { name: "Admins only" })).toBeVisible();
    await expect(page.getByRole("button", { name: /Connect with|Sync now|Disconnect/ })).toHaveCount(0);
  }
  const api = browserLike(page.request, page.url());
  expect((await api.get("/api/integrations/gong")).status()).toBe(403);
  expect((await api.get("/api/integrations/gong/oauth-status?state=aaaaaaaaaaaaaaaaaaaa")).status()).toBe(403);
  for (const [action, body] of [
    ["oauth", {}],
    ["api-key", { apiKey: "sim-clari-key", apiSecret: "sim-clari-secret" }],
    ["backfill", { period: "DAYS_30" }],
    ["sync", {}],
    ["disconnect", {}],
    ["reconnect", {}],
    ["purge", { confirm: "DELETE" }],
  ] as const) {
    const res = await api.post(`/api/integrations/clari/${action}`, { data: body });
    expect(res.status(), action).toBe(403);
    expect((await res.json()).error.message).toMatch(/Only workspace admins/);
  }
});

test("admin connects Gong: deny, try again, allow, backfill, live sync, complete, calls on deals", async ({ page, context }) => {
  test.setTimeout(180_000);
  await signIn(page, "admin@acme.test");
  await page.goto("/settings/integrations");
  const card = page.getByRole("article", { name: "Gong" });
  await expect(card.getByText("Not connected")).toBeVisible();
  await card.getByRole("link", { name: "Connect Gong" }).click();

  await expect(page).toHaveURL(/\/settings\/integrations\/gong\/setup\?step=connect/);
  await expect(wizardStep(page)).toContainText("Connect");
  await expectAccessible(page, "Gong: Connect");

  // Deny on the consent page: the denied message, and Try again.
  await authorizeInNewTab(page, context, () => page.getByRole("button", { name: "Connect with Gong" }).click(), "Deny");
  const denied = page.getByRole("main").getByRole("alert").filter({ hasText: "Access denied" });
  await expect(denied).toContainText("Access was denied");
  await expect(wizardStep(page)).toContainText("Authorize");
  await expectAccessible(page, "Gong: Authorize (denied)");
  await shot(page, "gong-denied");

  // Try again and Allow: the wizard advances by itself to Backfill.
  await authorizeInNewTab(page, context, () => page.getByRole("button", { name: "Try again" }).click(), "Allow");
  await expect(page.getByRole("heading", { name: "Choose your backfill period" })).toBeVisible();
  await expect(page).toHaveURL(/step=backfill/);
  await expect(page.getByRole("heading", { name: "Choose your backfill period" })).toBeFocused();

  // Reload lands on the same step (state on the server).
  await page.reload();
  await expect(page.getByRole("heading", { name: "Choose your backfill period" })).toBeVisible();
  await expect(page.getByRole("radio", { name: /Last 90 days/ })).toBeChecked();
  await expect(page.getByText("Recommended")).toBeVisible();
  for (const label of ["Last 30 days", "Last 60 days", "Last 6 months", "Last year", "All time"]) {
    await expect(page.getByRole("radio", { name: new RegExp(label) })).toBeVisible();
  }
  await expect(page.getByRole("checkbox", { name: /Skip backfill/ })).not.toBeChecked();
  await expectAccessible(page, "Gong: Backfill");
  await shot(page, "gong-backfill");

  await page.getByRole("radio", { name: /Last 60 days/ }).check();
  await page.getByRole("button", { name: "Save & Continue" }).click();

  // Sync: a row per workspace user, the unmatched provider users apart, progress, live updates.
  await expect(page.getByRole("heading", { name: "Syncing your calls" })).toBeVisible();
  await expect(page).toHaveURL(/step=sync/);
  await expect(page.getByRole("progressbar")).toHaveAttribute("aria-valuenow", /\d+/);
  await expect(userRow(page, MATCHED[1]!)).toContainText(/Pending|In Progress|Completed/);
  // Calls hosted by the unmatched users that a workspace user attended: a row of their own (issue 16.3).
  await expect(
    page.getByRole("list", { name: "Calls hosted outside the workspace" }).getByRole("listitem", { name: "Calls hosted outside the workspace" }),
  ).toContainText(/Pending|In Progress|Completed/);
  const unmatched = page.getByRole("list", { name: "Users without a Callsync user" });
  await expect(unmatched).toContainText("former.rep@acme.test");
  await expect(unmatched).toContainText("contractor@partners.example");
  await expect(unmatched.getByText("No Callsync user with this email — invite them to sync their calls").first()).toBeVisible();
  await expectAccessible(page, "Gong: Sync");

  // Users turn Completed with their call count as they finish (live, no reload)...
  await expect(
    page
      .getByRole("list", { name: "User sync status" })
      .getByText(/^Completed \(\d+ calls?\)$/)
      .first(),
  ).toBeVisible({ timeout: 120_000 });
  // ...and the wizard moves on by itself when the backfill is complete.
  await expect(page.getByRole("heading", { name: "Gong is connected" })).toBeVisible({ timeout: 120_000 });
  await expectAllCompleted(page, 5_000);
  await expect(page).toHaveURL(/step=complete/);
  const total = Number((await page.getByTestId("total-calls").innerText()).replace(/[^0-9]/g, ""));
  expect(total).toBeGreaterThan(0);
  await expect(page.getByText("Next automatic sync")).toBeVisible();
  await expect(page.getByRole("link", { name: "Manage Integration" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Connect Another Integration" })).toBeVisible();
  await expectAccessible(page, "Gong: Complete");
  await shot(page, "gong-complete");

  await page.getByRole("link", { name: "Go to Deals" }).click();
  await expect(page).toHaveURL(/\/deals/);
  expect(await firstDealCallCount(page)).toBeGreaterThan(0);

  await page.goto("/settings/integrations");
  const connected = page.getByRole("article", { name: "Gong" });
  await expect(connected.getByText("Connected", { exact: true })).toBeVisible();
  await expect(connected.getByText(/Gong · /)).toBeVisible();
  await expect(connected.getByRole("link", { name: "Manage Gong" })).toBeVisible();
});

test("Clari Copilot: invalid key is rejected inline; a failing user shows Failed and Retry completes it", async ({ page }) => {
  test.setTimeout(180_000);
  await signIn(page, "admin@acme.test");
  await page.goto("/settings/integrations/clari/setup");
  await expect(page.getByRole("heading", { name: /Connect with your Clari Copilot API key/ })).toBeVisible();
  await expect(page.getByLabel("API Secret", { exact: true })).toHaveAttribute("type", "password");
  await expectAccessible(page, "Clari: Connect");

  await page.getByRole("textbox", { name: "API Key" }).fill("wrong-key");
  await page.getByLabel("API Secret", { exact: true }).fill("wrong-secret");
  await page.getByRole("button", { name: "Connect with API Key" }).click();
  await expect(page.getByRole("main").getByRole("alert")).toContainText("Clari Copilot rejected this API Key and API Secret");
  await expect(page.getByText("Not accepted by Clari Copilot")).toBeVisible();
  await expect(page.getByRole("textbox", { name: "API Key" })).toHaveAttribute("aria-invalid", "true");
  await expectAccessible(page, "Clari: Connect (invalid key)");
  await shot(page, "clari-invalid-key");
  // Nothing was saved.
  await page.goto("/settings/integrations");
  await expect(page.getByRole("article", { name: "Clari Copilot" }).getByText("Not connected")).toBeVisible();

  await page.goto("/settings/integrations/clari/setup");
  await page.getByRole("textbox", { name: "API Key" }).fill("sim-clari-key");
  await page.getByLabel("API Secret", { exact: true }).fill("sim-clari-secret");
  await page.getByRole("button", { name: "Connect with API Key" }).click();
  await expect(page.getByRole("heading", { name: "Choose your backfill period" })).toBeVisible();
  await expect(wizardStep(page)).toContainText("Backfill");

  await injectFault({ provider: "clari", kind: "revoked", count: 1000, endpoint: "GET /calls", providerUserId: "rep2@acme.test" });
  try {
    await page.getByRole("button", { name: "Save & Continue" }).click(); // Last 90 days (default)
    const rep2 = userRow(page, "Jordan Mills");
    await expect(rep2.getByText("Failed", { exact: true })).toBeVisible({ timeout: 90_000 });
    await expect(rep2).toContainText(/revoked|expired|Reconnect/i);
    for (const name of MATCHED.filter((n) => n !== "Jordan Mills")) {
      await expect(userRow(page, name).getByText(/^Completed \(\d+ calls?\)$/)).toBeVisible({ timeout: 90_000 });
    }
    await expectAccessible(page, "Clari: Sync (failed user)");
    await shot(page, "clari-sync-failed");
  } finally {
    await clearFaults();
  }
  // Status survives a reload.
  await page.reload();
  const rep2 = userRow(page, "Jordan Mills");
  await expect(rep2.getByText("Failed", { exact: true })).toBeVisible();
  await rep2.getByRole("button", { name: "Retry Jordan Mills" }).click();
  await expect(rep2.getByText(/^Completed \(\d+ calls?\)$/)).toBeVisible({ timeout: 90_000 });
  await expect(page.getByRole("heading", { name: "Clari Copilot is connected" })).toBeVisible({ timeout: 30_000 });

  // Clari names its users by email only (issue 17.8): a call's workspace users show by their names.
  const db = await connectDb();
  try {
    const { rows } = await db.query<{ id: string; email: string }>(
      `SELECT c.id, p.email FROM "Call" c JOIN "CallParticipant" p ON p."callId" = c.id JOIN "Workspace" w ON w.id = c."workspaceId"
       WHERE w.slug = 'acme' AND c.provider = 'CLARI' AND p.affiliation = 'INTERNAL' AND p."userId" IS NOT NULL ORDER BY c."startedAt" DESC LIMIT 1`,
    );
    expect(rows).toHaveLength(1);
    const user = DEMO_USERS.find((u) => u.email === rows[0]!.email)!;
    await page.goto(`/calls/${rows[0]!.id}`);
    const people = page.locator("section[aria-labelledby=participants-heading]");
    await expect(people.getByText(user.name, { exact: true })).toBeVisible();
    await expect(people.locator("span.font-medium", { hasText: user.email })).toHaveCount(0);
  } finally {
    await db.end();
  }
});

test("Salesloft connects through OAuth with a short backfill", async ({ page, context }) => {
  test.setTimeout(240_000);
  await signIn(page, "admin@acme.test");
  await page.goto("/settings/integrations");
  await page.getByRole("article", { name: "Salesloft" }).getByRole("link", { name: "Connect Salesloft" }).click();
  await authorizeInNewTab(page, context, () => page.getByRole("button", { name: "Connect with Salesloft" }).click(), "Allow");
  await expect(page.getByRole("heading", { name: "Choose your backfill period" })).toBeVisible();
  await page.getByRole("radio", { name: /Last 30 days/ }).check();
  await page.getByRole("button", { name: "Save & Continue" }).click();
  await expect(page.getByRole("heading", { name: "Syncing your calls" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Salesloft is connected" })).toBeVisible({ timeout: 180_000 });
  await expectAllCompleted(page, 5_000);
  await page.getByRole("link", { name: "Go to Deals" }).click();
  expect(await firstDealCallCount(page)).toBeGreaterThan(0);
});

test("Manage Gong: sync now, disconnect keeps data, reconnect with a new period, purge", async ({ page, context }) => {
  test.setTimeout(240_000);
  await signIn(page, "admin@acme.test");
  await page.goto("/settings/integrations");
  await page.getByRole("article", { name: "Gong" }).getByRole("link", { name: "Manage Gong" }).click();
  await expect(page.getByRole("heading", { name: /Gong/, level: 1 })).toBeVisible();
  await expect(page.getByText("Connected account")).toBeVisible();
  await expect(page.getByRole("table")).toContainText("Backfill");
  await expect(page.getByText(/10,000 requests per day/)).toBeVisible();
  await expectAccessible(page, "Manage Gong");

  // Sync now: disabled while it runs, then a "Sync now" row in the history that succeeded.
  const syncNow = page.getByRole("button", { name: "Sync now" });
  await syncNow.click();
  await expect(page.getByText("Sync started")).toBeVisible();
  await expect(page.getByRole("table").getByRole("row").filter({ hasText: "Sync now" }).getByText("Succeeded")).toBeVisible({ timeout: 60_000 });
  await expect(syncNow).toBeEnabled({ timeout: 30_000 });
  await shot(page, "gong-manage");

  // Disconnect: the dialog says what is kept; calls stay on deals.
  await page.getByRole("button", { name: "Disconnect" }).click();
  const dialog = page.getByRole("dialog", { name: "Disconnect Gong?" });
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText("Calls, transcripts and deal links already synced are kept");
  await expectAccessible(page, "Manage Gong: disconnect dialog");
  await shot(page, "gong-disconnect-dialog");
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await page.getByRole("button", { name: "Disconnect" }).click();
  await dialog.getByRole("button", { name: "Disconnect" }).click();
  await expect(page.getByTestId("integration-status")).toHaveText("Disconnected");
  const kept = Number((await page.getByTestId("calls-total").innerText()).replace(/[^0-9]/g, ""));
  expect(kept).toBeGreaterThan(0);
  expect(await firstDealCallCount(page)).toBeGreaterThan(0);

  // Reconnect: the wizard again, asking for a new backfill period.
  await page.goto("/settings/integrations/gong");
  await page.getByRole("button", { name: "Reconnect" }).click();
  await expect(page).toHaveURL(/\/settings\/integrations\/gong\/setup\?step=connect/);
  await expect(page.getByRole("heading", { name: "Reconnect Gong" })).toBeVisible();
  await authorizeInNewTab(page, context, () => page.getByRole("button", { name: "Connect with Gong" }).click(), "Allow");
  await expect(page.getByRole("heading", { name: "Choose your backfill period" })).toBeVisible();
  await page.getByRole("radio", { name: /Last 30 days/ }).check();
  await page.getByRole("button", { name: "Save & Continue" }).click();
  await expect(page.getByRole("heading", { name: "Gong is connected" })).toBeVisible({ timeout: 120_000 });
  await page.getByRole("link", { name: "Manage Integration" }).click();
  await expect(page.getByText("Last 30 days")).toBeVisible();
  await expect(page.getByTestId("integration-status")).toHaveText("Connected");

  // Delete synced data: typed confirmation, progress, finished.
  await page.getByRole("button", { name: "Delete synced data" }).click();
  const purge = page.getByRole("dialog", { name: /Delete synced data from Gong/ });
  await purge.getByRole("button", { name: "Delete synced data" }).click();
  await expect(purge.getByText("Type DELETE to confirm.", { exact: true })).toBeVisible();
  await purge.getByLabel("Type DELETE to confirm").fill("DELETE");
  await purge.getByRole("button", { name: "Delete synced data" }).click();
  await expect(purge.getByText(/Finished: \d+ calls? deleted/)).toBeVisible({ timeout: 60_000 });
  await shot(page, "gong-purged");
  await purge.getByRole("button", { name: "Close" }).click();
  await expect(page.getByTestId("calls-total")).toHaveText("0");
  await expect(page.getByTestId("integration-status")).toHaveText("Disconnected");
  await page.goto("/settings/integrations");
  await expect(page.getByRole("article", { name: "Gong" }).getByText("Disconnected")).toBeVisible();
  await shot(page, "cards");
});
