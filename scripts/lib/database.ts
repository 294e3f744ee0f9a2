// Database selection and lifecycle for scripts (dev, start, tests): DATABASE_URL when set, otherwise the
// embedded PGlite server. Migrations are applied with the Prisma CLI (see prisma.config.ts).
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import pg from "pg";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "./embedded-postgres";

export const root = path.resolve(import.meta.dirname, "..", "..");

export function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, opts: { quiet?: boolean } = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: root, env, stdio: opts.quiet ? ["ignore", "pipe", "pipe"] : "inherit" });
    let output = "";
    child.stdout?.on("data", (d) => (output += d));
    child.stderr?.on("data", (d) => (output += d));
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(" ")} exited with ${code}\n${output}`))));
  });
}

const prismaBin = path.join(root, "node_modules", ".bin", "prisma");

export async function migrate(databaseUrl: string): Promise<void> {
  await run(prismaBin, ["migrate", "deploy"], { ...process.env, DATABASE_URL: databaseUrl }, { quiet: true });
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export type ScratchDatabase = { url: string; embedded: boolean; drop: () => Promise<void> };

/**
 * A database of its own for one test run: a new database on the DATABASE_URL server, or a new
 * in-memory embedded server. Migrated; `drop()` removes it.
 */
export async function createScratchDatabase(prefix: string): Promise<ScratchDatabase> {
  const base = process.env.DATABASE_URL;
  if (!base) {
    const embedded: EmbeddedPostgres = await startEmbeddedPostgres();
    await migrate(embedded.url);
    return { url: embedded.url, embedded: true, drop: () => embedded.stop() };
  }
  const name = `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = withDatabase(base, name);
  await migrate(url);
  return {
    url,
    embedded: false,
    drop: async () => {
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    },
  };
}

export async function isEmpty(databaseUrl: string): Promise<boolean> {
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    const r = await c.query(`SELECT count(*)::int AS n FROM "Workspace"`);
    return r.rows[0].n === 0;
  } finally {
    await c.end();
  }
}
