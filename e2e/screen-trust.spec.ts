// Issue 17 items 7 and 8, as a person sees them: day-one guidance for a rep in a workspace without a call
// recorder, language names, the favicon, a skip-to-content link, the deals list, the Unlinked calls views and
// the Manage pages' sync history at 390 px, and toasts that cover no control at 1366 px and 390 px.
// (Clari participant names are asserted where Clari is connected: e2e/integrations.spec.ts.)
import pg from "pg";
import { expect, test, type Locator, type Page } from "@playwright/test";
import { signIn } from "./support";
import { connectDb, createTenant, PASSWORD, type Tenant } from "./abuse-support";
import { expectAccessible } from "./integrations-support";

test.describe.configure({ mode: "serial" });

let db: pg.Client;
let t: Tenant;

test.beforeAll(async () => {
  db = await connectDb();
  t = await createTenant(db, "Trust", "trustword");
});

test.afterAll(async () => {
  await db?.end();
});

test("a rep in a workspace without a call recorder is told what will appear and which admins set it up", async ({ page }) => {
  await signIn(page, t.users.member.email, PASSWORD);
  const notice = page.getByRole("region", { name: "Your calls will appear here" });
  await expect(notice).toBeVisible();
  await expect(notice).toContainText("No call recorder is connected yet.");
  await expect(notice).toContainText("every recorded call lands on the deal it belongs to");
  await expect(page.getByTestId("day-one-admins")).toContainText(`Ask ${t.users.admin.name} (${t.users.admin.email})`);
  await expect(notice.getByRole("link", { name: "Connect a call recorder" })).toHaveCount(0);
  await expectAccessible(page, "Deals, day one (rep)");
  await page.goto("/search");
  await expect(page.getByRole("region", { name: "Your calls will appear here" })).toBeVisible();
});

test("an admin on day one gets the way to connect one, and the guidance goes once a recorder is connected", async ({ page }) => {
  await signIn(page, t.users.admin.email, PASSWORD);
  const notice = page.getByRole("region", { name: "Your calls will appear here" });
  await expect(notice.getByRole("link", { name: "Connect a call recorder" })).toHaveAttribute("href", "/settings/integrations");
  await expect(page.getByTestId("day-one-admins")).toHaveCount(0);
  const integrationId = `trust-${Date.now()}`;
  await db.query(`INSERT INTO "Integration"(id, "workspaceId", provider, status, "updatedAt") VALUES ($1, $2, 'GONG', 'CONNECTED', now())`, [
    integrationId,
    t.workspaceId,
  ]);
  try {
    await page.reload();
    await expect(page.getByRole("heading", { name: "Deals", level: 1 })).toBeVisible();
    await expect(page.getByRole("region", { name: "Your calls will appear here" })).toHaveCount(0);
  } finally {
    await db.query(`DELETE FROM "Integration" WHERE id = $1`, [integrationId]);
  }
});

test("a call's language shows as its name, not the provider's code", async ({ page }) => {
  await signIn(page, t.users.member.email, PASSWORD);
  const language = page.getByTestId("call-language");
  for (const [code, name] of [
    ["fre", "French"],
    ["es-ES", "Spanish (Spain)"],
    ["eng", "English"],
  ]) {
    await db.query(`UPDATE "Call" SET language = $1 WHERE id = $2`, [code, t.callId]);
    await page.goto(`/calls/${t.callId}`);
    await expect(language).toHaveText(name!);
  }
});

test("every page has a favicon, and a skip-to-content link is the first thing Tab reaches", async ({ page }) => {
  await signIn(page, t.users.member.email, PASSWORD);
  const href = await page.locator('head link[rel="icon"]').first().getAttribute("href");
  expect(href).toBeTruthy();
  const icon = await page.request.get(href!);
  expect(icon.status()).toBe(200);
  expect(icon.headers()["content-type"]).toContain("image/svg+xml");

  await page.goto(`/deals/${t.dealId}`);
  await page.keyboard.press("Tab");
  const skip = page.getByRole("link", { name: "Skip to content" });
  await expect(skip).toBeFocused();
  await expect(skip).toBeVisible();
  await page.keyboard.press("Enter");
  await expect(page.locator("main#main-content")).toBeFocused();
  // The next Tab goes into the page's content, past the top bar.
  await page.keyboard.press("Tab");
  expect(await page.evaluate(() => Boolean(document.activeElement?.closest("main")))).toBe(true);
});

