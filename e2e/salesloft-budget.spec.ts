// Issue 16.7 and 17.4 (Salesloft): the connect step tells the admin to connect as a Salesloft admin (Callsync
// sees only what the connecting user sees); when what was discovered looks like one user's view (here the
// simulator answers as the rep Riley Park would: only Riley's conversations), the wizard and the Manage page
// say so; and the Manage page's quota gauge counts in cost units throughout (label, used, bars).
import { expect, test } from "@playwright/test";
import { DEMO_USERS } from "../lib/demo/data";
import { connectDb } from "./abuse-support";
import { authorizeInNewTab, stackInfo } from "./integrations-support";
import { signIn } from "./support";

const REP = DEMO_USERS.find((u) => u.email === "rep1@acme.test")!;

async function viewAs(email: string | null) {
  const res = await fetch(`${stackInfo().simulatorUrl}/__sim/salesloft/view-as`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email }),
  });
  expect(res.ok, `POST /__sim/salesloft/view-as answered ${res.status}`).toBe(true);
}

test("Salesloft: connect as an admin; a rep's view is flagged; the quota gauge counts cost units", async ({ page, context }) => {
  test.setTimeout(300_000);
  await viewAs(REP.email);
  try {
    await signIn(page, "admin@acme.test");
    await page.goto("/settings/integrations");
    const card = page.getByRole("article", { name: "Salesloft" });
    if (await card.getByRole("link", { name: "Manage Salesloft" }).isVisible()) {
      // Connected by an earlier spec: disconnect (data is kept) and reconnect through the wizard.
      await card.getByRole("link", { name: "Manage Salesloft" }).click();
      if ((await page.getByTestId("integration-status").innerText()) !== "Disconnected") {
        await page.getByRole("button", { name: "Disconnect" }).click();
        await page.getByRole("dialog", { name: "Disconnect Salesloft?" }).getByRole("button", { name: "Disconnect" }).click();
        await expect(page.getByTestId("integration-status")).toHaveText("Disconnected");
      }
      await page.getByRole("button", { name: "Reconnect" }).click();
    } else {
      await card.getByRole("link", { name: "Connect Salesloft" }).click();
    }
    await expect(page).toHaveURL(/\/settings\/integrations\/salesloft\/setup\?step=connect/);

    // The connect step: who must connect, before anything is authorized.
    const note = page.getByRole("note", { name: "Who should connect" });
    await expect(note).toContainText("Connect as a Salesloft admin.");
    await expect(note).toContainText("Callsync sees only the conversations the person who authorizes can see in Salesloft");

    await authorizeInNewTab(page, context, () => page.getByRole("button", { name: "Connect with Salesloft" }).click(), "Allow");
    await expect(page.getByRole("heading", { name: "Choose your backfill period" })).toBeVisible();
    await page.getByRole("radio", { name: /All time/ }).check();
    await page.getByRole("button", { name: "Save & Continue" }).click();
    await expect(page.getByRole("heading", { name: "Salesloft is connected" })).toBeVisible({ timeout: 240_000 });

    // Every call found is Riley's: the admin is told it looks like one user's view, and how to fix it.
    const warning = page.getByTestId("view-warning");
    await expect(warning).toBeVisible();
    await expect(warning).toContainText(`Every call Salesloft showed Callsync belongs to ${REP.name}`);
    await expect(warning).toContainText("reconnect Salesloft as a Salesloft admin who can see every conversation");

    await page.getByRole("link", { name: "Manage Integration" }).click();
    await expect(page.getByTestId("view-warning")).toContainText(`belongs to ${REP.name}`);

    // The quota gauge: one unit (cost units) for the limit, what was used and the chart's caption, and the
    // figure is the stored cost of the last 24 hours.
    const usage = page.locator("section[aria-labelledby=usage]");
    await expect(usage.getByText("600 cost units per minute")).toBeVisible();
    const db = await connectDb();
    let cost = 0;
    try {
      const { rows } = await db.query(
        `SELECT COALESCE(SUM(c.cost), 0)::int AS cost FROM "ProviderRequestCount" c JOIN "Integration" i ON i.id = c."integrationId"
         JOIN "Workspace" w ON w.id = i."workspaceId"
         WHERE i.provider = 'SALESLOFT' AND w.slug = 'acme' AND c."bucketStart" >= date_trunc('hour', now()) - interval '23 hours'`,
      );
      cost = rows[0].cost as number;
    } finally {
      await db.end();
    }
    expect(cost).toBeGreaterThan(0);
    await page.reload();
    const used = usage.getByText("Used in the last 24 hours").locator("xpath=following-sibling::p[1]");
    await expect(used).toHaveText(`${cost.toLocaleString("en-US")} cost units`);
    await expect(usage.locator("figcaption")).toContainText(`API cost units spent at Salesloft per hour`);
    await expect(usage.locator("figcaption")).toContainText(`${cost.toLocaleString("en-US")} cost units in total`);
    await expect(usage).not.toContainText(/\d requests\b/);
  } finally {
    await viewAs(null);
  }
});
