import { afterAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { NotFoundError, ValidationError } from "@/lib/errors";
import { countUnlinkedCalls, getCall, listUnlinkedCalls } from "@/lib/calls/queries";
import { reassignCall } from "@/lib/calls/reassign";
import { linkCalls } from "@/lib/sync/linking";
import { canonicalCall, callsWorkspace, person } from "./fixture";

afterAll(() => db.$disconnect());

async function data() {
  const w = await callsWorkspace();
  const crm = { system: "SALESFORCE", dealIds: [w.crmDealId], accountIds: [] };
  const ids = await w.ingest([
    canonicalCall("c1", [person(w.member.email, "INTERNAL")], { crm }),
    canonicalCall("c2", [person(w.member.email, "INTERNAL")], { crm }),
    canonicalCall("secret", [person(w.rep.email, "INTERNAL")], { crm, isPrivate: true }),
  ]);
  return { w, ids };
}

describe("reassign and unlink", () => {
  it("moves a call to another deal as MANUAL, and a later sync keeps it", async () => {
    const { w, ids } = await data();
    expect(await db.callDealLink.findUnique({ where: { callId: ids.c1! } })).toMatchObject({ dealId: w.dealA.id, source: "CRM_ID" });
    const r = await reassignCall(w.viewers.member, { callId: ids.c1, dealId: w.dealB.id });
    expect(r).toEqual({ callId: ids.c1, deal: { id: w.dealB.id, name: "Initech renewal" } });
    expect(await db.callDealLink.findUnique({ where: { callId: ids.c1! } })).toMatchObject({
      dealId: w.dealB.id,
      source: "MANUAL",
      linkedById: w.member.id,
      matchedOn: null,
    });
    expect(await linkCalls(w.workspace.id, [ids.c1!])).toMatchObject({ manualKept: 1, linked: 0 });
    expect((await getCall(w.viewers.admin, ids.c1!))!.dealLink).toMatchObject({ source: "MANUAL", linkedBy: "Member", deal: { id: w.dealB.id } });
  });

  it("unlinks as MANUAL with no deal; the call shows in the unlinked list and a sync does not relink it", async () => {
    const { w, ids } = await data();
    expect(await countUnlinkedCalls(w.viewers.admin)).toBe(0);
    expect(await reassignCall(w.viewers.admin, { callId: ids.c2, dealId: null })).toEqual({ callId: ids.c2, deal: null });
    expect(await db.callDealLink.findUnique({ where: { callId: ids.c2! } })).toMatchObject({ dealId: null, source: "MANUAL", linkedById: w.admin.id });
    expect(await linkCalls(w.workspace.id, [ids.c1!, ids.c2!])).toMatchObject({ manualKept: 1, unchanged: 1 });
    expect((await listUnlinkedCalls(w.viewers.member)).items.map((c) => c.id)).toEqual([ids.c2]);
    // Moving it back from the unlinked list.
    await reassignCall(w.viewers.member, { callId: ids.c2, dealId: w.dealA.id });
    expect(await countUnlinkedCalls(w.viewers.member)).toBe(0);
  });

  it("rejects invalid input with field messages and changes nothing", async () => {
    const { w, ids } = await data();
    const bad = async (input: unknown) => {
      const e = await reassignCall(w.viewers.member, input).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(ValidationError);
      return (e as ValidationError).fields;
    };
    expect(await bad({ callId: ids.c1 })).toHaveProperty("dealId");
    expect(await bad({ callId: ids.c1, dealId: "x'; drop table" })).toEqual({ dealId: "Deal is not a valid id." });
    expect(await bad({ callId: 42, dealId: null })).toHaveProperty("callId");
    expect(await bad(null)).toBeTruthy();
    expect(await bad({ callId: ids.c1, dealId: "" })).toHaveProperty("dealId");
    expect(await db.callDealLink.findUnique({ where: { callId: ids.c1! } })).toMatchObject({ source: "CRM_ID" });
  });

  it("another workspace's call or deal, and someone else's private call, are not found", async () => {
    const { w, ids } = await data();
    const other = await callsWorkspace();
    await expect(reassignCall(other.viewers.admin, { callId: ids.c1, dealId: other.dealA.id })).rejects.toBeInstanceOf(NotFoundError);
    await expect(reassignCall(w.viewers.member, { callId: ids.c1, dealId: other.dealA.id })).rejects.toThrow("That deal was not found.");
    await expect(reassignCall(w.viewers.member, { callId: ids.secret, dealId: null })).rejects.toThrow("That call was not found.");
    expect(await db.callDealLink.findUnique({ where: { callId: ids.secret! } })).toMatchObject({ dealId: w.dealA.id, source: "CRM_ID" });
    expect(await db.callDealLink.findUnique({ where: { callId: ids.c1! } })).toMatchObject({ dealId: w.dealA.id, source: "CRM_ID" });
    // The participant may.
    await reassignCall(w.viewers.rep, { callId: ids.secret, dealId: null });
    expect(await db.callDealLink.findUnique({ where: { callId: ids.secret! } })).toMatchObject({ dealId: null, source: "MANUAL" });
  });
});
