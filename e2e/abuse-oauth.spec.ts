// Issue 15, items 3 and 4, against the production build: OAuth is bound to the admin AND the browser
// that started it, and Gong's token response cannot send our server to a host we did not choose.
//   [oauth-binding] the consent approved in another browser (no session, or the same admin signed in
//                   there without the attempt's cookie, or a second admin): nothing connected, the page
//                   says why, and the browser that started it can still finish; the cookie's flags
//   [oauth-host]    api_base_url_for_customer off the allow-list: nothing connected, both tabs say why
// Every case runs in a throwaway workspace of its own (admins signed in through the sign-in form).
import type pg from "pg";
import { expect, test, type Browser, type BrowserContext, type Page } from "@playwright/test";
import { connectDb, createTenant, integrationRow, PASSWORD, stack, word, type Tenant } from "./abuse-support";
import { signIn } from "./support";

const ELSEWHERE = "This approval was made in another browser or account. Start again from Connect in the browser you used.";
const INVALID = "This authorization link is not valid";
const CALLBACK_PATH = "/api/integrations/oauth/callback";

let db: pg.Client;
const tenants: Tenant[] = [];
const contexts: BrowserContext[] = [];

test.beforeAll(async () => {
  db = await connectDb();
});

test.afterAll(async () => {
  for (const ctx of contexts) await ctx.close().catch(() => undefined);
  if (tenants.length) {
    await db.query(`DELETE FROM "Workspace" WHERE id = ANY($1)`, [tenants.map((t) => t.workspaceId)]);
    await db.query(`DELETE FROM "User" WHERE id = ANY($1)`, [tenants.flatMap((t) => Object.values(t.users).map((u) => u.id))]);
  }
  await db?.end();
});

async function tenant(): Promise<Tenant> {
  const t = await createTenant(db, "Binding", word("zb"));
  tenants.push(t);
  return t;
}

/** A new browser (its own cookies), signed in as `email` when given. */
async function browserAs(browser: Browser, email?: string): Promise<Page> {
  const ctx = await browser.newContext();
  contexts.push(ctx);
  const page = await ctx.newPage();
  if (email) await signIn(page, email, PASSWORD);
  return page;
}

/** In `page`'s browser: Connect with Gong in the wizard; returns the consent tab (left unanswered) and its URL. */
async function startGong(page: Page) {
  await page.goto("/settings/integrations/gong/setup?step=connect");
  const popupPromise = page.context().waitForEvent("page");
  await page.getByRole("button", { name: "Connect with Gong" }).click();
  const consentTab = await popupPromise;
  await consentTab.waitForURL(/\/gong\/oauth2\/authorize\?/);
  await expect(consentTab.getByRole("button", { name: "Allow" })).toBeVisible();
  return { consentTab, consentUrl: consentTab.url() };
}

/** Opens the consent URL in `page`'s browser and clicks Allow: the callback page it lands on. */
async function approveIn(page: Page, consentUrl: string) {
  await page.goto(consentUrl);
  await page.getByRole("button", { name: "Allow" }).click();
  await page.waitForURL((u) => u.pathname === CALLBACK_PATH);
  return page;
}

const bindingCookies = async (ctx: BrowserContext) => (await ctx.cookies()).filter((c) => c.name.startsWith("callsync_oauth_"));

async function expectNothingConnected(t: Tenant) {
  const row = await integrationRow(db, t.workspaceId, "GONG");
  expect(row?.credentialsEnc ?? null).toBeNull();
  expect(row?.connectedAt ?? null).toBeNull();
  expect(row?.status).not.toBe("CONNECTED");
}

/** The starting browser answers its own consent tab: connected, the wizard moves on, the cookie is spent. */
async function finishInStartingBrowser(t: Tenant, page: Page, consentTab: Page) {
  await consentTab.getByRole("button", { name: "Allow" }).click();
  await expect(page.getByRole("heading", { name: "Choose your backfill period" })).toBeVisible({ timeout: 20_000 });
  const row = await integrationRow(db, t.workspaceId, "GONG");
  expect(row?.credentialsEnc).toBeTruthy();
  expect(row?.connectedById).toBe(t.users.admin.id);
  await expect.poll(async () => (await bindingCookies(page.context())).length).toBe(0);
}

