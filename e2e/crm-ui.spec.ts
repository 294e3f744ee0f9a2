// What an admin and a rep see of the CRM (issue 14, items 1 and 4): the CRM section above the call
// recorders with its guidance, the recorder cards' notice while no CRM is connected, the Salesforce login
// choice, one CRM per workspace, the Manage page, Disconnect's confirmation, and Open in HubSpot / no longer
// syncing on a deal. It runs in a workspace of its own (an admin and a rep written with SQL here), not the
// demo workspace "Acme", whose CRM is HubSpot, connected at the demo start (one CRM per workspace). The
// connected states are written into that workspace's database (a HubSpot connection with a first import
// behind it) and removed afterwards, so this spec needs no CRM simulator; the connect round trip through the
// simulators is the CRM journey spec's.
import { randomBytes } from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import bcrypt from "bcryptjs";
import pg from "pg";
import { expectAccessible, stackInfo } from "./integrations-support";
import { signIn } from "./support";

test.describe.configure({ mode: "serial" });

const INTEGRATION_ID = "e2ecrmui-hubspot-0001";
const DEAL_ID = "e2ecrmui-deal-0001";
const DEAL_NAME = "Initrode platform (CRM UI e2e)";
const RUN_ID = "e2ecrmui-run-0001";
const HUB_ID = "4455667";
const PASSWORD = "crm-ui-suite-password";
const TAG = randomBytes(4).toString("hex");
const ADMIN = `crm-ui-admin-${TAG}@crm-ui.test`;
const REP = `crm-ui-rep-${TAG}@crm-ui.test`;

let db: pg.Client;
let workspaceId: string;

const q = (sql: string, params: unknown[] = []) => db.query(sql, params);

async function removeSeed() {
  await q(`DELETE FROM "Deal" WHERE id = $1`, [DEAL_ID]);
  await q(`DELETE FROM "CrmAccount" WHERE "integrationId" = $1`, [INTEGRATION_ID]);
  await q(`DELETE FROM "CrmContact" WHERE "integrationId" = $1`, [INTEGRATION_ID]);
  await q(`DELETE FROM "Integration" WHERE id = $1`, [INTEGRATION_ID]);
}

/** HubSpot connected in the demo workspace: a first import of one deal, one company, two contacts, one skipped record. */
async function seedConnectedHubspot() {
  await removeSeed();
  await q(
    `INSERT INTO "Integration" (id, "workspaceId", provider, status, "wizardStep", "accountId", "accountName", "connectedAt", "lastSyncAt",
       "lastSuccessfulSyncAt", "nextSyncAt", "quotaUsed", "quotaLimit", "quotaReadAt", "createdAt", "updatedAt")
     VALUES ($1, $2, 'HUBSPOT', 'CONNECTED', 'COMPLETE', $3, 'Acme Inc', now() - interval '2 days', now() - interval '5 minutes',
       now() - interval '5 minutes', now() + interval '1 hour', 1234, 250000, now(), now(), now())`,
    [INTEGRATION_ID, workspaceId, HUB_ID],
  );
  await q(
    `INSERT INTO "Deal" (id, "workspaceId", name, stage, "crmSource", "crmDealId", "crmAccountId", "integrationId", "accountName", "updatedAt")
     VALUES ($1, $2, $3, 'Proposal', 'HUBSPOT', '990001', '880001', $4, 'Initrode', now())`,
    [DEAL_ID, workspaceId, DEAL_NAME, INTEGRATION_ID],
  );
  await q(
    `INSERT INTO "CrmAccount" (id, "workspaceId", "integrationId", "crmSource", "crmId", name, domain, "updatedAt")
     VALUES ('e2ecrmui-account-1', $1, $2, 'HUBSPOT', '880001', 'Initrode', 'initrode.test', now())`,
    [workspaceId, INTEGRATION_ID],
  );
  await q(
    `INSERT INTO "CrmContact" (id, "workspaceId", "integrationId", "crmSource", "crmId", name, email, "updatedAt")
     VALUES ('e2ecrmui-contact-1', $1, $2, 'HUBSPOT', '770001', 'Pat Lee', 'pat@initrode.test', now()),
            ('e2ecrmui-contact-2', $1, $2, 'HUBSPOT', '770002', 'Sam Roe', 'sam@initrode.test', now())`,
    [workspaceId, INTEGRATION_ID],
  );
  await q(
    `INSERT INTO "SyncRun" (id, "integrationId", kind, status, "startedAt", "finishedAt", "dealsAdded", "dealsUpdated", "dealsDeleted",
       "accountsSynced", "contactsSynced", "recordsSkipped", "requestsUsed")
     VALUES ($1, $2, 'BACKFILL', 'SUCCEEDED', now() - interval '2 days', now() - interval '2 days' + interval '90 seconds', 17, 3, 2, 1, 2, 1, 41)`,
    [RUN_ID, INTEGRATION_ID],
  );
  await q(
    `INSERT INTO "CrmSkippedRecord" (id, "runId", "integrationId", object, "crmId", field, message)
     VALUES ('e2ecrmui-skip-1', $1, $2, 'deal', '990002', 'amount', 'Not a number: "lots"')`,
    [RUN_ID, INTEGRATION_ID],
  );
}

