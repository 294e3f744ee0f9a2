// The scheduler loop: process events, fire crons, lease runs that have due jobs (honouring
// concurrency limits) and drive each leased run's jobs one at a time. A run is only ever driven by
// the instance holding its lease (renewed while a request is in flight); a job's effects and its
// removal commit in one transaction, so a resolved step is never requested again.
import type { RuntimeContext } from "./context";
import { fireDueCrons, processPendingEvents } from "./events";
import { applyOps, failedAttempt } from "./apply";
import { execute } from "./executor";
import { appFetch } from "./auth";
import { maxAttempts, resolveStep, finishRun, stepUrl } from "./runs";
import type { StepResult } from "./protocol";
import { query, TERMINAL_STATUSES, withTx, type ConcurrencySlot, type FunctionRow, type JobRow, type RunRow, type Tx } from "./store";

export type SchedulerOptions = { pollIntervalMs: number; maxConcurrentRuns: number };

class LeaseLostError extends Error {
  override name = "LeaseLostError";
}

export class Scheduler {
  private readonly inFlight = new Map<string, { done: Promise<void>; abort: AbortController }>();
  private stopping = false;
  private loopDone: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;
  private woken = false;

  constructor(
    private readonly ctx: RuntimeContext,
    private readonly opts: SchedulerOptions,
  ) {}

