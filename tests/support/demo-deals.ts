// The demo deals as the demo workspace holds them after its HubSpot first import (the seed no longer writes
// deals: the demo start imports them from the HubSpot simulator, lib/demo/crm.ts). For the sync harness,
// whose tests are about calls and need deals with the CRM ids and contacts the recorders' calls carry,
// without running a CRM import in every test file. tests/crm/demo-crm.test.ts checks the real import
// brings these same ids and contacts.
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { DEMO_DEALS, DEMO_USERS } from "@/lib/demo/data";

const DAY = 86_400_000;

export async function insertDemoDeals(db: PrismaClient, workspaceId: string, now = new Date()) {
  const users = await db.user.findMany({ where: { email: { in: DEMO_USERS.map((u) => u.email) } }, select: { id: true, email: true } });
  const userIds = new Map(users.map((u) => [u.email, u.id]));
  for (const d of DEMO_DEALS) {
    const deal = await db.deal.upsert({
      where: { workspaceId_crmSource_crmDealId: { workspaceId, crmSource: d.crmSource, crmDealId: d.crmDealId } },
      update: {},
      create: {
        workspaceId,
        name: d.name,
        accountName: d.accountName,
        stage: d.stage,
        isClosed: d.isClosed,
        amount: d.amount,
        closeDate: new Date(Math.floor(now.getTime() / DAY) * DAY + d.closeInDays * DAY),
        ownerId: userIds.get(d.ownerEmail) ?? null,
        crmSource: d.crmSource,
        crmDealId: d.crmDealId,
        crmAccountId: d.crmAccountId,
      },
    });
    for (const c of d.contacts) {
      await db.dealContact.upsert({
        where: { dealId_email: { dealId: deal.id, email: c.email } },
        update: {},
        create: { workspaceId, dealId: deal.id, name: c.name, email: c.email, title: c.title },
      });
    }
  }
}
