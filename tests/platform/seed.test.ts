import { afterAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { verifyPassword } from "@/lib/auth/password";
import { DEMO_DEALS, DEMO_PASSWORD, DEMO_USERS } from "@/lib/demo/data";
import { seedDemo } from "@/prisma/seed";

describe("demo seed", () => {
  afterAll(() => db.$disconnect());

  it("creates Acme with an admin, reps and 20+ deals with CRM ids and contacts, idempotently", async () => {
    const first = await seedDemo(db);
    await seedDemo(db);
    const ws = await db.workspace.findUniqueOrThrow({ where: { id: first.workspaceId } });
    expect(ws.name).toBe("Acme");
    const members = await db.membership.findMany({ where: { workspaceId: ws.id }, include: { user: true } });
    expect(members).toHaveLength(DEMO_USERS.length);
    expect(members.find((m) => m.user.email === "admin@acme.test")?.role).toBe("ADMIN");
    expect(members.find((m) => m.user.email === "rep1@acme.test")?.role).toBe("MEMBER");
    expect(await verifyPassword(DEMO_PASSWORD, members[0]!.user.passwordHash!)).toBe(true);

    const deals = await db.deal.findMany({ where: { workspaceId: ws.id }, include: { contacts: true } });
    expect(deals.length).toBe(DEMO_DEALS.length);
    expect(deals.length).toBeGreaterThanOrEqual(20);
    for (const d of deals) {
      expect(d.crmDealId).toBeTruthy();
      expect(d.crmAccountId).toBeTruthy();
      expect(d.contacts.length).toBeGreaterThanOrEqual(2);
    }
    // The simulators derive CRM context and external emails from the same data.
    const demo = DEMO_DEALS[0]!;
    const stored = deals.find((d) => d.crmDealId === demo.crmDealId)!;
    expect(stored.contacts.map((c) => c.email).sort()).toEqual(demo.contacts.map((c) => c.email).sort());
  });
});
