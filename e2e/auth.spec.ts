import { expect, test } from "@playwright/test";
import { DEMO_DEALS } from "../lib/demo/data";
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
  await expect(page.getByText(`${DEMO_DEALS.length} deals`)).toBeVisible();
  const first = DEMO_DEALS[0]!;
  await page.getByLabel("Search").fill(first.accountName);
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page.getByRole("link", { name: first.name })).toBeVisible();
  await page.getByRole("link", { name: first.name }).click();
  await expect(page.getByRole("heading", { name: first.name })).toBeVisible();
  await expect(page.getByText(first.contacts[0]!.email)).toBeVisible();

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Integrations" }).click();
  await expect(page.getByRole("heading", { name: "Integrations" })).toBeVisible();
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
