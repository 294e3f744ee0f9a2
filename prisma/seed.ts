// Demo seed: workspace "Acme", an admin and reps (password "callsync"), and deals with CRM ids and
// contacts that line up with the provider simulators (lib/demo/data.ts). Idempotent: safe to re-run.
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../lib/generated/prisma/client";
import { hashPassword } from "../lib/auth/password";
import { DEMO_DEALS, DEMO_PASSWORD, DEMO_USERS, DEMO_WORKSPACE } from "../lib/demo/data";

const DAY = 86_400_000;

export async function seedDemo(db: PrismaClient, now = new Date()) {
  const workspace = await db.workspace.upsert({
    where: { slug: DEMO_WORKSPACE.slug },
    update: {},
    create: { name: DEMO_WORKSPACE.name, slug: DEMO_WORKSPACE.slug },
  });
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const userIds = new Map<string, string>();
  for (const u of DEMO_USERS) {
    const user = await db.user.upsert({
      where: { email: u.email },
      update: {},
      create: { email: u.email, name: u.name, passwordHash, emailVerified: now },
    });
    userIds.set(u.email, user.id);
    await db.membership.upsert({
      where: { userId_workspaceId: { userId: user.id, workspaceId: workspace.id } },
      update: {},
      create: { userId: user.id, workspaceId: workspace.id, role: u.role },
    });
  }
  for (const d of DEMO_DEALS) {
    const deal = await db.deal.upsert({
      where: { workspaceId_crmSource_crmDealId: { workspaceId: workspace.id, crmSource: d.crmSource, crmDealId: d.crmDealId } },
      update: {},
      create: {
        workspaceId: workspace.id,
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
        create: { workspaceId: workspace.id, dealId: deal.id, name: c.name, email: c.email, title: c.title },
      });
    }
  }
  return { workspaceId: workspace.id, users: DEMO_USERS.length, deals: DEMO_DEALS.length };
}

export function demoLoginsText() {
  const lines = DEMO_USERS.map((u) => `    ${u.email.padEnd(18)} ${u.role === "ADMIN" ? "admin" : "rep  "}  password: ${DEMO_PASSWORD}`);
  return `  Demo logins:\n${lines.join("\n")}`;
}

// CLI: tsx prisma/seed.ts (DATABASE_URL must be set; `npm run db:seed` sets it).
if (import.meta.url === `file://${process.argv[1]}`) {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error("DATABASE_URL is not set. Use `npm run db:seed`.");
  const db = new PrismaClient({ adapter: new PrismaPg({ connectionString: url }) });
  seedDemo(db)
    .then((r) => console.log(`Seeded workspace Acme: ${r.users} users, ${r.deals} deals.\n${demoLoginsText()}`))
    .finally(() => db.$disconnect());
}
