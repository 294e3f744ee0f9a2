// Unlinked calls triage (issue 17 item 5): customer calls apart from internal meetings, suggested deals with
// their reason, and the bulk actions (link, dismiss, restore), through the real ingest + linking code.
import { afterAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { NotFoundError, ValidationError } from "@/lib/errors";
import { countUnlinkedCalls, listUnlinkedCalls } from "@/lib/calls/queries";
import { reassignCall } from "@/lib/calls/reassign";
import { applyTriage, countTriageCalls, listTriageCalls, suggestDeals } from "@/lib/calls/triage";
import { relinkWorkspace, setManualLink } from "@/lib/sync/linking";
import type { Viewer } from "@/lib/calls/visibility";
import { canonicalCall, callsWorkspace, person } from "./fixture";

afterAll(() => db.$disconnect());

const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000);

async function data() {
  const w = await callsWorkspace();
  const calls = [
    // Everyone from the workspace: the member, and a colleague on the workspace's domain the provider did not classify.
    canonicalCall("int1", [person(w.member.email, "INTERNAL"), person("colleague@test.local", "UNKNOWN")], {
      title: "Weekly pipeline review",
      startedAt: daysAgo(1),
    }),
    canonicalCall(
      "cust1",
      [person(w.member.email, "INTERNAL"), person(w.rep.email, "INTERNAL", null, { name: "Rita Rep" }), person("jane@globex.example", "EXTERNAL")],
      {
        title: "Globex intro",
        startedAt: daysAgo(2),
      },
    ),
    // A participant known only by phone: not provably internal, so a customer call.
    canonicalCall("phone", [person(w.member.email, "INTERNAL"), person(null, "UNKNOWN", null, { phone: "+15550100" })], {
      title: "Dial-in",
      startedAt: daysAgo(3),
    }),
    canonicalCall("secret", [person(w.rep.email, "INTERNAL"), person("ceo@hooli.example", "EXTERNAL")], {
      title: "Rita's private call",
      isPrivate: true,
      startedAt: daysAgo(4),
    }),
    // The rep's earlier private call, on a third deal (linked by hand below): a "recent deal" of the rep.
    canonicalCall("prev", [person(w.rep.email, "INTERNAL"), person("buyer@umbrella.example", "EXTERNAL")], {
      title: "Umbrella follow-up",
      isPrivate: true,
      startedAt: daysAgo(10),
    }),
  ];
  const ids = await w.ingest(calls);
  const dealC = await db.deal.create({ data: { workspaceId: w.workspace.id, name: "Umbrella pilot", stage: "Discovery", crmSource: "NONE" } });
  await setManualLink(w.workspace.id, ids.prev!, dealC.id, w.rep.id);
  // CRM data that arrived after the calls were linked (no relink yet): a contact and an account domain.
  await db.dealContact.create({ data: { workspaceId: w.workspace.id, dealId: w.dealB.id, name: "Jane Doe", email: "jane@globex.example" } });
  await db.crmAccount.create({ data: { workspaceId: w.workspace.id, crmSource: "SALESFORCE", crmId: "001GLOBEX", name: "Globex", domain: "globex.example" } });
  await db.deal.update({ where: { id: w.dealA.id }, data: { crmAccountId: "001GLOBEX" } });
  return { w, ids, calls, dealC };
}

describe("customer calls and internal meetings", () => {
  it("separates internal-only meetings from customer calls, and counts each view", async () => {
    const { w, ids } = await data();
    expect(await countTriageCalls(w.viewers.admin)).toEqual({ customer: 3, internal: 1, dismissed: 0 });
    expect((await listTriageCalls(w.viewers.admin, "internal")).items.map((c) => c.title)).toEqual(["Weekly pipeline review"]);
    expect((await listTriageCalls(w.viewers.admin, "customer")).items.map((c) => c.id)).toEqual([ids.cust1, ids.phone, ids.secret]);
    // A member does not see (nor count) someone else's private call.
    expect(await countTriageCalls(w.viewers.member)).toEqual({ customer: 2, internal: 1, dismissed: 0 });
    expect((await listTriageCalls(w.viewers.member, "customer")).items.map((c) => c.id)).toEqual([ids.cust1, ids.phone]);
  });
});

