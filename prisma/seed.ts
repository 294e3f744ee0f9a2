// Demo seed: workspace "Acme", an admin and reps (password "callsync"). No deals: they live in the HubSpot
// simulator's demo portal (lib/demo/data.ts, dev/simulators/providers/hubspot-portal.ts) and the demo start
// imports them by connecting HubSpot for Acme (lib/demo/crm.ts, scripts/lib/stack.ts). Idempotent: safe to re-run.
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../lib/generated/prisma/client";
import { hashPassword } from "../lib/auth/password";
import { DEMO_PASSWORD, DEMO_USERS, DEMO_WORKSPACE } from "../lib/demo/data";

export async function seedDemo(db: PrismaClient, now = new Date()) {
  const workspace = await db.workspace.upsert({
    where: { slug: DEMO_WORKSPACE.slug },
    update: {},
    create: { name: DEMO_WORKSPACE.name, slug: DEMO_WORKSPACE.slug },
  });
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  for (const u of DEMO_USERS) {
    const user = await db.user.upsert({
      where: { email: u.email },
      update: {},
      create: { email: u.email, name: u.name, passwordHash, emailVerified: now },
    });
    await db.membership.upsert({
      where: { userId_workspaceId: { userId: user.id, workspaceId: workspace.id } },
      update: {},
      create: { userId: user.id, workspaceId: workspace.id, role: u.role },
    });
  }
  return { workspaceId: workspace.id, users: DEMO_USERS.length };
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
    .then((r) => console.log(`Seeded workspace Acme: ${r.users} users (connect HubSpot for its deals).\n${demoLoginsText()}`))
    .finally(() => db.$disconnect());
}
