// Issue 17 item 4, "Statuses that tell the truth", as a person sees them, in a workspace of this spec's own
// (no other spec reads it): Last sync and a failed sync, per-user counts against the total, a purge, OAuth
// Deny and expiry in both tabs, the preselected backfill period, the Sync step before discovery, Sync now
// running from click to finish, and a per-user retry in the history. (An HTTP 500 worded as the provider
// answering with an error, end to end: e2e/abuse-quota.spec.ts.)
import pg from "pg";
import { expect, test, type Page } from "@playwright/test";
import { signIn } from "./support";
import { connectDb, createTenant, id, PASSWORD, type Tenant } from "./abuse-support";
import { clearFaults, expectAccessible, stackInfo, userRow, wizardStep } from "./integrations-support";

test.describe.configure({ mode: "serial" });

let db: pg.Client;
let t: Tenant;

test.beforeAll(async () => {
  db = await connectDb();
  t = await createTenant(db, "Status", "statusword");
});

test.afterAll(async () => {
  await db?.end();
});

const HOUR = 3_600_000;

/** E2E_SCREENSHOTS=1 keeps full-page screenshots of each changed screen at 1366 px and 390 px in test-results/screens for review. */
async function shots(page: Page, name: string) {
  if (process.env.E2E_SCREENSHOTS !== "1") return;
  const before = page.viewportSize();
  for (const width of [1366, 390]) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: `test-results/screens/statuses-${name}-${width}.png`, fullPage: true });
  }
  if (before) await page.setViewportSize(before);
}

/** A Salesloft integration of the tenant, as if it had synced: two users (3 calls between them, 2 distinct), two runs. */
async function seedSalesloft() {
  const integrationId = id();
  const now = Date.now();
  await db.query(
    `INSERT INTO "Integration"(id, "workspaceId", provider, status, "wizardStep", "accountName", "connectedAt", "lastSyncAt", "updatedAt")
     VALUES ($1, $2, 'SALESLOFT', 'CONNECTED', 'COMPLETE', 'Status team', $3, $4, now())`,
    [integrationId, t.workspaceId, new Date(now - 48 * HOUR), new Date(now - 1 * HOUR)],
  );
  const success = new Date(now - 3 * HOUR + 60_000);
  const failedAt = new Date(now - 1 * HOUR + 90_000);
  await db.query(
    `INSERT INTO "SyncRun"(id, "integrationId", kind, status, "startedAt", "finishedAt", error) VALUES
       ($1, $3, 'POLL', 'SUCCEEDED', $4, $5, NULL),
       ($2, $3, 'MANUAL', 'FAILED', $6, $7, 'Salesloft answered with an error (HTTP 500, temporary). Retry this user.')`,
    [id(), id(), integrationId, new Date(now - 3 * HOUR), success, new Date(now - 1 * HOUR), failedAt],
  );
  for (const [u, calls] of [
    [t.users.admin, 2],
    [t.users.member, 1],
  ] as const) {
    const pu = id();
    await db.query(
      `INSERT INTO "ProviderUser"(id, "integrationId", "providerUserId", email, name, "workspaceUserId", "updatedAt") VALUES ($1, $2, $3, $4, $5, $6, now())`,
      [pu, integrationId, `sl-${pu}`, u.email, u.name, u.id],
    );
    await db.query(
      `INSERT INTO "UserSync"(id, "integrationId", "providerUserId", status, "callsSynced", "updatedAt") VALUES ($1, $2, $3, 'COMPLETED', $4, now())`,
      [id(), integrationId, pu, calls],
    );
  }
  // Two calls: one the admin alone had, one both took part in (the admin's 2 and the member's 1).
  for (let n = 0; n < 2; n++) {
    const callId = id();
    await db.query(
      `INSERT INTO "Call"(id, "workspaceId", "integrationId", provider, "providerCallId", title, "startedAt", "durationSec", "updatedAt")
       VALUES ($1, $2, $3, 'SALESLOFT', $4, $5, $6, 600, now())`,
      [callId, t.workspaceId, integrationId, `sl-${callId}`, `Status Salesloft call ${n}`, new Date(now - (n + 5) * HOUR)],
    );
  }
  return { integrationId, success, failedAt };
}

