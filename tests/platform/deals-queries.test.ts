import { afterAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { dealListParamsSchema, getDeal, listDeals } from "@/lib/deals/queries";
import { countDealCalls } from "@/lib/calls/queries";
import { reassignCall } from "@/lib/calls/reassign";
import { linkCalls } from "@/lib/sync/linking";
import { purgeBatch, removeUnlisted } from "@/lib/sync/engine";
import { createWorkspace, uid } from "../support/db";

async function dealsFixture() {
  const { workspace, admin, member } = await createWorkspace();
  const names = ["Globex expansion", "Initech renewal", "Hooli pilot", "100%_literal deal"];
  const deals = [];
  for (const [i, name] of names.entries()) {
    deals.push(
      await db.deal.create({
        data: {
          workspaceId: workspace.id,
          name,
          stage: i % 2 ? "Proposal" : "Discovery",
          amount: 1000 * (i + 1),
          ownerId: admin.id,
          accountName: name.split(" ")[0],
        },
      }),
    );
  }
  return { workspace, admin, member, deals };
}

describe("deal queries", () => {
  afterAll(() => db.$disconnect());

  it("lists only the workspace's deals, with search, stage filter and sort", async () => {
    const a = await dealsFixture();
    const b = await dealsFixture();
    const all = await listDeals(a.workspace.id, dealListParamsSchema.parse({ sort: "name" }));
    expect(all.total).toBe(4);
    expect(all.items.map((d) => d.id).sort()).toEqual(a.deals.map((d) => d.id).sort());
    expect(all.items.some((d) => b.deals.some((x) => x.id === d.id))).toBe(false);

    const search = await listDeals(a.workspace.id, dealListParamsSchema.parse({ q: "initech" }));
    expect(search.items.map((d) => d.name)).toEqual(["Initech renewal"]);
    // LIKE wildcards in the search are literal characters.
    const literal = await listDeals(a.workspace.id, dealListParamsSchema.parse({ q: "%_" }));
    expect(literal.items.map((d) => d.name)).toEqual(["100%_literal deal"]);
    // PostgreSQL text cannot hold U+0000: a NUL byte in the search is dropped (sqlText), not an SQL error.
    const nul = await listDeals(a.workspace.id, dealListParamsSchema.parse({ q: "init\u0000ech" }));
    expect(nul.items.map((d) => d.name)).toEqual(["Initech renewal"]);

    const stage = await listDeals(a.workspace.id, dealListParamsSchema.parse({ stage: "Proposal", sort: "-amount" }));
    expect(stage.items.map((d) => d.amount)).toEqual([4000, 2000]);
    expect(stage.stages).toEqual(["Discovery", "Proposal"]);
  });

  it("counts calls and the last call date per deal", async () => {
    const { workspace, deals } = await dealsFixture();
    const when = [new Date("2026-01-02T10:00:00Z"), new Date("2026-03-04T10:00:00Z")];
    for (const [i, startedAt] of when.entries()) {
      const call = await db.call.create({ data: { workspaceId: workspace.id, provider: "GONG", providerCallId: `c${i}`, title: "Call", startedAt } });
      await db.callDealLink.create({ data: { workspaceId: workspace.id, callId: call.id, dealId: deals[0]!.id, source: "CRM_ID", callStartedAt: startedAt } });
    }
    const list = await listDeals(workspace.id, dealListParamsSchema.parse({}));
    expect(list.items[0]).toMatchObject({ id: deals[0]!.id, callCount: 2, lastCallAt: when[1] });
  });

  it("another workspace's deal id, or garbage, is not found", async () => {
    const a = await dealsFixture();
    const b = await dealsFixture();
    expect((await getDeal(a.workspace.id, a.deals[0]!.id))?.name).toBe(a.deals[0]!.name);
    expect(await getDeal(a.workspace.id, b.deals[0]!.id)).toBeNull();
    expect(await getDeal(a.workspace.id, "../../etc/passwd")).toBeNull();
  });

  it("coerces hostile list params to safe defaults", () => {
    const p = dealListParamsSchema.parse({ page: "-5", sort: "DROP TABLE", q: "x".repeat(500) });
    expect(p).toMatchObject({ page: 1, sort: "-lastCall", q: undefined });
  });
});

/** The counters stored on the Deal rows (kept by the triggers of migration 20261207150000_deal_call_stats). */
async function stored(...ids: string[]) {
  const rows = await db.deal.findMany({
    where: { id: { in: ids } },
    select: { id: true, callCount: true, lastCallAt: true, publicCallCount: true, publicLastCallAt: true },
  });
  return ids.map((id) => {
    const r = rows.find((x) => x.id === id);
    return r ? { callCount: r.callCount, lastCallAt: r.lastCallAt, publicCallCount: r.publicCallCount, publicLastCallAt: r.publicLastCallAt } : null;
  });
}

/** What each viewer sees in the list: [count, last call] per deal id. */
async function seen(workspaceId: string, viewer: { userId: string; role: "ADMIN" | "MEMBER" } | undefined) {
  const list = await listDeals(workspaceId, dealListParamsSchema.parse({}), viewer);
  return Object.fromEntries(list.items.map((d) => [d.id, [d.callCount, d.lastCallAt?.toISOString() ?? null]]));
}

const at = (day: number) => new Date(Date.UTC(2026, 10, day, 10));

describe("deal call counters", () => {
  afterAll(() => db.$disconnect());

  async function fixture() {
    const f = await dealsFixture();
    const [a, b] = [f.deals[0]!, f.deals[1]!];
    await db.deal.update({ where: { id: a.id }, data: { crmSource: "HUBSPOT", crmDealId: `A${uid()}` } });
    await db.deal.update({ where: { id: b.id }, data: { crmSource: "HUBSPOT", crmDealId: `B${uid()}` } });
    const crm = Object.fromEntries((await db.deal.findMany({ where: { id: { in: [a.id, b.id] } } })).map((d) => [d.id, d.crmDealId!]));
    const integration = await db.integration.create({ data: { workspaceId: f.workspace.id, provider: "GONG", status: "CONNECTED" } });
    const call = (i: number, dealId: string, extra: { isPrivate?: boolean; meetingId?: string } = {}) =>
      db.call.create({
        data: {
          workspaceId: f.workspace.id,
          integrationId: integration.id,
          provider: "GONG",
          providerCallId: `p${i}-${uid()}`,
          title: `Call ${i}`,
          startedAt: at(i),
          crmSystem: "HUBSPOT",
          crmDealIds: [crm[dealId]!],
          ...extra,
        },
      });
    return { ...f, a, b, crm, integration, call };
  }

  it("sync linking and relinking keep the counts and last call on the deal rows", async () => {
    const f = await fixture();
    const calls = [await f.call(1, f.a.id), await f.call(2, f.a.id), await f.call(3, f.a.id)];
    await linkCalls(
      f.workspace.id,
      calls.map((c) => c.id),
    );
    expect(await stored(f.a.id, f.b.id)).toEqual([
      { callCount: 3, lastCallAt: at(3), publicCallCount: 3, publicLastCallAt: at(3) },
      { callCount: 0, lastCallAt: null, publicCallCount: 0, publicLastCallAt: null },
    ]);
    // The CRM now says the newest call is about deal B: the relink moves it, both rows follow.
    await db.call.update({ where: { id: calls[2]!.id }, data: { crmDealIds: [f.crm[f.b.id]!] } });
    await linkCalls(f.workspace.id, [calls[2]!.id]);
    expect(await stored(f.a.id, f.b.id)).toEqual([
      { callCount: 2, lastCallAt: at(2), publicCallCount: 2, publicLastCallAt: at(2) },
      { callCount: 1, lastCallAt: at(3), publicCallCount: 1, publicLastCallAt: at(3) },
    ]);
    expect(await seen(f.workspace.id, { userId: f.admin.id, role: "ADMIN" })).toMatchObject({
      [f.a.id]: [2, at(2).toISOString()],
      [f.b.id]: [1, at(3).toISOString()],
    });
    // The CRM no longer names any deal: the automatic link goes.
    await db.call.update({ where: { id: calls[0]!.id }, data: { crmDealIds: [] } });
    await linkCalls(f.workspace.id, [calls[0]!.id]);
    expect((await stored(f.a.id))[0]).toMatchObject({ callCount: 1, lastCallAt: at(2) });
  });

  it("a manual move or unlink updates both deals", async () => {
    const f = await fixture();
    const calls = [await f.call(1, f.a.id), await f.call(2, f.a.id)];
    await linkCalls(
      f.workspace.id,
      calls.map((c) => c.id),
    );
    const admin = { workspaceId: f.workspace.id, userId: f.admin.id, role: "ADMIN" as const };
    await reassignCall(admin, { callId: calls[1]!.id, dealId: f.b.id });
    expect(await stored(f.a.id, f.b.id)).toMatchObject([
      { callCount: 1, lastCallAt: at(1) },
      { callCount: 1, lastCallAt: at(2) },
    ]);
    await reassignCall(admin, { callId: calls[0]!.id, dealId: null });
    expect(await stored(f.a.id, f.b.id)).toMatchObject([
      { callCount: 0, lastCallAt: null },
      { callCount: 1, lastCallAt: at(2) },
    ]);
    expect((await seen(f.workspace.id, admin))[f.a.id]).toEqual([0, null]);
  });

  it("deleted calls (purge, re-scan) and deleted deals leave no stale counts", async () => {
    const f = await fixture();
    const calls = [await f.call(1, f.a.id), await f.call(2, f.a.id), await f.call(3, f.b.id)];
    await linkCalls(
      f.workspace.id,
      calls.map((c) => c.id),
    );
    // A re-scan that no longer lists call 2: deleted with its link.
    const run = await db.syncRun.create({ data: { integrationId: f.integration.id, kind: "RESCAN" } });
    await db.call.updateMany({ where: { id: { in: calls.map((c) => c.id) } }, data: { createdAt: at(0) } });
    await db.call.updateMany({ where: { id: { in: [calls[0]!.id, calls[2]!.id] } }, data: { rescanSeenAt: new Date(Date.now() + 60_000) } });
    expect(await removeUnlisted(f.integration.id, 0, run.id, { from: at(0), to: at(10) }, new Date(), 0)).toBe(1);
    expect(await stored(f.a.id, f.b.id)).toMatchObject([
      { callCount: 1, lastCallAt: at(1) },
      { callCount: 1, lastCallAt: at(3) },
    ]);
    // A purge of the integration deletes the rest.
    const purge = await db.syncRun.create({ data: { integrationId: f.integration.id, kind: "PURGE" } });
    expect(await purgeBatch(f.integration.id, 0, purge.id)).toBe(2);
    expect(await stored(f.a.id, f.b.id)).toMatchObject([
      { callCount: 0, lastCallAt: null, publicCallCount: 0, publicLastCallAt: null },
      { callCount: 0, lastCallAt: null, publicCallCount: 0, publicLastCallAt: null },
    ]);
    // A deal deleted (as a CRM deletion does) takes its counts with it; its calls move to no deal.
    const again = await f.call(4, f.b.id);
    await linkCalls(f.workspace.id, [again.id]);
    await db.deal.delete({ where: { id: f.b.id } });
    expect(await db.callDealLink.findUnique({ where: { callId: again.id } })).toMatchObject({ dealId: null });
  });

  it("a meeting two recorders recorded counts once; private calls count only for who may see them", async () => {
    const f = await fixture();
    const meeting = `m-${uid()}`;
    const gong = await f.call(1, f.a.id, { meetingId: meeting });
    const zoom = await f.call(1, f.a.id, { meetingId: meeting });
    const secret = await f.call(5, f.a.id, { isPrivate: true });
    const othersSecret = await f.call(6, f.a.id, { isPrivate: true });
    await db.callParticipant.create({ data: { callId: secret.id, userId: f.member.id, name: "Member" } });
    await linkCalls(f.workspace.id, [gong.id, zoom.id, secret.id, othersSecret.id]);
    expect((await stored(f.a.id))[0]).toEqual({ callCount: 3, lastCallAt: at(6), publicCallCount: 1, publicLastCallAt: at(1) });
    const admin = { workspaceId: f.workspace.id, userId: f.admin.id, role: "ADMIN" as const };
    const member = { workspaceId: f.workspace.id, userId: f.member.id, role: "MEMBER" as const };
    expect((await seen(f.workspace.id, admin))[f.a.id]).toEqual([3, at(6).toISOString()]);
    expect((await seen(f.workspace.id, member))[f.a.id]).toEqual([2, at(5).toISOString()]);
    expect((await seen(f.workspace.id, undefined))[f.a.id]).toEqual([1, at(1).toISOString()]);
    // The list agrees with the deal page's own count for each viewer.
    expect(await countDealCalls(admin, f.a.id)).toBe(3);
    expect(await countDealCalls(member, f.a.id)).toBe(2);

    // The member's private recording of the shared meeting adds nothing: the meeting is counted already.
    await db.call.update({ where: { id: secret.id }, data: { meetingId: meeting } });
    expect((await seen(f.workspace.id, member))[f.a.id]).toEqual([1, at(5).toISOString()]);
    expect(await countDealCalls(member, f.a.id)).toBe(1);
    expect((await stored(f.a.id))[0]).toMatchObject({ callCount: 2, publicCallCount: 1 });
    // A call made public later counts for everyone.
    await db.call.update({ where: { id: othersSecret.id }, data: { isPrivate: false } });
    expect((await stored(f.a.id))[0]).toEqual({ callCount: 2, lastCallAt: at(6), publicCallCount: 2, publicLastCallAt: at(6) });
    expect((await seen(f.workspace.id, member))[f.a.id]).toEqual([2, at(6).toISOString()]);
  });

  it("concurrent writers linking calls to one deal do not lose counts", async () => {
    const f = await fixture();
    const calls = await Promise.all(Array.from({ length: 8 }, (_, i) => f.call(i + 1, f.a.id)));
    // Each in its own transaction, all at once, each held open a moment after its insert so they overlap (not to
    // wait for anything): a count computed from a snapshot that misses the others' uncommitted links would stick.
    await Promise.all(
      calls.map((c) =>
        db.$transaction(async (tx) => {
          await tx.callDealLink.create({ data: { workspaceId: f.workspace.id, callId: c.id, dealId: f.a.id, source: "MANUAL", callStartedAt: c.startedAt } });
          await tx.$executeRaw`SELECT pg_sleep(0.05)`;
        }),
      ),
    );
    expect((await stored(f.a.id))[0]).toMatchObject({ callCount: 8, lastCallAt: at(8) });
  });
});
