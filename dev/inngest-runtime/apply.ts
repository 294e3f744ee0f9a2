// Applies what one execution request produced, inside the transaction that also removes the job:
// the ops of a 206 (one handler per StepOpCode) or a failed attempt (retry with backoff /
// `retry-after`, or fail the run once attempts are exhausted or the SDK said `no-retry`).
import type { RuntimeContext } from "./context";
import { parseDuration, resolveWakeTime } from "./duration";
import type { ExecOutcome } from "./executor";
import { InternalEvent, invokeOptsSchema, OpCode, toSerializedError, waitOptsSchema, type OutgoingOp, type SerializedError } from "./protocol";
import { createRun, enqueueJob, finishRun, insertEvent, resolveStep } from "./runs";
import { json, type FunctionRow, type JobRow, type RunRow, type StepStatus, type Tx } from "./store";

export function backoffMs(ctx: RuntimeContext, attempt: number): number {
  return Math.min(ctx.retryMaxDelayMs, ctx.retryBaseDelayMs * 2 ** attempt);
}

async function recordAttemptError(tx: Tx, ctx: RuntimeContext, runId: string, error: SerializedError): Promise<void> {
  await tx.query(`UPDATE ${ctx.s}.runs SET attempts = attempts + 1, last_error = $2, updated_at = $3 WHERE id = $1`, [runId, json(error), ctx.clock.now()]);
}

/** A function-level failure (4xx/5xx from the SDK, or the app could not be reached). */
export async function failedAttempt(
  tx: Tx,
  ctx: RuntimeContext,
  run: RunRow,
  job: JobRow,
  maxAttempts: number,
  outcome: Extract<ExecOutcome, { kind: "error" }>,
): Promise<void> {
  const now = ctx.clock.now();
  if (outcome.unreachable) {
    // The app is down or restarting: wait for it without spending the run's attempts.
    await tx.query(`UPDATE ${ctx.s}.runs SET last_error = $2, updated_at = $3 WHERE id = $1`, [run.id, json(outcome.error), now]);
    await enqueueJob(tx, ctx, {
      runId: run.id,
      kind: job.kind,
      stepId: job.step_id,
      attempt: job.attempt,
      availableAt: now + Math.min(5_000, Math.max(250, ctx.retryBaseDelayMs * 4)),
    });
    if (run.last_error?.message !== outcome.error.message) ctx.log.warn(`run ${run.id}: ${outcome.error.message}; will retry`);
    return;
  }
  await recordAttemptError(tx, ctx, run.id, outcome.error);
  if (outcome.retriable && job.attempt + 1 < maxAttempts) {
    const availableAt = Math.max(outcome.retryAt ?? 0, now + (outcome.retryAt ? 0 : backoffMs(ctx, job.attempt)));
    await enqueueJob(tx, ctx, { runId: run.id, kind: job.kind, stepId: job.step_id, attempt: job.attempt + 1, availableAt });
    ctx.log.info(`run ${run.id} (${run.function_id}) attempt ${job.attempt + 1}/${maxAttempts} failed: ${outcome.error.message}`);
    return;
  }
  await finishRun(tx, ctx, run, { status: "Failed", error: outcome.error });
}

async function insertPendingStep(tx: Tx, ctx: RuntimeContext, runId: string, op: OutgoingOp, status: StepStatus): Promise<boolean> {
  const res = await tx.query(
    `INSERT INTO ${ctx.s}.steps (run_id, step_id, op, name, display_name, status, opts, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (run_id, step_id) DO NOTHING`,
    [runId, op.id, op.op, op.name ?? null, op.displayName ?? null, status, json(op.opts ?? null), ctx.clock.now()],
  );
  return Boolean(res.rowCount);
}

const unsupported = (op: OutgoingOp): SerializedError => ({
  name: "UnsupportedOpError",
  message: `The local Inngest runtime does not support ${op.op} (step "${op.displayName ?? op.id}")`,
});

