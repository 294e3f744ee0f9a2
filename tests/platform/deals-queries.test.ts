import { afterAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { dealListParamsSchema, getDeal, listDeals } from "@/lib/deals/queries";
import { createWorkspace } from "../support/db";

async function dealsFixture() {
  const { workspace, admin } = await createWorkspace();
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
  return { workspace, admin, deals };
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
