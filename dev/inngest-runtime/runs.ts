// Run lifecycle inside a caller's transaction: events in, runs created (singleton, idempotency and
// concurrency keys applied), steps resolved, runs finished (system events out, invoking parents
// resumed).
import { ulid } from "ulid";
import type { RuntimeContext } from "./context";
import { evaluate } from "./expr";
import { InternalEvent, type ConcurrencyOption, type EventPayload, type SerializedError, type StepResult } from "./protocol";
import { json, TERMINAL_STATUSES, type ConcurrencySlot, type FunctionRow, type JobKind, type RunRow, type Tx } from "./store";

export const DEFAULT_RETRIES = 3; // inngest helpers/consts.js `defaultMaxRetries`
export const IDEMPOTENCY_WINDOW_MS = 24 * 60 * 60 * 1000;

export type NewEvent = {
  name: string;
  data?: Record<string, unknown> | null;
  externalId?: string | null;
  ts?: number | null;
  v?: string | null;
  user?: Record<string, unknown> | null;
};

/** Stores an event for the event processor. Returns its id; a repeated external id is a no-op. */
export async function insertEvent(tx: Tx, ctx: RuntimeContext, input: NewEvent): Promise<{ id: string; payload: EventPayload }> {
  const now = ctx.clock.now();
  const internalId = ulid(now);
  const payload: EventPayload = {
    id: input.externalId ?? internalId,
    name: input.name,
    data: input.data ?? {},
    ts: input.ts ?? now,
    ...(input.v ? { v: input.v } : {}),
    ...(input.user ? { user: input.user } : {}),
  };
  const res = await tx.query<{ id: string }>(
    `INSERT INTO ${ctx.s}.events (id, external_id, name, payload, received_at) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (external_id) WHERE external_id IS NOT NULL DO NOTHING RETURNING id`,
    [internalId, input.externalId ?? null, input.name, json(payload), now],
  );
  if (res.rowCount === 0) {
    const existing = await tx.query<{ id: string; payload: EventPayload }>(`SELECT id, payload FROM ${ctx.s}.events WHERE external_id = $1`, [
      input.externalId,
    ]);
    return existing.rows[0];
  }
  return { id: internalId, payload };
}

export async function enqueueJob(
  tx: Tx,
  ctx: RuntimeContext,
  job: { runId: string; kind: JobKind; stepId?: string | null; availableAt?: number; attempt?: number },
): Promise<void> {
  const now = ctx.clock.now();
  await tx.query(`INSERT INTO ${ctx.s}.jobs (run_id, kind, step_id, attempt, available_at, created_at) VALUES ($1, $2, $3, $4, $5, $6)`, [
    job.runId,
    job.kind,
    job.stepId ?? null,
    job.attempt ?? 0,
    job.availableAt ?? now,
    now,
  ]);
}

function keyValue(expression: string | undefined, event: EventPayload): string {
  if (!expression) return "";
  try {
    const v = evaluate(expression, { event });
    return typeof v === "string" ? v : JSON.stringify(v ?? null);
  } catch (err) {
    return `!${(err as Error).message}`;
  }
}

/** The concurrency slots a run occupies while one of its requests is executing. */
export function concurrencySlots(fn: FunctionRow, event: EventPayload): ConcurrencySlot[] {
  const raw = fn.config.concurrency;
  if (raw === undefined || raw === null) return [];
  const options: ConcurrencyOption[] = typeof raw === "number" ? [{ limit: raw }] : Array.isArray(raw) ? raw : [raw];
  return options
    .filter((o) => o.limit > 0)
    .map((o) => {
      const scope = o.scope ?? "fn";
      const prefix = scope === "fn" ? `fn:${fn.id}` : `${scope}`;
      return { key: o.key ? `${prefix}:${keyValue(o.key, event)}` : prefix, limit: o.limit };
    });
}

export function maxAttempts(fn: FunctionRow): number {
  const step = Object.values(fn.config.steps)[0];
  return (step?.retries?.attempts ?? DEFAULT_RETRIES) + 1;
}

export function stepUrl(fn: FunctionRow): string {
  const step = Object.values(fn.config.steps)[0];
  return step?.runtime.url ?? fn.url;
}

export type CreatedRun = { id: string; status: "Queued" | "Skipped"; reason?: string };

export async function createRun(
  tx: Tx,
  ctx: RuntimeContext,
  fn: FunctionRow,
  event: EventPayload,
  parent?: { runId: string; stepId: string },
): Promise<CreatedRun> {
  const now = ctx.clock.now();
  const id = ulid(now);
  let idempotencyKey: string | null = null;
  if (fn.config.idempotency) {
    idempotencyKey = `${fn.id}:${keyValue(fn.config.idempotency, event)}`;
    const dup = await tx.query(`SELECT 1 FROM ${ctx.s}.runs WHERE idempotency_key = $1 AND created_at > $2 LIMIT 1`, [
      idempotencyKey,
      now - IDEMPOTENCY_WINDOW_MS,
    ]);
    if (dup.rowCount) {
      ctx.log.debug(`${fn.id}: skipped duplicate run for idempotency key ${idempotencyKey}`);
      return { id, status: "Skipped", reason: "idempotency" };
    }
  }
  let singletonKey: string | null = null;
  let status: "Queued" | "Skipped" = "Queued";
  if (fn.config.singleton) {
    singletonKey = `${fn.id}:${keyValue(fn.config.singleton.key, event)}`;
    const active = await tx.query<RunRow>(`SELECT * FROM ${ctx.s}.runs WHERE singleton_key = $1 AND status <> ALL($2) FOR UPDATE`, [
      singletonKey,
      TERMINAL_STATUSES,
    ]);
    if (active.rowCount) {
      if (fn.config.singleton.mode === "skip") status = "Skipped";
      else for (const run of active.rows) await finishRun(tx, ctx, run, { status: "Cancelled" });
    }
  }
  await tx.query(
    `INSERT INTO ${ctx.s}.runs (id, function_id, status, event, events, concurrency, singleton_key, idempotency_key,
       parent_run_id, parent_step_id, created_at, updated_at, ended_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, $12)`,
    [
      id,
      fn.id,
      status,
      json(event),
      json([event]),
      json(concurrencySlots(fn, event)),
      status === "Skipped" ? null : singletonKey,
      idempotencyKey,
      parent?.runId ?? null,
      parent?.stepId ?? null,
      now,
      status === "Skipped" ? now : null,
    ],
  );
  if (status === "Queued") {
    await enqueueJob(tx, ctx, { runId: id, kind: "discovery" });
    ctx.wake();
  } else ctx.log.debug(`${fn.id}: singleton run skipped (${singletonKey})`);
  return { id, status, ...(status === "Skipped" ? { reason: "singleton" } : {}) };
}