test("at 390 px an admin's top bar wraps: every main link is on screen and nothing scrolls sideways", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await signIn(page, t.users.admin.email, PASSWORD);
  const nav = page.getByRole("navigation", { name: "Main" });
  for (const name of ["Deals", "Integrations", "Deal import", "Members", "Activity"]) {
    const link = nav.getByRole("link", { name, exact: true });
    await expect(link).toBeVisible();
    const box = await link.boundingBox();
    expect(box && box.x >= 0 && box.x + box.width <= 390, `${name} within the 390 px screen`).toBe(true);
  }
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
});

test("at 390 px the deals list is stacked: every field readable, nothing cut off or scrolled sideways", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await signIn(page, t.users.member.email, PASSWORD);
  const list = page.getByRole("list", { name: "Deals" });
  await expect(list).toBeVisible();
  await expect(page.getByRole("table", { name: "Deals" })).toBeHidden();
  const row = list.getByRole("listitem").filter({ hasText: t.dealName });
  await expect(row.getByRole("link", { name: t.dealName })).toBeVisible();
  for (const label of ["Amount", "Close date", "Owner", "Calls", "Last call"]) await expect(row.getByText(label, { exact: true })).toBeVisible();
  await expect(row).toContainText("$12,345");
  await expect(row).toContainText(t.users.member.name);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await expectAccessible(page, "Deals at 390 px");

  await page.setViewportSize({ width: 1366, height: 900 });
  await expect(page.getByRole("table", { name: "Deals" })).toBeVisible();
  await expect(list).toBeHidden();
});

/** A Gong recorder and a HubSpot CRM of the tenant, as if they had synced, each with a history of runs. */
async function seedHistories() {
  const now = Date.now();
  const gong = `trust-gong-${now}`;
  const hubspot = `trust-hubspot-${now}`;
  await db.query(
    `INSERT INTO "Integration"(id, "workspaceId", provider, status, "wizardStep", "accountName", "connectedAt", "lastSyncAt", "nextSyncAt", "updatedAt")
     VALUES ($1, $3, 'GONG', 'CONNECTED', 'COMPLETE', 'Trust team', now() - interval '2 days', now() - interval '1 hour', now() + interval '1 hour', now()),
            ($2, $3, 'HUBSPOT', 'CONNECTED', 'COMPLETE', 'Trust Inc', now() - interval '2 days', now() - interval '1 hour', now() + interval '1 hour', now())`,
    [gong, hubspot, t.workspaceId],
  );
  const pu = `${gong}-pu`;
  const us = `${gong}-us`;
  await db.query(
    `INSERT INTO "ProviderUser"(id, "integrationId", "providerUserId", email, name, "workspaceUserId", "updatedAt") VALUES ($1, $2, $3, $4, $5, $6, now())`,
    [pu, gong, `g-${pu}`, t.users.member.email, t.users.member.name, t.users.member.id],
  );
  await db.query(
    `INSERT INTO "UserSync"(id, "integrationId", "providerUserId", status, "callsSynced", "updatedAt") VALUES ($1, $2, $3, 'COMPLETED', 4, now())`,
    [us, gong, pu],
  );
  await db.query(
    `INSERT INTO "SyncRun"(id, "integrationId", kind, status, "startedAt", "finishedAt", "windowFrom", "windowTo", "callsAdded", "callsUpdated", "transcriptsAdded", "requestsUsed", error, "userSyncId") VALUES
       ($1, $4, 'BACKFILL', 'SUCCEEDED', now() - interval '47 hours', now() - interval '46 hours', now() - interval '90 days', now() - interval '47 hours', 1234, 56, 1200, 321, NULL, NULL),
       ($2, $4, 'MANUAL', 'FAILED', now() - interval '3 hours', now() - interval '3 hours' + interval '42 seconds', NULL, NULL, 0, 0, 0, 7,
        'Gong answered with an error (HTTP 500, temporary). Nothing was lost: the next sync picks up from the same point.', NULL),
       ($3, $4, 'USER_RETRY', 'SUCCEEDED', now() - interval '1 hour', now() - interval '1 hour' + interval '75 seconds', NULL, NULL, 3, 1, 3, 12, NULL, $5)`,
    [`${gong}-r1`, `${gong}-r2`, `${gong}-r3`, gong, us],
  );
  await db.query(
    `INSERT INTO "SyncRun"(id, "integrationId", kind, status, "startedAt", "finishedAt", "dealsAdded", "dealsUpdated", "dealsDeleted", "recordsSkipped", "requestsUsed", error) VALUES
       ($1, $3, 'BACKFILL', 'SUCCEEDED', now() - interval '2 days', now() - interval '2 days' + interval '90 seconds', 17, 3, 2, 1, 41, NULL),
       ($2, $3, 'POLL', 'FAILED', now() - interval '2 hours', now() - interval '2 hours' + interval '5 seconds', 0, 0, 0, 0, 2, 'HubSpot answered with an error (HTTP 503). The next sync tries again.')`,
    [`${hubspot}-r1`, `${hubspot}-r2`, hubspot],
  );
  return { ids: [gong, hubspot] };
}

