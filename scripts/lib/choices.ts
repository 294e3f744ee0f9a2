// What a start brings besides the app (scripts/lib/stack.ts): the demo seed and the provider simulators.
// Development (`npm run dev`): both, unless turned off (DEMO=0, USE_SIMULATORS=0). Production (`npm start`):
// neither unless the operator asks: DEMO=1 seeds the demo workspace on an empty database and implies the
// simulators its data lines up with; USE_SIMULATORS=1 alone starts the simulators.
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../../lib/generated/prisma/client";
import { seedDemo } from "../../prisma/seed";
import { isEmpty } from "./database";

const flag = (name: string): boolean | undefined => {
  const v = process.env[name];
  if (v === undefined || v === "") return undefined;
  return v !== "0" && v.toLowerCase() !== "false";
};

export function stackChoices(mode: "dev" | "prod"): { demo: boolean; useSimulators: boolean } {
  const demo = flag("DEMO") ?? mode === "dev";
  const useSimulators = flag("USE_SIMULATORS") ?? (mode === "dev" || demo);
  return { demo, useSimulators };
}

/** Seeds the demo workspace when asked and the database has no workspace yet; true when it seeded. */
export async function seedIfAsked(databaseUrl: string, demo: boolean): Promise<boolean> {
  if (!demo || !(await isEmpty(databaseUrl))) return false;
  const db = new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl }) });
  try {
    await seedDemo(db);
  } finally {
    await db.$disconnect();
  }
  return true;
}
