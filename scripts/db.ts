// npm run db:migrate | db:seed | db:reset — against DATABASE_URL, or the embedded database in .data/.
import path from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../lib/generated/prisma/client";
import { demoLoginsText, seedDemo } from "../prisma/seed";
import { migrate, run } from "./lib/database";
import { startEmbeddedPostgres } from "./lib/embedded-postgres";
import { dataDir } from "./lib/runtime-env";

const command = process.argv[2];

async function main() {
  const embedded = process.env.DATABASE_URL ? null : await startEmbeddedPostgres({ dataDir: path.join(dataDir, "pglite") });
  const url = process.env.DATABASE_URL ?? embedded!.url;
  try {
    if (command === "migrate") {
      await migrate(url);
      console.log("Migrations applied.");
    } else if (command === "seed") {
      await migrate(url);
      const db = new PrismaClient({ adapter: new PrismaPg({ connectionString: url }) });
      const r = await seedDemo(db);
      await db.$disconnect();
      console.log(`Seeded workspace Acme: ${r.users} users; its deals come from HubSpot (the demo start connects the HubSpot simulator).\n${demoLoginsText()}`);
    } else if (command === "reset") {
      await run("node_modules/.bin/prisma", ["migrate", "reset", "--force", "--skip-seed", "--skip-generate"], { ...process.env, DATABASE_URL: url });
      const db = new PrismaClient({ adapter: new PrismaPg({ connectionString: url }) });
      await seedDemo(db);
      await db.$disconnect();
      console.log("Database reset and seeded.");
    } else {
      console.error("usage: tsx scripts/db.ts migrate|seed|reset");
      process.exitCode = 2;
    }
  } finally {
    await embedded?.stop();
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
