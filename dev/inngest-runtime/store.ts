// PostgreSQL persistence for the local runtime: its own schema (default `inngest_local`), created
// idempotently at start-up, accessed with `pg` directly. All times are epoch milliseconds taken
// from the runtime's clock (injectable for tests), stored as bigint.
import pg from "pg";
import type { EventPayload, FunctionConfig, SerializedError, StepResult } from "./protocol";

export type Db = pg.Pool;
export type Tx = pg.PoolClient;
export type Queryable = pg.Pool | pg.PoolClient;

export class StoreError extends Error {
  override name = "StoreError";
}

const INT8_OID = 20;

export function createPool(databaseUrl: string, max: number): Db {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max,
    idleTimeoutMillis: 10_000,
    // bigint columns hold epoch ms and counters, all well inside Number's safe range. Parser set
    // per pool so other users of `pg` in the same process are unaffected.
    types: {
      getTypeParser: ((oid: number, format?: "text" | "binary") =>
        oid === INT8_OID ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  pool.on("error", () => {
    // An idle client lost its connection (e.g. the database restarted); the pool replaces it.
  });
  return pool;
}

export function quoteIdent(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(name)) throw new StoreError(`Invalid schema name "${name}"`);
  return `"${name}"`;
}

export async function migrate(db: Db, schema: string): Promise<void> {
  const s = quoteIdent(schema);
  await withTx(db, async (tx) => {
    // Serialize concurrent start-ups against the same schema (CREATE ... IF NOT EXISTS can race).
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`inngest_local_migrate:${schema}`]);
    await tx.query(`
      CREATE SCHEMA IF NOT EXISTS ${s};
      CREATE TABLE IF NOT EXISTS ${s}.apps (
        id text PRIMARY KEY, url text NOT NULL, sdk text, framework text, synced_at bigint NOT NULL);
      CREATE TABLE IF NOT EXISTS ${s}.functions (
        id text PRIMARY KEY, app_id text NOT NULL, name text NOT NULL, url text NOT NULL,
        config jsonb NOT NULL, updated_at bigint NOT NULL);
      CREATE TABLE IF NOT EXISTS ${s}.events (
        seq bigserial PRIMARY KEY, id text NOT NULL UNIQUE, external_id text, name text NOT NULL,
        payload jsonb NOT NULL, received_at bigint NOT NULL, processed_at bigint);
      CREATE UNIQUE INDEX IF NOT EXISTS events_external_id ON ${s}.events (external_id) WHERE external_id IS NOT NULL;
      CREATE INDEX IF NOT EXISTS events_pending ON ${s}.events (seq) WHERE processed_at IS NULL;
      CREATE INDEX IF NOT EXISTS events_name ON ${s}.events (name, seq);
      CREATE TABLE IF NOT EXISTS ${s}.runs (
        id text PRIMARY KEY, function_id text NOT NULL, status text NOT NULL,
        event jsonb NOT NULL, events jsonb NOT NULL, output jsonb, error jsonb, last_error jsonb,
        attempts int NOT NULL DEFAULT 0, concurrency jsonb, singleton_key text, idempotency_key text,
        parent_run_id text, parent_step_id text,
        lease_owner text, lease_until bigint,
        created_at bigint NOT NULL, started_at bigint, ended_at bigint, updated_at bigint NOT NULL);
      CREATE INDEX IF NOT EXISTS runs_function ON ${s}.runs (function_id, status);
      CREATE INDEX IF NOT EXISTS runs_created ON ${s}.runs (created_at DESC);
      CREATE INDEX IF NOT EXISTS runs_singleton ON ${s}.runs (singleton_key) WHERE singleton_key IS NOT NULL;
      CREATE INDEX IF NOT EXISTS runs_idempotency ON ${s}.runs (idempotency_key) WHERE idempotency_key IS NOT NULL;
      CREATE INDEX IF NOT EXISTS runs_parent ON ${s}.runs (parent_run_id) WHERE parent_run_id IS NOT NULL;
      CREATE SEQUENCE IF NOT EXISTS ${s}.step_completion_seq;
      CREATE TABLE IF NOT EXISTS ${s}.steps (
        run_id text NOT NULL, step_id text NOT NULL, op text NOT NULL, name text, display_name text,
        status text NOT NULL, result jsonb, last_error jsonb, opts jsonb, attempts int NOT NULL DEFAULT 0,
        completion_seq bigint, created_at bigint NOT NULL, ended_at bigint,
        PRIMARY KEY (run_id, step_id));
      CREATE TABLE IF NOT EXISTS ${s}.jobs (
        id bigserial PRIMARY KEY, run_id text NOT NULL, kind text NOT NULL, step_id text,
        attempt int NOT NULL DEFAULT 0, available_at bigint NOT NULL, created_at bigint NOT NULL);
      CREATE INDEX IF NOT EXISTS jobs_run ON ${s}.jobs (run_id, available_at);
      CREATE INDEX IF NOT EXISTS jobs_due ON ${s}.jobs (available_at);
      CREATE TABLE IF NOT EXISTS ${s}.seen_signatures (signature text PRIMARY KEY, expires_at bigint NOT NULL);
      CREATE INDEX IF NOT EXISTS seen_signatures_expiry ON ${s}.seen_signatures (expires_at);
      CREATE TABLE IF NOT EXISTS ${s}.waits (
        run_id text NOT NULL, step_id text NOT NULL, event_name text NOT NULL, expression text,
        expires_at bigint NOT NULL, created_at bigint NOT NULL, PRIMARY KEY (run_id, step_id));
      CREATE INDEX IF NOT EXISTS waits_event ON ${s}.waits (event_name);
      CREATE TABLE IF NOT EXISTS ${s}.crons (
        function_id text NOT NULL, expression text NOT NULL, next_at bigint NOT NULL,
        PRIMARY KEY (function_id, expression));
    `);
  });
}

