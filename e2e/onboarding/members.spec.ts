// Settings → Members and invitations, end to end on the EMPTY stack: a new workspace invites two people at once,
// one accepts in a second browser, the admin changes a role and deactivates them (their open session ends on its
// next request); expired, reused, revoked, unknown and wrong-email links, the last-admin rule, duplicate
// invitations and weak passwords each say what happened, and nothing is written for a refused action.
import { expect, test, type Page } from "@playwright/test";
import { STRONG_PASSWORD, latestEmail, pageAlert, pageApi, signUp, tag, withDb } from "./support";

test.describe.configure({ mode: "serial" });

const count = (sql: string, params: unknown[] = []) => withDb(async (db) => Number((await db.query<{ n: string }>(sql, params)).rows[0]!.n));
const memberRow = (page: Page, email: string) => page.getByRole("table", { name: "Members" }).getByRole("row").filter({ hasText: email });

async function confirmDialog(page: Page, action: "Deactivate" | "Remove" | "Revoke") {
  const dialog = page.getByRole("dialog");
  await expect(dialog).toBeVisible();
  await dialog.getByRole("button", { name: action, exact: true }).click();
  await expect(dialog).toBeHidden();
}

test("invite two people, one joins, role change, deactivation ends their session; every refusal says why", async ({ page, browser }) => {
  test.setTimeout(180_000);
  const id = tag();
  const workspace = `Contoso ${id}`;
  const admin = { email: `admin-${id}@contoso.test`, name: "Ada Admin" };
  const riley = { email: `riley-${id}@contoso.test`, name: "Riley Rep" };
  const jordan = { email: `jordan-${id}@contoso.test`, name: "Jordan Rep" };
  await signUp(page, { workspace, name: admin.name, email: admin.email });
  const wsId = await withDb(async (db) => (await db.query<{ id: string }>(`SELECT id FROM "Workspace" WHERE name = $1`, [workspace])).rows[0]!.id);
  const invitations = () => count(`SELECT count(*) AS n FROM "Invitation" WHERE "workspaceId" = $1`, [wsId]);

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Members" }).click();
  await expect(page.getByRole("heading", { name: "Members" })).toBeVisible();
  await expect(page.getByRole("combobox", { name: `Role for ${admin.email}` })).toHaveValue("ADMIN");
  await expect(memberRow(page, admin.email)).toContainText("Active");

  // An invalid address refuses the whole request: its message, and nothing stored or sent.
  await page.getByLabel("Email addresses").fill(`${riley.email}, not-an-email`);
  await page.getByRole("button", { name: "Send invitations" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Not a valid email address" })).toContainText("Not a valid email address: not-an-email");
  expect(await invitations()).toBe(0);
  expect(await count(`SELECT count(*) AS n FROM "OutboxEmail" WHERE "to" = $1`, [riley.email])).toBe(0);

  // Two at once, comma and newline separated.
  await page.getByLabel("Email addresses").fill(`${riley.email},\n${jordan.email}`);
  await page.getByLabel("Role", { exact: true }).selectOption({ label: "Member" });
  await page.getByRole("button", { name: "Send invitations" }).click();
  await expect(page.getByRole("list", { name: "Invitation results" })).toContainText(`Invitation sent to ${riley.email}.`);
  await expect(memberRow(page, riley.email)).toContainText("Invited");
  await expect(memberRow(page, jordan.email)).toContainText("Invited");
  expect(await invitations()).toBe(2);

  // A duplicate invitation is reported, not sent again.
  await page.getByLabel("Email addresses").fill(jordan.email);
  await page.getByRole("button", { name: "Send invitations" }).click();
  await expect(page.getByRole("list", { name: "Invitation results" })).toContainText(`${jordan.email} already has a pending invitation. Resend it instead.`);
  expect(await invitations()).toBe(2);

  // The last admin cannot become a member.
  await page.getByRole("combobox", { name: `Role for ${admin.email}` }).selectOption({ label: "Member" });
  await expect(pageAlert(page)).toHaveText("A workspace needs at least one admin. Make someone else an admin first.");
  expect(await count(`SELECT count(*) AS n FROM "Membership" WHERE "workspaceId" = $1 AND role = 'ADMIN'`, [wsId])).toBe(1);
  await page.reload();
  await expect(page.getByRole("combobox", { name: `Role for ${admin.email}` })).toHaveValue("ADMIN");

  // The admin, signed in, opens Jordan's link: it is for another email.
  const jordanMail = await latestEmail(jordan.email);
  expect(jordanMail.subject).toBe(`${admin.name} invited you to ${workspace} on Callsync`);
  await page.goto(jordanMail.link!);
  await expect(page.getByRole("heading", { name: "This invitation is for another email" })).toBeVisible();

  // Riley accepts in a second browser; a weak password first (its message, no account created).
  const rileyMail = await latestEmail(riley.email);
  const rileyContext = await browser.newContext();
  const rileyPage = await rileyContext.newPage();
  await rileyPage.goto(rileyMail.link!);
  await expect(rileyPage.getByRole("heading", { name: `Join ${workspace}` })).toBeVisible();
  await rileyPage.getByLabel("Your name").fill(riley.name);
  await rileyPage.getByLabel("Password").fill("short");
  await rileyPage.getByRole("button", { name: "Join workspace" }).click();
  await expect(rileyPage.getByText("Use at least 12 characters.")).toBeVisible();
  expect(await count(`SELECT count(*) AS n FROM "User" WHERE email = $1`, [riley.email])).toBe(0);
  await rileyPage.getByLabel("Password").fill(STRONG_PASSWORD);
  await rileyPage.getByRole("button", { name: "Join workspace" }).click();
  await expect(rileyPage).toHaveURL(/\/deals/);
  await expect(rileyPage.getByLabel("Workspace")).toHaveText(workspace);

  // The link works once.
  const other = await browser.newContext();
  const otherPage = await other.newPage();
  await otherPage.goto(rileyMail.link!);
  await expect(otherPage.getByRole("heading", { name: "This invitation was already used" })).toBeVisible();
  // An unknown token, and Jordan's link a week later.
  await otherPage.goto(`/invite/${"x".repeat(43)}`);
  await expect(otherPage.getByRole("heading", { name: "This invitation link is not valid" })).toBeVisible();
  await withDb((db) => db.query(`UPDATE "Invitation" SET "expiresAt" = now() - interval '1 minute' WHERE email = $1`, [jordan.email]));
  await otherPage.goto(jordanMail.link!);
  await expect(otherPage.getByRole("heading", { name: "This invitation has expired" })).toBeVisible();
  await expect(otherPage.getByText("Ask an admin of the workspace to send you a new one.")).toBeVisible();

  // The admin sees Riley Active; Jordan's invitation expired. Revoking it turns the link into "revoked".
  await page.goto("/settings/members");
  await expect(memberRow(page, riley.email)).toContainText("Active");
  await expect(memberRow(page, jordan.email)).toContainText("Invitation expired");
  await expect(page.getByRole("button", { name: `Copy link for ${jordan.email}` })).toHaveCount(0);
  await page.getByRole("button", { name: `Revoke ${jordan.email}` }).click();
  await confirmDialog(page, "Revoke");
  await expect(memberRow(page, jordan.email)).toHaveCount(0);
  await otherPage.goto(jordanMail.link!);
  await expect(otherPage.getByRole("heading", { name: "This invitation was revoked" })).toBeVisible();
  await other.close();

  // Riley (a member) sees the table but no invite form, and the API refuses them with nothing written.
  await rileyPage.goto("/settings/members");
  await expect(rileyPage.getByRole("heading", { name: "Members" })).toBeVisible();
  await expect(rileyPage.getByLabel("Email addresses")).toHaveCount(0);
  const refused = await pageApi(rileyPage).post("/api/members/invitations", { data: { emails: `x-${id}@contoso.test`, role: "ADMIN" } });
  expect(refused.status()).toBe(403);
  expect(await invitations()).toBe(2);

  // Role change, then deactivation: Riley's open session is refused on its next request.
  await page.getByRole("combobox", { name: `Role for ${riley.email}` }).selectOption({ label: "Admin" });
  await expect(page.getByText(`${riley.name} is now an admin.`)).toBeVisible();
  expect(await count(`SELECT count(*) AS n FROM "Membership" WHERE "workspaceId" = $1 AND role = 'ADMIN'`, [wsId])).toBe(2);
  await page.getByRole("button", { name: `Deactivate ${riley.email}` }).click();
  await confirmDialog(page, "Deactivate");
  await expect(memberRow(page, riley.email)).toContainText("Deactivated");
  await rileyPage.goto("/deals");
  await expect(rileyPage).toHaveURL(/\/signin/);
  expect((await pageApi(rileyPage).post("/api/members/invitations", { data: { emails: `y-${id}@contoso.test`, role: "MEMBER" } })).status()).toBe(401);
  // Signing in again with the right password says why there is no way in, instead of showing the form again.
  await rileyPage.getByLabel("Email").fill(riley.email);
  await rileyPage.getByLabel("Password").fill(STRONG_PASSWORD);
  await rileyPage.getByRole("button", { name: "Sign in" }).click();
  await expect(rileyPage.getByRole("heading", { name: "No active workspace" })).toBeVisible();
  await expect(rileyPage.getByText(`You are signed in as ${riley.email}, but you are not an active member of any workspace`)).toBeVisible();
  await rileyContext.close();

  // Inviting the deactivated member again points the admin to Reactivate, and writes nothing.
  await page.getByLabel("Email addresses").fill(riley.email);
  await page.getByRole("button", { name: "Send invitations" }).click();
  await expect(page.getByRole("list", { name: "Invitation results" })).toHaveText(
    `${riley.email} is a deactivated member of this workspace. Reactivate them in the list below instead.`,
  );
  expect(await invitations()).toBe(2);

  // The activity log has it all.
  const actions = await withDb(async (db) =>
    (await db.query<{ action: string }>(`SELECT action FROM "AuditEvent" WHERE "workspaceId" = $1 ORDER BY "createdAt"`, [wsId])).rows.map((r) => r.action),
  );
  expect(actions).toEqual([
    "workspace.created",
    "invitation.sent",
    "invitation.sent",
    "invitation.accepted",
    "invitation.revoked",
    "member.role_changed",
    "member.deactivated",
  ]);
});

test("cross-site requests and another workspace's ids are refused, with nothing written", async ({ page }) => {
  const id = tag();
  await signUp(page, { workspace: `Fabrikam ${id}`, name: "Fay", email: `fay-${id}@fabrikam.test` });
  const before = await count(`SELECT count(*) AS n FROM "Invitation" WHERE email LIKE $1`, [`%-${id}@evil.test`]);
  for (const headers of [{ Origin: "https://evil.example" }, { "Sec-Fetch-Site": "cross-site" }] as Array<Record<string, string>>) {
    const res = await page.request.post("/api/members/invitations", { data: { emails: `a-${id}@evil.test`, role: "ADMIN" }, headers });
    expect(res.status()).toBe(403);
    expect((await res.json()).error.message).toMatch(/another site/);
  }
  const signup = await page.request.post("/api/signup", { data: { workspaceName: "Evil" }, headers: { Origin: "https://evil.example" } });
  expect(signup.status()).toBe(403);
  expect(await count(`SELECT count(*) AS n FROM "Invitation" WHERE email LIKE $1`, [`%-${id}@evil.test`])).toBe(before);
  // Ids of another workspace (or made up) are not found, never acted on.
  const otherMembership = await withDb(
    async (db) =>
      (
        await db.query<{ id: string }>(`SELECT m.id FROM "Membership" m JOIN "Workspace" w ON w.id = m."workspaceId" WHERE w.name NOT LIKE $1 LIMIT 1`, [
          `Fabrikam ${id}`,
        ])
      ).rows[0]!.id,
  );
  for (const [method, url] of [
    ["PATCH", `/api/members/${otherMembership}`],
    ["POST", `/api/members/${otherMembership}/deactivate`],
    ["DELETE", `/api/members/${otherMembership}`],
    ["POST", `/api/members/invitations/nope/resend`],
    ["GET", `/api/members/invitations/nope/link`],
  ] as const) {
    const res = await pageApi(page).fetch(url, { method, data: method === "PATCH" ? { role: "MEMBER" } : undefined });
    expect(res.status(), `${method} ${url}`).toBe(404);
  }
  expect(await count(`SELECT count(*) AS n FROM "Membership" WHERE id = $1 AND status = 'ACTIVE'`, [otherMembership])).toBe(1);
  // Malformed input: a readable 400.
  const bad = await pageApi(page).post("/api/members/invitations", { data: { emails: 42, role: "OWNER" } });
  expect(bad.status()).toBe(400);
  expect((await bad.json()).error.message).toMatch(/\w{3,}/);
});
