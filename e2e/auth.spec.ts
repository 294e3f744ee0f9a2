import { expect, test } from "@playwright/test";
import { DEMO_DEALS, DEMO_PASSWORD } from "../lib/demo/data";
import { stackInfo } from "./integrations-support";
import { signIn } from "./support";

test("pages require a session", async ({ page }) => {
  await page.goto("/deals");
  await expect(page).toHaveURL(/\/signin\?callbackUrl=%2Fdeals/);
  await expect(page.getByRole("heading", { name: "Sign in to your workspace" })).toBeVisible();
});

test("a wrong password says so and does not sign in", async ({ page }) => {
  await page.goto("/signin");
  await page.getByLabel("Email").fill("admin@acme.test");
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert").filter({ hasText: /\S/ })).toHaveText("Wrong email or password. Check both and try again.");
  await expect(page).toHaveURL(/\/signin/);
});

test("admin signs in, sees the deals list and the integrations page", async ({ page }) => {
  await signIn(page, "admin@acme.test");
  await expect(page.getByRole("heading", { name: "Deals" })).toBeVisible();
  // The demo deals came in through the HubSpot first import at the demo start (the seed writes none): every
  // one of them, plus the simulator portal's other open deals.
  const imported = stackInfo().demoCrm!.deals!;
  expect(imported).toBeGreaterThanOrEqual(DEMO_DEALS.length);
  await expect(page.getByText(`${imported} deals`)).toBeVisible();
  await expect(page.getByTestId("deals-crm-source")).toContainText("Deals sync from HubSpot");
  const first = DEMO_DEALS[0]!;
  await page.getByLabel("Search").fill(first.accountName);
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page.getByRole("link", { name: first.name })).toBeVisible();
  await page.getByRole("link", { name: first.name }).click();
  await expect(page.getByRole("heading", { name: first.name })).toBeVisible();
  await expect(page.getByText(first.contacts[0]!.email)).toBeVisible();

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Integrations" }).click();
  await expect(page.getByRole("heading", { name: "Integrations" })).toBeVisible();
  await expect(page.getByRole("article", { name: "HubSpot" }).getByText("Connected", { exact: true })).toBeVisible();
  for (const name of ["Gong", "Salesloft", "Clari Copilot"]) {
    const card = page.getByRole("article", { name });
    await expect(card).toBeVisible();
    await expect(card.getByText("Not connected")).toBeVisible();
  }
});

test("a rep is not offered integrations and the URL answers 403 without data", async ({ page }) => {
  await signIn(page, "rep1@acme.test");
  const nav = page.getByRole("navigation", { name: "Main" });
  await expect(nav.getByRole("link", { name: "Deals" })).toBeVisible();
  await expect(nav.getByRole("link", { name: "Integrations" })).toHaveCount(0);

  const response = await page.goto("/settings/integrations");
  expect(response?.status()).toBe(403);
  await expect(page.getByRole("heading", { name: "Admins only" })).toBeVisible();
  await expect(page.getByRole("article", { name: "Gong" })).toHaveCount(0);
});

test("an unknown deal id shows the 404 page", async ({ page }) => {
  await signIn(page, "rep2@acme.test");
  const response = await page.goto("/deals/cl0000000000000000000000");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
});

test("signing out ends the session", async ({ page }) => {
  await signIn(page, "rep3@acme.test");
  await page.getByRole("link", { name: "Sign out" }).click();
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/signin/);
  await page.goto("/deals");
  await expect(page).toHaveURL(/\/signin/);
});

test("callbackUrl never leaves our origin: backslash, encoded and foreign targets land on Deals", async ({ page, baseURL }) => {
  await signIn(page, "admin@acme.test");
  for (const target of ["/\\evil.example", "/%5Cevil.example", "//evil.example", "https://evil.example/deals", "/%09/evil.example"]) {
    const res = await page.request.get(`/signin?callbackUrl=${encodeURIComponent(target)}`, { maxRedirects: 0 });
    expect(res.status(), target).toBe(307);
    const location = new URL(res.headers()["location"]!, baseURL);
    expect(location.origin, target).toBe(new URL(baseURL!).origin);
    expect(location.pathname, target).toBe("/deals");
  }
  // A path of ours is kept.
  const ok = await page.request.get(`/signin?callbackUrl=${encodeURIComponent("/settings/integrations")}`, { maxRedirects: 0 });
  expect(new URL(ok.headers()["location"]!, baseURL).pathname).toBe("/settings/integrations");
  // And signing in through the form with a hostile callbackUrl lands here, not there.
  await page.context().clearCookies();
  await page.goto(`/signin?callbackUrl=${encodeURIComponent("/\\evil.example")}`);
  await page.getByLabel("Email").fill("admin@acme.test");
  await page.getByLabel("Password").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(`${new URL(baseURL!).origin}/deals`);
});
