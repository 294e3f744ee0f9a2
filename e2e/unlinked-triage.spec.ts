// Issue 17 item 5: Unlinked calls a person can work through. A workspace of its own (written to the database
// like e2e/abuse-support.ts does), so the demo workspace's Unlinked calls, which other specs read, stay as they are:
// customer calls apart from internal meetings, suggested deals with the reason and a one-click Link, bulk link
// and dismiss (confirmed), the Dismissed view with restore, and a member's private-call limits.
import { randomUUID } from "node:crypto";
import bcrypt from "bcryptjs";
import pg from "pg";
import { expect, test, type Page } from "@playwright/test";
import { signIn } from "./support";
import { expectAccessible, stackInfo } from "./integrations-support";

test.describe.configure({ mode: "serial" });

const PASSWORD = "triage-suite-password";
const mark = randomUUID().slice(0, 8);
const own = `triage-${mark}.test`;
const globex = `globex-${mark}.example`;
const initech = `initech-${mark}.example`;
const umbrella = `umbrella-${mark}.example`;

let db: pg.Client;
let workspaceId: string;
const users = {} as Record<"admin" | "rep", { id: string; email: string; name: string }>;
const deals = {} as Record<"globex" | "initech" | "umbrella", { id: string; name: string }>;
const calls = {} as Record<string, string>;

async function insertCall(
  title: string,
  daysAgo: number,
  people: Array<{ email: string; name: string; userId?: string; internal: boolean }>,
  isPrivate = false,
) {
  const id = randomUUID();
  await db.query(
    `INSERT INTO "Call"(id, "workspaceId", provider, "providerCallId", title, "startedAt", "durationSec", "isPrivate", summary, "transcriptStatus", "updatedAt")
     VALUES ($1, $2, 'GONG', $3, $4, $5, 1500, $6, $7, 'AVAILABLE', now())`,
    [id, workspaceId, `triage-${id}`, title, new Date(Date.now() - daysAgo * 86_400_000), isPrivate, `Summary of ${title}`],
  );
  for (const [position, p] of people.entries()) {
    await db.query(
      `INSERT INTO "CallParticipant"(id, "callId", name, email, affiliation, "userId", position, "isAttendee") VALUES ($1, $2, $3, $4, $5, $6, $7, true)`,
      [randomUUID(), id, p.name, p.email, p.internal ? "INTERNAL" : "EXTERNAL", p.userId ?? null, position],
    );
  }
  calls[title] = id;
  return id;
}