let salesloft: Awaited<ReturnType<typeof seedSalesloft>>;

test("Last sync is the last successful sync; a sync that failed shows as failed, with its time and reason", async ({ page }) => {
  salesloft = await seedSalesloft();
  await signIn(page, t.users.admin.email, PASSWORD);
  await page.goto("/settings/integrations");
  const card = page.getByRole("article", { name: "Salesloft" });
  // The card: Last sync is the success (not the newer run that failed), the failure apart with its reason.
  await expect(card.getByTestId("card-last-sync").locator("time")).toHaveAttribute("datetime", salesloft.success.toISOString());
  const failure = card.getByTestId("card-last-failure");
  await expect(failure.locator("time")).toHaveAttribute("datetime", salesloft.failedAt.toISOString());
  await expect(failure).toContainText("Salesloft answered with an error (HTTP 500, temporary)");
  await expect(card.getByText("Last sync failed")).toBeVisible();
  await shots(page, "cards-last-failure");
  const successText = await card.getByTestId("card-last-sync").innerText();
  const failedText = await failure.locator("time").innerText();

  await page.goto("/settings/integrations/salesloft");
  await expect(page.getByTestId("last-sync")).toHaveText(successText);
  const banner = page.getByTestId("last-failure");
  await expect(banner).toContainText(`Last sync failed at ${failedText}: Salesloft answered with an error (HTTP 500, temporary).`);
  await expectAccessible(page, "Manage Salesloft (last sync failed)");
  await shots(page, "manage-last-failure");
});

test("per-user call counts and the total: the page says why they differ (a shared call counts once in the total)", async ({ page }) => {
  await signIn(page, t.users.admin.email, PASSWORD);
  await page.goto("/settings/integrations/salesloft");
  await expect(page.getByTestId("calls-total")).toHaveText("2");
  await expect(userRow(page, t.users.admin.name).getByText("Completed (2 calls)")).toBeVisible();
  await expect(userRow(page, t.users.member.name).getByText("Completed (1 call)")).toBeVisible();
  await expect(page.getByTestId("counts-note")).toHaveText(
    "The per-user counts add up to 3, the total is 2: a call with more than one of these users on it counts for each of them, and once in the total.",
  );
  await shots(page, "manage-counts");
});

test("after a purge the page says the data was deleted, per-user counts are zero, and nothing claims the calls are kept", async ({ page }) => {
  test.setTimeout(120_000);
  await signIn(page, t.users.admin.email, PASSWORD);
  await page.goto("/settings/integrations/salesloft");
  await page.getByRole("button", { name: "Delete synced data" }).click();
  const purge = page.getByRole("dialog", { name: /Delete synced data from Salesloft/ });
  await purge.getByLabel("Type DELETE to confirm").fill("DELETE");
  await purge.getByRole("button", { name: "Delete synced data" }).click();
  await expect(purge.getByText("Finished: 2 calls deleted.")).toBeVisible({ timeout: 60_000 });
  await purge.getByRole("button", { name: "Close" }).click();

  await expect(page.getByTestId("integration-status")).toHaveText("Disconnected");
  await expect(page.getByTestId("purged-notice")).toContainText("The data synced from Salesloft was deleted on");
  await expect(page.getByTestId("purged-notice")).toContainText("(2 calls with their transcripts and deal links)");
  await expect(page.getByTestId("calls-total")).toHaveText("0");
  for (const u of [t.users.admin, t.users.member]) await expect(userRow(page, u.name).getByText("Completed (0 calls)")).toBeVisible();
  await expect(page.getByTestId("counts-note")).toHaveCount(0);
  await expect(page.getByRole("main")).not.toContainText(/kept/i);
  // And so after a reload (what is stored, not the dialog's memory).
  await page.reload();
  await expect(page.getByTestId("purged-notice")).toBeVisible();
  await expect(page.getByRole("main")).not.toContainText(/kept/i);
  await expectAccessible(page, "Manage Salesloft (purged)");
  await shots(page, "manage-purged");
});