/** The text of the page's section headings, in document order. */
const sectionHeadings = (page: Page) => page.locator("main h2").allInnerTexts();

test.beforeAll(async () => {
  db = new pg.Client({ connectionString: stackInfo().databaseUrl });
  await db.connect();
  // A workspace of this spec's own with an admin and a rep (the legacy bcrypt hash still signs in).
  workspaceId = `e2ecrmui-ws-${TAG}`;
  await q(`INSERT INTO "Workspace" (id, name, slug, "updatedAt") VALUES ($1, $2, $3, now())`, [workspaceId, `CRM UI ${TAG}`, `crm-ui-${TAG}`]);
  const hash = await bcrypt.hash(PASSWORD, 4);
  for (const [email, role] of [
    [ADMIN, "ADMIN"],
    [REP, "MEMBER"],
  ] as const) {
    const userId = `e2ecrmui-user-${role.toLowerCase()}-${TAG}`;
    await q(`INSERT INTO "User" (id, name, email, "passwordHash", "emailVerified", "updatedAt") VALUES ($1, $2, $3, $4, now(), now())`, [
      userId,
      `CRM UI ${role.toLowerCase()}`,
      email,
      hash,
    ]);
    await q(`INSERT INTO "Membership" (id, "userId", "workspaceId", role) VALUES ($1, $2, $3, $4)`, [`${userId}-m`, userId, workspaceId, role]);
  }
  await removeSeed();
});

test.afterAll(async () => {
  if (db) {
    await removeSeed();
    await db.end();
  }
});

test("admin without a CRM: the CRM section comes first with its guidance, recorders say calls will not auto-link", async ({ page }) => {
  await signIn(page, ADMIN, PASSWORD);
  await page.goto("/settings/integrations");
  const headings = await sectionHeadings(page);
  expect(headings.indexOf("CRM")).toBeGreaterThanOrEqual(0);
  expect(headings.indexOf("CRM")).toBeLessThan(headings.indexOf("Call recording"));

  const guidance = page.getByRole("note", { name: "Connect your CRM first" });
  await expect(guidance).toContainText("Calls are matched to deals by the CRM ids your call recorder carries");
  await expect(guidance).toContainText("contact emails as the fallback");

  for (const [name, text] of [
    ["HubSpot", "Deals, companies, contacts and owners from HubSpot"],
    ["Salesforce", "Opportunities, accounts, contacts and contact roles from Salesforce"],
  ]) {
    const card = page.getByRole("article", { name });
    await expect(card).toContainText(text);
    await expect(card.getByText("Not connected")).toBeVisible();
    await expect(card.getByRole("button", { name: `Connect ${name}` })).toBeEnabled();
  }
  for (const name of ["Gong", "Salesloft", "Clari Copilot"]) {
    await expect(page.getByRole("article", { name })).toContainText("calls will not auto-link to deals");
  }
  await expectAccessible(page, "Integrations with the CRM section");
});

test("admin: Salesforce asks for production, sandbox or a My Domain; a host that is not Salesforce's is refused", async ({ page }) => {
  await signIn(page, ADMIN, PASSWORD);
  await page.goto("/settings/integrations");
  await page.getByRole("button", { name: "Connect Salesforce" }).click();
  const dialog = page.getByRole("dialog", { name: "Connect Salesforce" });
  await expect(dialog.getByRole("radio", { name: /Production/ })).toBeChecked();
  await expect(dialog.getByRole("radio", { name: /Sandbox/ })).toBeVisible();
  await dialog.getByRole("radio", { name: /Custom domain/ }).check();
  await dialog.getByRole("button", { name: "Connect with Salesforce" }).click();
  await expect(dialog.getByRole("alert")).toHaveText(/Enter your My Domain address/);

  await dialog.getByRole("textbox", { name: "My Domain" }).fill("login.evil.example");
  const popup = page.context().waitForEvent("page");
  await dialog.getByRole("button", { name: "Connect with Salesforce" }).click();
  await popup; // opened on the click, closed again when the server refuses the host
  await expect(dialog.getByRole("alert")).toContainText("not a Salesforce My Domain address");
  await expectAccessible(page, "Connect Salesforce dialog");
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toBeHidden();
  // Nothing was written for a refused host.
  expect((await q(`SELECT count(*)::int AS n FROM "Integration" WHERE "workspaceId" = $1 AND provider = 'SALESFORCE'`, [workspaceId])).rows[0].n).toBe(0);

  await page.getByRole("button", { name: "Connect HubSpot" }).click();
  const hubspot = page.getByRole("dialog", { name: "Connect HubSpot" });
  await expect(hubspot).toContainText("never writes to HubSpot");
  await expect(hubspot.getByRole("radio")).toHaveCount(0);
  await hubspot.getByRole("button", { name: "Cancel" }).click();
});

