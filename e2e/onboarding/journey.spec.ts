// Issue 13's "Done when", in one journey on the EMPTY stack (a production build on a fresh database, no demo
// data, simulators on): a new company creates its workspace, connects Gong, invites its team, a rep joins in a
// second browser and gets their history with "Needs sync" → Backfill, the admin changes a role and deactivates
// the rep, whose open session ends on its next request; every refusal on the way says why and writes nothing.
//
// The Gong simulator's people are the demo company's (admin@acme.test, rep1@acme.test = Riley Park, ...); no
// other onboarding spec uses these emails, so this journey owns them on the empty stack.
import { expect, test, type Page } from "@playwright/test";
import { authorizeInNewTab, userRow } from "../integrations-support";
import { STRONG_PASSWORD, latestEmail, signUp, withDb } from "./support";

test.describe.configure({ mode: "serial" });

const ADMIN = { email: "admin@acme.test", name: "Alex Admin" };
const RILEY = { email: "rep1@acme.test", name: "Riley Park" };
const JORDAN = { email: "rep2@acme.test", name: "Jordan Mills" };
const WORKSPACE = "Acme Journey";

const count = (sql: string, params: unknown[] = []) => withDb(async (db) => Number((await db.query<{ n: string }>(sql, params)).rows[0]!.n));
const workspaceId = () => withDb(async (db) => (await db.query<{ id: string }>(`SELECT id FROM "Workspace" WHERE name = $1`, [WORKSPACE])).rows[0]!.id);

const memberRow = (page: Page, email: string) => page.getByRole("table", { name: "Members" }).getByRole("row").filter({ hasText: email });

async function confirm(page: Page, action: "Deactivate" | "Remove" | "Revoke") {
  const dialog = page.getByRole("dialog");
  await expect(dialog).toBeVisible();
  await dialog.getByRole("button", { name: action, exact: true }).click();
  await expect(dialog).toBeHidden();
}

