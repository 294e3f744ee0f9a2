// End-to-end harness for the sync engine without a browser: provider simulators, the local Inngest
// runtime and the app's real Inngest functions served over HTTP, all in-process, on the test database.
// Env must be set before any app module is imported, so everything app-side is imported dynamically.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { randomBytes } from "node:crypto";
import { serve } from "inngest/node";
import { startLocalInngest, type LocalInngest, type LocalInngestOptions } from "@/dev/inngest-runtime";
import { signRequest, SIGNATURE_HEADER } from "@/inngest/runtime-signature";
import { simulatorEnv, startSimulators, type RunningSimulators, type SimConfigInput } from "@/dev/simulators";
import type { RetryPolicy } from "@/lib/providers/types";
import { createScratchDatabase, type ScratchDatabase } from "../../scripts/lib/database";

export async function eventually<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== null && v !== false) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}${last ? `: ${String(last)}` : ""}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export type SyncHarness = Awaited<ReturnType<typeof startSyncHarness>>;

export interface SyncHarnessOptions {
  /**
   * Run on a scratch database of this harness's own (created, migrated, dropped on close) instead of
   * the test run's database, so that two files can each seed the demo workspace. Needs to be set
   * before any app module is imported (this file imports them dynamically for that reason).
   */
  ownDatabase?: boolean;
  /** Provider HTTP retry policy for this process (shorter timeouts and backoff in fault tests). */
  providerRetry?: Partial<RetryPolicy>;
  /** Shared rate limiter defaults for this process (e.g. a shorter circuit-breaker pause). */
  rateLimiter?: Partial<typeof import("@/lib/sync/rate-limiter").SHARED_GATE_DEFAULTS>;
  /** Local runtime settings for this harness (e.g. a short request timeout). */
  runtime?: Partial<LocalInngestOptions>;
}

