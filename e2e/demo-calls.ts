// The demo workspace's synced Gong calls, which the rep journey and search specs read: connected once
// through the wizard (the simulated Gong, "All time") by whichever spec needs them first.
import type pg from "pg";
import { expect, type Page } from "@playwright/test";
import { signIn } from "./support";
import { authorizeInNewTab } from "./integrations-support";

/** Connects Gong with "All time" through the wizard unless Gong calls are already synced. */
export async function ensureGongSynced(page: Page, db: pg.Client) {
  // The demo workspace's own Gong calls: other specs' workspaces may hold Gong calls of their own.
  const counted = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM "Call" c WHERE c.provider = 'GONG' AND c."transcriptStatus" = 'AVAILABLE'
       AND c."workspaceId" = (SELECT m."workspaceId" FROM "Membership" m JOIN "User" u ON u.id = m."userId" WHERE u.email = 'admin@acme.test' LIMIT 1)`,
  );
  if ((counted.rows[0]?.n ?? 0) > 0) return;
  await signIn(page, "admin@acme.test");
  await page.goto("/settings/integrations/gong/setup");
  if (
    await page
      .getByRole("button", { name: "Reconnect" })
      .isVisible()
      .catch(() => false)
  )
    await page.getByRole("button", { name: "Reconnect" }).click();
  await authorizeInNewTab(page, page.context(), () => page.getByRole("button", { name: "Connect with Gong" }).click(), "Allow");
  await expect(page.getByRole("heading", { name: "Choose your backfill period" })).toBeVisible();
  await page.getByRole("radio", { name: /All time/ }).check();
  await page.getByRole("button", { name: "Save & Continue" }).click();
  await expect(page.getByRole("heading", { name: "Gong is connected" })).toBeVisible({ timeout: 150_000 });
  await page.context().clearCookies();
}
