// Issue #7: what sales reps do every day, on calls synced for real (Gong through the wizard, the local
// Inngest runtime and the simulators). Targets are picked from the database so the assertions name
// concrete calls, deals and sentences.
import pg from "pg";
import { expect, test } from "@playwright/test";
import { signIn } from "./support";
import { stackInfo } from "./integrations-support";
import { ensureGongSynced } from "./demo-calls";

test.describe.configure({ mode: "serial" });

let db: pg.Client;

async function one<T extends pg.QueryResultRow>(sql: string, values: unknown[] = []): Promise<T> {
  const r = await db.query<T>(sql, values);
  if (!r.rows[0]) throw new Error(`no row for: ${sql}`);
  return r.rows[0];
}

test.beforeAll(async ({ browser }) => {
  db = new pg.Client({ connectionString: stackInfo().databaseUrl });
  await db.connect();
  const page = await browser.newPage();
  await ensureGongSynced(page, db);
  await page.close();
});

test.afterAll(async () => {
  await db?.end();
});

test("a rep opens a deal, opens a call, finds a word in its transcript, and follows a moment link", async ({ page }) => {
  test.setTimeout(120_000);
  // A public call with a transcript, on a deal.
  const target = await one<{ callId: string; title: string; dealName: string }>(`
    SELECT c.id AS "callId", c.title, d.name AS "dealName" FROM "Call" c
    JOIN "CallDealLink" l ON l."callId" = c.id JOIN "Deal" d ON d.id = l."dealId"
    WHERE c."transcriptStatus" = 'AVAILABLE' AND NOT c."isPrivate" AND c."sentenceCount" > 20
      -- Acme's own (other specs sign up workspaces of their own), and the recording a deal page lists for its meeting
      AND c."workspaceId" = (SELECT m."workspaceId" FROM "Membership" m JOIN "User" u ON u.id = m."userId" WHERE u.email = 'admin@acme.test' LIMIT 1)
      AND (c."meetingId" IS NULL OR NOT EXISTS (SELECT 1 FROM "Call" o WHERE o."meetingId" = c."meetingId" AND o.id < c.id))
    ORDER BY c."startedAt" DESC LIMIT 1`);
  const sentence = await one<{ text: string; startMs: number }>(`SELECT text, "startMs" FROM "TranscriptSentence" WHERE "callId" = $1 AND idx = 10`, [
    target.callId,
  ]);
  const word = sentence.text.split(/\W+/).sort((a, b) => b.length - a.length)[0]!;

  await signIn(page, "rep1@acme.test");
  await page.getByLabel("Search").fill(target.dealName.split(" - ")[0]!);
  await page.getByRole("button", { name: "Apply" }).click();
  await page.getByRole("link", { name: target.dealName }).click();
  await expect(page.getByRole("heading", { name: target.dealName })).toBeVisible();
  // Titles repeat across providers' copies of a meeting, so the call is picked by its link.
  const row = page.locator(`a[href="/calls/${target.callId}"]`);
  await expect(row).toHaveText(target.title);
  await row.click();
  await expect(page).toHaveURL(new RegExp(`/calls/${target.callId}`));
  await expect(page.getByRole("heading", { name: target.title })).toBeVisible();

  // Find in transcript: a hit count, highlighted hits, Enter steps to the next one.
  const find = page.getByRole("searchbox", { name: "Find in transcript" });
  await find.fill(word);
  await expect(page.locator("#transcript-find-status")).toHaveText(/^1 of \d+$/);
  await expect(page.locator("mark[data-current]")).toContainText(new RegExp(word, "i"));
  const total = Number((await page.locator("#transcript-find-status").innerText()).split(" of ")[1]);
  await find.press("Enter");
  await expect(page.locator("#transcript-find-status")).toHaveText(total > 1 ? `2 of ${total}` : `1 of ${total}`);

  // A moment link scrolls to and marks that turn.
  const sec = Math.floor(sentence.startMs / 1000);
  await page.goto(`/calls/${target.callId}#t=${sec}`);
  const moment = page.locator('[aria-current="location"]');
  await expect(moment).toBeVisible();
  await expect(moment).toContainText(sentence.text.slice(0, 30));
});