test("[oauth-binding] the approval made in a browser without a session → nothing connected, the page says why; the starting browser still connects", async ({
  browser,
}) => {
  const t = await tenant();
  const admin = await browserAs(browser, t.users.admin.email);
  const { consentTab, consentUrl } = await startGong(admin);

  // The attempt's cookie: HttpOnly, SameSite=Lax, only sent to the callback, not Secure on an http APP_URL.
  const cookies = await bindingCookies(admin.context());
  expect(cookies).toHaveLength(1);
  expect(cookies[0]).toMatchObject({ httpOnly: true, sameSite: "Lax", path: CALLBACK_PATH, secure: stack().appUrl.startsWith("https:") });
  expect(cookies[0]!.expires).toBeGreaterThan(Date.now() / 1000);

  const stranger = await approveIn(await browserAs(browser), consentUrl);
  await expect(stranger.getByRole("heading", { name: "Authorization did not complete" })).toBeVisible();
  await expect(stranger.getByRole("alert")).toHaveText(ELSEWHERE);
  await expectNothingConnected(t);
  // The starting browser's wizard is still waiting, not moved on.
  await expect(admin.getByRole("status")).toContainText("Waiting for you to authorize Callsync");

  await finishInStartingBrowser(t, admin, consentTab);
});

test("[oauth-binding] the same admin signed in in another browser (no attempt cookie there) → nothing connected, the page says why", async ({ browser }) => {
  const t = await tenant();
  const admin = await browserAs(browser, t.users.admin.email);
  const { consentTab, consentUrl } = await startGong(admin);
  const sameAdminElsewhere = await approveIn(await browserAs(browser, t.users.admin.email), consentUrl);
  await expect(sameAdminElsewhere.getByRole("heading", { name: "Authorization did not complete" })).toBeVisible();
  await expect(sameAdminElsewhere.getByRole("alert")).toHaveText(ELSEWHERE);
  await expectNothingConnected(t);
  await finishInStartingBrowser(t, admin, consentTab);
});

test("[oauth-binding] a second admin's session with the first admin's state (the cookie copied over too) → refused, nothing connected", async ({ browser }) => {
  const t = await tenant();
  const admin = await browserAs(browser, t.users.admin.email);
  const { consentTab, consentUrl } = await startGong(admin);
  const second = await browserAs(browser, t.users.admin2.email);
  // Even with the first admin's nonce cookie, the second admin's session is not the one that started it.
  await second.context().addCookies(await bindingCookies(admin.context()));
  await approveIn(second, consentUrl);
  await expect(second.getByRole("heading", { name: "Authorization did not complete" })).toBeVisible();
  await expect(second.getByRole("alert")).toContainText(INVALID);
  await expectNothingConnected(t);
  await finishInStartingBrowser(t, admin, consentTab);
});

test("[oauth-binding] the attempt's cookie alone is not enough: copied into a browser without a session → refused, nothing connected", async ({ browser }) => {
  const t = await tenant();
  const admin = await browserAs(browser, t.users.admin.email);
  const { consentTab, consentUrl } = await startGong(admin);
  const anon = await browserAs(browser);
  await anon.context().addCookies(await bindingCookies(admin.context()));
  await approveIn(anon, consentUrl);
  await expect(anon.getByRole("alert")).toHaveText(ELSEWHERE);
  await expectNothingConnected(t);
  await finishInStartingBrowser(t, admin, consentTab);
});

test("[oauth-host] Gong names an API host off the allow-list → nothing connected, the consent tab and the wizard say why", async ({ browser }) => {
  const sim = stack().simulatorUrl!;
  const t = await tenant();
  const admin = await browserAs(browser, t.users.admin.email);
  const { consentTab } = await startGong(admin);
  // {url} hands that host out as api_base_url_for_customer; {} restores the tenant's own.
  const set = (body: { url?: string }) =>
    fetch(`${sim}/__sim/gong/token-api-base`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  expect((await set({ url: "https://us-1.api.gong.io.evil.example" })).ok).toBe(true);
  try {
    await consentTab.getByRole("button", { name: "Allow" }).click();
    await consentTab.waitForURL((u) => u.pathname === CALLBACK_PATH);
    await expect(consentTab.getByRole("alert")).toContainText("does not trust");
    await expect(admin.getByRole("main").getByRole("alert")).toContainText("does not trust");
    await expectNothingConnected(t);
    const row = await integrationRow(db, t.workspaceId, "GONG");
    expect(String(row?.apiBaseUrl ?? "")).not.toContain("evil");
  } finally {
    expect((await set({})).ok).toBe(true);
  }
});
