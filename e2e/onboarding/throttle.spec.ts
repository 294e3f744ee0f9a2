// Login throttling (issue 13, item 7), on the EMPTY stack: after 5 failed sign-ins for an account within 15
// minutes the sign-in answers 429 with Retry-After, the form says how long to wait, and even the right password
// is refused until then; another account is not affected.
import { expect, test } from "@playwright/test";
import { STRONG_PASSWORD, pageAlert, pageApi, signInAs, signUp, tag, withDb } from "./support";

test("repeated wrong passwords lock the account for a while, and the form says how long", async ({ page, browser }) => {
  const id = tag();
  const email = `locked-${id}@tailspin.test`;
  const bystander = `bystander-${id}@tailspin.test`;
  // Both accounts are made in browsers of their own, closed before the attempts: clearing this page's cookies
  // after a sign-up raced a late session response that signed it in again (seen under load in CI).
  for (const [workspace, name, address] of [
    [`Tailspin ${id}`, "Lee Locked", email],
    [`Tailspin B ${id}`, "Bea Bystander", bystander],
  ]) {
    const other = await browser.newContext();
    await signUp(await other.newPage(), { workspace, name, email: address });
    await other.close();
  }

  const attempt = async (password: string) => {
    await page.goto("/signin");
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in" }).click();
  };
  for (let i = 1; i <= 5; i++) {
    await attempt(`wrong-password-${i}`);
    await expect(pageAlert(page)).toHaveText("Wrong email or password. Check both and try again.");
  }
  expect(await withDb(async (db) => (await db.query(`SELECT points FROM "LoginThrottle" WHERE key LIKE $1`, [`%${email}`])).rows[0]?.points)).toBe(5);

  // Locked: the right password too, with the wait on the form.
  await attempt(STRONG_PASSWORD);
  await expect(pageAlert(page)).toContainText(/Too many failed sign-ins\. Try again in 1[45] minutes/);
  await expect(page).toHaveURL(/\/signin/);
  expect(await page.request.get("/api/auth/session").then((r) => r.json())).toEqual({});

  // The endpoint itself answers 429 with Retry-After.
  const { csrfToken } = (await (await page.request.get("/api/auth/csrf")).json()) as { csrfToken: string };
  const res = await pageApi(page).post("/api/auth/callback/credentials", { form: { email, password: STRONG_PASSWORD, csrfToken, json: "true" } });
  expect(res.status()).toBe(429);
  expect(Number(res.headers()["retry-after"])).toBeGreaterThan(800);

  // Someone else signs in as usual.
  await signInAs(page, bystander);
});