test.beforeAll(async () => {
  db = new pg.Client({ connectionString: stackInfo().databaseUrl });
  await db.connect();
  workspaceId = randomUUID();
  await db.query(`INSERT INTO "Workspace"(id, name, slug, "updatedAt") VALUES ($1, $2, $3, now())`, [workspaceId, `Triage ${mark}`, `triage-${mark}`]);
  const hash = await bcrypt.hash(PASSWORD, 4);
  for (const [key, role, name] of [
    ["admin", "ADMIN", "Ada Admin"],
    ["rep", "MEMBER", "Ann Rep"],
  ] as const) {
    const u = { id: randomUUID(), email: `${key}@${own}`, name };
    await db.query(`INSERT INTO "User"(id, name, email, "passwordHash", "emailVerified", "updatedAt") VALUES ($1, $2, $3, $4, now(), now())`, [
      u.id,
      u.name,
      u.email,
      hash,
    ]);
    await db.query(`INSERT INTO "Membership"(id, "userId", "workspaceId", role) VALUES ($1, $2, $3, $4)`, [randomUUID(), u.id, workspaceId, role]);
    users[key] = u;
  }
  for (const [key, name, account] of [
    ["globex", "Globex expansion", "Globex"],
    ["initech", "Initech renewal", "Initech"],
    ["umbrella", "Umbrella pilot", "Umbrella"],
  ] as const) {
    const id = randomUUID();
    await db.query(
      `INSERT INTO "Deal"(id, "workspaceId", name, stage, "accountName", "crmSource", "crmAccountId", "updatedAt") VALUES ($1, $2, $3, 'Discovery', $4, 'SALESFORCE', $5, now())`,
      [id, workspaceId, name, account, `001${key}${mark}`],
    );
    deals[key] = { id, name };
  }
  await db.query(
    `INSERT INTO "CrmAccount"(id, "workspaceId", "crmSource", "crmId", name, domain, "updatedAt") VALUES ($1, $2, 'SALESFORCE', $3, 'Globex', $4, now())`,
    [randomUUID(), workspaceId, `001globex${mark}`, globex],
  );
  await db.query(`INSERT INTO "DealContact"(id, "workspaceId", "dealId", name, email, "updatedAt") VALUES ($1, $2, $3, 'Jane Buyer', $4, now())`, [
    randomUUID(),
    workspaceId,
    deals.initech.id,
    `jane@${initech}`,
  ]);
  const ann = { email: users.rep.email, name: users.rep.name, userId: users.rep.id, internal: true };
  const ada = { email: users.admin.email, name: users.admin.name, userId: users.admin.id, internal: true };
  // Ann's earlier call, on Umbrella pilot: her recent deal.
  const kickoff = await insertCall("Umbrella kickoff", 20, [ann, { email: `cto@${umbrella}`, name: "Uma CTO", internal: false }]);
  await db.query(
    `INSERT INTO "CallDealLink"(id, "workspaceId", "callId", "dealId", source, "linkedById", "callStartedAt", "updatedAt")
     SELECT $1, $2, id, $3, 'MANUAL', $4, "startedAt", now() FROM "Call" WHERE id = $5`,
    [randomUUID(), workspaceId, deals.umbrella.id, users.rep.id, kickoff],
  );
  await insertCall("Globex intro", 1, [ann, { email: `bob@${globex}`, name: "Bob Globex", internal: false }]);
  await insertCall("Initech check-in", 2, [ann, { email: `jane@${initech}`, name: "Jane Buyer", internal: false }]);
  await insertCall("Umbrella follow-up", 3, [ann, { email: `ops@${umbrella}`, name: "Ola Ops", internal: false }]);
  await insertCall("Vendor demo", 4, [ann, { email: `sales@vendor-${mark}.example`, name: "Vic Vendor", internal: false }]);
  await insertCall("Weekly pipeline review", 1, [ada, ann]);
  // A colleague the provider did not classify, on the workspace's own domain: still an internal meeting.
  await insertCall("Team standup", 2, [ann, { email: `cole@${own}`, name: "Cole Colleague", internal: false }]);
  await insertCall("Ada's private board prep", 1, [ada, { email: `board@${globex}`, name: "Bea Board", internal: false }], true);
});

test.afterAll(async () => {
  if (db && workspaceId) {
    await db.query(`DELETE FROM "Workspace" WHERE id = $1`, [workspaceId]);
    await db.query(`DELETE FROM "User" WHERE email LIKE $1`, [`%@${own}`]);
  }
  await db?.end();
});

const row = (page: Page, title: string) => page.getByRole("listitem").filter({ has: page.getByRole("link", { name: title, exact: true }) });

async function screens(page: Page, name: string) {
  for (const width of [1366, 390]) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: `test-results/screens/unlinked-${name}-${width}.png`, fullPage: true });
    await expectAccessible(page, `Unlinked calls, ${name}, ${width} px`);
  }
  await page.setViewportSize({ width: 1366, height: 900 });
}

