// The first run of a new installation (the EMPTY stack: a production build on a fresh database, no demo data):
// every page leads to "Create your workspace"; a refused sign-up stores nothing; the creator lands signed in as
// the workspace's admin; afterwards sign-in offers "Create a workspace". Runs before every other onboarding spec.
import { expect, test } from "@playwright/test";
import { STRONG_PASSWORD, signInAs, tag, withDb } from "./support";

test("a new installation leads every page to Create your workspace, and the creator becomes its admin", async ({ page }) => {
  expect(await withDb(async (db) => Number((await db.query(`SELECT count(*) AS n FROM "Workspace"`)).rows[0].n))).toBe(0);
  for (const path of ["/", "/deals", "/signin", "/settings/integrations"]) {
    await page.goto(path);
    await expect(page, path).toHaveURL(/\/signup$/);
    await expect(page.getByRole("heading", { name: "Create your workspace" })).toBeVisible();
  }
  await expect(page.getByRole("link", { name: "Create a workspace" })).toHaveCount(0);

  const id = tag();
  const email = `founder-${id}@northwind.test`;
  const fill = async (password: string) => {
    await page.getByLabel("Workspace name").fill(`Northwind ${id}`);
    await page.getByLabel("Your name").fill("Nora North");
    await page.getByLabel("Work email").fill(email);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Create workspace" }).click();
  };

  // A weak password: the policy's message on the field, and nothing stored.
  await fill("password1234");
  await expect(page.getByText("This password is too common. Choose one that is harder to guess.")).toBeVisible();
  await expect(page.getByLabel("Password")).toHaveAttribute("aria-invalid", "true");
  await fill("short");
  await expect(page.getByText("Use at least 12 characters.")).toBeVisible();
  expect(await withDb(async (db) => (await db.query(`SELECT 1 FROM "Workspace" UNION ALL SELECT 1 FROM "User"`)).rowCount)).toBe(0);

  await fill(STRONG_PASSWORD);
  await expect(page).toHaveURL(/\/deals/);
  await expect(page.getByRole("heading", { name: "Deals", exact: true })).toBeVisible();
  await expect(page.getByLabel("Workspace")).toHaveText(`Northwind ${id}`);
  // The creator is the admin: the admin-only Integrations page opens.
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Integrations" }).click();
  await expect(page.getByRole("heading", { name: "Integrations" }).first()).toBeVisible();
  const stored = await withDb(
    async (db) =>
      (
        await db.query(
          `SELECT u."passwordHash", m.role, m.status, w.name FROM "User" u JOIN "Membership" m ON m."userId" = u.id JOIN "Workspace" w ON w.id = m."workspaceId" WHERE u.email = $1`,
          [email],
        )
      ).rows,
  );
  expect(stored).toEqual([expect.objectContaining({ role: "ADMIN", status: "ACTIVE", name: `Northwind ${id}` })]);
  expect(stored[0].passwordHash).toMatch(/^scrypt\$/);
  const audit = await withDb(async (db) => (await db.query(`SELECT action, summary FROM "AuditEvent"`)).rows);
  expect(audit).toEqual([{ action: "workspace.created", summary: `Nora North created the workspace Northwind ${id}` }]);

  // With a workspace present, sign-in is the way in, and it offers creating another workspace.
  await page.context().clearCookies();
  await page.goto("/deals");
  await expect(page).toHaveURL(/\/signin/);
  await expect(page.getByRole("link", { name: "Create a workspace" })).toHaveAttribute("href", "/signup");
  await signInAs(page, email);

  // The same email cannot sign up again (signed out): it is told to sign in, and nothing is written.
  await page.context().clearCookies();
  await page.goto("/signup");
  await page.getByLabel("Workspace name").fill("Second try");
  await page.getByLabel("Your name").fill("Nora North");
  await page.getByLabel("Work email").fill(email.toUpperCase());
  await page.getByLabel("Password").fill(STRONG_PASSWORD);
  await page.getByRole("button", { name: "Create workspace" }).click();
  await expect(page.getByText(/An account with this email already exists\. Sign in first/)).toBeVisible();
  expect(await withDb(async (db) => (await db.query(`SELECT 1 FROM "Workspace" WHERE name = 'Second try'`)).rowCount)).toBe(0);
});