test("admin with HubSpot connected: Salesforce says why it cannot connect; the Manage page shows account, syncs, counts, quota, history, skipped records", async ({
  page,
}) => {
  await seedConnectedHubspot();
  await signIn(page, ADMIN, PASSWORD);
  await page.goto("/settings/integrations");
  await expect(page.getByRole("note", { name: "Connect your CRM first" })).toHaveCount(0);
  const hubspot = page.getByRole("article", { name: "HubSpot" });
  await expect(hubspot.getByText("Connected", { exact: true })).toBeVisible();
  await expect(hubspot).toContainText("HubSpot · Acme Inc");
  const salesforce = page.getByRole("article", { name: "Salesforce" });
  await expect(salesforce).toContainText("HubSpot is this workspace's CRM");
  await expect(salesforce.getByRole("button", { name: "Connect Salesforce" })).toBeDisabled();
  await expect(page.getByRole("article", { name: "Gong" })).not.toContainText("auto-link");

  await hubspot.getByRole("link", { name: "Manage HubSpot" }).click();
  await expect(page).toHaveURL(/\/settings\/integrations\/hubspot$/);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("HubSpot");
  await expect(page.getByTestId("crm-status")).toHaveText("Connected");
  await expect(page.getByTestId("crm-account")).toHaveText("HubSpot · Acme Inc");
  await expect(page.getByTestId("crm-account-id")).toHaveText(HUB_ID);
  await expect(page.getByTestId("crm-last-sync")).toContainText("UTC");
  await expect(page.getByTestId("crm-next-sync")).toContainText("UTC");
  await expect(page.getByTestId("crm-count-deals")).toHaveText("1");
  await expect(page.getByTestId("crm-count-accounts")).toHaveText("1");
  await expect(page.getByTestId("crm-count-contacts")).toHaveText("2");
  await expect(page.getByTestId("crm-quota")).toHaveText("1,234 of 250,000 requests used today (0.5%)");
  await expect(page.getByRole("meter", { name: "API requests used today" })).toHaveAttribute("aria-valuenow", "1234");

  const history = page.getByRole("table", { name: "Sync history, newest first" });
  const run = history.getByRole("row").nth(1);
  await expect(run).toContainText("First import");
  await expect(run.getByRole("cell").nth(3)).toHaveText("17");
  await expect(run.getByRole("cell").nth(4)).toHaveText("3");
  await expect(run.getByRole("cell").nth(5)).toHaveText("2");
  await expect(run.getByRole("cell").nth(6)).toHaveText("1");
  await expect(run).toContainText("Succeeded");

  const skipped = page.getByRole("table", { name: "Skipped records, newest first" }).getByRole("row").nth(1);
  await expect(skipped).toContainText("Deal");
  await expect(skipped).toContainText("990002");
  await expect(skipped).toContainText("amount");
  await expect(page.getByRole("button", { name: "Sync now" })).toBeEnabled();
  await expectAccessible(page, "Manage HubSpot");
});

test("admin: a running sync shows as running; Reconnect required shows the reason and offers Reconnect", async ({ page }) => {
  await seedConnectedHubspot();
  await q(`UPDATE "Integration" SET "syncLockedUntil" = now() + interval '5 minutes' WHERE id = $1`, [INTEGRATION_ID]);
  await q(
    `INSERT INTO "SyncRun" (id, "integrationId", kind, status, "startedAt", "dealsAdded", "dealsUpdated") VALUES ('e2ecrmui-run-2', $1, 'MANUAL', 'RUNNING', now(), 4, 9)`,
    [INTEGRATION_ID],
  );
  await signIn(page, ADMIN, PASSWORD);
  await page.goto("/settings/integrations/hubspot");
  await expect(page.getByRole("button", { name: "Sync now" })).toBeDisabled();
  await expect(page.getByRole("status").filter({ hasText: "A sync is running" })).toContainText("Sync now, started");
  await expect(page.getByRole("status").filter({ hasText: "A sync is running" })).toContainText("4 deals added, 9 updated so far");

  // The run finishes: the page polls and Sync now is offered again.
  await q(`UPDATE "SyncRun" SET status = 'SUCCEEDED', "finishedAt" = now() WHERE id = 'e2ecrmui-run-2'`);
  await q(`UPDATE "Integration" SET "syncLockedUntil" = NULL WHERE id = $1`, [INTEGRATION_ID]);
  await expect(page.getByRole("button", { name: "Sync now" })).toBeEnabled({ timeout: 20_000 });
  await expect(page.getByRole("status").filter({ hasText: "A sync is running" })).toHaveCount(0);

  const reason = "HubSpot refused the refresh token (it was revoked or has expired). Reconnect HubSpot to resume syncing deals.";
  await q(`UPDATE "Integration" SET status = 'RECONNECT_REQUIRED', "statusMessage" = $2 WHERE id = $1`, [INTEGRATION_ID, reason]);
  await page.reload();
  await expect(page.getByTestId("crm-status")).toHaveText("Reconnect required");
  await expect(page.getByRole("alert").filter({ hasText: "Reconnect required" })).toContainText(reason);
  await expect(page.getByRole("button", { name: "Sync now" })).toHaveCount(0);
  await page.getByRole("button", { name: "Reconnect" }).click();
  const dialog = page.getByRole("dialog", { name: "Reconnect HubSpot" });
  await expect(dialog).toContainText(reason);
  await expect(dialog.getByRole("button", { name: "Reconnect with HubSpot" })).toBeVisible();
  await dialog.getByRole("button", { name: "Cancel" }).click();

  await page.goto("/settings/integrations");
  await expect(page.getByRole("article", { name: "HubSpot" })).toContainText(reason);
});

