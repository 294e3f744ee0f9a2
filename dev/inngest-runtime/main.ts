// Standalone local Inngest runtime: `npm run inngest:local` (tsx dev/inngest-runtime/main.ts).
// Env: DATABASE_URL (required), INNGEST_APP_KEY (sent to apps; see inngest/runtime-key.ts), INNGEST_LOCAL_PORT (default 8288), INNGEST_LOCAL_APP_URL (serve
// URL(s) to sync, comma-separated), INNGEST_LOCAL_SCHEMA, INNGEST_LOCAL_LOG_LEVEL,
// INNGEST_LOCAL_RESYNC_MS, INNGEST_LOCAL_LEASE_MS, INNGEST_LOCAL_RETRY_BASE_MS, INNGEST_LOCAL_POLL_MS.
import { startLocalInngest } from "./server";

function intEnv(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) {
    console.error(`[inngest-local] ${name} must be a non-negative integer, got "${raw}"`);
    process.exit(1);
  }
  return n;
}

async function main(): Promise<void> {
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    console.error("[inngest-local] DATABASE_URL is required");
    process.exit(1);
  }
  const level = process.env.INNGEST_LOCAL_LOG_LEVEL;
  const runtime = await startLocalInngest({
    databaseUrl,
    port: intEnv("INNGEST_LOCAL_PORT"),
    host: process.env.INNGEST_LOCAL_HOST || undefined,
    schema: process.env.INNGEST_LOCAL_SCHEMA || undefined,
    appUrls: (process.env.INNGEST_LOCAL_APP_URL ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
    resyncIntervalMs: intEnv("INNGEST_LOCAL_RESYNC_MS"),
    leaseMs: intEnv("INNGEST_LOCAL_LEASE_MS"),
    retryBaseDelayMs: intEnv("INNGEST_LOCAL_RETRY_BASE_MS"),
    pollIntervalMs: intEnv("INNGEST_LOCAL_POLL_MS"),
    appKey: process.env.INNGEST_APP_KEY || undefined,
    logLevel: level === "debug" || level === "info" || level === "warn" || level === "error" || level === "silent" ? level : "info",
  });
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`[inngest-local] ${signal}: stopping`);
    runtime.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
}

main().catch((err: unknown) => {
  console.error(`[inngest-local] failed to start: ${(err as Error).stack ?? err}`);
  process.exit(1);
});
