// A person in two workspaces (issue 13, item 4), on the EMPTY stack: accepting a second workspace's invitation
// while signed in joins it; the switcher appears and every page follows the chosen workspace; a workspace they
// are not in can be neither switched to nor forced through the cookie.
import { expect, test } from "@playwright/test";
import { latestEmail, pageApi, signUp, tag, withDb } from "./support";

test("join a second workspace while signed in, switch between them, and nothing leaks across", async ({ page, browser }) => {
  const id = tag();
  const sam = { email: `sam-${id}@litware.test`, workspace: `Litware ${id}` };
  const olga = { email: `olga-${id}@adatum.test`, workspace: `Adatum ${id}` };
  const eve = { email: `eve-${id}@evil.test`, workspace: `Evil ${id}` };
  await signUp(page, { workspace: sam.workspace, name: "Sam", email: sam.email });
  await expect(page.getByLabel("Workspace")).toHaveText(sam.workspace); // one workspace: a name, no switcher

  // Olga invites Sam to Adatum; Eve has a workspace of her own.
  const olgaContext = await browser.newContext();
  const olgaPage = await olgaContext.newPage();
  await signUp(olgaPage, { workspace: olga.workspace, name: "Olga", email: olga.email });
  await olgaPage.goto("/settings/members");
  await olgaPage.getByLabel("Email addresses").fill(sam.email);
  await olgaPage.getByRole("button", { name: "Send invitations" }).click();
  await expect(olgaPage.getByRole("list", { name: "Invitation results" })).toContainText(`Invitation sent to ${sam.email}.`);
  const eveContext = await browser.newContext();
  await signUp(await eveContext.newPage(), { workspace: eve.workspace, name: "Eve", email: eve.email });
  await eveContext.close();

  // Sam, signed in, accepts with one click and lands in Adatum.
  const mail = await latestEmail(sam.email);
  await page.goto(mail.link!);
  await expect(page.getByRole("heading", { name: `Join ${olga.workspace}` })).toBeVisible();
  await expect(page.getByLabel("Password")).toHaveCount(0);
  await page.getByRole("button", { name: "Join workspace" }).click();
  await expect(page).toHaveURL(/\/deals/);
  const switcher = page.getByRole("combobox", { name: "Workspace" });
  await expect(switcher).toHaveValue(await workspaceId(olga.workspace));
  await expect(switcher.getByRole("option")).toHaveText([sam.workspace, olga.workspace]);
  // In Adatum Sam is a member: no Integrations link, and Members shows Adatum's people.
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Integrations" })).toHaveCount(0);
  await page.goto("/settings/members");
  await expect(page.getByRole("table", { name: "Members" })).toContainText(olga.email);

  // Switch back to Litware: admin again, Litware's members only.
  await page.getByRole("combobox", { name: "Workspace" }).selectOption({ label: sam.workspace });
  await expect(page).toHaveURL(/\/deals/);
  await expect(page.getByRole("combobox", { name: "Workspace" })).toHaveValue(await workspaceId(sam.workspace));
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Integrations" })).toBeVisible();
  await page.goto("/settings/members");
  await expect(page.getByRole("table", { name: "Members" })).not.toContainText(olga.email);
  expect(await withDb(async (db) => (await db.query(`SELECT "lastWorkspaceId" FROM "User" WHERE email = $1`, [sam.email])).rows[0].lastWorkspaceId)).toBe(
    await workspaceId(sam.workspace),
  );

  // Eve's workspace: refused by the switch route, and a forged cookie is ignored.
  const evil = await workspaceId(eve.workspace);
  const res = await pageApi(page).post("/api/workspace/current", { data: { workspaceId: evil } });
  expect(res.status()).toBe(404);
  await page.context().addCookies([{ name: "callsync-workspace", value: evil, url: new URL(page.url()).origin }]);
  await page.goto("/settings/members");
  await expect(page.getByRole("table", { name: "Members" })).not.toContainText(eve.email);
  await expect(page.getByRole("combobox", { name: "Workspace" })).toHaveValue(await workspaceId(sam.workspace));
  // Cross-site switching is refused too.
  const cross = await page.request.post("/api/workspace/current", {
    data: { workspaceId: await workspaceId(olga.workspace) },
    headers: { Origin: "https://evil.example" },
  });
  expect(cross.status()).toBe(403);
  await olgaContext.close();
});

async function workspaceId(name: string): Promise<string> {
  return withDb(async (db) => (await db.query<{ id: string }>(`SELECT id FROM "Workspace" WHERE name = $1`, [name])).rows[0]!.id);
}