describe("suggested deals", () => {
  it("suggests the contact's deal, the account domain's deal and a participant's recent deal, with the reason", async () => {
    const { w, ids } = await data();
    const s = await suggestDeals(w.viewers.admin, [ids.cust1!, ids.int1!]);
    expect(s.get(ids.cust1!)!.map((x) => [x.deal.name, x.kind, x.reason])).toEqual([
      ["Initech renewal", "CONTACT", "Contact jane@globex.example is on this deal"],
      ["Globex expansion", "DOMAIN", "Account domain globex.example"],
      ["Umbrella pilot", "RECENT", "Recent deal of Rita Rep"],
    ]);
    // Internal meeting: the workspace's own domain is never an account domain, and nobody has a recent deal.
    expect(s.get(ids.int1!)).toEqual([]);
  });

  it("keeps to three, open deals first, and a member gets no suggestion drawn from a private call they cannot see", async () => {
    const { w, ids } = await data();
    await db.deal.create({
      data: { workspaceId: w.workspace.id, name: "Globex closed", stage: "Closed Lost", isClosed: true, crmSource: "SALESFORCE", crmAccountId: "001GLOBEX" },
    });
    await db.deal.create({
      data: { workspaceId: w.workspace.id, name: "Globex second", stage: "Proposal", crmSource: "SALESFORCE", crmAccountId: "001GLOBEX" },
    });
    const admin = (await suggestDeals(w.viewers.admin, [ids.cust1!])).get(ids.cust1!)!;
    expect(admin).toHaveLength(3);
    expect(admin[0]!.kind).toBe("CONTACT");
    expect(admin.slice(1).map((x) => x.deal.name)).not.toContain("Globex closed");
    // The member may see cust1, but "Umbrella pilot" comes only from Rita's private call.
    await db.deal.deleteMany({ where: { workspaceId: w.workspace.id, name: { in: ["Globex closed", "Globex second"] } } });
    const member = (await suggestDeals(w.viewers.member, [ids.cust1!])).get(ids.cust1!)!;
    expect(member.map((x) => x.deal.name)).toEqual(["Initech renewal", "Globex expansion"]);
    // And nothing for a call the member may not see.
    expect((await suggestDeals(w.viewers.member, [ids.secret!])).has(ids.secret!)).toBe(false);
  });
});