const HISTORY_FIELDS = {
  gong: { path: "/settings/integrations/gong", rows: 3, labels: ["Started", "Duration", "Window", "Added / updated", "Transcripts", "Requests"] },
  hubspot: { path: "/settings/integrations/hubspot", rows: 2, labels: ["Started", "Duration", "Added", "Updated", "Deleted", "Skipped", "Requests"] },
};

/** Every box inside the 390 px screen, left to right (an element cut at the edge or scrolled out of a row fails). */
async function expectWithinScreen(locator: Locator, what: string) {
  await expect(locator, what).toBeVisible();
  const box = await locator.boundingBox();
  expect(box && box.x >= 0 && box.x + box.width <= 390, `${what} within the 390 px screen (${JSON.stringify(box)})`).toBe(true);
}

test("at 390 px the Unlinked calls views wrap: every tab on screen, nothing scrolls sideways", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await signIn(page, t.users.member.email, PASSWORD);
  await page.goto("/calls/unlinked");
  const views = page.getByRole("navigation", { name: "Unlinked calls views" });
  for (const name of [/^Customer calls \(\d+\)$/, /^Internal meetings \(\d+\)$/, /^Dismissed \(\d+\)$/]) {
    await expectWithinScreen(views.getByRole("link", { name }), `the ${name.source} tab`);
  }
  await expect(views.getByRole("link", { name: /^Customer calls/ })).toHaveAttribute("aria-current", "page");
  // Nothing hidden in a row that scrolls on its own either.
  expect(await views.evaluate((el) => el.scrollWidth - el.clientWidth)).toBeLessThanOrEqual(0);
  await expect(page.getByRole("list", { name: "Customer calls, newest first" }).getByRole("link", { name: t.unlinkedCallTitle })).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await expectAccessible(page, "Unlinked calls at 390 px");
});

test("at 390 px a Manage page's sync history is stacked, recorder and CRM alike: every field labelled and on screen", async ({ page }) => {
  const seeded = await seedHistories();
  try {
    await page.setViewportSize({ width: 390, height: 844 });
    await signIn(page, t.users.admin.email, PASSWORD);
    for (const [name, spec] of Object.entries(HISTORY_FIELDS)) {
      await page.goto(spec.path);
      const history = page.getByRole("list", { name: "Sync history, newest first" });
      await expect(history, name).toBeVisible();
      await expect(page.getByRole("table", { name: "Sync history, newest first" })).toBeHidden();
      const rows = history.getByRole("listitem");
      await expect(rows).toHaveCount(spec.rows);
      for (let i = 0; i < spec.rows; i++) {
        const row = rows.nth(i);
        await row.scrollIntoViewIfNeeded();
        for (const label of spec.labels) {
          const field = row.getByRole("term").filter({ hasText: new RegExp(`^${label}$`) });
          await expectWithinScreen(field, `${name} run ${i + 1}: ${label}`);
          await expectWithinScreen(field.locator("xpath=following-sibling::dd[1]"), `${name} run ${i + 1}: the ${label} value`);
        }
        await expectWithinScreen(row.getByText(/^(Succeeded|Failed|Running|Cancelled)$/), `${name} run ${i + 1}: its status`);
      }
      expect(await page.evaluate(() => document.documentElement.scrollWidth), `${name}: no sideways scroll`).toBeLessThanOrEqual(390);
      await expectAccessible(page, `Manage ${name} at 390 px`);
    }
    // What each run says, on the card: a per-user retry names the user; a failure gives its reason in full.
    await page.goto(HISTORY_FIELDS.gong.path);
    const rows = page.getByRole("list", { name: "Sync history, newest first" }).getByRole("listitem");
    await expect(rows.nth(0)).toContainText("User retry");
    await expect(rows.nth(0)).toContainText(t.users.member.name);
    await expectWithinScreen(rows.nth(1).getByText(/^Gong answered with an error \(HTTP 500, temporary\)\. Nothing was lost/), "the failure's reason");
    await expect(rows.nth(2)).toContainText("1234 / 56");

    await page.setViewportSize({ width: 1366, height: 900 });
    await expect(page.getByRole("table", { name: "Sync history, newest first" })).toBeVisible();
    await expect(page.getByRole("list", { name: "Sync history, newest first" })).toBeHidden();
  } finally {
    await db.query(`DELETE FROM "Integration" WHERE id = ANY($1)`, [seeded.ids]);
  }
});

