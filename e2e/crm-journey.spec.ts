// Issue 14's "Done when" in the browser, each CRM in a workspace of its own (signed up here, never the seeded
// Acme, so the specs do not depend on the demo seed; they run in the demo project next to the other CRM specs,
// on its stack's simulators):
//  - HubSpot: connect through its simulator's consent page (Allow), the first import brings deals onto the
//    deals list, the deal's contacts show on its page; then Gong is connected through its wizard and backfilled:
//    one call carrying the deal's HubSpot id in Gong's CRM context links by CRM id, one call with a deal
//    contact among its parties links by email; a stage change and a deletion made through the simulator's
//    control API show after Sync now.
//  - Salesforce: the same through its login host's consent page; the contacts of the opportunity's contact roles
//    are the ones on the deal page, and Gong's CRM context carries the opportunity's 15-character id, which links
//    to the deal stored under its 18-character id.
// Gong's people: the signed-up admin is a Gong user added for this run (POST /__sim/gong/users, an email of
// this run only), the primary user of the run's Gong-only calls (POST /__sim/gong/calls); the demo Gong users
// have no Callsync user here, so only the run's calls are synced, and no other workspace takes part in them.
import { expect, test, type Page } from "@playwright/test";
import { randomBytes } from "node:crypto";
import { authorizeInNewTab, stackInfo } from "./integrations-support";

test.describe.configure({ mode: "serial" });

const PASSWORD = "Correct-horse-battery-staple-7";

