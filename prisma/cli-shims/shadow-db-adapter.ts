// CLI-only shim for a defect in @prisma/adapter-pg 6.19's `connectToShadowDb` (it reconnects to the main
// database, or drops the shadow database while still connected to it). This factory creates a fresh
// `prisma_shadow_<uuid>` database, connects to it with discrete host/port/user/database fields, and
// drops it WITH (FORCE) on dispose. When SHADOW_DATABASE_URL is set (the embedded PGlite server serves a
// single database, so `migrate dev` there needs a second server) that database is used as is.
// Never imported by the app runtime.
import { randomUUID } from "node:crypto";
import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";
import { runWholeScripts } from "./whole-migration-scripts";

type Factory = PrismaPg;

function discreteConfig(url: string, database?: string): pg.PoolConfig {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: u.port ? Number(u.port) : 5432,
    user: decodeURIComponent(u.username || "postgres"),
    password: u.password ? decodeURIComponent(u.password) : undefined,
    database: database ?? decodeURIComponent(u.pathname.replace(/^\//, "") || "postgres"),
    ssl: u.searchParams.get("sslmode") === "require" ? { rejectUnauthorized: false } : undefined,
    // Idle pooled connections must not keep the CLI process alive after the command has finished.
    allowExitOnIdle: true,
  };
}

export function createCliAdapter(databaseUrl: string, shadowDatabaseUrl?: string): Factory {
  const factory = new PrismaPg(discreteConfig(databaseUrl));
  const fixed = factory as Factory & { connectToShadowDb: () => ReturnType<Factory["connect"]> };
  const connect = factory.connect.bind(factory);
  fixed.connect = async () => runWholeScripts(await connect());

  fixed.connectToShadowDb = async () => {
    if (process.env.CALLSYNC_SHIM_DEBUG) console.error("[shim] connectToShadowDb");
    if (shadowDatabaseUrl) {
      return runWholeScripts(await new PrismaPg(discreteConfig(shadowDatabaseUrl)).connect());
    }
    const name = `prisma_shadow_${randomUUID().replace(/-/g, "")}`;
    const admin = new pg.Client(discreteConfig(databaseUrl));
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE "${name}"`);
    } finally {
      await admin.end();
    }
    const adapter = runWholeScripts(await new PrismaPg(discreteConfig(databaseUrl, name)).connect());
    const originalDispose = adapter.dispose.bind(adapter);
    adapter.dispose = async () => {
      if (process.env.CALLSYNC_SHIM_DEBUG) console.error("[shim] dispose shadow", name);
      await originalDispose().catch(() => undefined);
      const dropper = new pg.Client(discreteConfig(databaseUrl));
      await dropper.connect();
      try {
        await dropper.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await dropper.end();
      }
    };
    return adapter;
  };
  return fixed;
}
