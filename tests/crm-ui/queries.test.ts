// The CRM read side (lib/crm/queries.ts): what Settings → Integrations, the CRM Manage page and deal pages
// are given, scoped to the workspace, without credentials.
import { afterAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { getCrmDetail, getCrmOverview, getCrmSource, getDealCrmLinks } from "@/lib/crm/queries";
import { createWorkspace } from "../support/db";

const NOW = new Date("2026-12-03T12:00:00Z");

async function connectedHubspot() {
  const ctx = await createWorkspace("Crm");
  const integration = await db.integration.create({
    data: {
      workspaceId: ctx.workspace.id,
      provider: "HUBSPOT",
      status: "CONNECTED",
      wizardStep: "COMPLETE",
      accountId: "4455667",
      accountName: "Acme Inc",
      credentialsEnc: "not-for-the-ui",
      connectedAt: new Date("2026-12-01T09:00:00Z"),
      connectedById: ctx.admin.id,
      lastSyncAt: new Date("2026-12-03T11:45:00Z"),
      lastSuccessfulSyncAt: new Date("2026-12-03T11:45:00Z"),
      nextSyncAt: new Date("2026-12-03T12:00:00Z"),
    },
  });
  const deal = await db.deal.create({
    data: {
      workspaceId: ctx.workspace.id,
      name: "Globex",
      stage: "Proposal",
      crmSource: "HUBSPOT",
      crmDealId: "9001",
      crmAccountId: "77",
      integrationId: integration.id,
    },
  });
  await db.crmAccount.create({ data: { workspaceId: ctx.workspace.id, integrationId: integration.id, crmSource: "HUBSPOT", crmId: "77", name: "Globex" } });
  await db.crmContact.createMany({
    data: ["1", "2"].map((crmId) => ({
      workspaceId: ctx.workspace.id,
      integrationId: integration.id,
      crmSource: "HUBSPOT" as const,
      crmId,
      name: `C${crmId}`,
    })),
  });
  const run = await db.syncRun.create({
    data: {
      integrationId: integration.id,
      kind: "BACKFILL",
      status: "SUCCEEDED",
      startedAt: new Date("2026-12-01T09:01:00Z"),
      finishedAt: new Date("2026-12-01T09:03:00Z"),
      dealsAdded: 1,
      recordsSkipped: 1,
      requestsUsed: 12,
    },
  });
  await db.crmSkippedRecord.create({
    data: { runId: run.id, integrationId: integration.id, object: "deal", crmId: "9002", field: "amount", message: "Not a number: 'lots'" },
  });
  await db.providerRequestCount.createMany({
    data: [
      { integrationId: integration.id, bucketStart: new Date("2026-12-03T10:00:00Z"), requests: 30 },
      { integrationId: integration.id, bucketStart: new Date("2026-12-02T10:00:00Z"), requests: 500 },
    ],
  });
  return { ...ctx, integration, deal };
}

describe("CRM queries", () => {
  afterAll(() => db.$disconnect());

  it("lists both CRMs, not connected, and no CRM: calls will not auto-link", async () => {
    const { workspace } = await createWorkspace("Empty");
    // A recorder does not count as a CRM.
    await db.integration.create({ data: { workspaceId: workspace.id, provider: "GONG", status: "CONNECTED" } });
    const o = await getCrmOverview(workspace.id);
    expect(o.connected).toBeNull();
    expect(o.cards.map((c) => [c.name, c.status, c.blockedBy, c.hasLoginHosts])).toEqual([
      ["HubSpot", "NOT_CONNECTED", null, false],
      ["Salesforce", "NOT_CONNECTED", null, true],
    ]);
    expect(await getCrmSource(workspace.id)).toBeNull();
  });

  it("one CRM connected: the other card says which one holds the slot; other workspaces see nothing of it", async () => {
    const a = await connectedHubspot();
    const other = await createWorkspace("Other");
    const o = await getCrmOverview(a.workspace.id);
    expect(o.connected).toMatchObject({ key: "HUBSPOT", name: "HubSpot", slug: "hubspot" });
    const [hubspot, salesforce] = o.cards;
    expect(hubspot).toMatchObject({
      status: "CONNECTED",
      accountLabel: "HubSpot · Acme Inc",
      blockedBy: null,
      lastSuccessfulSyncAt: "2026-12-03T11:45:00.000Z",
    });
    expect(salesforce).toMatchObject({ status: "NOT_CONNECTED", blockedBy: "HubSpot" });
    expect((await getCrmOverview(other.workspace.id)).connected).toBeNull();
    expect(await getCrmSource(a.workspace.id)).toMatchObject({ name: "HubSpot", status: "CONNECTED" });
  });

  it("gives the Manage page its account, counts, history, skipped records and today's quota, never the credentials", async () => {
    const { workspace, integration } = await connectedHubspot();
    const d = await getCrmDetail(workspace.id, "HUBSPOT", NOW);
    expect(d.status).toBe("CONNECTED");
    expect(d.integration).toMatchObject({
      accountId: "4455667",
      accountLabel: "HubSpot · Acme Inc",
      connectedBy: "Admin",
      nextSyncAt: "2026-12-03T12:00:00.000Z",
    });
    expect(JSON.stringify(d)).not.toContain("not-for-the-ui");
    expect(d.counts).toEqual({ deals: 1, dealsNotSyncing: 0, accounts: 1, contacts: 2 });
    expect(d.runs).toHaveLength(1);
    expect(d.runs[0]).toMatchObject({ kind: "BACKFILL", status: "SUCCEEDED", dealsAdded: 1, recordsSkipped: 1 });
    expect(d.skipped).toEqual([expect.objectContaining({ object: "deal", crmId: "9002", field: "amount" })]);
    expect(d.syncing).toBe(false);
    // Without the CRM's own reading: our requests of the current UTC day against the registry's daily limit.
    expect(d.quota).toMatchObject({ used: 30, limit: 250_000, fromCrm: false });

    await db.integration.update({
      where: { id: integration.id },
      data: { quotaUsed: 812, quotaLimit: 15_000, quotaReadAt: NOW, syncLockedUntil: new Date(NOW.getTime() + 60_000) },
    });
    const later = await getCrmDetail(workspace.id, "HUBSPOT", NOW);
    expect(later.quota).toMatchObject({ used: 812, limit: 15_000, fromCrm: true });
    expect(later.syncing).toBe(true);

    // Salesforce is not connected in this workspace (and blocked by HubSpot).
    const sf = await getCrmDetail(workspace.id, "SALESFORCE", NOW);
    expect(sf).toMatchObject({ status: "NOT_CONNECTED", integration: null, blockedBy: "HubSpot", hasLoginHosts: true });
  });

  it("shows a disconnected CRM's deals as no longer syncing, and no next sync", async () => {
    const { workspace, integration, deal } = await connectedHubspot();
    await db.integration.update({ where: { id: integration.id }, data: { status: "DISCONNECTED", disconnectedAt: NOW } });
    await db.deal.update({ where: { id: deal.id }, data: { crmSyncStoppedAt: NOW } });
    const d = await getCrmDetail(workspace.id, "HUBSPOT", NOW);
    expect(d.counts.dealsNotSyncing).toBe(1);
    expect(d.integration?.nextSyncAt).toBeNull();
    expect((await getCrmOverview(workspace.id)).connected).toBeNull();
    expect(await getDealCrmLinks(workspace.id, deal.id)).toMatchObject({ stoppedAt: NOW.toISOString() });
  });

  it("builds Open in HubSpot / Salesforce links from the connection, only for CRM deals of the workspace", async () => {
    const { workspace, deal } = await connectedHubspot();
    const links = await getDealCrmLinks(workspace.id, deal.id);
    expect(links?.name).toBe("HubSpot");
    expect(links?.dealUrl).toMatch(/\/contacts\/4455667\/record\/0-3\/9001$/);
    expect(links?.accountUrl).toMatch(/\/contacts\/4455667\/record\/0-2\/77$/);
    expect(links?.stoppedAt).toBeNull();

    const other = await createWorkspace("Other");
    expect(await getDealCrmLinks(other.workspace.id, deal.id)).toBeNull();
    const seeded = await db.deal.create({
      data: { workspaceId: workspace.id, name: "Seeded", stage: "Discovery", crmSource: "SALESFORCE", crmDealId: "006x" },
    });
    expect(await getDealCrmLinks(workspace.id, seeded.id)).toBeNull();

    const sfWs = await createWorkspace("Sf");
    const sf = await db.integration.create({
      data: {
        workspaceId: sfWs.workspace.id,
        provider: "SALESFORCE",
        status: "CONNECTED",
        accountId: "00D000000000001AAA",
        apiBaseUrl: "https://acme.my.salesforce.com",
      },
    });
    const opp = await db.deal.create({
      data: {
        workspaceId: sfWs.workspace.id,
        name: "Opp",
        stage: "Prospecting",
        crmSource: "SALESFORCE",
        crmDealId: "006Dn00000Acm01IAB",
        integrationId: sf.id,
      },
    });
    expect((await getDealCrmLinks(sfWs.workspace.id, opp.id))?.dealUrl).toBe("https://acme.my.salesforce.com/lightning/r/Opportunity/006Dn00000Acm01IAB/view");
    const detail = await getCrmDetail(sfWs.workspace.id, "SALESFORCE", NOW);
    expect(detail.integration).toMatchObject({ accountId: "00D000000000001AAA", instanceUrl: "https://acme.my.salesforce.com" });
  });
});
