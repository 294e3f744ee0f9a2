// Issue 17 item 1: every time in the viewer's zone, the server render already in it (no flash from UTC), and a
// zone chosen in Settings → Account overriding the browser's. A workspace of its own with a call at a known
// instant (2026-07-15 16:30 UTC) and a deal closing on a known calendar day (2026-08-01).
import pg from "pg";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { browserLike, signIn } from "./support";
import { connectDb, createTenant, PASSWORD, stack, type Tenant } from "./abuse-support";
import { expectAccessible } from "./integrations-support";

test.describe.configure({ mode: "serial" });

let db: pg.Client;
let t: Tenant;

const STARTED = "2026-07-15T16:30:00.000Z";
const IN = {
  utc: "Jul 15, 2026, 04:30 PM UTC",
  newYork: "Jul 15, 2026, 12:30 PM EDT",
  tokyo: "Jul 16, 2026, 01:30 AM GMT+9",
};

test.beforeAll(async () => {
  db = await connectDb();
  t = await createTenant(db, "Zone", "zoneword");
  await db.query(`UPDATE "Call" SET "startedAt" = $1 WHERE id = $2`, [STARTED, t.callId]);
  await db.query(`UPDATE "Deal" SET "closeDate" = '2026-08-01T00:00:00Z' WHERE id = $1`, [t.dealId]);
});

test.afterAll(async () => {
  await db?.end();
});

async function inZone(browser: Browser, timezoneId: string): Promise<Page> {
  const context = await browser.newContext({ timezoneId, baseURL: stack().appUrl });
  return context.newPage();
}

/** The page as the server rendered it, with this browser's cookies: what shows before any script runs. */
async function serverHtml(page: Page, path: string): Promise<string> {
  const res = await page.request.get(path);
  expect(res.status(), path).toBe(200);
  return res.text();
}

const storedZone = async () => (await db.query<{ tz: string | null }>(`SELECT "timeZone" AS tz FROM "User" WHERE id = $1`, [t.users.member.id])).rows[0]!.tz;

test("times show in the browser's zone, already in the server's render; calendar dates do not move", async ({ browser }) => {
  const page = await inZone(browser, "America/New_York");
  const documents: string[] = [];
  page.on("response", (r) => {
    if (r.request().resourceType() === "document") documents.push(new URL(r.url()).pathname);
  });
  await page.goto("/signin");
  // The first page told the server the zone (and rendered once more in it, before anything showed).
  await expect.poll(async () => (await page.context().cookies()).find((c) => c.name === "callsync-tz")?.value).toBe(encodeURIComponent("America/New_York"));
  expect(documents.filter((p) => p === "/signin").length).toBeLessThanOrEqual(2);
  await expect(page.locator("html")).toHaveAttribute("data-tz", "America/New_York");

  await signIn(page, t.users.member.email, PASSWORD);
  await page.goto(`/calls/${t.callId}`);
  await expect(page.getByText(IN.newYork, { exact: true })).toBeVisible();
  const callHtml = await serverHtml(page, `/calls/${t.callId}`);
  expect(callHtml).toContain(IN.newYork);
  expect(callHtml).not.toContain(IN.utc);

  await page.goto(`/deals/${t.dealId}`);
  await expect(page.getByText(IN.newYork, { exact: true })).toBeVisible();
  // The close date is a calendar day: Aug 1 in New York too (midnight UTC would be Jul 31 there).
  await expect(page.getByText("Aug 1, 2026", { exact: true })).toBeVisible();
  await expect(page.getByText("Jul 31, 2026")).toHaveCount(0);
  await page.context().close();
});

test("a browser in UTC sees UTC, the same instant", async ({ browser }) => {
  const page = await inZone(browser, "UTC");
  await signIn(page, t.users.member.email, PASSWORD);
  await page.goto(`/calls/${t.callId}`);
  await expect(page.getByText(IN.utc, { exact: true })).toBeVisible();
  await page.context().close();
});

test("a zone chosen in Settings → Account overrides the browser's, and Automatic follows the browser again", async ({ browser }) => {
  const page = await inZone(browser, "America/New_York");
  await signIn(page, t.users.member.email, PASSWORD);
  await page.goto("/settings/account");
  await expect(page.getByTestId("time-zone-now")).toHaveText(/^Times are shown in America\/New York \((EST|EDT)\)\.$/); // the short name of today's offset
  await expect(page.getByLabel("Show times in")).toHaveValue("");
  await expectAccessible(page, "Settings → Account with the time zone");

  await page.getByLabel("Show times in").selectOption("Asia/Tokyo");
  await page.getByRole("button", { name: "Save time zone" }).click();
  await expect(page.getByRole("status")).toHaveText("Saved. Times now show in Asia/Tokyo (GMT+9).");
  await expect(page.getByTestId("time-zone-now")).toHaveText("Times are shown in Asia/Tokyo (GMT+9).");
  expect(await storedZone()).toBe("Asia/Tokyo");

  await page.goto(`/calls/${t.callId}`);
  await expect(page.getByText(IN.tokyo, { exact: true })).toBeVisible();
  await expect(page.locator("html")).toHaveAttribute("data-tz-source", "user");
  expect(await serverHtml(page, `/calls/${t.callId}`)).toContain(IN.tokyo);

  await page.goto("/settings/account");
  await page.getByLabel("Show times in").selectOption("");
  await page.getByRole("button", { name: "Save time zone" }).click();
  await expect(page.getByRole("status")).toHaveText("Saved. Times now follow this browser's time zone.");
  expect(await storedZone()).toBeNull();
  await page.goto(`/calls/${t.callId}`);
  await expect(page.getByText(IN.newYork, { exact: true })).toBeVisible();
  await page.context().close();
});

test("a zone that does not exist is refused with a message, and nothing is stored", async ({ browser }) => {
  const page = await inZone(browser, "Europe/Paris");
  await signIn(page, t.users.member.email, PASSWORD);
  const api = browserLike(page.request, stack().appUrl);
  const res = await api.fetch("/api/account/time-zone", { method: "PUT", data: { timeZone: "Mars/Olympus_Mons" } });
  expect(res.status()).toBe(400);
  expect(((await res.json()) as { error: { message: string } }).error.message).toBe("Choose a time zone from the list (an IANA name such as Europe/Paris).");
  expect(await storedZone()).toBeNull();
  await page.context().close();
});
