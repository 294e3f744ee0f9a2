// Issue 17, item 3: recording links a person can rely on, on the demo workspace's Gong calls (synced for
// real through the wizard, as the rep journey does). Read-only for the demo data: the one link this spec
// makes expire is made so with the simulator's knob (POST /__sim/media/expire, a signed URL whose signing
// key was rotated) and a Gong fault, both cleared in `finally`; the fresh link it fetches replaces the
// call's stored one, as any click would.
//  - clicking Audio opens the provider's media, checked at click time (through our open route);
//  - a link the provider refuses (403) and no fresh one to be had: the call page says "This link expired"
//    with "Get a fresh link", which recovers;
//  - the expiry text counts down while the page is open (Playwright's clock moves time);
//  - "Open at 12:34" on a transcript line opens the recording at that moment (#t=SECONDS).
import pg from "pg";
import { expect, test, type Page } from "@playwright/test";
import { signIn } from "./support";
import { ensureGongSynced } from "./demo-calls";
import { clearFaults, expectAccessible, injectFault, stackInfo } from "./integrations-support";

test.describe.configure({ mode: "serial" });

let db: pg.Client;
let target: { callId: string; title: string };

const ACME = `(SELECT m."workspaceId" FROM "Membership" m JOIN "User" u ON u.id = m."userId" WHERE u.email = 'admin@acme.test' LIMIT 1)`;

async function one<T extends pg.QueryResultRow>(sql: string, values: unknown[] = []): Promise<T> {
  const r = await db.query<T>(sql, values);
  if (!r.rows[0]) throw new Error(`no row for: ${sql}`);
  return r.rows[0];
}

