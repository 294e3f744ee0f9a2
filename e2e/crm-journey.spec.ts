// Issue 14's "Done when", HubSpot part, in a workspace of its own (signed up here, not the seeded Acme):
// connect HubSpot through its simulator's consent page (Allow), the first import brings deals onto the deals
// list, then a stage change and a deletion made through the simulator's control API show after Sync now.
// Not yet here (see the crm-ui report): the Gong backfill linking calls by CRM id and email, and Salesforce.
import { expect, test } from "@playwright/test";
import { randomBytes } from "node:crypto";
import { stackInfo } from "./integrations-support";

test.describe.configure({ mode: "serial" });

const PASSWORD = "Correct-horse-battery-staple-7";

async function sim(path: string, body?: unknown) {
  const res = await fetch(`${stackInfo().simulatorUrl}/__sim/hubspot${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { "Content-Type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  expect(res.ok, `${path} answered ${res.status}`).toBe(true);
  return res.json();
}

test("connect HubSpot through its consent page, deals arrive, a stage change and a deletion show after Sync now", async ({ page }) => {
  test.setTimeout(240_000);
  const t = randomBytes(4).toString("hex");
  await page.goto("/signup");
  await page.getByLabel("Workspace name").fill(`CRM journey ${t}`);
  await page.getByLabel("Your name").fill("Crm Admin");
  await page.getByLabel("Work email").fill(`crm-${t}@journey.test`);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create workspace" }).click();
  await expect(page).toHaveURL(/\/deals/);

  await page.goto("/settings/integrations");
  await expect(page.getByRole("note", { name: "Connect your CRM first" })).toBeVisible();
  await page.getByRole("button", { name: "Connect HubSpot" }).click();
  const dialog = page.getByRole("dialog", { name: "Connect HubSpot" });
  const popupPromise = page.context().waitForEvent("page");
  await dialog.getByRole("button", { name: "Connect with HubSpot" }).click();
  const popup = await popupPromise;
  await popup.getByRole("button", { name: "Allow" }).click();
  await popup.waitForEvent("close", { timeout: 20_000 }).catch(() => undefined);
  if (!popup.isClosed()) await popup.close();

  await expect(page).toHaveURL(/\/settings\/integrations\/hubspot$/, { timeout: 30_000 });
  await expect(page.getByTestId("crm-status")).toHaveText("Connected", { timeout: 150_000 });
  const portal = (await sim("/portal")) as { hubId: string | number; deals: Array<{ id: string; name: string; archived: boolean }> };
  await expect(page.getByTestId("crm-account-id")).toHaveText(String(portal.hubId));
  expect(Number((await page.getByTestId("crm-count-deals").innerText()).replace(/\D/g, ""))).toBeGreaterThan(0);
  await expect(page.getByRole("table", { name: "Sync history, newest first" }).getByRole("row").nth(1)).toContainText("First import");

  // The deals list shows the imported deals, and a deal opens in HubSpot.
  await page.goto("/deals");
  await expect(page.getByTestId("deals-crm-source")).toContainText("Deals sync from HubSpot");
  const rows = page.getByRole("table", { name: "Deals" }).getByRole("row");
  expect(await rows.count()).toBeGreaterThan(1);
  const firstName = (await rows.nth(1).getByRole("link").first().innerText()).trim();
  const changed = portal.deals.find((d) => d.name === firstName && !d.archived);
  expect(changed, `the deal ${firstName} in the simulator`).toBeTruthy();
  const deleted = portal.deals.find((d) => !d.archived && d.id !== changed!.id)!;
  await rows.nth(1).getByRole("link").first().click();
  await expect(page.getByRole("link", { name: /Open in HubSpot/ })).toHaveAttribute("href", new RegExp(`/record/0-3/${changed!.id}$`));

  await sim(`/deals/${changed!.id}/stage`, { stage: "Closed won" });
  await sim(`/deals/${deleted.id}/archive`, {});
  await page.goto("/settings/integrations/hubspot");
  await page.getByRole("button", { name: "Sync now" }).click();
  await expect(page.getByRole("table", { name: "Sync history, newest first" }).getByRole("row").nth(1)).toContainText("Succeeded", { timeout: 120_000 });
  await expect(page.getByRole("button", { name: "Sync now" })).toBeEnabled();

  await page.goto(`/deals?q=${encodeURIComponent(firstName)}`);
  await page.getByRole("link", { name: firstName }).first().click();
  await expect(page.getByRole("heading", { name: firstName })).toBeVisible();
  await expect(page.getByRole("main").locator("header")).toContainText(/closed won/i);
  await page.goto(`/deals?q=${encodeURIComponent(deleted.name)}`);
  await expect(page.getByRole("link", { name: deleted.name, exact: true })).toHaveCount(0);
});
