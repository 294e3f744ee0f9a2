// Test harness: a local Inngest runtime on its own PostgreSQL schema plus an app serving real SDK
// functions with `inngest/node` on a random port, synced the way `npm run dev` syncs.
import http from "node:http";
import net, { type AddressInfo } from "node:net";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { Inngest, type InngestFunction } from "inngest";
import { serve } from "inngest/node";
import { startLocalInngest, type LocalInngest, type LocalInngestOptions } from "@/dev/inngest-runtime";
import { signingFetch, signRequest, SIGNATURE_HEADER } from "@/inngest/runtime-signature";

/** The key harness runtimes share with their apps (INNGEST_APP_KEY): every request both ways is signed with it. */
export const RUNTIME_KEY = process.env.INNGEST_APP_KEY ?? randomBytes(32).toString("base64url");
process.env.INNGEST_APP_KEY = RUNTIME_KEY;

/** Headers that sign one request with RUNTIME_KEY, as the app's Inngest client signs its requests to the runtime. */
export function signedHeaders(method: string, url: string, body = "", key = RUNTIME_KEY): Record<string, string> {
  return { [SIGNATURE_HEADER]: signRequest(key, { method, url, body }) };
}

export type RunSummary = {
  id: string;
  function_id: string;
  status: string;
  attempts: number;
  event_name: string;
  output: unknown;
  error: { name: string; message: string } | null;
  last_error: { name: string; message: string } | null;
  created_at: string;
  started_at: string | null;
  ended_at: string | null;
};
export type RunDetail = RunSummary & {
  event: { name: string; data: Record<string, unknown> };
  steps: Array<{ id: string; name: string | null; op: string; status: string; attempts: number; output?: unknown; error?: { message: string } }>;
  pending: Array<{ kind: string; step_id: string | null; attempt: number; available_at: number }>;
};

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
}

/** Polls `probe` until it returns a value other than undefined/false, or fails with `what`. */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  { timeoutMs = 10_000, intervalMs = 25 } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const out = await probe();
      if (out !== undefined && out !== false) return out;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ""}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** fetch + JSON, signed with RUNTIME_KEY (what every caller of a harness runtime must do). */
export async function getJson<T>(url: string, init?: RequestInit): Promise<{ status: number; body: T }> {
  const body = typeof init?.body === "string" ? init.body : "";
  const headers = { ...(init?.headers as Record<string, string> | undefined), ...signedHeaders(init?.method ?? "GET", url, body) };
  const res = await fetch(url, { ...init, headers });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
}

export type ServedApp = { url: string; close: () => Promise<void> };

export async function serveApp(client: Inngest.Any, functions: InngestFunction.Any[], port = 0): Promise<ServedApp> {
  const server = http.createServer(serve({ client, functions }));
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const actual = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${actual}/api/inngest`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type Harness = {
  runtime: LocalInngest;
  client: Inngest.Any;
  appId: string;
  schema: string;
  app: ServedApp | undefined;
  /** Serves `functions` and syncs them (in-band PUT from the runtime). */
  serve: (functions: InngestFunction.Any[]) => Promise<ServedApp>;
  fnId: (id: string) => string;
  runs: (query?: { function?: string; status?: string }) => Promise<RunSummary[]>;
  run: (id: string) => Promise<RunDetail>;
  waitForRun: (fnId: string, pred?: (r: RunSummary) => boolean, opts?: { timeoutMs?: number; count?: number }) => Promise<RunSummary[]>;
  waitForStatus: (runId: string, status: string | string[], opts?: { timeoutMs?: number }) => Promise<RunDetail>;
  sql: <R extends pg.QueryResultRow>(text: string, values?: unknown[]) => Promise<R[]>;
  close: () => Promise<void>;
};

export async function startHarness(prefix: string, options: Partial<LocalInngestOptions> = {}): Promise<Harness> {
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) throw new Error("DATABASE_URL is not set (vitest globalSetup provides it)");
  const schema = uniqueName(`il_${prefix}`);
  const runtime = await startLocalInngest({
    databaseUrl,
    port: 0,
    host: "127.0.0.1",
    schema,
    pollIntervalMs: 50,
    retryBaseDelayMs: 20,
    retryMaxDelayMs: 200,
    poolSize: 3,
    logLevel: "warn",
    appKey: RUNTIME_KEY,
    ...options,
  });
  const appId = uniqueName(prefix).replace(/_/g, "-");
  const quiet = { info: () => {}, warn: () => {}, error: () => {}, debug: () => {} };
  const client = new Inngest({
    id: appId,
    isDev: true,
    baseUrl: runtime.url,
    logger: quiet,
    fetch: signingFetch(options.appKey ?? RUNTIME_KEY, [runtime.url]),
  });
  const admin = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  const base = runtime.url;

  const h: Harness = {
    runtime,
    client,
    appId,
    schema,
    app: undefined,
    serve: async (functions) => {
      await h.app?.close();
      h.app = await serveApp(client, functions);
      await runtime.syncApp(h.app.url);
      return h.app;
    },
    fnId: (id) => `${appId}-${id}`,
    runs: async (query = {}) => {
      const qs = new URLSearchParams({ limit: "1000" });
      if (query.function) qs.set("function", query.function);
      if (query.status) qs.set("status", query.status);
      return (await getJson<{ data: RunSummary[] }>(`${base}/v1/runs?${qs}`)).body.data;
    },
    run: async (id) => (await getJson<{ data: RunDetail }>(`${base}/v1/runs/${id}`)).body.data,
    waitForRun: (fnId, pred = () => true, opts = {}) =>
      eventually(
        `${opts.count ?? 1} run(s) of ${fnId}`,
        async () => {
          const runs = (await h.runs({ function: fnId })).filter(pred);
          return runs.length >= (opts.count ?? 1) ? runs : undefined;
        },
        { timeoutMs: opts.timeoutMs ?? 10_000 },
      ),
    waitForStatus: (runId, status, opts = {}) => {
      const wanted = Array.isArray(status) ? status : [status];
      return eventually(
        `run ${runId} to be ${wanted.join("|")}`,
        async () => {
          const r = await h.run(runId);
          return wanted.includes(r.status) ? r : undefined;
        },
        { timeoutMs: opts.timeoutMs ?? 10_000 },
      );
    },
    sql: async (text, values) => {
      // In a transaction: see dev/inngest-runtime/store.ts `query` (embedded PGlite interleaves otherwise).
      const c = await admin.connect();
      try {
        await c.query("BEGIN");
        const res = await c.query(text.replaceAll("$schema", `"${schema}"`), values);
        await c.query("COMMIT");
        return res.rows;
      } catch (err) {
        await c.query("ROLLBACK").catch(() => undefined);
        throw err;
      } finally {
        c.release();
      }
    },
    close: async () => {
      await runtime.stop();
      await h.app?.close();
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
      await admin.end();
    },
  };
  return h;
}

/** Sends events straight to the runtime's intake, as `inngest.send()` does in dev mode. */
export async function postEvents(
  runtimeUrl: string,
  body: unknown,
  raw = false,
): Promise<{ status: number; body: { ids?: string[]; status?: number; error?: string } }> {
  return getJson(`${runtimeUrl}/e/test-key`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: raw ? (body as string) : JSON.stringify(body),
  });
}
