// Issue 16, item 5: one bad record never stops a sync. A call Clari Copilot serves with a field that fails
// validation is skipped: the sync succeeds, and the Manage page lists the record with Clari's call id and
// the field at fault; once Clari serves it valid, the next sync brings it in and the list is empty again.
// Runs in a throwaway workspace of its own (no other spec reads it); the simulator call it adds is deleted
// at the provider afterwards and its fault cleared.
import { expect, test } from "@playwright/test";
import { DEMO_UNMATCHED_PROVIDER_USERS } from "../lib/demo/data";
import { connectDb, createTenant, PASSWORD, word } from "./abuse-support";
import { clearFaults, expectAccessible, injectFault, stackInfo } from "./integrations-support";

async function sim(path: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${stackInfo().simulatorUrl}${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(res.ok, `POST ${path} answered ${res.status}`).toBe(true);
  return (await res.json()) as Record<string, unknown>;
}

test("a Clari call that fails validation is skipped and listed on the Manage page with its id and field; read valid later, it leaves the list", async ({
  page,
}) => {
  test.setTimeout(180_000);
  const db = await connectDb();
  const tenant = await createTenant(db, "Skipped", word("sk"));
  // A call that appears now at Clari, hosted by a provider user outside the demo workspace.
  const added = await sim("/__sim/calls", { ownerEmail: DEMO_UNMATCHED_PROVIDER_USERS[0]!.email, startedAt: new Date(Date.now() - 3_600_000).toISOString() });
  const callId = String(added.clari);
  try {
    await injectFault({ provider: "clari", kind: "malformed", callId } as Parameters<typeof injectFault>[0]);

    await page.goto("/signin");
    await page.getByLabel("Email").fill(tenant.users.admin.email);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(/\/deals/);

    await page.goto("/settings/integrations/clari/setup");
    await page.getByRole("textbox", { name: "API Key" }).fill("sim-clari-key");
    await page.getByLabel("API Secret", { exact: true }).fill("sim-clari-secret");
    await page.getByRole("button", { name: "Connect with API Key" }).click();
    await expect(page.getByRole("heading", { name: "Choose your backfill period" })).toBeVisible();
    await page.getByLabel(/Skip backfill/).check();
    await page.getByRole("button", { name: "Save & Continue" }).click();
    await expect(page.getByRole("heading", { name: "Clari Copilot is connected" })).toBeVisible({ timeout: 60_000 });

    await page.goto("/settings/integrations/clari");
    const skipped = page.getByRole("region", { name: "Skipped records" });
    await expect(skipped.getByText("No call records were skipped.")).toBeVisible();
    const history = page.getByRole("region", { name: "Sync history" });
    const syncNow = page.getByRole("button", { name: "Sync now" });

    // The sync succeeds with the bad record skipped; the page lists it with Clari's id and the field.
    await syncNow.click();
    await expect(history.getByRole("row").filter({ hasText: "Sync now" }).getByText("Succeeded")).toHaveCount(1, { timeout: 60_000 });
    const row = skipped.getByRole("row").filter({ hasText: callId });
    await expect(row).toBeVisible({ timeout: 15_000 });
    await expect(row.getByRole("cell").nth(0)).toHaveText(callId);
    await expect(row.getByRole("cell").nth(1)).toHaveText("time");
    await expect(row.getByRole("cell").nth(2)).toContainText(/expected/i);
    await expect(skipped.getByTestId("skipped-total")).toContainText("1 call record from Clari Copilot could not be read");
    await expectAccessible(page, "Manage Clari: skipped records");
    // Stored: a reload shows it too.
    await page.reload();
    await expect(page.getByRole("region", { name: "Skipped records" }).getByRole("row").filter({ hasText: callId })).toBeVisible();

    // Clari serves it valid again: the next sync reads it and it leaves the list.
    await clearFaults();
    await expect(syncNow).toBeEnabled({ timeout: 30_000 });
    await syncNow.click();
    await expect(history.getByRole("row").filter({ hasText: "Sync now" }).getByText("Succeeded")).toHaveCount(2, { timeout: 60_000 });
    await expect(skipped.getByText("No call records were skipped.")).toBeVisible({ timeout: 15_000 });
  } finally {
    await clearFaults();
    await sim("/__sim/calls/update", { callId, deleted: true });
    await db.end();
  }
});