/**
 * Resolves a pending (or not yet recorded) step with its final result and schedules the discovery
 * request that hands it to the function. Returns false when the step was already resolved.
 */
export async function resolveStep(
  tx: Tx,
  ctx: RuntimeContext,
  runId: string,
  stepId: string,
  result: StepResult,
  meta: { op?: string; name?: string | null; displayName?: string | null; executed?: boolean } = {},
): Promise<boolean> {
  const now = ctx.clock.now();
  const run = await tx.query(`SELECT 1 FROM ${ctx.s}.runs WHERE id = $1 AND status <> ALL($2)`, [runId, TERMINAL_STATUSES]);
  if (!run.rowCount) return false;
  const status = result.type === "data" ? "completed" : "failed";
  const res = await tx.query(
    `INSERT INTO ${ctx.s}.steps AS st (run_id, step_id, op, name, display_name, status, result, attempts, completion_seq, created_at, ended_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $9, nextval('${ctx.s}.step_completion_seq'), $8, $8)
     ON CONFLICT (run_id, step_id) DO UPDATE SET status = EXCLUDED.status, result = EXCLUDED.result,
       attempts = st.attempts + EXCLUDED.attempts, completion_seq = EXCLUDED.completion_seq, ended_at = EXCLUDED.ended_at
     WHERE st.status NOT IN ('completed', 'failed')`,
    [runId, stepId, meta.op ?? "StepRun", meta.name ?? null, meta.displayName ?? null, status, json(result), now, meta.executed ? 1 : 0],
  );
  if (!res.rowCount) return false;
  await tx.query(`DELETE FROM ${ctx.s}.jobs WHERE run_id = $1 AND step_id = $2`, [runId, stepId]);
  await tx.query(`DELETE FROM ${ctx.s}.waits WHERE run_id = $1 AND step_id = $2`, [runId, stepId]);
  await enqueueJob(tx, ctx, { runId, kind: "discovery" });
  ctx.wake();
  return true;
}

export type RunOutcome = { status: "Completed"; output: unknown } | { status: "Failed"; error: SerializedError } | { status: "Cancelled" };

/** Moves a run to a terminal state. Returns false if it already was terminal. */
export async function finishRun(tx: Tx, ctx: RuntimeContext, run: RunRow, outcome: RunOutcome): Promise<boolean> {
  const now = ctx.clock.now();
  const error: SerializedError | null =
    outcome.status === "Failed" ? outcome.error : outcome.status === "Cancelled" ? { name: "Error", message: "function cancelled" } : null;
  const res = await tx.query(
    `UPDATE ${ctx.s}.runs SET status = $2, output = $3, error = $4, ended_at = $5, updated_at = $5,
       lease_owner = NULL, lease_until = NULL, started_at = COALESCE(started_at, $5)
     WHERE id = $1 AND status <> ALL($6)`,
    [run.id, outcome.status, json(outcome.status === "Completed" ? outcome.output : null), json(error), now, TERMINAL_STATUSES],
  );
  if (!res.rowCount) return false;
  await tx.query(`DELETE FROM ${ctx.s}.jobs WHERE run_id = $1`, [run.id]);
  await tx.query(`DELETE FROM ${ctx.s}.waits WHERE run_id = $1`, [run.id]);
  ctx.log.info(`run ${run.id} (${run.function_id}) ${outcome.status.toLowerCase()}${error && outcome.status === "Failed" ? `: ${error.message}` : ""}`);

  const base = { function_id: run.function_id, run_id: run.id, event: run.event };
  if (outcome.status === "Failed") {
    await insertEvent(tx, ctx, { name: InternalEvent.FunctionFailed, data: { ...base, error } });
  } else if (outcome.status === "Cancelled") {
    await insertEvent(tx, ctx, { name: InternalEvent.FunctionCancelled, data: { ...base, error } });
  }
  await insertEvent(tx, ctx, {
    name: InternalEvent.FunctionFinished,
    data: outcome.status === "Completed" ? { ...base, result: outcome.output } : { ...base, error },
  });

  if (run.parent_run_id && run.parent_step_id) {
    const result: StepResult =
      outcome.status === "Completed"
        ? { type: "data", data: outcome.output ?? null }
        : { type: "error", error: error ?? { name: "Error", message: "invoked run failed" } };
    await resolveStep(tx, ctx, run.parent_run_id, run.parent_step_id, result);
  }
  ctx.wake();
  return true;
}