/** The newest open authorization attempt of the tenant's Gong integration. */
async function openAttempt() {
  const { rows } = await db.query<{ state: string }>(
    `SELECT s.state FROM "OAuthState" s JOIN "Integration" i ON i.id = s."integrationId"
     WHERE i."workspaceId" = $1 AND i.provider = 'GONG' AND s."usedAt" IS NULL ORDER BY s."createdAt" DESC LIMIT 1`,
    [t.workspaceId],
  );
  return rows[0]?.state ?? null;
}

test("OAuth: Deny says the request was denied; an expired session says so in both tabs", async ({ page, context }) => {
  test.setTimeout(120_000);
  await signIn(page, t.users.admin.email, PASSWORD);
  await page.goto("/settings/integrations/gong/setup");

  // Deny: both tabs say the request was denied, neither that permissions are missing.
  let popupPromise = context.waitForEvent("page");
  await page.getByRole("button", { name: "Connect with Gong" }).click();
  let popup = await popupPromise;
  await popup.getByRole("button", { name: "Deny" }).click();
  await expect(popup.getByRole("heading", { name: "Authorization did not complete" })).toBeVisible();
  const popupDenied = popup.getByRole("alert");
  await expect(popupDenied).toContainText("Access was denied: the authorization request was denied on the consent page");
  const alert = page.getByRole("main").getByRole("alert");
  await expect(alert).toContainText("Access denied");
  await expect(alert).toContainText("Access was denied: the authorization request was denied on the consent page, so nothing was connected.");
  for (const text of [await alert.innerText(), await popupDenied.innerText()]) expect(text).not.toMatch(/permission|not be allowed/i);
  await popup.close();

  // Try again, then let the attempt outlive its session before answering: the wizard's tab says it expired...
  popupPromise = context.waitForEvent("page");
  await page.getByRole("button", { name: "Try again" }).click();
  popup = await popupPromise;
  await expect(page.getByRole("status").filter({ hasText: "Waiting for you to authorize Callsync" })).toBeVisible();
  await expect.poll(openAttempt).not.toBeNull();
  await db.query(`UPDATE "OAuthState" SET "expiresAt" = now() - interval '1 second' WHERE state = $1`, [await openAttempt()]);
  const expired = page.getByRole("main").getByRole("alert");
  await expect(expired).toContainText("Session expired");
  await expect(expired).toContainText("The authorization session expired before it was completed, so nothing was connected.");
  await expect(expired).not.toContainText(/timed out|time out/i);
  // ...and the consent tab, answered late, says the same.
  await popup.getByRole("button", { name: "Allow" }).click();
  await expect(popup.getByRole("heading", { name: "Authorization did not complete" })).toBeVisible();
  await expect(popup.getByRole("alert")).toHaveText(
    "The authorization session expired before it was completed, so nothing was connected. Click Try again to start a new one.",
  );
  await expect(expired).toContainText(
    "The authorization session expired before it was completed, so nothing was connected. Click Try again to start a new one.",
  );
  await popup.close();
  await expectAccessible(page, "Gong: Authorize (expired)");
  await shots(page, "gong-expired");
});

async function simFault(fault: Record<string, unknown>) {
  const res = await fetch(`${stackInfo().simulatorUrl}/__sim/faults`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(fault),
  });
  expect(res.ok).toBe(true);
}