test("a new company: workspace, Gong, invitations, a rep joins and gets their history, role change, deactivation", async ({ page, browser }) => {
  test.setTimeout(300_000);

  // 1. Create the workspace (a weak password first: its message, and nothing stored).
  await page.goto("/signup");
  await page.getByLabel("Workspace name").fill(WORKSPACE);
  await page.getByLabel("Your name").fill(ADMIN.name);
  await page.getByLabel("Work email").fill(ADMIN.email);
  await page.getByLabel("Password").fill("password1234");
  await page.getByRole("button", { name: "Create workspace" }).click();
  await expect(page.getByText("This password is too common. Choose one that is harder to guess.")).toBeVisible();
  expect(await count(`SELECT count(*) AS n FROM "User" WHERE email = $1`, [ADMIN.email])).toBe(0);
  await signUp(page, { workspace: WORKSPACE, name: ADMIN.name, email: ADMIN.email });
  const wsId = await workspaceId();
  expect(
    await count(`SELECT count(*) AS n FROM "Membership" m JOIN "User" u ON u.id = m."userId" WHERE u.email = $1 AND m.role = 'ADMIN'`, [ADMIN.email]),
  ).toBe(1);

  // 2. Connect Gong: only the admin is a Callsync user yet; the reps are listed apart with an Invite link.
  await page.goto("/settings/integrations");
  await page.getByRole("article", { name: "Gong" }).getByRole("link", { name: "Connect Gong" }).click();
  await authorizeInNewTab(page, page.context(), () => page.getByRole("button", { name: "Connect with Gong" }).click(), "Allow");
  await expect(page.getByRole("heading", { name: "Choose your backfill period" })).toBeVisible();
  await page.getByRole("radio", { name: /Last 30 days/ }).check();
  await page.getByRole("button", { name: "Save & Continue" }).click();
  await expect(page.getByRole("heading", { name: "Gong is connected" })).toBeVisible({ timeout: 120_000 });
  const unmatched = page.getByRole("list", { name: "Users without a Callsync user" });
  await expect(unmatched.getByRole("link", { name: `Invite ${RILEY.email}` })).toHaveAttribute(
    "href",
    `/settings/members?invite=${encodeURIComponent(RILEY.email)}`,
  );

  // 3. Invite two people at once; a duplicate invitation is refused with its message and stores nothing new.
  await page.goto("/settings/members");
  await expect(page.getByRole("heading", { name: "Members" })).toBeVisible();
  await page.getByLabel("Email addresses").fill(`${RILEY.email}, ${JORDAN.email}`);
  await page.getByLabel("Role", { exact: true }).selectOption({ label: "Member" });
  await page.getByRole("button", { name: "Send invitations" }).click();
  await expect(memberRow(page, RILEY.email)).toContainText("Invited");
  await expect(memberRow(page, JORDAN.email)).toContainText("Invited");
  expect(await count(`SELECT count(*) AS n FROM "Invitation" WHERE "workspaceId" = $1`, [wsId])).toBe(2);
  await page.getByLabel("Email addresses").fill(JORDAN.email);
  await page.getByRole("button", { name: "Send invitations" }).click();
  await expect(page.getByText(new RegExp(`${JORDAN.email.replace(".", "\\.")}.*already (has a pending invitation|invited)`, "i"))).toBeVisible();
  expect(await count(`SELECT count(*) AS n FROM "Invitation" WHERE "workspaceId" = $1`, [wsId])).toBe(2);

  // 4. The last-admin rule: the only admin cannot make themselves a member.
  await page.getByRole("combobox", { name: `Role for ${ADMIN.email}` }).selectOption({ label: "Member" });
  await expect(page.getByText("A workspace needs at least one admin. Make someone else an admin first.")).toBeVisible();
  expect(
    await count(`SELECT count(*) AS n FROM "Membership" m JOIN "User" u ON u.id = m."userId" WHERE u.email = $1 AND m.role = 'ADMIN'`, [ADMIN.email]),
  ).toBe(1);

  // 5. A link for someone else: the admin, signed in, opens Jordan's invitation.
  const jordanMail = await latestEmail(JORDAN.email);
  await page.goto(jordanMail.link!);
  await expect(page.getByRole("heading", { name: "This invitation is for another email" })).toBeVisible();

  // 6. Riley accepts in a second browser (weak password first: its message, nothing stored).
  const rileyMail = await latestEmail(RILEY.email);
  expect(rileyMail.text).toContain(WORKSPACE);
  const riley = await browser.newContext();
  const rileyPage = await riley.newPage();
  await rileyPage.goto(rileyMail.link!);
  await expect(rileyPage.getByRole("heading", { name: `Join ${WORKSPACE}` })).toBeVisible();
  await rileyPage.getByLabel("Your name").fill(RILEY.name);
  await rileyPage.getByLabel("Password").fill("short");
  await rileyPage.getByRole("button", { name: "Join workspace" }).click();
  await expect(rileyPage.getByText("Use at least 12 characters.")).toBeVisible();
  expect(await count(`SELECT count(*) AS n FROM "User" WHERE email = $1`, [RILEY.email])).toBe(0);
  await rileyPage.getByLabel("Password").fill(STRONG_PASSWORD);
  await rileyPage.getByRole("button", { name: "Join workspace" }).click();
  await expect(rileyPage).toHaveURL(/\/deals/);

  // The link is single use.
  const again = await browser.newContext();
  const againPage = await again.newPage();
  await againPage.goto(rileyMail.link!);
  await expect(againPage.getByRole("heading", { name: "This invitation was already used" })).toBeVisible();
  await again.close();

  // 7. Jordan's link expires (a week later, as far as the database knows).
  await withDb((db) => db.query(`UPDATE "Invitation" SET "expiresAt" = now() - interval '1 minute' WHERE email = $1`, [JORDAN.email]));
  const late = await browser.newContext();
  const latePage = await late.newPage();
  await latePage.goto(jordanMail.link!);
  await expect(latePage.getByRole("heading", { name: "This invitation has expired" })).toBeVisible();
  await late.close();
  expect(await count(`SELECT count(*) AS n FROM "User" WHERE email = $1`, [JORDAN.email])).toBe(0);

  // 8. The admin sees Riley Active, matched to Gong, and Needs sync on Gong; Backfill brings their calls.
  await page.goto("/settings/members");
  await expect(memberRow(page, RILEY.email)).toContainText("Active");
  await expect(memberRow(page, RILEY.email)).toContainText(`Gong: ${RILEY.name}`);
  await page.goto("/settings/integrations/gong");
  const row = userRow(page, RILEY.name);
  await expect(row).toContainText("Needs sync");
  expect(await count(`SELECT count(*) AS n FROM "CallParticipant" p JOIN "User" u ON u.id = p."userId" WHERE u.email = $1`, [RILEY.email])).toBe(0);
  await row.getByRole("button", { name: `Backfill ${RILEY.name}` }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog.getByLabel("Backfill period")).toHaveValue(/30/);
  await dialog.getByRole("button", { name: "Start backfill" }).click();
  await expect(row.getByText(/^Completed \(\d+ calls?\)$/)).toBeVisible({ timeout: 120_000 });
  const synced = Number(((await row.getByText(/^Completed \(\d+ calls?\)$/).innerText()).match(/\d+/) ?? ["0"])[0]);
  expect(synced).toBeGreaterThan(0);
  expect(
    await count(`SELECT count(DISTINCT p."callId") AS n FROM "CallParticipant" p JOIN "User" u ON u.id = p."userId" WHERE u.email = $1`, [RILEY.email]),
  ).toBeGreaterThan(0);

  // 9. Riley is made an admin, then deactivated: their open session is refused on its next request.
  await page.goto("/settings/members");
  await page.getByRole("combobox", { name: `Role for ${RILEY.email}` }).selectOption({ label: "Admin" });
  await expect(page.getByRole("combobox", { name: `Role for ${RILEY.email}` })).toHaveValue("ADMIN");
  await page.getByRole("button", { name: `Deactivate ${RILEY.email}` }).click();
  await confirm(page, "Deactivate");
  await expect(memberRow(page, RILEY.email)).toContainText("Deactivated");
  await rileyPage.goto("/deals");
  await expect(rileyPage).toHaveURL(/\/signin/);
  expect((await rileyPage.request.get("/api/integrations/gong")).status()).toBe(401);
  // Their synced calls stay.
  expect(await count(`SELECT count(*) AS n FROM "CallParticipant" p JOIN "User" u ON u.id = p."userId" WHERE u.email = $1`, [RILEY.email])).toBeGreaterThan(0);
  await riley.close();

  // 10. The activity log has the story, newest first.
  const actions = await withDb(async (db) =>
    (await db.query<{ action: string }>(`SELECT action FROM "AuditEvent" WHERE "workspaceId" = $1 ORDER BY "createdAt"`, [wsId])).rows.map((r) => r.action),
  );
  expect(actions).toEqual([
    "workspace.created",
    "integration.connected",
    "integration.backfill_started",
    "invitation.sent",
    "invitation.sent",
    "invitation.accepted",
    "user.backfill_started",
    "member.role_changed",
    "member.deactivated",
  ]);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Activity" }).click();
  await expect(page.getByRole("heading", { name: "Activity" })).toBeVisible();
  const rows = page.getByRole("table", { name: "Activity" }).getByRole("row");
  await expect(rows.nth(1)).toContainText(`Deactivated ${RILEY.name}`);
  await expect(rows.nth(1)).toContainText(ADMIN.name);
  await expect(rows.last()).toContainText(`${ADMIN.name} created the workspace ${WORKSPACE}`);
  await expect(page.getByRole("table", { name: "Activity" })).toContainText(`Started a 30-day backfill for ${RILEY.name} on Gong`);
});