describe("bulk actions", () => {
  it("dismisses many calls at once; a sync and a relink do not bring them back; restore does", async () => {
    const { w, ids, calls } = await data();
    expect(await applyTriage(w.viewers.member, { action: "dismiss", callIds: [ids.cust1, ids.int1] })).toEqual({ action: "dismiss", count: 2, deal: null });
    expect(await countTriageCalls(w.viewers.member)).toEqual({ customer: 1, internal: 0, dismissed: 2 });
    expect(await db.call.findUnique({ where: { id: ids.cust1! }, select: { dismissedById: true } })).toEqual({ dismissedById: w.member.id });
    expect(await db.auditEvent.findMany({ where: { workspaceId: w.workspace.id }, select: { action: true, summary: true, actorId: true } })).toEqual([
      { action: "calls.dismissed", summary: "Dismissed 2 calls from Unlinked calls", actorId: w.member.id },
    ]);

    // A poll / re-scan: the same calls arrive again (with a changed title), are linked, then the workspace is relinked.
    await w.ingest(calls.map((c) => ({ ...c, title: `${c.title} (updated)` })));
    // Jane is now a contact on a deal (data()), so without the dismissal the relink would link "Globex intro".
    await relinkWorkspace(w.workspace.id);
    expect(await countTriageCalls(w.viewers.member)).toEqual({ customer: 1, internal: 0, dismissed: 2 });
    expect(await db.callDealLink.count({ where: { callId: { in: [ids.cust1!, ids.int1!] } } })).toBe(0);
    expect((await listUnlinkedCalls(w.viewers.member)).items.map((c) => c.id)).toEqual([ids.phone]);
    expect(await countUnlinkedCalls(w.viewers.member)).toBe(1);
    expect((await listTriageCalls(w.viewers.member, "dismissed")).items.map((c) => [c.title, c.dismissedBy])).toEqual([
      ["Weekly pipeline review (updated)", "Member"],
      ["Globex intro (updated)", "Member"],
    ]);

    await applyTriage(w.viewers.admin, { action: "restore", callIds: [ids.int1] });
    expect(await countTriageCalls(w.viewers.member)).toEqual({ customer: 1, internal: 1, dismissed: 1 });
  });

  it("links many calls to one deal as manual links (clearing a dismissal), with one audit event", async () => {
    const { w, ids } = await data();
    await applyTriage(w.viewers.member, { action: "dismiss", callIds: [ids.int1] });
    const r = await applyTriage(w.viewers.member, { action: "link", callIds: [ids.cust1, ids.int1, ids.cust1], dealId: w.dealB.id });
    expect(r).toEqual({ action: "link", count: 2, deal: { id: w.dealB.id, name: "Initech renewal" } });
    for (const id of [ids.cust1!, ids.int1!]) {
      expect(await db.callDealLink.findUnique({ where: { callId: id }, select: { dealId: true, source: true, linkedById: true } })).toEqual({
        dealId: w.dealB.id,
        source: "MANUAL",
        linkedById: w.member.id,
      });
    }
    expect(await countTriageCalls(w.viewers.member)).toEqual({ customer: 1, internal: 0, dismissed: 0 });
    const audit = await db.auditEvent.findFirst({ where: { workspaceId: w.workspace.id, action: "calls.linked" } });
    expect(audit).toMatchObject({ summary: "Linked 2 calls to Initech renewal", targetType: "deal", targetId: w.dealB.id, actorId: w.member.id });
    // A call on a deal cannot be dismissed.
    await expect(applyTriage(w.viewers.member, { action: "dismiss", callIds: [ids.cust1] })).rejects.toThrow("“Globex intro” is on a deal");
  });

  it("the one-click Link is the manual link, and records an audit event", async () => {
    const { w, ids } = await data();
    await reassignCall(w.viewers.member, { callId: ids.cust1, dealId: w.dealB.id });
    expect(await db.auditEvent.findFirst({ where: { workspaceId: w.workspace.id }, select: { action: true, summary: true, targetId: true } })).toEqual({
      action: "call.linked",
      summary: "Linked “Globex intro” to Initech renewal",
      targetId: ids.cust1,
    });
  });

  it("writes nothing on a refused input: bad action, no calls, a bad id, another workspace's deal, a call the member may not see", async () => {
    const { w, ids } = await data();
    const other = await callsWorkspace();
    const refused = async (viewer: Viewer, input: unknown, kind: typeof ValidationError | typeof NotFoundError) => {
      await expect(applyTriage(viewer, input)).rejects.toBeInstanceOf(kind);
    };
    await refused(w.viewers.member, { action: "delete", callIds: [ids.cust1] }, ValidationError);
    await refused(w.viewers.member, { action: "dismiss", callIds: [] }, ValidationError);
    await refused(w.viewers.member, { action: "dismiss" }, ValidationError);
    await refused(w.viewers.member, { action: "dismiss", callIds: ["x'; drop table"] }, ValidationError);
    await refused(
      w.viewers.member,
      { action: "dismiss", callIds: Array.from({ length: 101 }, (_, i) => `call_${String(i).padStart(8, "0")}`) },
      ValidationError,
    );
    await refused(w.viewers.member, { action: "link", callIds: [ids.cust1] }, ValidationError);
    await refused(w.viewers.member, { action: "link", callIds: [ids.cust1], dealId: other.dealA.id }, NotFoundError);
    await refused(w.viewers.member, { action: "dismiss", callIds: [ids.cust1, ids.secret] }, NotFoundError);
    await refused(w.viewers.member, { action: "link", callIds: [ids.cust1, ids.secret], dealId: w.dealB.id }, NotFoundError);
    await refused(other.viewers.admin, { action: "dismiss", callIds: [ids.cust1] }, NotFoundError);
    expect(await db.call.count({ where: { workspaceId: w.workspace.id, dismissedAt: { not: null } } })).toBe(0);
    expect(await db.callDealLink.count({ where: { workspaceId: w.workspace.id, source: "MANUAL" } })).toBe(1); // "prev", from data()
    expect(await db.auditEvent.count({ where: { workspaceId: { in: [w.workspace.id, other.workspace.id] } } })).toBe(0);
    // The private call's participant may act on it.
    await applyTriage(w.viewers.rep, { action: "dismiss", callIds: [ids.secret] });
    expect(await countTriageCalls(w.viewers.rep)).toMatchObject({ dismissed: 1 });
  });
});