export async function startSyncHarness(sim: SimConfigInput, options: SyncHarnessOptions = {}) {
  let scratch: ScratchDatabase | null = null;
  if (options.ownDatabase) {
    // On the run's PostgreSQL server; with the embedded server (one database per server), a new one.
    const runDatabase = process.env.DATABASE_URL;
    if (process.env.TEST_DATABASE_EMBEDDED === "1") delete process.env.DATABASE_URL;
    try {
      scratch = await createScratchDatabase("callsync_faults");
    } finally {
      if (runDatabase !== undefined) process.env.DATABASE_URL = runDatabase;
    }
    process.env.DATABASE_URL = scratch.url;
  }
  const sims: RunningSimulators = await startSimulators({ port: 0, ...sim });
  Object.assign(process.env, simulatorEnv(sims.url));
  process.env.APP_URL = "http://localhost:3999";
  // The bundled runtime's shared key, as `npm run dev` sets it: the app's client signs its requests to the runtime with it.
  process.env.INNGEST_APP_KEY ??= randomBytes(32).toString("base64url");
  const runtimeOptions = {
    appKey: process.env.INNGEST_APP_KEY,
    databaseUrl: process.env.DATABASE_URL!,
    port: 0,
    host: "127.0.0.1",
    schema: `il_sync_${randomBytes(4).toString("hex")}`,
    pollIntervalMs: 50,
    retryBaseDelayMs: 50,
    retryMaxDelayMs: 400,
    // A restarted runtime picks up the killed one's runs once their lease lapses.
    leaseMs: 2_000,
    logLevel: "warn" as const,
    ...options.runtime,
  };
  let runtime: LocalInngest = await startLocalInngest(runtimeOptions);
  process.env.INNGEST_DEV = "1";
  process.env.INNGEST_BASE_URL = runtime.url.replace("localhost", "127.0.0.1");

  if (options.providerRetry) Object.assign((await import("@/lib/providers/http")).DEFAULT_RETRY, options.providerRetry);
  if (options.rateLimiter) Object.assign((await import("@/lib/sync/rate-limiter")).SHARED_GATE_DEFAULTS, options.rateLimiter);

  const { inngest, sendEvents } = await import("@/inngest/client");
  const { functions } = await import("@/inngest/functions");
  const handler = serve({ client: inngest, functions });
  let server = http.createServer(handler);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const appPort = (server.address() as AddressInfo).port;
  const appUrl = `http://127.0.0.1:${appPort}/api/inngest`;
  await runtime.syncApp(appUrl);

  async function stopApp() {
    const closed = new Promise<void>((r) => server.close(() => r()));
    server.closeAllConnections();
    await closed;
  }

  const { db } = await import("@/lib/db");
  const { seedDemo } = await import("@/prisma/seed");
  const { workspaceId } = await seedDemo(db);
  // The deals the demo workspace gets from its HubSpot first import (the seed writes none).
  await (await import("./demo-deals")).insertDemoDeals(db, workspaceId);
  const admin = await db.user.findUniqueOrThrow({ where: { email: "admin@acme.test" } });
  const actor = { workspaceId, userId: admin.id, send: sendEvents };
  const { findIntegrationById } = await import("@/lib/integrations/connect");
  /** The integration as the route wrapper hands it to an action. */
  const integration = (integrationId: string) => findIntegrationById(workspaceId, integrationId);

  const control = async (path: string, body?: unknown, method = body === undefined ? "GET" : "POST") => {
    const res = await fetch(`${sims.url}${path}`, {
      method,
      headers: { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return text ? JSON.parse(text) : null;
  };

  /** Clicks Allow (or Deny) on the simulator's consent page; returns the callback's query params. */
  async function consent(authorizationUrl: string, decision: "allow" | "deny") {
    const page = await fetch(authorizationUrl);
    const html = await page.text();
    const action = new URL(/<form method="post" action="([^"]+)"/.exec(html)![1]!.replace(/&amp;/g, "&"), authorizationUrl);
    const form = new URLSearchParams({ decision });
    for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) form.set(m[1]!, m[2]!.replace(/&amp;/g, "&"));
    const res = await fetch(action, { method: "POST", body: form, redirect: "manual" });
    const location = new URL(res.headers.get("location")!);
    return Object.fromEntries(location.searchParams.entries());
  }

  /** Stops the runtime mid-flight and starts a new one on the same port and state. */
  async function restartRuntime() {
    const port = runtime.port;
    await runtime.stop();
    runtime = await startLocalInngest({ ...runtimeOptions, port });
    await runtime.syncApp(appUrl);
  }

  /**
   * "Kills" the app mid-flight: stops serving the Inngest functions and drops every open connection
   * (requests in flight get no answer), optionally waits until `whileDown` holds, then serves again
   * on the same port. Work already running in this process finishes unseen, like a step whose
   * process died after its writes but before it answered.
   */
  async function restartApp(whileDown?: () => Promise<void>) {
    await stopApp();
    try {
      await whileDown?.();
    } finally {
      server = http.createServer(handler);
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(appPort, "127.0.0.1", () => resolve());
      });
    }
  }

  async function runtimeGet(pathAndQuery: string): Promise<unknown> {
    const url = `${runtime.url}${pathAndQuery}`;
    return (await fetch(url, { headers: { [SIGNATURE_HEADER]: signRequest(runtimeOptions.appKey, { method: "GET", url, body: "" }) } })).json();
  }

  return {
    sims,
    get runtime() {
      return runtime;
    },
    restartRuntime,
    restartApp,
    db,
    actor,
    integration,
    control,
    consent,
    /** GET on the runtime's debugging API (`/v1/runs?...`), signed as the runtime requires. */
    runtimeGet,
    runs: async () => (await runtimeGet("/v1/runs?limit=1000")) as { runs?: Array<{ function_id: string; status: string; error: unknown }> },
    close: async () => {
      await stopApp();
      await runtime.stop();
      await sims.stop();
      if (scratch) {
        await db.$disconnect();
        await scratch.drop();
      }
    },
  };
}