test("rep: the deal opens in HubSpot, the deals list says where deals come from, the CRM Manage page is admins only", async ({ page }) => {
  await seedConnectedHubspot();
  await signIn(page, REP, PASSWORD);
  await expect(page.getByTestId("deals-crm-source")).toContainText("Deals sync from HubSpot every 15 minutes");
  await page.goto(`/deals/${DEAL_ID}`);
  await expect(page.getByRole("heading", { name: DEAL_NAME })).toBeVisible();
  const open = page.getByRole("link", { name: /Open in HubSpot/ });
  await expect(open).toHaveAttribute("href", new RegExp(`/contacts/${HUB_ID}/record/0-3/990001$`));
  await expect(open).toHaveAttribute("target", "_blank");
  await expect(page.getByRole("link", { name: /Open account in HubSpot/ })).toHaveAttribute("href", new RegExp(`/contacts/${HUB_ID}/record/0-2/880001$`));
  await expect(page.getByTestId("deal-not-syncing")).toHaveCount(0);

  for (const url of ["/settings/integrations/hubspot", "/settings/integrations/salesforce"]) {
    const res = await page.goto(url);
    expect(res?.status(), url).toBe(403);
    await expect(page.getByTestId("crm-status")).toHaveCount(0);
  }
  expect((await page.request.get("/api/crm/hubspot")).status()).toBe(403);
});

test("admin: Disconnect asks first, then deals stay and say they are no longer syncing", async ({ page }) => {
  await seedConnectedHubspot();
  await signIn(page, ADMIN, PASSWORD);
  await page.goto("/settings/integrations/hubspot");
  await page.getByRole("button", { name: "Disconnect" }).click();
  const dialog = page.getByRole("dialog", { name: "Disconnect HubSpot?" });
  await expect(dialog).toContainText("Deals, accounts, contacts and call links already in Callsync are kept");
  await expect(dialog).toContainText("no longer syncing");
  await expectAccessible(page, "Manage HubSpot: disconnect dialog");
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toBeHidden();
  expect((await q(`SELECT status FROM "Integration" WHERE id = $1`, [INTEGRATION_ID])).rows[0].status).toBe("CONNECTED");

  await page.getByRole("button", { name: "Disconnect" }).click();
  await dialog.getByRole("button", { name: "Disconnect" }).click();
  await expect(page.getByTestId("crm-status")).toHaveText("Disconnected");
  await expect(page.getByText("Its deals, accounts and contacts are kept, marked as no longer syncing")).toBeVisible();
  await expect(page.getByRole("button", { name: "Reconnect" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Sync now" })).toHaveCount(0);
  const deal = (await q(`SELECT "crmSyncStoppedAt" FROM "Deal" WHERE id = $1`, [DEAL_ID])).rows[0];
  expect(deal.crmSyncStoppedAt).not.toBeNull();

  await page.goto(`/deals/${DEAL_ID}`);
  await expect(page.getByTestId("deal-not-syncing")).toContainText("No longer syncing: HubSpot was disconnected on");
  await expect(page.getByRole("link", { name: /Open in HubSpot/ })).toBeVisible();
  await expectAccessible(page, "Deal no longer syncing");

  // No CRM holds the slot any more: the guidance is back and Salesforce can connect.
  await page.goto("/settings/integrations");
  await expect(page.getByRole("note", { name: "Connect your CRM first" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Connect Salesforce" })).toBeEnabled();
  await expect(page.getByRole("article", { name: "Gong" })).toContainText("calls will not auto-link to deals");
});