type Box = { x: number; y: number; width: number; height: number };
const overlaps = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

/** The toasts' region (its name starts "Notifications"). */
const notifications = (page: Page) => page.getByRole("region", { name: /^Notifications/ });

const CONTROLS = "a[href], button, input, select, textarea, summary, [role=button], [role=link], [role=checkbox], [role=tab], [role=combobox]";
const TEXT = "main :is(h1, h2, h3, p, th, td, dt, dd, label, time)";

/**
 * What a person can see in the viewport outside the toasts, by label: the elements matching `selector`
 * (`seen` also marks them, so that they can be found again after an action).
 */
async function inView(page: Page, selector: string, seen = false): Promise<Array<Box & { label: string }>> {
  return page.evaluate(
    ({ selector, seen }) => {
      const out: Array<{ x: number; y: number; width: number; height: number; label: string }> = [];
      for (const el of document.querySelectorAll<HTMLElement>(selector)) {
        if (el.closest('[aria-label^="Notifications"]')) continue;
        const r = el.getBoundingClientRect();
        // 1 px boxes are screen-reader-only (the skip link until it has focus).
        if (r.width <= 1 || r.height <= 1 || r.bottom <= 0 || r.top >= innerHeight || r.right <= 0 || r.left >= innerWidth) continue;
        if (!el.checkVisibility({ opacityProperty: true, visibilityProperty: true })) continue;
        // Marked: what is wholly on screen (a box cut by the top edge was not all in sight before either).
        if (seen && r.top >= 0 && r.bottom <= innerHeight) el.dataset.seenBeforeToast = "1";
        out.push({
          x: r.x,
          y: r.y,
          width: r.width,
          height: r.height,
          label: el.getAttribute("aria-label") || el.textContent?.trim().slice(0, 40) || el.tagName,
        });
      }
      return out;
    },
    { selector, seen },
  );
}

/** Before the action: the controls (and text) on screen, marked. */
const markSeen = (page: Page) => inView(page, `${CONTROLS}, ${TEXT}`, true);

/**
 * The toast saying `text`: on screen, announced (a live region); held while it has focus, then dismissed. It
 * hides nothing a person had on screen when they acted (marked by markSeen), the control they used included; on a
 * page at the top, where it sits under the top bar, no control at all (and with `text`, none of the page's text).
 * (Scrolled down, it sticks to the top of the screen as a sticky top bar would: what scrolls in later can go
 * under it, as under any sticky bar, and is reached by scrolling.)
 */
async function expectToastClear(page: Page, text: string | RegExp, what: string, opts: { text?: boolean } = {}) {
  const region = notifications(page);
  await expect(region).toHaveAttribute("aria-live", "polite");
  const toast = region.getByRole("listitem").filter({ hasText: text });
  await expect(toast).toBeVisible();
  // Measured again after the page settles (a refresh after the action moves things about).
  await page.waitForLoadState("networkidle");
  for (let i = 0; i < 2; i++) {
    const box = (await toast.boundingBox())!;
    const viewport = page.viewportSize()!;
    expect(box.x >= 0 && box.y >= 0 && box.x + box.width <= viewport.width && box.y + box.height <= viewport.height, `${what}: the toast on screen`).toBe(true);
    const seen = (await inView(page, "[data-seen-before-toast]")).filter((c) => overlaps(box, c));
    expect(
      seen.map((c) => c.label),
      `${what}: what was on screen, under the toast`,
    ).toEqual([]);
    if ((await page.evaluate(() => scrollY)) === 0) {
      const covered = (await inView(page, opts.text ? `${CONTROLS}, ${TEXT}` : CONTROLS)).filter((c) => overlaps(box, c));
      expect(
        covered.map((c) => c.label),
        `${what}: anything under the toast`,
      ).toEqual([]);
    }
    if (i === 0) await page.waitForTimeout(500); // once more, after the toast's own entrance has finished
  }
  // A keyboard user on its Dismiss button keeps it (it would go by itself meanwhile), however long they take.
  const dismiss = toast.getByRole("button", { name: /^(Dismiss|Close)/ });
  await dismiss.focus();
  await expectAccessible(page, `${what}, a toast shown`);
  await expect(toast).toBeVisible();
  await page.keyboard.press("Enter");
  await expect(toast).toHaveCount(0);
}

