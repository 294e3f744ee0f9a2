// Accounts, end to end on the EMPTY stack: "Forgot password?" sends a link by email (the same answer for an
// unknown address), the link sets a new password once and ends every open session, and Settings → Account
// changes the password (this browser stays signed in, the others are out) or signs out of every session.
import { expect, test, type Browser, type Page } from "@playwright/test";
import { STRONG_PASSWORD, latestEmail, pageAlert, signInAs, signUp, tag, withDb } from "./support";

test.describe.configure({ mode: "serial" });

const NEW_PASSWORD = "Tangerine-lighthouse-orbit-42";
const NEUTRAL = "If an account exists for that email, we sent a link to reset its password. It is valid for 1 hour.";

const count = (sql: string, params: unknown[] = []) => withDb(async (db) => Number((await db.query<{ n: string }>(sql, params)).rows[0]!.n));
const userRow = (email: string) =>
  withDb(
    async (db) =>
      (await db.query<{ passwordHash: string; sessionVersion: number }>(`SELECT "passwordHash", "sessionVersion" FROM "User" WHERE email = $1`, [email]))
        .rows[0]!,
  );

async function signedInElsewhere(browser: Browser, email: string, password = STRONG_PASSWORD) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signInAs(page, email, password);
  return { context, page };
}

/** The session in `page` was ended: its next request lands on sign-in. */
async function expectSignedOut(page: Page) {
  await page.goto("/deals");
  await expect(page).toHaveURL(/\/signin/);
  await expect(page.getByRole("heading", { name: "Sign in to your workspace" })).toBeVisible();
}

async function requestReset(page: Page, email: string) {
  await page.goto("/signin");
  await page.getByRole("link", { name: "Forgot password?" }).click();
  await expect(page).toHaveURL(/\/forgot-password$/);
  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Send reset link" }).click();
  await expect(page.getByRole("status")).toHaveText(NEUTRAL);
}

test("forgot password: email link, new password, every old session ends, the link works once", async ({ page, browser }) => {
  test.setTimeout(180_000);
  const id = tag();
  const email = `pat-${id}@fabrikam.test`;
  await signUp(page, { workspace: `Fabrikam ${id}`, name: "Pat Reset", email });
  const other = await signedInElsewhere(browser, email);

  const outsider = await browser.newContext();
  const out = await outsider.newPage();
  // An unknown address gets the same answer, and nothing is stored or sent.
  const unknown = `nobody-${id}@fabrikam.test`;
  await requestReset(out, unknown);
  expect(await count(`SELECT count(*) AS n FROM "OutboxEmail" WHERE "to" = $1`, [unknown])).toBe(0);

  const asked = new Date(Date.now() - 1000);
  await requestReset(out, email.toUpperCase());
  const mail = await latestEmail(email, { subject: /Reset your Callsync password/, after: asked });
  expect(mail.link).toMatch(/\/reset-password\/[\w-]{43}$/);
  const token = mail.link!.split("/").at(-1)!;
  expect(await count(`SELECT count(*) AS n FROM "PasswordReset" WHERE "tokenHash" = $1`, [token])).toBe(0); // only the hash is stored

  await out.goto(mail.link!);
  await expect(out.getByRole("heading", { name: "Choose a new password" })).toBeVisible();
  // A weak password: the policy's message on the field, and nothing written.
  const before = await userRow(email);
  await out.getByLabel("New password").fill("password1234");
  await out.getByRole("button", { name: "Set password" }).click();
  await expect(out.getByText("This password is too common. Choose one that is harder to guess.")).toBeVisible();
  expect(await userRow(email)).toEqual(before);
  expect(await count(`SELECT count(*) AS n FROM "PasswordReset" r JOIN "User" u ON u.id = r."userId" WHERE u.email = $1 AND r."usedAt" IS NULL`, [email])).toBe(
    1,
  );

  await out.getByLabel("New password").fill(NEW_PASSWORD);
  await out.getByRole("button", { name: "Set password" }).click();
  await expect(out.getByRole("status")).toHaveText("Your password is set. Sign in with it.");
  expect((await userRow(email)).sessionVersion).toBe(before.sessionVersion + 1);

  // Both sessions that were open are refused on their next request.
  await expectSignedOut(other.page);
  await expectSignedOut(page);

  // The old password fails, the new one works.
  await out.getByRole("link", { name: "Sign in" }).click();
  await expect(out).toHaveURL(/\/signin/);
  await out.getByLabel("Email").fill(email);
  await out.getByLabel("Password").fill(STRONG_PASSWORD);
  await out.getByRole("button", { name: "Sign in" }).click();
  await expect(pageAlert(out)).toHaveText("Wrong email or password. Check both and try again.");
  await signInAs(out, email, NEW_PASSWORD);

  // The link again: it says it was used and where to get a new one.
  await other.page.goto(mail.link!);
  await expect(other.page.getByRole("heading", { name: "This reset link was already used" })).toBeVisible();
  await expect(other.page.getByRole("link", { name: "Request a new link" })).toHaveAttribute("href", "/forgot-password");
  await other.context.close();
  await outsider.close();
});

test("Settings → Account: change password keeps this browser signed in and ends the others; sign out of all sessions ends both", async ({ page, browser }) => {
  test.setTimeout(180_000);
  const id = tag();
  const email = `sam-${id}@fabrikam.test`;
  await signUp(page, { workspace: `Fabrikam Two ${id}`, name: "Sam Settings", email });
  const other = await signedInElsewhere(browser, email);

  await page.goto("/settings/account");
  await expect(page.getByRole("heading", { name: "Account", exact: true })).toBeVisible();
  const profile = page.getByRole("region", { name: "Profile" });
  await expect(profile).toContainText(email);
  await expect(profile).toContainText("Sam Settings");

  // A wrong current password: its message on the field, and nothing written.
  const before = await userRow(email);
  await page.getByLabel("Current password").fill("Not-my-password-at-all");
  await page.getByLabel("New password").fill(NEW_PASSWORD);
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByText("That is not your current password.")).toBeVisible();
  expect(await userRow(email)).toEqual(before);

  await page.getByLabel("Current password").fill(STRONG_PASSWORD);
  await page.getByLabel("New password").fill(NEW_PASSWORD);
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByRole("status")).toHaveText("Password changed. Other sessions have been signed out.");
  expect((await userRow(email)).sessionVersion).toBe(before.sessionVersion + 1);

  // This browser is still signed in; the other one is out.
  await page.reload();
  await expect(page).toHaveURL(/\/settings\/account$/);
  await expect(page.getByRole("heading", { name: "Account", exact: true })).toBeVisible();
  await expectSignedOut(other.page);

  // Sign in elsewhere again with the new password, then sign out of all sessions from here.
  await signInAs(other.page, email, NEW_PASSWORD);
  await page.getByRole("button", { name: "Sign out of all sessions" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toBeVisible();
  await dialog.getByRole("button", { name: "Sign out everywhere" }).click();
  await expect(page).toHaveURL(/\/signin/);
  expect((await userRow(email)).sessionVersion).toBe(before.sessionVersion + 2);
  await expectSignedOut(page);
  await expectSignedOut(other.page);
  await other.context.close();
});
