// Standalone local Inngest runtime: `npm run inngest:local` (tsx dev/inngest-runtime/main.ts).
// Env: DATABASE_URL and INNGEST_APP_KEY (the key shared with the app: requests both ways are signed with
// it, see inngest/runtime-signature.ts) are required; INNGEST_LOCAL_APP_URL (serve URL(s) to sync,
// comma-separated: the only URLs the runtime calls), INNGEST_LOCAL_PORT (default 8288), INNGEST_LOCAL_HOST
// (default 127.0.0.1), INNGEST_LOCAL_ALLOWED_HOSTS (extra Host header values, comma-separated),
// INNGEST_LOCAL_SCHEMA, INNGEST_LOCAL_LOG_LEVEL, INNGEST_LOCAL_RESYNC_MS, INNGEST_LOCAL_LEASE_MS,
// INNGEST_LOCAL_RETRY_BASE_MS, INNGEST_LOCAL_POLL_MS.
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
  const appKey = process.env.INNGEST_APP_KEY ?? "";
  if (appKey.length < 32) {
    console.error(
      "[inngest-local] INNGEST_APP_KEY is required (at least 32 characters; the app gets the same value): it signs every request between the runtime and the app",
    );
    process.exit(1);
  }
  const list = (v: string | undefined) =>
    (v ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
  const level = process.env.INNGEST_LOCAL_LOG_LEVEL;
  const runtime = await startLocalInngest({
    databaseUrl,
    port: intEnv("INNGEST_LOCAL_PORT"),
    host: process.env.INNGEST_LOCAL_HOST || undefined,
    schema: process.env.INNGEST_LOCAL_SCHEMA || undefined,
    allowedHosts: list(process.env.INNGEST_LOCAL_ALLOWED_HOSTS),
    appUrls: list(process.env.INNGEST_LOCAL_APP_URL),
    resyncIntervalMs: intEnv("INNGEST_LOCAL_RESYNC_MS"),
    leaseMs: intEnv("INNGEST_LOCAL_LEASE_MS"),
    retryBaseDelayMs: intEnv("INNGEST_LOCAL_RETRY_BASE_MS"),
    pollIntervalMs: intEnv("INNGEST_LOCAL_POLL_MS"),
    appKey,
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
