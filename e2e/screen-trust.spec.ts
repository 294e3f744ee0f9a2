// Issue 17 items 7 and 8, as a person sees them: day-one guidance for a rep in a workspace without a call
// recorder, language names, the favicon, a skip-to-content link, the deals list at 390 px, and toasts that
// cover no control. (Clari participant names are asserted where Clari is connected: e2e/integrations.spec.ts.)
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

type Box = { x: number; y: number; width: number; height: number };
const overlaps = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

/**
 * Boxes of the controls matching `selector` in the viewport, outside the toaster, by accessible label.
 */
async function controlsInView(page: Page, selector: string): Promise<Array<Box & { label: string }>> {
  return page.evaluate((selector) => {
    const out: Array<{ x: number; y: number; width: number; height: number; label: string }> = [];
    const controls = [...document.querySelectorAll<HTMLElement>(selector)];
    for (const el of controls) {
      if (el.closest("[data-sonner-toaster]")) continue;
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0 || getComputedStyle(el).visibility === "hidden" || r.bottom <= 0 || r.top >= innerHeight) continue;
      out.push({ x: r.x, y: r.y, width: r.width, height: r.height, label: el.getAttribute("aria-label") || el.textContent?.trim().slice(0, 40) || el.tagName });
    }
    return out;
  }, selector);
}

async function toastBox(toast: Locator): Promise<Box> {
  await expect(toast).toBeVisible();
  const box = await toast.boundingBox();
  expect(box).not.toBeNull();
  return box!;
}

// At 1366 px the toasts sit bottom right, clear of the top bar and of every button; at 390 px they take the
// bottom of the screen, clear of the top bar and of the control just used (a phone has no free corner).
const TOP_BAR = "header a[href], header button, header select";
for (const [viewport, selector] of [
  [{ width: 1366, height: 900 }, `${TOP_BAR}, main button, main [role=button], main input, main select`],
  [{ width: 390, height: 844 }, TOP_BAR],
] as const) {
  test(`at ${viewport.width} px a toast covers no control it must not (the top bar${viewport.width > 640 ? ", any button" : ", the one just used"})`, async ({
    page,
    context,
  }) => {
    await context.grantPermissions(["clipboard-read", "clipboard-write"]);
    await page.setViewportSize(viewport);
    await signIn(page, t.users.member.email, PASSWORD);
    await page.goto(`/calls/${t.callId}`);
    const copy = page.getByRole("button", { name: /^Copy link to / }).first();
    await copy.scrollIntoViewIfNeeded();
    await copy.click();
    const box = await toastBox(page.locator("[data-sonner-toast]").first());
    const covered = (await controlsInView(page, selector)).filter((c) => overlaps(box, c));
    expect(covered.map((c) => c.label)).toEqual([]);
    expect(overlaps(box, (await copy.boundingBox())!)).toBe(false);
  });
}
