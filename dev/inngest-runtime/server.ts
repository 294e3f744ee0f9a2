// startLocalInngest: a local stand-in for the Inngest dev server, backed by PostgreSQL.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { randomUUID } from "node:crypto";
import { consoleLogger, type Clock, type Logger, type RuntimeContext } from "./context";
import { allowedHosts, appUrlKey } from "./auth";
import { createHandler } from "./http";
import { syncApp } from "./registry";
import { Scheduler } from "./scheduler";
import { createPool, migrate, quoteIdent } from "./store";

export const DEFAULT_PORT = 8288; // where the SDK looks for a dev server (INNGEST_DEV=1)
export const DEFAULT_SCHEMA = "inngest_local";

export type LocalInngestOptions = {
  databaseUrl: string;
  /** Default 8288; 0 picks a free port. */
  port?: number;
  /** Interface to bind; default 127.0.0.1 (only this machine). "0.0.0.0" offers it to the network. */
  host?: string;
  /** Host header values accepted besides the loopback names with the port (e.g. "inngest.internal:8288" behind a proxy). */
  allowedHosts?: string[];
  /**
   * Serve URLs (e.g. http://localhost:3000/api/inngest) to sync functions from, retried until they answer.
   * The only URLs the runtime sends requests to (plus those given to syncApp()/allowAppUrl()).
   */
  appUrls?: string[];
  /** Re-sync `appUrls` this often (ms) to pick up changed functions; 0 = only at start. */
  resyncIntervalMs?: number;
  /** PostgreSQL schema holding the runtime's state. Default `inngest_local`. */
  schema?: string;
  clock?: Clock;
  /** Scheduler poll interval (ms); new events and jobs also wake it at once. Default 100. */
  pollIntervalMs?: number;
  /** How long a run lease lasts without renewal (ms); a crashed instance's runs resume after this. Default 30 s. */
  leaseMs?: number;
  /** Retry backoff: base * 2^attempt, capped. Defaults 1 s and 60 s. */
  retryBaseDelayMs?: number;
  retryMaxDelayMs?: number;
  /** Timeout of one request to the app. Default 5 min. */
  requestTimeoutMs?: number;
  maxConcurrentRuns?: number;
  poolSize?: number;
  /** Grace period for in-flight requests on stop(). Default 5 s. */
  stopGraceMs?: number;
  logger?: Logger;
  logLevel?: "debug" | "info" | "warn" | "error" | "silent";
  /** Shared key: the runtime signs its requests to apps with it and accepts only requests signed with it (inngest/runtime-signature.ts). */
  appKey: string;
};

export type LocalInngest = {
  /** Base URL, e.g. http://localhost:8288 (use as INNGEST_BASE_URL / INNGEST_DEV). */
  url: string;
  port: number;
  /** The address it listens on (127.0.0.1 unless `host` says otherwise). */
  address: string;
  schema: string;
  /** Adds a serve URL the runtime may call (an app that registers out-of-band). */
  allowAppUrl: (appUrl: string) => void;
  /** Syncs the app served at `appUrl` now (in-band PUT); the URL becomes an allowed app URL. */
  syncApp: (appUrl: string) => Promise<{ appId?: string; functions?: string[]; inBand: boolean }>;
  /** Resolves once every `appUrls` entry synced at least once. */
  appsSynced: Promise<void>;
  stop: () => Promise<void>;
};

export async function startLocalInngest(options: LocalInngestOptions): Promise<LocalInngest> {
  if (!options.appKey || options.appKey.length < 32) throw new Error("The local Inngest runtime needs appKey (INNGEST_APP_KEY), at least 32 characters");
  const appUrlSet = new Set<string>();
  const allowAppUrl = (url: string) => {
    const key = appUrlKey(url);
    if (!key) throw new Error(`Not an http(s) app URL: ${url}`);
    appUrlSet.add(key);
  };
  for (const u of options.appUrls ?? []) allowAppUrl(u);
  const schema = options.schema ?? DEFAULT_SCHEMA;
  const log = options.logger ?? consoleLogger(options.logLevel ?? "info");
  const db = createPool(options.databaseUrl, options.poolSize ?? 5);
  await migrate(db, schema);

  // The context's wake() needs the scheduler, which needs the context: a holder breaks the cycle.
  const wakeable: { scheduler?: Scheduler } = {};
  const ctx: RuntimeContext = {
    db,
    s: quoteIdent(schema),
    schema,
    clock: options.clock ?? { now: () => Date.now() },
    log,
    owner: `${process.pid}-${randomUUID()}`,
    leaseMs: options.leaseMs ?? 30_000,
    retryBaseDelayMs: options.retryBaseDelayMs ?? 1_000,
    retryMaxDelayMs: options.retryMaxDelayMs ?? 60_000,
    requestTimeoutMs: options.requestTimeoutMs ?? 5 * 60_000,
    wake: () => wakeable.scheduler?.wake(),
    appKey: options.appKey,
    appUrls: appUrlSet,
  };
  const scheduler = new Scheduler(ctx, {
    pollIntervalMs: options.pollIntervalMs ?? 100,
    maxConcurrentRuns: options.maxConcurrentRuns ?? 50,
  });
  wakeable.scheduler = scheduler;

  const startedAt = Date.now();
  const bindHost = options.host || "127.0.0.1";
  let hosts = new Set<string>();
  const server = http.createServer(
    createHandler(
      ctx,
      () => ({ schema, uptime_ms: Date.now() - startedAt }),
      () => hosts,
    ),
  );
  server.keepAliveTimeout = 5_000;
  const port = options.port ?? DEFAULT_PORT;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, bindHost, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port: actualPort, address } = server.address() as AddressInfo;
  hosts = allowedHosts(bindHost, actualPort, options.allowedHosts);
  const host = !["0.0.0.0", "::"].includes(bindHost) ? bindHost : "localhost";
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${actualPort}`;
  scheduler.start();
  log.info(`listening on ${url} (schema "${schema}")`);

  let stopped = false;
  const timers = new Set<NodeJS.Timeout>();
  const delay = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.add(t);
    });

  const syncUntilDone = async (appUrl: string): Promise<void> => {
    for (let attempt = 0; !stopped; attempt++) {
      try {
        const out = await syncApp(ctx, appUrl);
        if (!out.inBand) log.info(`${appUrl} registered out-of-band`);
        return;
      } catch (err) {
        if (attempt === 0 || attempt % 30 === 0) log.warn(`app sync pending: ${(err as Error).message}; retrying`);
        await delay(1_000);
      }
    }
  };
  const appUrls = options.appUrls ?? [];
  const appsSynced = Promise.all(appUrls.map(syncUntilDone)).then(() => undefined);
  if (options.resyncIntervalMs && appUrls.length) {
    const resync = setInterval(() => {
      for (const appUrl of appUrls) syncApp(ctx, appUrl).catch(() => undefined);
    }, options.resyncIntervalMs);
    resync.unref();
    timers.add(resync);
  }

  return {
    url,
    port: actualPort,
    address,
    schema,
    allowAppUrl,
    syncApp: (appUrl) => {
      allowAppUrl(appUrl);
      return syncApp(ctx, appUrl);
    },
    appsSynced,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      for (const t of timers) clearTimeout(t);
      server.closeIdleConnections();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      await scheduler.stop(options.stopGraceMs ?? 5_000);
      server.closeAllConnections();
      await closed;
      await db.end();
      log.info("stopped");
    },
  };
}