/** Records, on every change of the page, whether it claims "0 of 0 users" / "no user matches" while no user is listed yet. */
async function watchForEmptyClaims(page: Page) {
  await page.evaluate(() => {
    const w = window as unknown as { __claims: string[]; __sawFinding: boolean };
    w.__claims = [];
    w.__sawFinding = false;
    const check = () => {
      const text = document.querySelector("main")?.textContent ?? "";
      if (document.querySelector('[data-testid="discovering-users"]')) w.__sawFinding = true;
      const listed = document.querySelector('[aria-label="Users without a Callsync user"], [aria-label="User sync status"]');
      if (!listed && /0 of 0 users|user matches a Callsync user/.test(text)) w.__claims.push(text.slice(0, 200));
    };
    new MutationObserver(check).observe(document.body, { subtree: true, childList: true, characterData: true });
    check();
  });
}

test("Clari wizard: the preselected period is the Recommended one; the Sync step never says '0 of 0 users' before discovery", async ({ page }) => {
  test.setTimeout(120_000);
  await signIn(page, t.users.admin.email, PASSWORD);
  await page.goto("/settings/integrations/clari/setup");
  await page.getByRole("textbox", { name: "API Key" }).fill("sim-clari-key");
  await page.getByLabel("API Secret", { exact: true }).fill("sim-clari-secret");
  await page.getByRole("button", { name: "Connect with API Key" }).click();
  await expect(page.getByRole("heading", { name: "Choose your backfill period" })).toBeVisible();

  // Exactly one period is marked Recommended, and it is the one checked.
  await expect(page.getByRole("radio", { name: /Recommended/ })).toHaveCount(1);
  await expect(page.getByRole("radio", { name: /Recommended/ })).toBeChecked();
  await expect(page.getByRole("radio", { checked: true })).toHaveAccessibleName(/Last 90 days.*Recommended/);

  // The user list answers slowly: the Sync step says it is finding users, never "0 of 0" or "no user matches".
  await simFault({ provider: "clari", kind: "timeout", hangMs: 6_000, count: 1, endpoint: "GET /users" });
  try {
    await watchForEmptyClaims(page);
    await page.getByRole("button", { name: "Save & Continue" }).click();
    await expect(page.getByRole("heading", { name: "Syncing your calls" })).toBeVisible();
    await expect(page.getByTestId("discovering-users")).toHaveText("Finding your Clari Copilot users… each one appears here with their progress.");
    await expectAccessible(page, "Clari: Sync (finding users)");
    await shots(page, "clari-finding-users");
    // Discovery done: nobody of this workspace is a Clari user here, so the wizard completes with them listed apart.
    await expect(page.getByRole("heading", { name: "Clari Copilot is connected" })).toBeVisible({ timeout: 60_000 });
    await expect(page.getByRole("list", { name: "Users without a Callsync user" })).toContainText("rep2@acme.test");
    const seen = await page.evaluate(() => {
      const w = window as unknown as { __claims: string[]; __sawFinding: boolean };
      return { claims: w.__claims, sawFinding: w.__sawFinding };
    });
    expect(seen.sawFinding).toBe(true);
    expect(seen.claims).toEqual([]);
  } finally {
    await clearFaults();
  }
  await expect(wizardStep(page)).toContainText("Complete");
});