test("customer calls apart from internal meetings, each with suggested deals and why; one click links", async ({ page }) => {
  await signIn(page, users.rep.email, PASSWORD);
  await page.goto("/calls/unlinked");
  const views = page.getByRole("navigation", { name: "Unlinked calls views" });
  await expect(views.getByRole("link", { name: "Customer calls (4)" })).toHaveAttribute("aria-current", "page");
  await expect(views.getByRole("link", { name: "Internal meetings (2)" })).toBeVisible();
  await expect(views.getByRole("link", { name: "Dismissed (0)" })).toBeVisible();
  const list = page.getByRole("list", { name: "Customer calls, newest first" });
  await expect(list.getByRole("link", { name: "Globex intro", exact: true })).toBeVisible();
  await expect(list.getByRole("link", { name: "Weekly pipeline review" })).toHaveCount(0);
  // Ada's private call is not Ann's to see.
  await expect(page.getByText("Ada's private board prep")).toHaveCount(0);

  const globexSuggestions = page.getByRole("list", { name: "Suggested deals for “Globex intro”" });
  // Best first: the account domain, then Ann's recent deal (she is on every one of these calls).
  await expect(globexSuggestions.getByRole("listitem").first()).toContainText("Globex expansion");
  await expect(globexSuggestions.getByRole("listitem").first()).toContainText(`Account domain ${globex}`);
  await expect(globexSuggestions.getByRole("listitem").nth(1)).toContainText("Umbrella pilotRecent deal of Ann Rep");
  await expect(page.getByRole("list", { name: "Suggested deals for “Initech check-in”" })).toContainText(`Contact jane@${initech} is on this deal`);
  const umbrellaSuggestions = page.getByRole("list", { name: "Suggested deals for “Umbrella follow-up”" });
  await expect(umbrellaSuggestions).toContainText("Umbrella pilot");
  await expect(umbrellaSuggestions).toContainText("Recent deal of Ann Rep");
  await expect(page.getByRole("list", { name: "Suggested deals for “Vendor demo”" }).getByRole("listitem")).toHaveText([
    "Umbrella pilotRecent deal of Ann RepLink",
  ]);
  await expectAccessible(page, "Unlinked calls, customer calls");
  await screens(page, "customer");

  await page.getByRole("button", { name: "Link “Initech check-in” to Initech renewal" }).click();
  await expect(page.getByText("Linked “Initech check-in” to Initech renewal.")).toBeVisible();
  await expect(list.getByRole("link", { name: "Initech check-in" })).toHaveCount(0);
  await expect(views.getByRole("link", { name: "Customer calls (3)" })).toBeVisible();
  const { rows: link } = await db.query(`SELECT "dealId", source, "linkedById" FROM "CallDealLink" WHERE "callId" = $1`, [calls["Initech check-in"]]);
  expect(link).toEqual([{ dealId: deals.initech.id, source: "MANUAL", linkedById: users.rep.id }]);
  const { rows: audit } = await db.query(`SELECT action, summary FROM "AuditEvent" WHERE "workspaceId" = $1 AND "targetId" = $2`, [
    workspaceId,
    calls["Initech check-in"],
  ]);
  expect(audit).toEqual([{ action: "call.linked", summary: "Linked “Initech check-in” to Initech renewal" }]);
  await page.goto(`/deals/${deals.initech.id}`);
  await expect(page.getByRole("link", { name: "Initech check-in" })).toBeVisible();
});

test("select many and link them to one deal", async ({ page }) => {
  await signIn(page, users.rep.email, PASSWORD);
  await page.goto("/calls/unlinked");
  const toolbar = page.getByRole("toolbar", { name: "Selected calls" });
  await expect(toolbar.getByRole("button", { name: "Link selected to…" })).toBeDisabled();
  await page.getByRole("checkbox", { name: "Select “Globex intro”" }).check();
  await page.getByRole("checkbox", { name: "Select “Vendor demo”" }).check();
  await expect(toolbar).toContainText("2 selected");
  await toolbar.getByRole("button", { name: "Link selected to…" }).click();
  const dialog = page.getByRole("dialog", { name: "Link 2 calls to a deal" });
  await dialog.getByLabel("Find a deal").fill("Globex");
  await dialog.getByRole("option", { name: /Globex expansion/ }).click();
  await dialog.getByRole("button", { name: "Link 2 calls to Globex expansion" }).click();
  await expect(page.getByText("Linked 2 calls to Globex expansion.")).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Unlinked calls views" }).getByRole("link", { name: "Customer calls (1)" })).toBeVisible();
  const { rows } = await db.query(`SELECT "callId", "dealId", source FROM "CallDealLink" WHERE "callId" = ANY($1) ORDER BY "callId"`, [
    [calls["Globex intro"], calls["Vendor demo"]],
  ]);
  expect(rows.map((r) => [r.dealId, r.source])).toEqual([
    [deals.globex.id, "MANUAL"],
    [deals.globex.id, "MANUAL"],
  ]);
});

