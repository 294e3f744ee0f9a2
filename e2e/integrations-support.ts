// Helpers for the integration e2e tests: the stack's simulator control API (the URL comes from
// .data/e2e-stack-<port>.json, written by scripts/lib/stack.ts in --fresh mode), the OAuth consent tab, and
// axe scans.
import fs from "node:fs";
import path from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { expect, type BrowserContext, type Page } from "@playwright/test";

type StackInfo = {
  appUrl: string;
  simulatorUrl: string | null;
  inngestUrl: string | null;
  databaseUrl: string;
  /** The demo workspace's HubSpot first import (scripts/lib/stack.ts); null on a stack without the demo workspace. */
  demoCrm: { status: "importing" | "connected" | "failed"; deals?: number; message?: string | null } | null;
};

export function stackInfo(): StackInfo {
  const file = path.join(process.cwd(), ".data", `e2e-stack-${process.env.E2E_PORT ?? "3100"}.json`);
  return JSON.parse(fs.readFileSync(file, "utf8")) as StackInfo;
}

function simulatorUrl(): string {
  const url = stackInfo().simulatorUrl;
  if (!url) throw new Error("The e2e stack runs without simulators (USE_SIMULATORS=0)");
  return url;
}

export type Fault = { provider: "gong" | "salesloft" | "clari"; kind: string; count?: number; endpoint?: string; providerUserId?: string };

export async function injectFault(fault: Fault) {
  const res = await fetch(`${simulatorUrl()}/__sim/faults`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(fault) });
  expect(res.ok, `POST /__sim/faults answered ${res.status}`).toBe(true);
}

export async function clearFaults() {
  const res = await fetch(`${simulatorUrl()}/__sim/faults`, { method: "DELETE" });
  expect(res.ok).toBe(true);
}

/** Clicks "Connect with X" (or "Try again"), answers the consent page in the new tab, returns once it is answered. */
export async function authorizeInNewTab(page: Page, context: BrowserContext, trigger: () => Promise<void>, decision: "Allow" | "Deny") {
  const popupPromise = context.waitForEvent("page");
  await trigger();
  const popup = await popupPromise;
  await popup.getByRole("button", { name: decision }).click();
  // The callback page says how it went (it may close itself right after).
  await popup
    .getByRole("heading", { name: decision === "Allow" ? /Authorization complete/ : /did not complete/ })
    .waitFor({ timeout: 15_000 })
    .catch(() => undefined);
  if (!popup.isClosed()) await popup.close();
}

/** No serious or critical axe violations on the page as it is now. */
export async function expectAccessible(page: Page, label: string) {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  const bad = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(
    bad.map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help} -> ${v.nodes
          .map((n) => n.target.join(" "))
          .slice(0, 3)
          .join(", ")}`,
    ),
    `axe on ${label}`,
  ).toEqual([]);
}

/** The number in the Calls column of the deals list's first row (sorted by last call, newest first). */
export async function firstDealCallCount(page: Page): Promise<number> {
  await page.goto("/deals");
  const row = page.getByRole("table", { name: "Deals" }).getByRole("row").nth(1);
  const text = await row.getByRole("cell").nth(5).innerText();
  return Number(text.replace(/[^0-9]/g, ""));
}

export const wizardStep = (page: Page) => page.getByRole("navigation", { name: "Setup steps" }).locator('[aria-current="step"]');
export const userRow = (page: Page, name: string) => page.getByRole("list", { name: "User sync status" }).getByRole("listitem", { name });