test("a rep moves a call to another deal, and it is still there after a sync", async ({ page, browser }) => {
  test.setTimeout(120_000);
  const target = await one<{ callId: string; title: string; fromDeal: string }>(`
    SELECT c.id AS "callId", c.title, d.name AS "fromDeal" FROM "Call" c
    JOIN "CallDealLink" l ON l."callId" = c.id JOIN "Deal" d ON d.id = l."dealId"
    WHERE c.provider = 'GONG' AND NOT c."isPrivate" AND l.source = 'CRM_ID'
      AND c."workspaceId" = (SELECT m."workspaceId" FROM "Membership" m JOIN "User" u ON u.id = m."userId" WHERE u.email = 'admin@acme.test' LIMIT 1)
      AND (c."meetingId" IS NULL OR NOT EXISTS (SELECT 1 FROM "Call" o WHERE o."meetingId" = c."meetingId" AND o.id < c.id))
    ORDER BY c."startedAt" DESC LIMIT 1`);
  const to = await one<{ id: string; name: string }>(
    `SELECT d.id, d.name FROM "Deal" d JOIN "Call" c ON c.id = $2 WHERE d."workspaceId" = c."workspaceId" AND d.name <> $1 ORDER BY d.name LIMIT 1`,
    [target.fromDeal, target.callId],
  );

  await signIn(page, "rep2@acme.test");
  await page.goto(`/calls/${target.callId}`);
  await page.getByRole("button", { name: "Move to another deal" }).click();
  const dialog = page.getByRole("dialog", { name: "Move to another deal" });
  await dialog.getByLabel("Find a deal").fill(to.name.split(" - ")[0]!);
  await dialog.getByRole("option", { name: new RegExp(to.name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")) }).click();
  await dialog.getByRole("button", { name: `Move to ${to.name}` }).click();
  await expect(page.getByText(`Moved “${target.title}” to ${to.name}.`)).toBeVisible();

  // The admin syncs now; the manual choice survives it.
  const admin = await browser.newPage();
  await signIn(admin, "admin@acme.test");
  const before = await one<{ n: number }>(`SELECT count(*)::int AS n FROM "SyncRun" WHERE kind = 'MANUAL' AND status = 'SUCCEEDED'`);
  await admin.goto("/settings/integrations/gong");
  await admin.getByRole("button", { name: "Sync now" }).click();
  await expect
    .poll(async () => (await one<{ n: number }>(`SELECT count(*)::int AS n FROM "SyncRun" WHERE kind = 'MANUAL' AND status = 'SUCCEEDED'`)).n, {
      timeout: 90_000,
    })
    .toBe(before.n + 1);
  await admin.close();

  await page.goto(`/deals/${to.id}`);
  await expect(page.locator(`a[href="/calls/${target.callId}"]`)).toHaveText(target.title);
  const link = await one<{ dealId: string; source: string }>(`SELECT "dealId", source FROM "CallDealLink" WHERE "callId" = $1`, [target.callId]);
  expect(link).toEqual({ dealId: to.id, source: "MANUAL" });
});

test("workspace search finds a phrase spoken in a synced call and links to that moment", async ({ page }) => {
  const hit = await one<{ text: string; callId: string }>(`
    SELECT s.text, s."callId" FROM "TranscriptSentence" s JOIN "Call" c ON c.id = s."callId"
    WHERE NOT c."isPrivate" AND s.text ILIKE '%mutual action plan%' LIMIT 1`);
  await signIn(page, "rep3@acme.test");
  await page.goto("/search");
  await page.getByRole("searchbox", { name: "Search transcripts" }).fill('"mutual action plan"');
  await page.getByRole("searchbox", { name: "Search transcripts" }).press("Enter");
  const results = page.getByRole("list", { name: "Search results" });
  await expect(results.getByRole("listitem").first()).toContainText(/mutual action plan/i);
  await results
    .getByRole("link")
    .filter({ hasText: /mutual action plan/i })
    .first()
    .click();
  await expect(page).toHaveURL(/\/calls\/[^#]+#t=\d+/);
  await expect(page.locator('[aria-current="location"]')).toContainText(/mutual action plan/i);
  expect(hit.text.toLowerCase()).toContain("mutual action plan");
});

test("a private call is hidden from a rep who was not on it, and shown to one who was", async ({ page }) => {
  const priv = await one<{ callId: string; title: string; participant: string; outsider: string }>(`
    SELECT c.id AS "callId", c.title,
      (SELECT u.email FROM "CallParticipant" p JOIN "User" u ON u.id = p."userId" JOIN "Membership" m ON m."userId" = u.id
        WHERE p."callId" = c.id AND m.role = 'MEMBER' LIMIT 1) AS participant,
      (SELECT u.email FROM "User" u JOIN "Membership" m ON m."userId" = u.id
        WHERE m.role = 'MEMBER' AND m."workspaceId" = c."workspaceId" AND NOT EXISTS (SELECT 1 FROM "CallParticipant" p WHERE p."callId" = c.id AND p."userId" = u.id)
        ORDER BY u.email LIMIT 1) AS outsider
    FROM "Call" c WHERE c."isPrivate"
      AND c."workspaceId" = (SELECT m."workspaceId" FROM "Membership" m JOIN "User" u ON u.id = m."userId" WHERE u.email = 'admin@acme.test' LIMIT 1)
      AND EXISTS (SELECT 1 FROM "CallParticipant" p JOIN "Membership" m ON m."userId" = p."userId" WHERE p."callId" = c.id AND m.role = 'MEMBER')
    LIMIT 1`);

  await signIn(page, priv.outsider);
  const hidden = await page.goto(`/calls/${priv.callId}`);
  expect(hidden?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  await expect(page.getByText(priv.title)).toHaveCount(0);
  await page.context().clearCookies();

  await signIn(page, priv.participant);
  await page.goto(`/calls/${priv.callId}`);
  await expect(page.getByRole("heading", { name: priv.title })).toBeVisible();
  await expect(page.getByText("Private", { exact: true }).first()).toBeVisible();
});