test("internal meetings: dismiss many after confirming; they stay in Dismissed and can be restored", async ({ page }) => {
  await signIn(page, users.rep.email, PASSWORD);
  await page.goto("/calls/unlinked");
  const views = page.getByRole("navigation", { name: "Unlinked calls views" });
  await views.getByRole("link", { name: "Internal meetings (2)" }).click();
  const list = page.getByRole("list", { name: "Internal meetings, newest first" });
  await expect(list.getByRole("link", { name: "Weekly pipeline review" })).toBeVisible();
  await expect(list.getByRole("link", { name: "Team standup" })).toBeVisible();
  await screens(page, "internal");

  await page.getByRole("checkbox", { name: "Select all on this page" }).check();
  await page.getByRole("button", { name: "Dismiss selected" }).click();
  const confirm = page.getByRole("dialog", { name: "Dismiss 2 calls?" });
  await expect(confirm).toContainText("later syncs keep them out");
  // Cancel writes nothing.
  await confirm.getByRole("button", { name: "Cancel" }).click();
  await expect(confirm).toBeHidden();
  expect((await db.query(`SELECT count(*)::int AS n FROM "Call" WHERE "workspaceId" = $1 AND "dismissedAt" IS NOT NULL`, [workspaceId])).rows[0].n).toBe(0);
  await page.getByRole("button", { name: "Dismiss selected" }).click();
  await expectAccessible(page, "Dismiss confirmation");
  await confirm.getByRole("button", { name: "Dismiss 2 calls" }).click();
  await expect(page.getByText("Dismissed 2 calls. They are listed under Dismissed.")).toBeVisible();
  await expect(views.getByRole("link", { name: "Internal meetings (0)" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "No internal meetings to triage" })).toBeVisible();
  const { rows } = await db.query(`SELECT "dismissedById" FROM "Call" WHERE id = ANY($1)`, [[calls["Weekly pipeline review"], calls["Team standup"]]]);
  expect(rows).toEqual([{ dismissedById: users.rep.id }, { dismissedById: users.rep.id }]);

  // Still dismissed on a fresh load, listed under Dismissed with who dismissed them.
  await page.reload();
  await views.getByRole("link", { name: "Dismissed (2)" }).click();
  const dismissed = page.getByRole("list", { name: "Dismissed calls, newest first" });
  await expect(row(page, "Team standup")).toContainText("Dismissed by Ann Rep");
  await expectAccessible(page, "Unlinked calls, dismissed");
  await screens(page, "dismissed");
  await page.getByRole("checkbox", { name: "Select “Team standup”" }).check();
  await page.getByRole("button", { name: "Restore selected" }).click();
  await expect(page.getByText("Restored 1 call to Unlinked calls.")).toBeVisible();
  await expect(dismissed.getByRole("link", { name: "Team standup" })).toHaveCount(0);
  await expect(views.getByRole("link", { name: "Internal meetings (1)" })).toBeVisible();
  await expect(views.getByRole("link", { name: "Dismissed (1)" })).toBeVisible();
});

test("a member cannot act on a private call they cannot see; nothing is written", async ({ page }) => {
  await signIn(page, users.rep.email, PASSWORD);
  await page.goto("/calls/unlinked");
  const post = (body: unknown) =>
    page.evaluate(async (b) => {
      const r = await fetch("/api/calls/triage", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(b) });
      return { status: r.status, body: (await r.json()) as unknown };
    }, body);
  const privateId = calls["Ada's private board prep"]!;
  const before = (await db.query(`SELECT count(*)::int AS n FROM "AuditEvent" WHERE "workspaceId" = $1`, [workspaceId])).rows[0].n;
  expect((await post({ action: "dismiss", callIds: [calls["Umbrella follow-up"], privateId] })).status).toBe(404);
  expect((await post({ action: "link", callIds: [privateId], dealId: deals.globex.id })).status).toBe(404);
  expect((await post({ action: "dismiss", callIds: [] })).status).toBe(400);
  expect((await post({ action: "purge", callIds: [calls["Umbrella follow-up"]] })).status).toBe(400);
  const { rows } = await db.query(`SELECT id, "dismissedAt" FROM "Call" WHERE id = ANY($1) ORDER BY id`, [[calls["Umbrella follow-up"], privateId]]);
  expect(rows.every((r) => r.dismissedAt === null)).toBe(true);
  expect((await db.query(`SELECT count(*)::int AS n FROM "CallDealLink" WHERE "callId" = $1`, [privateId])).rows[0].n).toBe(0);
  expect((await db.query(`SELECT count(*)::int AS n FROM "AuditEvent" WHERE "workspaceId" = $1`, [workspaceId])).rows[0].n).toBe(before);

  // The admin sees it, with its suggestion (the account domain of its external participant).
  await page.context().clearCookies();
  await signIn(page, users.admin.email, PASSWORD);
  await page.goto("/calls/unlinked");
  await expect(page.getByRole("list", { name: "Suggested deals for “Ada's private board prep”" })).toContainText(`Account domain ${globex}`);
});