/** Runs `fn` in a short transaction; rolls back on throw. */
export async function withTx<T>(db: Db, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const client = await db.connect();
  try {
    await client.query("BEGIN");
    const out = await fn(client);
    await client.query("COMMIT");
    return out;
  } catch (err) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/**
 * A single statement, still wrapped in BEGIN/COMMIT. The embedded PGlite server (pglite-socket)
 * multiplexes all connections onto one backend message by message; only an open transaction gives
 * a connection exclusive use, so an unwrapped parameterized query (Parse/Bind/Execute) could be
 * interleaved with another connection's and bind the wrong statement. Costs two round trips on a
 * real server, which is negligible here.
 */
export async function query<R extends pg.QueryResultRow>(db: Db, text: string, values?: unknown[]): Promise<pg.QueryResult<R>> {
  return withTx(db, (tx) => tx.query<R>(text, values));
}

export const json = (value: unknown): string => JSON.stringify(value ?? null);

export const TERMINAL_STATUSES = ["Completed", "Failed", "Cancelled", "Skipped"] as const;
export type RunStatus = "Queued" | "Running" | (typeof TERMINAL_STATUSES)[number];

export type ConcurrencySlot = { key: string; limit: number };

export type RunRow = {
  id: string;
  function_id: string;
  status: RunStatus;
  event: EventPayload;
  events: EventPayload[];
  output: unknown;
  error: SerializedError | null;
  last_error: SerializedError | null;
  attempts: number;
  concurrency: ConcurrencySlot[] | null;
  parent_run_id: string | null;
  parent_step_id: string | null;
  lease_owner: string | null;
  lease_until: number | null;
  created_at: number;
  started_at: number | null;
  ended_at: number | null;
};

export type StepStatus = "planned" | "sleeping" | "waiting" | "invoking" | "completed" | "failed";
export type StepRow = {
  run_id: string;
  step_id: string;
  op: string;
  name: string | null;
  display_name: string | null;
  status: StepStatus;
  result: StepResult | null;
  last_error: SerializedError | null;
  opts: Record<string, unknown> | null;
  attempts: number;
  completion_seq: number | null;
  created_at: number;
  ended_at: number | null;
};

export type JobKind = "discovery" | "step" | "sleep" | "wait_timeout" | "invoke_timeout";
export type JobRow = {
  id: number;
  run_id: string;
  kind: JobKind;
  step_id: string | null;
  attempt: number;
  available_at: number;
};

export type FunctionRow = {
  id: string;
  app_id: string;
  name: string;
  url: string;
  config: FunctionConfig;
  updated_at: number;
};

export type WaitRow = {
  run_id: string;
  step_id: string;
  event_name: string;
  expression: string | null;
  expires_at: number;
};
