// What a start brings besides the app (scripts/lib/stack.ts): the demo seed, the provider simulators and
// the job server (inngestChoice below).
// Development (`npm run dev`): both, unless turned off (DEMO=0, USE_SIMULATORS=0). Production (`npm start`):
// neither unless the operator asks: DEMO=1 seeds the demo workspace on an empty database and implies the
// simulators its data lines up with; USE_SIMULATORS=1 alone starts the simulators.
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../../lib/generated/prisma/client";
import { seedDemo } from "../../prisma/seed";
import { isEmpty } from "./database";

const flag = (name: string, source: Record<string, string | undefined> = process.env): boolean | undefined => {
  const v = source[name];
  if (v === undefined || v === "") return undefined;
  return v !== "0" && v.toLowerCase() !== "false";
};

export function stackChoices(mode: "dev" | "prod"): { demo: boolean; useSimulators: boolean } {
  const demo = flag("DEMO") ?? mode === "dev";
  const useSimulators = flag("USE_SIMULATORS") ?? (mode === "dev" || demo);
  return { demo, useSimulators };
}

export type InngestChoice =
  /** dev/inngest-runtime on this machine (127.0.0.1, requests signed with INNGEST_APP_KEY). */
  | { kind: "bundled" }
  | { kind: "cloud" }
  | { kind: "self-hosted"; baseUrl: string }
  /** `npm run dev` with INNGEST_LOCAL=0: whatever the SDK's own env picks (e.g. `npx inngest-cli dev`). */
  | { kind: "sdk-env" };

/**
 * Which Inngest server runs background jobs. Development: the bundled runtime unless INNGEST_LOCAL=0.
 * Production: Inngest Cloud (INNGEST_SIGNING_KEY + INNGEST_EVENT_KEY) or a self-hosted Inngest (the same
 * plus INNGEST_BASE_URL); without those keys it refuses to start, unless the operator asks for the bundled
 * runtime with INNGEST_LOCAL=1 (one machine: it runs beside the app and keeps its state in the app's database).
 */
export function inngestChoice(mode: "dev" | "prod", source: Record<string, string | undefined> = process.env): InngestChoice {
  const local = flag("INNGEST_LOCAL", source);
  if (local === true || (local === undefined && mode === "dev")) return { kind: "bundled" };
  if (mode === "dev") return { kind: "sdk-env" };
  const set = (name: string) => Boolean(source[name]?.trim());
  const missing = ["INNGEST_SIGNING_KEY", "INNGEST_EVENT_KEY"].filter((n) => !set(n));
  const how =
    "Set INNGEST_SIGNING_KEY and INNGEST_EVENT_KEY (Inngest Cloud: from the dashboard; self-hosted: the keys the server runs with, and INNGEST_BASE_URL=<its URL>), " +
    "or set INNGEST_LOCAL=1 to run the bundled Inngest runtime on this machine.";
  if (missing.length)
    throw new Error(
      `npm start runs background jobs on Inngest Cloud or a self-hosted Inngest server, and ${missing.join(" and ")} ${missing.length > 1 ? "are" : "is"} not set. ${how}`,
    );
  if (!/^(signkey-\w+-)?(?:[0-9a-f]{2})+$/i.test(source.INNGEST_SIGNING_KEY!.trim())) {
    throw new Error(`INNGEST_SIGNING_KEY is not an Inngest signing key (signkey-prod-<hex>, or the hex key of a self-hosted server). ${how}`);
  }
  if (flag("INNGEST_DEV", source) === true) {
    throw new Error(
      "INNGEST_DEV is set: it turns off the SDK's signature checks. Unset it for npm start (INNGEST_LOCAL=1 is the way to use the bundled runtime).",
    );
  }
  const baseUrl = source.INNGEST_BASE_URL?.trim();
  if (!baseUrl) return { kind: "cloud" };
  const url = URL.canParse(baseUrl) ? new URL(baseUrl) : null;
  if (!url || (url.protocol !== "https:" && url.protocol !== "http:")) {
    throw new Error(
      `INNGEST_BASE_URL is not a URL ("${baseUrl}"): set it to your self-hosted Inngest server, e.g. https://inngest.example.com, or unset it for Inngest Cloud.`,
    );
  }
  return { kind: "self-hosted", baseUrl: url.href.replace(/\/$/, "") };
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