export async function applyOps(tx: Tx, ctx: RuntimeContext, run: RunRow, maxAttempts: number, outcome: Extract<ExecOutcome, { kind: "ops" }>): Promise<void> {
  const now = ctx.clock.now();
  const meta = (op: OutgoingOp) => ({ op: op.op, name: op.name, displayName: op.displayName });
  for (const op of outcome.ops) {
    switch (op.op) {
      case OpCode.StepRun:
        await resolveStep(tx, ctx, run.id, op.id, { type: "data", data: op.data ?? null }, { ...meta(op), op: OpCode.StepRun, executed: true });
        break;

      case OpCode.StepFailed:
        await resolveStep(tx, ctx, run.id, op.id, { type: "error", error: toSerializedError(op.error) }, { ...meta(op), op: OpCode.StepRun, executed: true });
        break;

      case OpCode.StepError: {
        const error = toSerializedError(op.error);
        const step = await tx.query<{ attempts: number }>(
          `INSERT INTO ${ctx.s}.steps AS st (run_id, step_id, op, name, display_name, status, last_error, attempts, created_at)
           VALUES ($1, $2, 'StepRun', $3, $4, 'planned', $5, 1, $6)
           ON CONFLICT (run_id, step_id) DO UPDATE SET attempts = st.attempts + 1, last_error = EXCLUDED.last_error
           RETURNING attempts`,
          [run.id, op.id, op.name ?? null, op.displayName ?? null, json(error), now],
        );
        await recordAttemptError(tx, ctx, run.id, error);
        const attempts = step.rows[0].attempts;
        if (outcome.retriable && attempts < maxAttempts) {
          const availableAt = outcome.retryAt ? Math.max(outcome.retryAt, now) : now + backoffMs(ctx, attempts - 1);
          await tx.query(`DELETE FROM ${ctx.s}.jobs WHERE run_id = $1 AND step_id = $2`, [run.id, op.id]);
          await enqueueJob(tx, ctx, { runId: run.id, kind: "step", stepId: op.id, attempt: attempts, availableAt });
          ctx.log.info(`run ${run.id} step "${op.displayName ?? op.id}" attempt ${attempts}/${maxAttempts} failed: ${error.message}`);
        } else {
          await resolveStep(tx, ctx, run.id, op.id, { type: "error", error }, { ...meta(op), op: OpCode.StepRun });
        }
        break;
      }

      case OpCode.StepPlanned: {
        await insertPendingStep(tx, ctx, run.id, op, "planned");
        const pending = await tx.query<{ attempts: number }>(
          `SELECT s.attempts FROM ${ctx.s}.steps s WHERE s.run_id = $1 AND s.step_id = $2 AND s.status = 'planned'
             AND NOT EXISTS (SELECT 1 FROM ${ctx.s}.jobs j WHERE j.run_id = s.run_id AND j.step_id = s.step_id)`,
          [run.id, op.id],
        );
        if (pending.rowCount) {
          await enqueueJob(tx, ctx, { runId: run.id, kind: "step", stepId: op.id, attempt: pending.rows[0].attempts });
          ctx.wake();
        }
        break;
      }

      case OpCode.Sleep: {
        let wakeAt: number;
        try {
          wakeAt = resolveWakeTime(op.name ?? "", now);
        } catch (err) {
          await resolveStep(tx, ctx, run.id, op.id, { type: "error", error: toSerializedError(err) }, meta(op));
          break;
        }
        if (await insertPendingStep(tx, ctx, run.id, op, "sleeping")) {
          await enqueueJob(tx, ctx, { runId: run.id, kind: "sleep", stepId: op.id, availableAt: wakeAt });
        }
        break;
      }

      case OpCode.WaitForEvent: {
        const opts = waitOptsSchema.safeParse(op.opts ?? {});
        if (!opts.success || !op.name) {
          await resolveStep(tx, ctx, run.id, op.id, {
            type: "error",
            error: { name: "InvalidWaitError", message: `Invalid waitForEvent options: ${opts.error?.message ?? "no event"}` },
          });
          break;
        }
        if (await insertPendingStep(tx, ctx, run.id, op, "waiting")) {
          const expiresAt = now + parseDuration(opts.data.timeout);
          await tx.query(
            `INSERT INTO ${ctx.s}.waits (run_id, step_id, event_name, expression, expires_at, created_at)
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
            [run.id, op.id, op.name, opts.data.if ?? null, expiresAt, now],
          );
          await enqueueJob(tx, ctx, { runId: run.id, kind: "wait_timeout", stepId: op.id, availableAt: expiresAt });
        }
        break;
      }

      case OpCode.InvokeFunction: {
        const opts = invokeOptsSchema.safeParse(op.opts ?? {});
        if (!opts.success) {
          await resolveStep(tx, ctx, run.id, op.id, {
            type: "error",
            error: { name: "InvalidInvokeError", message: `Invalid invoke options: ${opts.error.message}` },
          });
          break;
        }
        if (!(await insertPendingStep(tx, ctx, run.id, op, "invoking"))) break;
        const target = (await tx.query<FunctionRow>(`SELECT * FROM ${ctx.s}.functions WHERE id = $1`, [opts.data.function_id])).rows[0];
        if (!target) {
          await resolveStep(tx, ctx, run.id, op.id, {
            type: "error",
            error: {
              name: "FunctionNotFoundError",
              message: `Cannot invoke "${opts.data.function_id}": no function with that id is registered (unknown function id)`,
            },
          });
          break;
        }
        const source = await tx.query<{ app_id: string }>(`SELECT app_id FROM ${ctx.s}.functions WHERE id = $1`, [run.function_id]);
        const { payload } = await insertEvent(tx, ctx, {
          name: InternalEvent.FunctionInvoked,
          data: {
            ...(opts.data.payload?.data ?? {}),
            _inngest: {
              source_app_id: source.rows[0]?.app_id ?? null,
              source_fn_id: run.function_id,
              source_fn_v: 1,
              invoke_correlation_id: `${run.id}.${op.id}`,
            },
          },
          v: opts.data.payload?.v ?? null,
        });
        await createRun(tx, ctx, target, payload, { runId: run.id, stepId: op.id });
        if (opts.data.timeout) {
          await enqueueJob(tx, ctx, {
            runId: run.id,
            kind: "invoke_timeout",
            stepId: op.id,
            availableAt: resolveWakeTime(opts.data.timeout, now),
          });
        }
        break;
      }

      case OpCode.RunComplete:
        await finishRun(tx, ctx, run, { status: "Completed", output: op.data ?? null });
        return;

      case OpCode.DeferAdd:
      case OpCode.DeferAbort:
        ctx.log.debug(`run ${run.id}: ${op.op} ignored (defer is not supported locally)`);
        break;

      default:
        await resolveStep(tx, ctx, run.id, op.id, { type: "error", error: unsupported(op) }, meta(op));
    }
  }
}
