// Issue 16 item 10 in the browser: one meeting recorded by Gong and by Clari Copilot shows once on Unlinked, with
// both sources, counted once, and the user can open either recording. Runs in a workspace of its own (signed up
// here); its admin is a Gong user and a Clari Copilot user added for this run (POST /__sim/gong/users,
// /__sim/clari/users, emails of this run only), the organiser of the run's one meeting that each recorder has
// (POST /__sim/gong/calls, /__sim/clari/calls). No demo data is touched, so the specs that count demo calls
// see what they saw before.
import { expect, test, type Page } from "@playwright/test";
import { randomBytes } from "node:crypto";
import { authorizeInNewTab, stackInfo } from "./integrations-support";

const PASSWORD = "Correct-horse-battery-staple-7";

async function sim<T = unknown>(path: string, body: unknown): Promise<T> {
  const res = await fetch(`${stackInfo().simulatorUrl}/__sim${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(res.ok, `${path} answered ${res.status}: ${res.ok ? "" : await res.text()}`).toBe(true);
  return (await res.json()) as T;
}

async function signUp(page: Page, workspace: string, email: string) {
  await page.goto("/signup");
  await page.getByLabel("Workspace name").fill(workspace);
  await page.getByLabel("Your name").fill("Meg Meeting");
  await page.getByLabel("Work email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create workspace" }).click();
  await expect(page).toHaveURL(/\/deals/);
}

test("a meeting Gong and Clari Copilot both recorded is one row on Unlinked with both sources, and each recording opens", async ({ page }) => {
  test.setTimeout(360_000);
  const run = randomBytes(4).toString("hex");
  const adminEmail = `meet-${run}@same-meeting.test`;
  const buyer = { email: `buyer-${run}@prospect-${run}.example`, name: "Bea Buyer" };
  const title = `Prospect demo ${run}`;
  const start = Date.now() - 2 * 3_600_000;

  await signUp(page, `Same meeting ${run}`, adminEmail);
  await sim("/gong/users", { email: adminEmail, firstName: "Meg", lastName: "Meeting" });
  await sim("/gong/calls", {
    primaryUserEmail: adminEmail,
    title,
    parties: [{ ...buyer, affiliation: "External" }],
    context: [],
    startedAt: new Date(start).toISOString(),
    durationSec: 1800,
  });
  await sim("/clari/users", { email: adminEmail, name: "Meg Meeting" });
  // Clari's bot joined two minutes after Gong started recording.
  await sim("/clari/calls", {
    organizerEmail: adminEmail,
    title,
    participants: [buyer],
    startedAt: new Date(start + 120_000).toISOString(),
    durationSec: 1680,
  });

  await page.goto("/settings/integrations");
  await page.getByRole("article", { name: "Gong" }).getByRole("link", { name: "Connect Gong" }).click();
  await authorizeInNewTab(page, page.context(), () => page.getByRole("button", { name: "Connect with Gong" }).click(), "Allow");
  await expect(page.getByRole("heading", { name: "Choose your backfill period" })).toBeVisible();
  await page.getByRole("radio", { name: /Last 30 days/ }).check();
  await page.getByRole("button", { name: "Save & Continue" }).click();
  await expect(page.getByRole("heading", { name: "Gong is connected" })).toBeVisible({ timeout: 150_000 });

  await page.goto("/settings/integrations/clari/setup");
  await page.getByRole("textbox", { name: "API Key" }).fill("sim-clari-key");
  await page.getByLabel("API Secret", { exact: true }).fill("sim-clari-secret");
  await page.getByRole("button", { name: "Connect with API Key" }).click();
  await expect(page.getByRole("heading", { name: "Choose your backfill period" })).toBeVisible();
  await page.getByRole("radio", { name: /Last 30 days/ }).check();
  await page.getByRole("button", { name: "Save & Continue" }).click();
  await expect(page.getByRole("heading", { name: "Clari Copilot is connected" })).toBeVisible({ timeout: 150_000 });

  // One row, counted once, with both sources.
  await page.goto("/calls/unlinked");
  const list = page.getByRole("list", { name: "Customer calls, newest first" });
  await expect(list.getByRole("listitem")).toHaveCount(1);
  await expect(list.getByRole("link", { name: title })).toHaveCount(1);
  await expect(page.getByText("1 call is not on any deal")).toBeVisible();
  const row = list.getByRole("listitem").first();
  await expect(row.getByLabel(/^Recorded by (Gong · Clari Copilot|Clari Copilot · Gong)$/)).toBeVisible();
  await expect(row).toContainText(/Also recorded in (Gong|Clari Copilot)/);
  const otherName = (await row.getByText(/^Also recorded in/).innerText()).replace("Also recorded in", "").trim();
  const firstName = otherName === "Gong" ? "Clari Copilot" : "Gong";

  // The main link opens the first recording; its page links the other, which links back.
  await row.getByRole("link", { name: title }).click();
  await expect(page.getByRole("heading", { level: 1, name: title })).toBeVisible();
  const header = page.locator("header").filter({ has: page.getByRole("heading", { level: 1, name: title }) });
  await expect(header.getByRole("link", { name: `Open in ${firstName}` })).toBeVisible();
  await expect(header).toContainText(`Also recorded in ${otherName}`);
  const firstUrl = page.url();
  await header.getByRole("link", { name: otherName, exact: true }).click();
  await expect(page).not.toHaveURL(firstUrl);
  await expect(page.getByRole("heading", { level: 1, name: title })).toBeVisible();
  await expect(header.getByRole("link", { name: `Open in ${otherName}` })).toBeVisible();
  await expect(header).toContainText(`Also recorded in ${firstName}`);

  // From the list, the "Also recorded in" link opens the other recording directly.
  await page.goto("/calls/unlinked");
  await row.getByRole("link", { name: otherName, exact: true }).click();
  await expect(header.getByRole("link", { name: `Open in ${otherName}` })).toBeVisible();
});
