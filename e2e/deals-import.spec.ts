// Issue 14, CSV import (Settings -> Deals -> Import), in the demo workspace: a file with a bad row shows the
// row's error in the preview and writes nothing; a good file of 20,000 rows imports with its progress on
// screen (and survives a reload), and its deals are in the deals list. The imported deals are removed
// afterwards, so the demo workspace is left as seeded.
import pg from "pg";
import { expect, test } from "@playwright/test";
import { signIn } from "./support";
import { stackInfo } from "./integrations-support";

test.describe.configure({ mode: "serial" });
// Times on the page are the viewer's: this browser is in New York.
test.use({ timezoneId: "America/New_York" });

const HEADER = "External ID,Deal Name,Stage,Amount,Currency,Close Date,Owner Email,Company,Contact Emails";
const PREFIX = "E2E-CSV-";

let db: pg.Client;
let workspaceId: string;

const dealCount = async () => (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "Deal" WHERE "workspaceId" = $1`, [workspaceId])).rows[0]!.n;

test.beforeAll(async () => {
  db = new pg.Client({ connectionString: stackInfo().databaseUrl });
  await db.connect();
  const r = await db.query<{ id: string }>(
    `SELECT m."workspaceId" AS id FROM "Membership" m JOIN "User" u ON u.id = m."userId" WHERE u.email = 'admin@acme.test' LIMIT 1`,
  );
  workspaceId = r.rows[0]!.id;
});

test.afterAll(async () => {
  await db.query(`DELETE FROM "Deal" WHERE "workspaceId" = $1 AND "externalId" LIKE $2`, [workspaceId, `${PREFIX}%`]);
  await db.query(`DELETE FROM "DealImport" WHERE "workspaceId" = $1`, [workspaceId]);
  await db.end();
});

test("a rep is not offered the import and its page answers 403", async ({ page }) => {
  await signIn(page, "rep1@acme.test");
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Deal import" })).toHaveCount(0);
  const res = await page.goto("/settings/deals/import");
  expect(res?.status()).toBe(403);
});

test("a file with a bad row shows the row's error in the preview, and the deals list is unchanged", async ({ page }) => {
  const before = await dealCount();
  await signIn(page, "admin@acme.test");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Deal import" }).click();
  await expect(page.getByRole("heading", { name: "Import deals" })).toBeVisible();
  const file = [
    HEADER,
    `${PREFIX}OK-1,E2E CSV good row,Discovery,1000,USD,2026-06-30,,E2E Co,ana@e2e-import.test`,
    `${PREFIX}BAD-1,E2E CSV bad row,Discovery,12 dollars,USD,2026-06-30,,E2E Co,`,
  ].join("\n");
  await page.getByLabel("CSV file", { exact: true }).setInputFiles({ name: "bad-row.csv", mimeType: "text/csv", buffer: Buffer.from(file) });
  await page.getByRole("button", { name: "Upload and check" }).click();

  await expect(page.getByText("Nothing has been imported.")).toBeVisible({ timeout: 60_000 });
  const table = page.getByRole("table", { name: "Rows with errors" });
  const row = table.getByRole("row").filter({ hasText: `${PREFIX}BAD-1` });
  await expect(row.getByRole("cell").nth(0)).toHaveText(new RegExp(`^3\\s*\\(${PREFIX}BAD-1\\)$`));
  await expect(row.getByRole("cell").nth(1)).toHaveText("Amount");
  await expect(row.getByRole("cell").nth(2)).toHaveText('"12 dollars" is not an amount.');
  await expect(row.getByRole("cell").nth(3)).toContainText("Write a number");
  // The column mapping is shown: forgiving header names.
  const mapping = page.getByRole("table", { name: "Column mapping" });
  await expect(mapping.getByRole("row").filter({ hasText: "Company" })).toContainText("Account name");
  // Importing everything is not offered; importing only the valid rows needs an explicit choice.
  await expect(page.getByRole("button", { name: /^Import [\d,]+ deals?$/ })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Import 1 valid row" })).toBeDisabled();

  expect(await dealCount()).toBe(before);
  await page.goto(`/deals?q=${encodeURIComponent("E2E CSV")}`);
  await expect(page.getByText("No deals match these filters")).toBeVisible();

  await page.goto("/settings/deals/import");
  await page.getByRole("button", { name: "Cancel and fix the file" }).click();
  await expect(page.getByRole("button", { name: "Upload and check" })).toBeVisible();
  expect(await dealCount()).toBe(before);
});

test("a good file of 20,000 rows imports with progress shown, also after a reload, and its deals appear", async ({ page }) => {
  test.setTimeout(240_000);
  const before = await dealCount();
  const lines = [HEADER];
  for (let i = 1; i <= 20_000; i++) {
    lines.push(
      `${PREFIX}${i},E2E CSV deal ${i},${i % 4 === 0 ? "Closed Won" : "Proposal"},${1000 + i}.00,USD,2026-07-${String((i % 28) + 1).padStart(2, "0")},admin@acme.test,E2E Account ${i % 50},"c${i}@e2e-import.test; d${i}@e2e-import.test"`,
    );
  }
  await signIn(page, "admin@acme.test");
  await page.goto("/settings/deals/import");
  await page.getByLabel("CSV file", { exact: true }).setInputFiles({ name: "good.csv", mimeType: "text/csv", buffer: Buffer.from(lines.join("\n")) });
  await page.getByRole("button", { name: "Upload and check" }).click();
  // Upload, then the check, each with a progress bar.
  await expect(page.getByRole("progressbar", { name: /Uploading|Checking rows/ })).toBeVisible();
  await expect(page.getByText("20,000 rows checked: 20,000 ready")).toBeVisible({ timeout: 120_000 });
  await expect(page.getByRole("region", { name: "good.csv" }).locator("time").first()).toContainText(/EST|EDT/);

  await page.getByRole("button", { name: "Import 20,000 deals" }).click();
  const progress = page.getByRole("progressbar", { name: "Importing deals" });
  await expect(progress).toBeVisible();
  // The state is on the server: a reload shows the same import, still going or finished.
  await page.reload();
  await expect(page.getByRole("heading", { name: "good.csv" })).toBeVisible();
  await expect(page.getByText("Import finished: 20,000 deals created, 0 updated.")).toBeVisible({ timeout: 150_000 });
  expect(await dealCount()).toBe(before + 20_000);

  await page.getByRole("link", { name: "View deals" }).click();
  await page.goto(`/deals?q=${encodeURIComponent("E2E CSV deal 19999")}`);
  const table = page.getByRole("table", { name: "Deals" });
  await expect(table.getByRole("row").filter({ hasText: "E2E CSV deal 19999" })).toBeVisible();
  await expect(table.getByRole("row").filter({ hasText: "E2E CSV deal 19999" })).toContainText("E2E Account 49");
});
