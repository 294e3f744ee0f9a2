// The CRM sync engine (lib/crm) against real PostgreSQL and an in-memory CRM: first import, incremental
// changes, deletions (manual links too, with a note), owners by email, 15- vs 18-character Salesforce ids,
// retried steps never duplicating, malformed records skipped and counted, revoked access.
import { afterAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { deletedDealNote } from "@/lib/crm/sync";
import { linkCalls, relinkWorkspace, setManualLink } from "@/lib/sync/linking";
import { toSalesforceId18 } from "@/lib/providers/salesforce/ids";
import { crmWorkspace, snapshot, testStep } from "./harness";
import type { FakeCrm } from "./fake-client";

afterAll(() => db.$disconnect());

const YEAR = 365 * 86_400_000;
const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** 7 deals (3 pages of 3), one closed 3 years ago (not imported), 3 accounts, 4 contacts, 2 owners. */
function seed(fake: FakeCrm, memberEmail: string) {
  fake.owners = [
    { crmId: "o1", email: memberEmail.toUpperCase(), name: "Member" },
    { crmId: "o2", email: "nobody@elsewhere.test", name: "Stranger" },
  ];
  fake.putAccount({ crmId: "a1", name: "Acme", domain: "https://www.Acme.example/home" });
  fake.putAccount({ crmId: "a2", name: "Globex", domain: "globex.example" });
  fake.putAccount({ crmId: "a3", name: "Initech", domain: null });
  fake.putContact({ crmId: "c1", name: "Ann Buyer", email: "Ann@Acme.example", title: "VP", accountCrmId: "a1" });
  fake.putContact({ crmId: "c2", name: "Bob Champion", email: "bob@acme.example", title: null, accountCrmId: "a1" });
  fake.putContact({ crmId: "c3", name: "Cy Globex", email: "cy@globex.example", title: "CFO", accountCrmId: "a2" });
  fake.putContact({ crmId: "c4", name: "No Email", email: null, title: null, accountCrmId: "a3" });
  fake.putDeal({ crmId: "d1", name: "Acme renewal", stage: "Proposal", accountCrmId: "a1", contactCrmIds: ["c1", "c2"], ownerCrmId: "o1", amount: "12500.00" });
  fake.putDeal({ crmId: "d2", name: "Acme expansion", accountCrmId: "a1", contactCrmIds: ["c2"], ownerCrmId: "o2" });
  fake.putDeal({ crmId: "d3", name: "Globex pilot", accountCrmId: "a2", contactCrmIds: ["c3"], currency: "EUR" });
  fake.putDeal({ crmId: "d4", name: "Initech", accountCrmId: "a3", contactCrmIds: ["c4"] });
  fake.putDeal({ crmId: "d5", name: "Won last year", isClosed: true, isWon: true, closeDate: isoDate(Date.now() - YEAR), accountCrmId: "a2" });
  fake.putDeal({ crmId: "d6", name: "Lost long ago", isClosed: true, closeDate: isoDate(Date.now() - 3 * YEAR), accountCrmId: "a2" });
  fake.putDeal({ crmId: "d7", name: "No account", contactCrmIds: ["c1"] });
}

describe("first import", () => {
  it("imports open and recently closed deals with their accounts, contacts and owners, each id fetched once", async () => {
    const w = await crmWorkspace();
    seed(w.fake, w.member.email);
    const result = await w.importAll();
    expect(result.failed).toBeNull();
    expect(result.relink).toBe(true);

    const deals = await db.deal.findMany({ where: { workspaceId: w.workspace.id }, include: { contacts: true }, orderBy: { crmDealId: "asc" } });
    expect(deals.map((d) => d.crmDealId)).toEqual(["d1", "d2", "d3", "d4", "d5", "d7"]);
    const d1 = deals[0]!;
    expect(d1).toMatchObject({
      name: "Acme renewal",
      stage: "Proposal",
      accountName: "Acme",
      crmSource: "HUBSPOT",
      integrationId: w.integrationId,
      isClosed: false,
    });
    expect(d1.amount?.toString()).toBe("12500");
    expect(d1.contacts.map((c) => [c.email, c.crmContactId]).sort()).toEqual([
      ["ann@acme.example", "c1"],
      ["bob@acme.example", "c2"],
    ]);
    // Owners matched by email, case-insensitive; an owner who is no member leaves the deal unowned.
    expect(d1.ownerId).toBe(w.member.id);
    expect(deals[1]!.ownerId).toBeNull();
    expect(deals[2]!.currency).toBe("EUR");
    expect(deals[3]!.contacts).toEqual([]);
    expect(deals[4]).toMatchObject({ isClosed: true, isWon: true });
    expect((await db.crmAccount.findFirstOrThrow({ where: { workspaceId: w.workspace.id, crmId: "a1" } })).domain).toBe("acme.example");

    // Each referenced account and contact asked for exactly once.
    const asked = (m: "getAccounts" | "getContacts") => w.fake.calls.filter((c) => c.method === m).flatMap((c) => c.ids!);
    expect(asked("getAccounts").sort()).toEqual(["a1", "a2", "a3"]);
    expect(asked("getContacts").sort()).toEqual(["c1", "c2", "c3", "c4"]);
    expect(w.fake.count("listDeals")).toBe(2);

    const integration = await db.integration.findUniqueOrThrow({ where: { id: w.integrationId } });
    expect(integration).toMatchObject({ status: "CONNECTED", wizardStep: "COMPLETE", syncLockRunId: null, quotaLimit: 250_000 });
    expect(integration.lastSuccessfulSyncAt).not.toBeNull();
    expect(integration.nextSyncAt!.getTime()).toBeGreaterThan(Date.now() + 14 * 60_000);
    const run = await db.syncRun.findUniqueOrThrow({ where: { id: result.runId } });
    expect(run).toMatchObject({
      kind: "BACKFILL",
      status: "SUCCEEDED",
      dealsAdded: 6,
      dealsUpdated: 0,
      accountsSynced: 3,
      contactsSynced: 4,
      recordsSkipped: 0,
    });
    expect(w.sent.map((e) => e.name)).toEqual(["callsync/crm.import-requested"]);
  });

  it("never duplicates: every step replayed (its first answer lost), and a second full import, write the same rows once", async () => {
    const w = await crmWorkspace();
    seed(w.fake, w.member.email);
    const result = await w.importAll(testStep(undefined, { replay: true }));
    expect(result.failed).toBeNull();
    const first = await snapshot(w.workspace.id);
    expect(await db.deal.count({ where: { workspaceId: w.workspace.id } })).toBe(6);
    expect(await db.dealContact.count({ where: { workspaceId: w.workspace.id } })).toBe(5);
    const run = await db.syncRun.findUniqueOrThrow({ where: { id: result.runId } });
    expect(run).toMatchObject({ dealsAdded: 6, dealsUpdated: 0 });
    // A later sync that re-reads everything (the overlap) changes nothing.
    const again = await w.sync();
    expect(again.changed).toBe(0);
    expect(again.relink).toBe(false);
    expect(await snapshot(w.workspace.id)).toEqual(first);
  });

  it("stores the accounts and contacts a deals page brings along, and then asks for none of them by id", async () => {
    const w = await crmWorkspace("SALESFORCE");
    seed(w.fake, w.member.email);
    w.fake.relatedInPages = true;
    expect((await w.importAll()).failed).toBeNull();
    expect(w.fake.count("getAccounts") + w.fake.count("getContacts")).toBe(0);
    const d1 = await db.deal.findFirstOrThrow({ where: { workspaceId: w.workspace.id, crmDealId: "d1" }, include: { contacts: true } });
    expect(d1.accountName).toBe("Acme");
    expect(d1.contacts).toHaveLength(2);
  });

  it("skips and counts a malformed record with its id and field, and imports the rest", async () => {
    const w = await crmWorkspace();
    seed(w.fake, w.member.email);
    w.fake.putDeal({ crmId: "bad1", amount: "twelve" });
    w.fake.putDeal({ crmId: "bad2", closeDate: "2026-02-30" });
    w.fake.clientSkipped = [{ object: "deal", crmId: "bad3", field: "properties.dealstage", message: "unknown stage" }];
    const result = await w.importAll(testStep(undefined, { replay: true }));
    expect(result.failed).toBeNull();
    const skipped = await db.crmSkippedRecord.findMany({ where: { runId: result.runId }, orderBy: { crmId: "asc" } });
    expect(skipped.map((s) => [s.object, s.crmId, s.field])).toEqual([
      ["deal", "bad1", "amount"],
      ["deal", "bad2", "closeDate"],
      ["deal", "bad3", "properties.dealstage"],
    ]);
    expect((await db.syncRun.findUniqueOrThrow({ where: { id: result.runId } })).recordsSkipped).toBe(3);
    expect(await db.deal.count({ where: { workspaceId: w.workspace.id } })).toBe(6);
  });
});

describe("later syncs", () => {
  it("picks up a stage change, a new contact and a changed email, and asks for relinking", async () => {
    const w = await crmWorkspace();
    seed(w.fake, w.member.email);
    await w.importAll();
    w.fake.putDeal({ crmId: "d2", stage: "Negotiation", contactCrmIds: ["c2", "c5"] });
    w.fake.putContact({ crmId: "c5", name: "New Person", email: "new@acme.example" });
    w.fake.putContact({ crmId: "c3", email: "cy.new@globex.example" });
    const before = w.fake.calls.length;
    const result = await w.sync("MANUAL");
    expect(result.failed).toBeNull();
    expect(result.relink).toBe(true);
    const d2 = await db.deal.findFirstOrThrow({ where: { workspaceId: w.workspace.id, crmDealId: "d2" }, include: { contacts: true } });
    expect(d2.stage).toBe("Negotiation");
    expect(d2.contacts.map((c) => c.email).sort()).toEqual(["bob@acme.example", "new@acme.example"]);
    const d3 = await db.deal.findFirstOrThrow({ where: { workspaceId: w.workspace.id, crmDealId: "d3" }, include: { contacts: true } });
    expect(d3.contacts.map((c) => c.email)).toEqual(["cy.new@globex.example"]);
    const run = await db.syncRun.findUniqueOrThrow({ where: { id: result.runId } });
    expect(run).toMatchObject({ kind: "MANUAL", status: "SUCCEEDED", dealsAdded: 0, dealsUpdated: 1 });
    // Both came with the modified-contacts listing (the new one because the changed deal names it): nothing by id.
    expect(w.fake.calls.slice(before).filter((c) => c.method === "getContacts")).toEqual([]);
  });

  it("a deal deleted in the CRM disappears and its calls move to Unlinked, manual links too, with a note", async () => {
    const w = await crmWorkspace();
    seed(w.fake, w.member.email);
    await w.importAll();
    const deal = await db.deal.findFirstOrThrow({ where: { workspaceId: w.workspace.id, crmDealId: "d3" } });
    const mkCall = (n: number, crmDealIds: string[]) =>
      db.call.create({
        data: { workspaceId: w.workspace.id, provider: "GONG", providerCallId: `call-${n}-${deal.id}`, title: `Call ${n}`, startedAt: new Date(), crmDealIds },
      });
    const auto = await mkCall(1, ["d3"]);
    const manual = await mkCall(2, []);
    await linkCalls(w.workspace.id, [auto.id]);
    await setManualLink(w.workspace.id, manual.id, deal.id, w.admin.id);
    expect(await db.callDealLink.count({ where: { dealId: deal.id } })).toBe(2);

    w.fake.remove("deal", "d3");
    const result = await w.sync();
    expect(result.failed).toBeNull();
    expect(result.relink).toBe(true);
    expect(await db.deal.findUnique({ where: { id: deal.id } })).toBeNull();
    expect(await db.callDealLink.findUnique({ where: { callId: auto.id } })).toBeNull();
    const kept = await db.callDealLink.findUniqueOrThrow({ where: { callId: manual.id } });
    expect(kept).toMatchObject({ dealId: null, source: "MANUAL" });
    expect(kept.note).toBe(deletedDealNote("Globex pilot", "HubSpot", kept.updatedAt));
    // The relink that follows does not put either call back on a deal it no longer has.
    await relinkWorkspace(w.workspace.id);
    expect(await db.callDealLink.findUnique({ where: { callId: auto.id } })).toBeNull();
    expect((await db.callDealLink.findUniqueOrThrow({ where: { callId: manual.id } })).dealId).toBeNull();
    const audit = await db.auditEvent.findFirstOrThrow({ where: { workspaceId: w.workspace.id, action: "crm.deal_deleted" } });
    expect(audit.summary).toContain("Globex pilot");
    expect((await db.syncRun.findUniqueOrThrow({ where: { id: result.runId } })).dealsDeleted).toBe(1);
  });

  it("expired or revoked refresh token: Reconnect required with the reason, the run failed, the lease freed", async () => {
    const w = await crmWorkspace();
    seed(w.fake, w.member.email);
    await w.importAll();
    w.fake.revoked = true;
    const result = await w.sync();
    expect(result.failed).toBeTruthy();
    const integration = await db.integration.findUniqueOrThrow({ where: { id: w.integrationId } });
    expect(integration.status).toBe("RECONNECT_REQUIRED");
    expect(integration.statusMessage).toMatch(/HubSpot access was revoked or has expired\. Reconnect/);
    expect(integration.syncLockRunId).toBeNull();
    expect(await db.syncRun.findUniqueOrThrow({ where: { id: result.runId } })).toMatchObject({ status: "FAILED" });
    // Nothing was lost: the deals stay.
    expect(await db.deal.count({ where: { workspaceId: w.workspace.id } })).toBe(6);
  });

  it("two syncs never overlap: the second lease is refused while the first holds it", async () => {
    const w = await crmWorkspace();
    seed(w.fake, w.member.email);
    await w.importAll();
    const { acquireCrmLease } = await import("@/lib/crm/sync");
    const first = await acquireCrmLease(w.integrationId, "POLL", null);
    expect(first).not.toBeNull();
    expect(await acquireCrmLease(w.integrationId, "MANUAL", null)).toBeNull();
  });
});

describe("linking against CRM deals", () => {
  it("15-character call ids link to 18-character Salesforce deals; an account's domain links a participant", async () => {
    const w = await crmWorkspace("SALESFORCE");
    const opp15 = "006Dn00000Acm07";
    const acc15 = "001Dn00000Acm07";
    w.fake.putAccount({ crmId: toSalesforceId18(acc15), name: "Umbrella", domain: "umbrella.example" });
    w.fake.putDeal({ crmId: toSalesforceId18(opp15), name: "Umbrella deal", accountCrmId: toSalesforceId18(acc15) });
    w.fake.putDeal({ crmId: toSalesforceId18("006Dn00000Acm08"), name: "Other deal" });
    expect((await w.importAll()).failed).toBeNull();
    const deal = await db.deal.findFirstOrThrow({ where: { workspaceId: w.workspace.id, name: "Umbrella deal" } });
    expect(deal.crmDealId).toHaveLength(18);
    const byId = await db.call.create({
      data: { workspaceId: w.workspace.id, provider: "GONG", providerCallId: `sf-1-${deal.id}`, title: "By id", startedAt: new Date(), crmDealIds: [opp15] },
    });
    const byAccount = await db.call.create({
      data: {
        workspaceId: w.workspace.id,
        provider: "GONG",
        providerCallId: `sf-2-${deal.id}`,
        title: "By account",
        startedAt: new Date(),
        crmAccountIds: [acc15],
      },
    });
    const byDomain = await db.call.create({
      data: {
        workspaceId: w.workspace.id,
        provider: "GONG",
        providerCallId: `sf-3-${deal.id}`,
        title: "By domain",
        startedAt: new Date(),
        participants: { create: [{ email: "someone@umbrella.example", affiliation: "EXTERNAL" }] },
      },
    });
    const gmail = await db.call.create({
      data: {
        workspaceId: w.workspace.id,
        provider: "GONG",
        providerCallId: `sf-4-${deal.id}`,
        title: "Freemail",
        startedAt: new Date(),
        participants: { create: [{ email: "someone@gmail.com", affiliation: "EXTERNAL" }] },
      },
    });
    await linkCalls(w.workspace.id, [byId.id, byAccount.id, byDomain.id, gmail.id]);
    const links = await db.callDealLink.findMany({ where: { workspaceId: w.workspace.id } });
    const of = (id: string) => links.find((l) => l.callId === id);
    expect(of(byId.id)).toMatchObject({ dealId: deal.id, source: "CRM_ID", matchedOn: opp15 });
    expect(of(byAccount.id)).toMatchObject({ dealId: deal.id, source: "CRM_ID", matchedOn: acc15 });
    expect(of(byDomain.id)).toMatchObject({ dealId: deal.id, source: "EMAIL", matchedOn: "@umbrella.example" });
    expect(of(gmail.id)).toBeUndefined();
  });
});