async function sim(path: string, body: unknown) {
  const res = await fetch(`${stackInfo().simulatorUrl}/__sim${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(res.ok, `POST /__sim${path} answered ${res.status}`).toBe(true);
}

test.beforeAll(async ({ browser }) => {
  test.setTimeout(240_000);
  db = new pg.Client({ connectionString: stackInfo().databaseUrl });
  await db.connect();
  const page = await browser.newPage();
  await ensureGongSynced(page, db);
  await page.close();
  // A public Gong call with a transcript and an audio link the provider still serves.
  target = await one(
    `SELECT c.id AS "callId", c.title FROM "Call" c
      WHERE c."workspaceId" = ${ACME} AND c.provider = 'GONG' AND NOT c."isPrivate" AND c."transcriptStatus" = 'AVAILABLE'
        AND c."sentenceCount" > 10 AND c."audioUrl" IS NOT NULL AND c."recordingExpiresAt" > now() + interval '1 hour'
      ORDER BY c."startedAt" DESC LIMIT 1`,
  );
});

test.afterAll(async () => {
  await db?.end();
});

/** Clicks a link that opens a new tab; returns that tab once it has loaded. */
async function opensTab(page: Page, click: () => Promise<void>): Promise<Page> {
  const popup = page.context().waitForEvent("page");
  await click();
  const tab = await popup;
  await tab.waitForLoadState("domcontentloaded");
  return tab;
}

/** The tab shows the provider's media (the simulator's signed URL), and that URL plays. */
async function expectMedia(tab: Page, ext: "mp3" | "mp4") {
  await expect.poll(() => tab.url()).toMatch(new RegExp(`/media/gong/[^/?]+\\.${ext}\\?`));
  const res = await fetch(tab.url().split("#")[0]!);
  expect(res.status, "the media the person was sent to").toBe(200);
}

async function openCall(page: Page) {
  await signIn(page, "rep1@acme.test");
  await page.goto(`/calls/${target.callId}`);
  await expect(page.getByRole("heading", { name: target.title })).toBeVisible();
}

test("clicking Audio opens a working recording; the panel says how long the link lasts; axe is clean", async ({ page }) => {
  await openCall(page);
  const panel = page.getByRole("region", { name: "Recording" });
  await expect(panel.getByTestId("recording-expiry")).toHaveText(
    /^Link expires in \d+ hours?( \d+ minutes?)? \(at \w{3} \d+, \d{4}, \d\d:\d\d [AP]M \S+, hosted by Gong\)\.$/,
  );
  const audio = panel.getByRole("link", { name: "Audio" });
  await expect(audio).toHaveAttribute("href", `/api/calls/${target.callId}/recording/open?media=audio`);
  const tab = await opensTab(page, () => audio.click());
  await expectMedia(tab, "mp3");
  await tab.close();
  await expectAccessible(page, "call page with a recording link");
  for (const width of [1366, 390]) {
    await page.setViewportSize({ width, height: 900 });
    await panel.scrollIntoViewIfNeeded();
    await page.screenshot({ path: test.info().outputPath(`call-recording-${width}.png`), fullPage: width === 390 });
  }
});

test("a link the provider refuses, with no fresh one to be had, says 'This link expired' with 'Get a fresh link', which recovers", async ({ page }) => {
  test.setTimeout(120_000);
  try {
    await openCall(page);
    // Every media URL Gong has signed so far now answers 403, and Gong's API fails: no fresh link either.
    await sim("/media/expire", {});
    await injectFault({ provider: "gong", kind: "server_error", endpoint: "POST /v2/calls/extensive" });
    const panel = page.getByRole("region", { name: "Recording" });
    const tab = await opensTab(page, () => panel.getByRole("link", { name: "Audio" }).click());
    // Not the provider's 403 page: the call page, saying what happened.
    await expect(tab).toHaveURL(new RegExp(`/calls/${target.callId}\\?recording=expired&media=audio$`));
    await expect(tab.getByText("AccessDenied")).toHaveCount(0);
    const tabPanel = tab.getByRole("region", { name: "Recording" });
    await expect(tabPanel.getByRole("status")).toContainText("This link expired.");
    await expect(tabPanel.getByTestId("recording-expiry")).toHaveText(/^Link expired at /);
    await expectAccessible(tab, "call page after an expired link");
    for (const width of [1366, 390]) {
      await tab.setViewportSize({ width, height: 900 });
      // On a phone the panel is below the transcript: the page brings the notice into view by itself.
      await tab.reload();
      await expect(tabPanel.getByRole("status")).toBeInViewport();
      await tab.screenshot({ path: test.info().outputPath(`call-recording-expired-${width}.png`), fullPage: width === 390 });
    }
    // Gong answers again: "Get a fresh link" fetches one, and it plays.
    await clearFaults();
    await tabPanel.getByRole("button", { name: "Get a fresh link" }).click();
    await expect(tab.getByText("Fresh recording link ready.")).toBeVisible();
    await expect(tabPanel.getByRole("status")).toHaveCount(0);
    await expect(tabPanel.getByTestId("recording-expiry")).toHaveText(/^Link expires in (7 hours 59 minutes|8 hours) /);
    const media = await opensTab(tab, () => tabPanel.getByRole("link", { name: "Audio" }).click());
    await expectMedia(media, "mp3");
  } finally {
    await clearFaults().catch(() => undefined);
    await sim("/media/expire", { clear: true }).catch(() => undefined);
  }
});

test("the expiry text counts down while the page is open, then says the link expired and offers a fresh one", async ({ page }) => {
  await page.clock.install({ time: new Date() });
  await openCall(page);
  const { expiresAt } = await one<{ expiresAt: Date }>(`SELECT "recordingExpiresAt" AS "expiresAt" FROM "Call" WHERE id = $1`, [target.callId]);
  const panel = page.getByRole("region", { name: "Recording" });
  await expect(panel.getByTestId("recording-expiry")).toHaveText(/^Link expires in \d+ hours?/);
  await page.clock.fastForward(expiresAt.getTime() - Date.now() - 12.5 * 60_000);
  await expect(panel.getByTestId("recording-expiry")).toHaveText(/^Link expires in 12 minutes /);
  await page.clock.fastForward(13 * 60_000);
  await expect(panel.getByTestId("recording-expiry")).toHaveText(/^Link expired at \w{3} \d+, \d{4}, \d\d:\d\d [AP]M \S+\./);
  await expect(panel.getByRole("button", { name: "Get a fresh link" })).toBeVisible();
  await expect(panel.getByRole("link", { name: "Audio" })).toHaveCount(0);
});

test("'Open at 12:34' on a transcript line opens the recording at that moment", async ({ page }) => {
  await openCall(page);
  const opens = page.getByRole("link", { name: /^Open at \d/ });
  await expect(opens.first()).toBeVisible();
  // A line past the start: its label, its link and where it lands all carry the same second.
  const line = opens.nth(2);
  const label = (await line.innerText()).trim();
  const [, stamp] = /^Open at ((?:\d+:)?\d\d:\d\d)$/.exec(label) ?? [];
  expect(stamp, label).toBeDefined();
  const sec = stamp!.split(":").reduce((acc, part) => acc * 60 + Number(part), 0);
  expect(sec).toBeGreaterThan(0);
  await expect(line).toHaveAttribute("href", new RegExp(`^/api/calls/${target.callId}/recording/open\\?media=(audio|video)&t=${sec}$`));
  const tab = await opensTab(page, () => line.click());
  await expect.poll(() => tab.url()).toMatch(new RegExp(`/media/gong/[^/?]+\\.(mp3|mp4)\\?.*#t=${sec}$`));
  expect((await fetch(tab.url().split("#")[0]!)).status).toBe(200);
  await page.setViewportSize({ width: 390, height: 900 });
  await line.scrollIntoViewIfNeeded();
  await page.screenshot({ path: test.info().outputPath("transcript-open-at-390.png") });
});