for (const viewport of [
  { width: 1366, height: 900 },
  { width: 390, height: 844 },
]) {
  test(`at ${viewport.width} px a toast covers no control: copying a transcript link`, async ({ page, context }) => {
    await context.grantPermissions(["clipboard-read", "clipboard-write"]);
    await page.setViewportSize(viewport);
    await signIn(page, t.users.member.email, PASSWORD);
    await page.goto(`/calls/${t.callId}`);
    const copy = page.getByRole("button", { name: /^Copy link to / }).first();
    await copy.scrollIntoViewIfNeeded();
    await markSeen(page);
    await copy.click();
    await expectToastClear(page, /copied\.$/, "Copy link");
  });

  test(`at ${viewport.width} px a toast covers no control: Sync now on a Manage page`, async ({ page }) => {
    const seeded = await seedHistories();
    try {
      await page.setViewportSize(viewport);
      await signIn(page, t.users.admin.email, PASSWORD);
      await page.goto("/settings/integrations/hubspot");
      await markSeen(page);
      await page.getByRole("button", { name: "Sync now" }).click();
      // Whatever it says (this HubSpot has no credentials to sync with), where it says it is what counts.
      await expect(notifications(page).getByRole("listitem")).toHaveCount(1);
      expect(await page.evaluate(() => scrollY)).toBe(0);
      await expectToastClear(page, /HubSpot/, "Sync now", { text: true });
    } finally {
      await db.query(`DELETE FROM "Integration" WHERE id = ANY($1)`, [seeded.ids]);
    }
  });

  test(`at ${viewport.width} px a toast covers no control: linking a call at the bottom of a long Unlinked list`, async ({ page }) => {
    // Five more unlinked calls like the tenant's (the same people, so the same suggested deal), older: a page to scroll.
    const extra = Array.from({ length: 5 }, (_, n) => ({ id: `${t.unlinkedCallId}-x${n}`, title: `${t.unlinkedCallTitle} earlier ${n + 1}` }));
    for (const [n, c] of extra.entries()) {
      await db.query(
        `INSERT INTO "Call"(id, "workspaceId", provider, "providerCallId", title, "startedAt", "durationSec", summary, "transcriptStatus", "updatedAt")
         SELECT $1, "workspaceId", provider, $2, $3, "startedAt" - $4 * interval '1 day', "durationSec", summary, "transcriptStatus", now() FROM "Call" WHERE id = $5`,
        [c.id, `sim-${c.id}`, c.title, n + 1, t.unlinkedCallId],
      );
      await db.query(
        `INSERT INTO "CallParticipant"(id, "callId", "speakerKey", name, email, affiliation, "userId", position, "isAttendee")
         SELECT id || $1, $2, "speakerKey", name, email, affiliation, "userId", position, "isAttendee" FROM "CallParticipant" WHERE "callId" = $3`,
        [`-x${n}`, c.id, t.unlinkedCallId],
      );
    }
    try {
      await page.setViewportSize(viewport);
      await signIn(page, t.users.member.email, PASSWORD);
      await page.goto("/calls/unlinked");
      const last = extra.at(-1)!;
      const link = page.getByRole("button", { name: `Link “${last.title}” to ${t.dealName}` });
      await link.scrollIntoViewIfNeeded();
      expect(await page.evaluate(() => scrollY), "the page is scrolled down to the call").toBeGreaterThan(0);
      await markSeen(page);
      await link.click();
      // Scrolled down, it is at the top of the screen, where the person sees it.
      await expect(notifications(page).getByRole("listitem")).toBeVisible();
      await page.waitForLoadState("networkidle");
      expect((await notifications(page).boundingBox())?.y).toBe(0);
      await expectToastClear(page, `Linked “${last.title}” to ${t.dealName}.`, "Link");
    } finally {
      await db.query(`DELETE FROM "Call" WHERE id = ANY($1)`, [extra.map((c) => c.id)]);
    }
  });
}