async function sim<T = unknown>(path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${stackInfo().simulatorUrl}/__sim${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { "Content-Type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  expect(res.ok, `${path} answered ${res.status}: ${res.ok ? "" : await res.text()}`).toBe(true);
  return (await res.json()) as T;
}

/** A new workspace whose admin is `email`; lands on the deals list. */
async function signUp(page: Page, workspace: string, email: string) {
  await page.goto("/signup");
  await page.getByLabel("Workspace name").fill(workspace);
  await page.getByLabel("Your name").fill("Crm Admin");
  await page.getByLabel("Work email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create workspace" }).click();
  await expect(page).toHaveURL(/\/deals/);
}

const history = (page: Page) => page.getByRole("table", { name: "Sync history, newest first" }).getByRole("row");

/** Sync now on the CRM's Manage page, until the newest run succeeded. */
async function syncNow(page: Page, slug: "hubspot" | "salesforce") {
  await page.goto(`/settings/integrations/${slug}`);
  await page.getByRole("button", { name: "Sync now" }).click();
  await expect(history(page).nth(1)).toContainText("Succeeded", { timeout: 120_000 });
  await expect(page.getByRole("button", { name: "Sync now" })).toBeEnabled();
}

/** Opens the deal named `name` from the deals list's search. */
async function openDeal(page: Page, name: string) {
  await page.goto(`/deals?q=${encodeURIComponent(name)}`);
  await page.getByRole("table", { name: "Deals" }).getByRole("link", { name, exact: true }).first().click();
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
}

interface GongLinkPlan {
  /** The signed-up admin's email: the Gong user that owns the calls. */
  adminEmail: string;
  run: string;
  crm: "HubSpot" | "Salesforce";
  /** Gong's CRM context object of the call that links by CRM id. */
  dealObject: { objectType: string; objectId: string };
  /** A deal contact's email: a party of the call that links by email. */
  contactEmail: string;
}

/**
 * Adds the run's Gong user and two calls, connects Gong through its wizard with a 30-day backfill, and returns
 * the two calls' titles once the backfill is complete.
 */
async function connectGongWithCalls(page: Page, plan: GongLinkPlan) {
  const byCrmId = `${plan.crm} CRM-id call ${plan.run}`;
  const byEmail = `${plan.crm} contact-email call ${plan.run}`;
  await sim("/gong/users", { email: plan.adminEmail, firstName: "Crm", lastName: "Admin" });
  await sim("/gong/calls", {
    primaryUserEmail: plan.adminEmail,
    title: byCrmId,
    // An external party no deal knows: only the CRM id can link this call.
    parties: [{ email: `buyer-${plan.run}@nobody-${plan.run}.example`, name: "Unknown Buyer", affiliation: "External" }],
    context: [{ system: plan.crm, objects: [{ ...plan.dealObject, fields: [{ name: "Name", value: "from Gong" }], timing: "Now" }] }],
  });
  await sim("/gong/calls", {
    primaryUserEmail: plan.adminEmail,
    title: byEmail,
    parties: [{ email: plan.contactEmail, affiliation: "External" }],
    context: [],
  });

  await page.goto("/settings/integrations");
  await page.getByRole("article", { name: "Gong" }).getByRole("link", { name: "Connect Gong" }).click();
  await authorizeInNewTab(page, page.context(), () => page.getByRole("button", { name: "Connect with Gong" }).click(), "Allow");
  await expect(page.getByRole("heading", { name: "Choose your backfill period" })).toBeVisible();
  await page.getByRole("radio", { name: /Last 30 days/ }).check();
  await page.getByRole("button", { name: "Save & Continue" }).click();
  await expect(page.getByRole("heading", { name: "Gong is connected" })).toBeVisible({ timeout: 150_000 });
  await expect(page.getByTestId("total-calls")).toHaveText(/\b2\b/);
  return { byCrmId, byEmail };
}

/** On the deal's page, both calls are listed; each call's page says how it was linked. */
async function expectLinkedCalls(page: Page, dealName: string, calls: { byCrmId: string; byEmail: string }, crmIdShown: string, contactEmail: string) {
  await openDeal(page, dealName);
  const list = page.getByRole("list", { name: `Calls on ${dealName}, newest first` });
  await expect(list.getByRole("link", { name: calls.byCrmId })).toBeVisible();
  await expect(list.getByRole("link", { name: calls.byEmail })).toBeVisible();
  await expect(page.getByRole("heading", { name: /^Calls/ })).toContainText("(2)");
  const dealUrl = page.url();

  await list.getByRole("link", { name: calls.byCrmId }).click();
  const linked = page.getByRole("complementary", { name: "Call details" });
  await expect(linked.getByRole("link", { name: dealName })).toBeVisible();
  await expect(linked).toContainText(`Linked by CRM id (${crmIdShown})`);
  await page.goto(dealUrl);
  await list.getByRole("link", { name: calls.byEmail }).click();
  await expect(linked.getByRole("link", { name: dealName })).toBeVisible();
  await expect(linked).toContainText(`Linked by contact email (${contactEmail})`);
}

test("HubSpot: connect through its consent page, deals and contacts arrive, Gong links calls by CRM id and by email, a stage change and a deletion show after Sync now", async ({
  page,
}) => {
  test.setTimeout(360_000);
  const t = randomBytes(4).toString("hex");
  const adminEmail = `crm-${t}@journey.test`;
  await signUp(page, `CRM journey ${t}`, adminEmail);

  await page.goto("/settings/integrations");
  await expect(page.getByRole("note", { name: "Connect your CRM first" })).toBeVisible();
  await page.getByRole("button", { name: "Connect HubSpot" }).click();
  const dialog = page.getByRole("dialog", { name: "Connect HubSpot" });
  const popupPromise = page.context().waitForEvent("page");
  await dialog.getByRole("button", { name: "Connect with HubSpot" }).click();
  const popup = await popupPromise;
  await popup.getByRole("button", { name: "Allow" }).click();
  await popup.waitForEvent("close", { timeout: 20_000 }).catch(() => undefined);
  if (!popup.isClosed()) await popup.close();

  await expect(page).toHaveURL(/\/settings\/integrations\/hubspot$/, { timeout: 30_000 });
  await expect(page.getByTestId("crm-status")).toHaveText("Connected", { timeout: 150_000 });
  const portal = await sim<{ hubId: string | number; deals: Array<{ id: string; name: string; archived: boolean }> }>("/hubspot/portal");
  await expect(page.getByTestId("crm-account-id")).toHaveText(String(portal.hubId));
  expect(Number((await page.getByTestId("crm-count-deals").innerText()).replace(/\D/g, ""))).toBeGreaterThan(0);
  await expect(history(page).nth(1)).toContainText("First import");

  // The deals list shows the imported deals; a deal opens in HubSpot and shows its contacts.
  await page.goto("/deals");
  await expect(page.getByTestId("deals-crm-source")).toContainText("Deals sync from HubSpot");
  const rows = page.getByRole("table", { name: "Deals" }).getByRole("row");
  expect(await rows.count()).toBeGreaterThan(1);
  const firstName = (await rows.nth(1).getByRole("link").first().innerText()).trim();
  const changed = portal.deals.find((d) => d.name === firstName && !d.archived);
  expect(changed, `the deal ${firstName} in the simulator`).toBeTruthy();
  const deleted = portal.deals.find((d) => !d.archived && d.id !== changed!.id && d.name !== firstName)!;
  await rows.nth(1).getByRole("link").first().click();
  await expect(page.getByRole("link", { name: /Open in HubSpot/ })).toHaveAttribute("href", new RegExp(`/record/0-3/${changed!.id}$`));
  const contacts = page.getByRole("region", { name: "Contacts" }).getByRole("listitem");
  expect(await contacts.count(), `contacts of ${firstName}`).toBeGreaterThan(0);
  const contactEmail = (await contacts.first().getByRole("link").innerText()).trim();
  expect(contactEmail).toMatch(/@/);

  // Gong: one call carries the deal's HubSpot id, one has the deal's contact among its parties.
  const calls = await connectGongWithCalls(page, {
    adminEmail,
    run: t,
    crm: "HubSpot",
    dealObject: { objectType: "Deal", objectId: changed!.id },
    contactEmail,
  });
  await expectLinkedCalls(page, firstName, calls, changed!.id, contactEmail);

  // A stage change and a deletion in HubSpot show after Sync now.
  await sim(`/hubspot/deals/${changed!.id}/stage`, { stage: "Closed won" });
  await sim(`/hubspot/deals/${deleted.id}/archive`, {});
  await syncNow(page, "hubspot");
  await openDeal(page, firstName);
  await expect(page.getByRole("main").locator("header")).toContainText(/closed won/i);
  await page.goto(`/deals?q=${encodeURIComponent(deleted.name)}`);
  await expect(page.getByRole("link", { name: deleted.name, exact: true })).toHaveCount(0);
});

type SfOpportunity = { id: string; name: string; stage: string; isClosed: boolean; contacts: Array<{ id: string; name: string; email: string | null }> };

test("Salesforce: connect through its consent page, deals and contacts arrive, Gong links a 15-character id and an email, a stage change and a deletion show after Sync now", async ({
  page,
}) => {
  test.setTimeout(360_000);
  const t = randomBytes(4).toString("hex");
  const adminEmail = `crm-sf-${t}@journey.test`;
  await signUp(page, `CRM journey SF ${t}`, adminEmail);

  await page.goto("/settings/integrations");
  await expect(page.getByRole("note", { name: "Connect your CRM first" })).toBeVisible();
  await page.getByRole("button", { name: "Connect Salesforce" }).click();
  const dialog = page.getByRole("dialog", { name: "Connect Salesforce" });
  await expect(dialog.getByRole("radio", { name: /Production/ })).toBeChecked();
  const popupPromise = page.context().waitForEvent("page");
  await dialog.getByRole("button", { name: "Connect with Salesforce" }).click();
  const popup = await popupPromise;
  await popup.getByRole("button", { name: "Allow" }).click();
  await popup.waitForEvent("close", { timeout: 20_000 }).catch(() => undefined);
  if (!popup.isClosed()) await popup.close();

  await expect(page).toHaveURL(/\/settings\/integrations\/salesforce$/, { timeout: 30_000 });
  await expect(page.getByTestId("crm-status")).toHaveText("Connected", { timeout: 150_000 });
  const dataset = await sim<{ orgId: string; instanceUrl: string }>("/salesforce/dataset");
  await expect(page.getByTestId("crm-account-id")).toHaveText(dataset.orgId);
  expect(Number((await page.getByTestId("crm-count-deals").innerText()).replace(/\D/g, ""))).toBeGreaterThan(0);
  await expect(history(page).nth(1)).toContainText("First import");

  // The deals list shows the imported opportunities.
  await page.goto("/deals");
  await expect(page.getByTestId("deals-crm-source")).toContainText("Deals sync from Salesforce");
  const rows = page.getByRole("table", { name: "Deals" }).getByRole("row");
  expect(await rows.count()).toBeGreaterThan(1);
  const listed = new Set((await rows.getByRole("link").allInnerTexts()).map((s) => s.trim()));
  const { opportunities } = await sim<{ opportunities: SfOpportunity[] }>("/salesforce/opportunities");
  const names = (n: string) => opportunities.filter((o) => o.name === n).length;
  // An open opportunity on the first page of the list, with a unique name and contacts that have an email.
  const deal = opportunities.find((o) => !o.isClosed && listed.has(o.name) && names(o.name) === 1 && o.contacts.some((c) => c.email));
  expect(deal, "an open opportunity with contacts on the deals list").toBeTruthy();
  const gone = opportunities.find((o) => o.id !== deal!.id && listed.has(o.name) && names(o.name) === 1)!;
  expect(gone, "a second opportunity on the deals list").toBeTruthy();
  expect(deal!.id).toHaveLength(18);

  // The deal: Open in Salesforce, and the contacts of its contact roles.
  await openDeal(page, deal!.name);
  await expect(page.getByRole("link", { name: /Open in Salesforce/ })).toHaveAttribute(
    "href",
    `${dataset.instanceUrl}/lightning/r/Opportunity/${deal!.id}/view`,
  );
  await expect(page.getByRole("main").locator("dl")).toContainText(`Salesforce · ${deal!.id}`);
  const contactList = page.getByRole("region", { name: "Contacts" }).getByRole("listitem");
  await expect(contactList).toHaveCount(deal!.contacts.length);
  for (const c of deal!.contacts) {
    const item = contactList.filter({ hasText: c.name });
    await expect(item).toHaveCount(1);
    if (c.email) await expect(item.getByRole("link", { name: c.email.toLowerCase() })).toBeVisible();
  }
  const contactEmail = deal!.contacts.find((c) => c.email)!.email!.toLowerCase();

  // Gong: one call carries the opportunity's 15-character id (as copied from the Salesforce UI), one has a contact.
  const id15 = deal!.id.slice(0, 15);
  const calls = await connectGongWithCalls(page, {
    adminEmail,
    run: t,
    crm: "Salesforce",
    dealObject: { objectType: "Opportunity", objectId: id15 },
    contactEmail,
  });
  await expectLinkedCalls(page, deal!.name, calls, id15, contactEmail);

  // A stage change and a deletion in Salesforce show after Sync now.
  const newStage = "Closed Won";
  await sim("/salesforce/opportunities/stage", { id: deal!.id, stage: newStage });
  await sim("/salesforce/records/delete", { id: gone.id });
  await syncNow(page, "salesforce");
  await openDeal(page, deal!.name);
  await expect(page.getByRole("main").locator("header")).toContainText(newStage);
  await page.goto(`/deals?q=${encodeURIComponent(gone.name)}`);
  await expect(page.getByRole("link", { name: gone.name, exact: true })).toHaveCount(0);
});