test("Sync now shows a running state on the page from the click to the finish", async ({ page }) => {
  test.setTimeout(120_000);
  await signIn(page, t.users.admin.email, PASSWORD);
  await page.goto("/settings/integrations/clari");
  const syncNow = page.getByRole("button", { name: "Sync now" });
  await expect(syncNow).toBeEnabled();
  await expect(page.locator("#sync-running")).toHaveCount(0);
  // From the click until the history shows the sync finished, the running state never leaves the page.
  await page.evaluate(() => {
    const w = window as unknown as { __clickedAt: number | null; __gaps: number; __finished: boolean };
    w.__clickedAt = null;
    w.__gaps = 0;
    w.__finished = false;
    const button = [...document.querySelectorAll("button")].find((b) => b.textContent?.trim() === "Sync now")!;
    button.addEventListener("click", () => (w.__clickedAt = Date.now()), { capture: true });
    const check = () => {
      if (w.__clickedAt === null || w.__finished) return;
      const finished = [...document.querySelectorAll("tbody tr")].some((r) => r.textContent?.includes("Sync now") && /Succeeded|Failed/.test(r.textContent));
      if (finished) w.__finished = true;
      else if (!document.getElementById("sync-running")) w.__gaps++;
    };
    new MutationObserver(check).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
  });
  await syncNow.click();
  await expect(page.locator("#sync-running")).toContainText("A sync is running");
  await expect(syncNow).toBeDisabled();
  await expect(page.getByRole("table").getByRole("row").filter({ hasText: "Sync now" }).getByText("Succeeded")).toBeVisible({ timeout: 60_000 });
  await expect(page.locator("#sync-running")).toHaveCount(0, { timeout: 30_000 });
  await expect(syncNow).toBeEnabled();
  const w = await page.evaluate(() => {
    const x = window as unknown as { __clickedAt: number | null; __gaps: number; __finished: boolean };
    return { clickedAt: x.__clickedAt, gaps: x.__gaps, finished: x.__finished };
  });
  expect(w.clickedAt).not.toBeNull();
  expect(w.finished).toBe(true);
  expect(w.gaps).toBe(0);
});

test("a per-user retry names the user in the history, and reads as succeeded when it did (another user still failed)", async ({ page }) => {
  test.setTimeout(180_000);
  // Two Clari users, taken as this workspace's member and second admin, whose sync failed.
  const { rows } = await db.query<{ id: string; integrationId: string; email: string; name: string | null }>(
    `SELECT p.id, p."integrationId", p.email, p.name FROM "ProviderUser" p JOIN "Integration" i ON i.id = p."integrationId"
     WHERE i."workspaceId" = $1 AND i.provider = 'CLARI' AND p.email IN ('rep2@acme.test', 'rep3@acme.test') ORDER BY p.email`,
    [t.workspaceId],
  );
  expect(rows).toHaveLength(2);
  // The list and the history name a user by the provider's name for them, else the workspace user's.
  const [retried, other] = [
    { ...rows[0]!, user: t.users.member, label: rows[0]!.name ?? t.users.member.name },
    { ...rows[1]!, user: t.users.admin2, label: rows[1]!.name ?? t.users.admin2.name },
  ];
  for (const r of [retried, other]) {
    await db.query(`UPDATE "ProviderUser" SET "workspaceUserId" = $2 WHERE id = $1`, [r.id, r.user.id]);
    await db.query(
      `INSERT INTO "UserSync"(id, "integrationId", "providerUserId", status, error, "errorCode", "windowFrom", "windowTo", "updatedAt")
       VALUES ($1, $2, $3, 'FAILED', 'Clari Copilot answered with an error (HTTP 500, temporary). Retry this user.', 'TRANSIENT', now() - interval '30 days', now(), now())`,
      [id(), r.integrationId, r.id],
    );
  }
  await signIn(page, t.users.admin.email, PASSWORD);
  await page.goto("/settings/integrations/clari");
  const row = userRow(page, retried.label);
  await expect(row.getByText("Failed", { exact: true })).toBeVisible();
  await expect(row).toContainText("Clari Copilot answered with an error (HTTP 500, temporary).");
  await row.getByRole("button", { name: `Retry ${retried.label}` }).click();
  await expect(row.getByText(/^Completed \(\d+ calls?\)$/)).toBeVisible({ timeout: 120_000 });
  await expect(userRow(page, other.label).getByText("Failed", { exact: true })).toBeVisible();

  const history = page.getByRole("table").getByRole("row").filter({ hasText: "User retry" });
  await expect(history).toHaveCount(1);
  await expect(history).toContainText(retried.label);
  await expect(history.getByText("Succeeded")).toBeVisible({ timeout: 30_000 });
  await expect(history).not.toContainText("failed");
  await expectAccessible(page, "Manage Clari (user retried)");
  await shots(page, "manage-user-retry");
});