  start(): void {
    this.loopDone = this.loop();
  }

  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  /** Stops polling; waits up to `graceMs` for in-flight requests, then aborts them (their jobs stay queued). */
  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    this.wake();
    await this.loopDone;
    const all = [...this.inFlight.values()];
    const timer = setTimeout(() => all.forEach((f) => f.abort.abort()), graceMs);
    await Promise.allSettled(all.map((f) => f.done));
    clearTimeout(timer);
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      this.woken = false;
      try {
        await this.tick();
      } catch (err) {
        if (!this.stopping) this.ctx.log.error(`scheduler tick failed: ${(err as Error).message}`);
      }
      if (this.woken || this.stopping) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.opts.pollIntervalMs);
        this.wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wakeUp = undefined;
    }
  }

  private async tick(): Promise<void> {
    const { ctx } = this;
    const now = ctx.clock.now();
    const pending = await query<{ events: boolean; crons: boolean }>(
      ctx.db,
      `SELECT EXISTS (SELECT 1 FROM ${ctx.s}.events WHERE processed_at IS NULL) AS events,
              EXISTS (SELECT 1 FROM ${ctx.s}.crons WHERE next_at <= $1) AS crons`,
      [now],
    );
    if (pending.rows[0].events) await processPendingEvents(ctx);
    if (pending.rows[0].crons) {
      await fireDueCrons(ctx);
      await processPendingEvents(ctx);
    }
    if (!this.stopping) await this.claim();
  }

  private async claim(): Promise<void> {
    const { ctx } = this;
    const capacity = this.opts.maxConcurrentRuns - this.inFlight.size;
    if (capacity <= 0) return;
    const now = ctx.clock.now();
    const local = [...this.inFlight.keys()];
    const claimed = await withTx(ctx.db, async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`inngest_local_claim:${ctx.schema}`]);
      const candidates = await tx.query<{ id: string; concurrency: ConcurrencySlot[] | null }>(
        `SELECT r.id, r.concurrency FROM ${ctx.s}.runs r
           JOIN (SELECT run_id, min(available_at) AS due FROM ${ctx.s}.jobs WHERE available_at <= $1 GROUP BY run_id) j
             ON j.run_id = r.id
         WHERE r.status <> ALL($2) AND (r.lease_until IS NULL OR r.lease_until < $1) AND r.id <> ALL($3)
         ORDER BY j.due LIMIT 200`,
        [now, TERMINAL_STATUSES, local],
      );
      if (!candidates.rowCount) return [];
      const held = await tx.query<{ concurrency: ConcurrencySlot[] }>(
        `SELECT concurrency FROM ${ctx.s}.runs
         WHERE lease_until >= $1 AND concurrency IS NOT NULL AND jsonb_array_length(concurrency) > 0`,
        [now],
      );
      const used = new Map<string, number>();
      for (const r of held.rows) for (const slot of r.concurrency) used.set(slot.key, (used.get(slot.key) ?? 0) + 1);
      const chosen: string[] = [];
      for (const c of candidates.rows) {
        if (chosen.length >= capacity) break;
        const slots = c.concurrency ?? [];
        if (slots.some((slot) => (used.get(slot.key) ?? 0) >= slot.limit)) continue;
        for (const slot of slots) used.set(slot.key, (used.get(slot.key) ?? 0) + 1);
        chosen.push(c.id);
      }
      if (chosen.length) {
        await tx.query(`UPDATE ${ctx.s}.runs SET lease_owner = $2, lease_until = $3 WHERE id = ANY($1)`, [chosen, ctx.owner, now + ctx.leaseMs]);
      }
      return chosen;
    });
    for (const runId of claimed) {
      const abort = new AbortController();
      const done = this.driveRun(runId, abort).finally(() => {
        this.inFlight.delete(runId);
        if (!this.stopping) this.wake();
      });
      this.inFlight.set(runId, { done, abort });
    }
  }

  private async driveRun(runId: string, abort: AbortController): Promise<void> {
    const { ctx } = this;
    let lost = false;
    const heartbeat = setInterval(
      () => {
        query(ctx.db, `UPDATE ${ctx.s}.runs SET lease_until = $3 WHERE id = $1 AND lease_owner = $2`, [runId, ctx.owner, ctx.clock.now() + ctx.leaseMs])
          .then((r) => {
            if (!r.rowCount) {
              lost = true;
              abort.abort();
            }
          })
          .catch(() => undefined);
      },
      Math.max(50, Math.floor(ctx.leaseMs / 3)),
    );
    try {
      while (!this.stopping && !lost && !abort.signal.aborted) {
        const job = (
          await query<JobRow>(
            ctx.db,
            `SELECT * FROM ${ctx.s}.jobs WHERE run_id = $1 AND available_at <= $2
             ORDER BY (kind = 'discovery'), available_at, id LIMIT 1`,
            [runId, ctx.clock.now()],
          )
        ).rows[0];
        if (!job) break;
        await this.handleJob(runId, job, abort.signal);
      }
    } catch (err) {
      if (err instanceof LeaseLostError || abort.signal.aborted) {
        ctx.log.warn(`run ${runId}: ${lost ? "lease lost" : "interrupted"}; its job stays queued`);
      } else {
        ctx.log.error(`run ${runId}: ${(err as Error).stack ?? err}`);
      }
    } finally {
      clearInterval(heartbeat);
      if (!lost) {
        await query(ctx.db, `UPDATE ${ctx.s}.runs SET lease_owner = NULL, lease_until = NULL WHERE id = $1 AND lease_owner = $2`, [runId, ctx.owner]).catch(
          () => undefined,
        );
      }
    }
  }

  /** Runs `fn` in a transaction that first re-checks this instance still holds the run's lease. */
  private async underLease<T>(runId: string, fn: (tx: Tx, run: RunRow) => Promise<T>): Promise<T> {
    const { ctx } = this;
    return withTx(ctx.db, async (tx) => {
      const run = (await tx.query<RunRow>(`SELECT * FROM ${ctx.s}.runs WHERE id = $1 AND lease_owner = $2 FOR UPDATE`, [runId, ctx.owner])).rows[0];
      if (!run) throw new LeaseLostError(`lease on run ${runId} lost`);
      return fn(tx, run);
    });
  }

  private async handleJob(runId: string, job: JobRow, signal: AbortSignal): Promise<void> {
    const { ctx } = this;
    const deleteJob = (tx: Tx) => tx.query(`DELETE FROM ${ctx.s}.jobs WHERE id = $1`, [job.id]);

    if (job.kind === "sleep" || job.kind === "wait_timeout" || job.kind === "invoke_timeout") {
      await this.underLease(runId, async (tx, run) => {
        await deleteJob(tx);
        if ((TERMINAL_STATUSES as readonly string[]).includes(run.status) || !job.step_id) return;
        const result: StepResult =
          job.kind === "invoke_timeout"
            ? { type: "error", error: { name: "InngestInvokeTimeoutError", message: "Timed out waiting for invoked function to complete" } }
            : { type: "data", data: null };
        await resolveStep(tx, ctx, runId, job.step_id, result);
      });
      return;
    }

    // discovery / planned step: one request to the app.
    const prep = await this.underLease(runId, async (tx, run) => {
      if ((TERMINAL_STATUSES as readonly string[]).includes(run.status)) {
        await deleteJob(tx);
        return null;
      }
      const fn = (await tx.query<FunctionRow>(`SELECT * FROM ${ctx.s}.functions WHERE id = $1`, [run.function_id])).rows[0];
      if (!fn) {
        await finishRun(tx, ctx, run, {
          status: "Failed",
          error: {
            name: "FunctionNotFoundError",
            message: `Function "${run.function_id}" is not registered with the local Inngest runtime (unknown function id); sync the app that serves it`,
          },
        });
        return null;
      }
      if (job.kind === "discovery") {
        // Coalesce: this request carries all state committed so far.
        await tx.query(`DELETE FROM ${ctx.s}.jobs WHERE run_id = $1 AND kind = 'discovery' AND id <> $2 AND available_at <= $3`, [
          runId,
          job.id,
          ctx.clock.now(),
        ]);
      }
      const steps = await tx.query<{ step_id: string; result: StepResult }>(
        `SELECT step_id, result FROM ${ctx.s}.steps WHERE run_id = $1 AND result IS NOT NULL ORDER BY completion_seq`,
        [runId],
      );
      const planned = await tx.query(`SELECT 1 FROM ${ctx.s}.jobs WHERE run_id = $1 AND kind = 'step' LIMIT 1`, [runId]);
      if (run.status === "Queued") {
        await tx.query(`UPDATE ${ctx.s}.runs SET status = 'Running', started_at = $2, updated_at = $2 WHERE id = $1`, [runId, ctx.clock.now()]);
      }
      return { run, fn, steps: steps.rows, hasPlanned: Boolean(planned.rowCount) };
    });
    if (!prep) return;

    const { run, fn } = prep;
    const attempts = maxAttempts(fn);
    const outcome = await execute({
      url: stepUrl(fn),
      stepId: job.kind === "step" ? job.step_id : null,
      runId,
      event: run.event,
      events: run.events,
      steps: Object.fromEntries(prep.steps.map((s) => [s.step_id, s.result])),
      stack: prep.steps.map((s) => s.step_id),
      attempt: job.attempt,
      maxAttempts: attempts,
      disableImmediateExecution: job.kind === "step" || prep.hasPlanned,
      timeoutMs: ctx.requestTimeoutMs,
      signal,
      now: ctx.clock.now(),
      fetch: (url, init) => appFetch(ctx, url, init),
    });

    await this.underLease(runId, async (tx, current) => {
      if ((TERMINAL_STATUSES as readonly string[]).includes(current.status)) {
        ctx.log.debug(`run ${runId}: result discarded, run is ${current.status.toLowerCase()}`);
        return;
      }
      await deleteJob(tx);
      if (outcome.kind === "complete") {
        await finishRun(tx, ctx, current, { status: "Completed", output: outcome.output });
      } else if (outcome.kind === "error") {
        await failedAttempt(tx, ctx, current, job, attempts, outcome);
      } else {
        await applyOps(tx, ctx, current, attempts, outcome);
      }
    });
  }
}
