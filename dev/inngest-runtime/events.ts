// The event processor: each stored event, once, in order, starts the runs it triggers, resolves the
// `step.waitForEvent` calls it matches and cancels the runs whose `cancelOn` it matches. One short
// transaction per batch, serialized across runtime instances with an advisory lock.
import type { RuntimeContext } from "./context";
import { parseCron, nextCronTime } from "./cron";
import { parseDuration } from "./duration";
import { matches } from "./expr";
import { InternalEvent, type EventPayload } from "./protocol";
import { createRun, finishRun, insertEvent, resolveStep } from "./runs";
import { TERMINAL_STATUSES, withTx, type FunctionRow, type RunRow, type Tx, type WaitRow } from "./store";

const BATCH = 50;

/** Event-name match for triggers: exact, or a trailing-`*` prefix wildcard ("app/user.*"). */
export function eventNameMatches(pattern: string, name: string): boolean {
  if (pattern === name) return true;
  if (pattern.endsWith("*")) return name.startsWith(pattern.slice(0, -1));
  return false;
}

export async function loadFunctions(tx: Tx, ctx: RuntimeContext): Promise<FunctionRow[]> {
  return (await tx.query<FunctionRow>(`SELECT * FROM ${ctx.s}.functions`)).rows;
}

type StoredEvent = { seq: number; payload: EventPayload; received_at: number };

/** Processes pending events; returns how many were handled. */
export async function processPendingEvents(ctx: RuntimeContext): Promise<number> {
  let total = 0;
  for (;;) {
    const handled = await withTx(ctx.db, async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`inngest_local_events:${ctx.schema}`]);
      const events = await tx.query<StoredEvent>(
        `SELECT seq, payload, received_at FROM ${ctx.s}.events WHERE processed_at IS NULL ORDER BY seq LIMIT ${BATCH}`,
      );
      if (!events.rowCount) return 0;
      const functions = await loadFunctions(tx, ctx);
      for (const ev of events.rows) await handleEvent(tx, ctx, functions, ev);
      await tx.query(`UPDATE ${ctx.s}.events SET processed_at = $2 WHERE seq = ANY($1)`, [events.rows.map((e) => e.seq), ctx.clock.now()]);
      return events.rowCount;
    });
    total += handled;
    if (handled < BATCH) return total;
  }
}

async function handleEvent(tx: Tx, ctx: RuntimeContext, functions: FunctionRow[], ev: StoredEvent): Promise<void> {
  const event = ev.payload;
  // 1. Triggers. Invocations and cron ticks start their one run directly, never by broadcast.
  if (event.name !== InternalEvent.FunctionInvoked && event.name !== InternalEvent.ScheduledTimer) {
    for (const fn of functions) {
      const hit = fn.config.triggers.some((t) => "event" in t && eventNameMatches(t.event, event.name) && matches(t.expression ?? undefined, { event }));
      if (hit) {
        const run = await createRun(tx, ctx, fn, event);
        ctx.log.debug(`event ${event.name} -> ${fn.id} run ${run.id} (${run.status})`);
      }
    }
  }

  // 2. step.waitForEvent: `event` is the run's triggering event, `async` the incoming one.
  const waits = await tx.query<WaitRow & { run_event: EventPayload }>(
    `SELECT w.*, r.event AS run_event FROM ${ctx.s}.waits w JOIN ${ctx.s}.runs r ON r.id = w.run_id
     WHERE w.event_name = $1 AND w.expires_at > $2 AND w.created_at <= $2 ORDER BY w.created_at`,
    [event.name, ev.received_at],
  );
  for (const w of waits.rows) {
    if (matches(w.expression ?? undefined, { event: w.run_event, async: event })) {
      await resolveStep(tx, ctx, w.run_id, w.step_id, { type: "data", data: event });
    }
  }

  // 3. cancelOn.
  for (const fn of functions) {
    const rules = (fn.config.cancel ?? []).filter((c) => eventNameMatches(c.event, event.name));
    if (!rules.length) continue;
    const runs = await tx.query<RunRow>(`SELECT * FROM ${ctx.s}.runs WHERE function_id = $1 AND status <> ALL($2) AND created_at <= $3`, [
      fn.id,
      TERMINAL_STATUSES,
      ev.received_at,
    ]);
    for (const run of runs.rows) {
      const hit = rules.some((rule) => {
        if (rule.timeout && run.created_at + parseDuration(rule.timeout) < ev.received_at) return false;
        return matches(rule.if, { event: run.event, async: event });
      });
      if (hit) await finishRun(tx, ctx, run, { status: "Cancelled" });
    }
  }
}

/** Keeps `crons` in step with the registered functions' cron triggers. */
export async function syncCrons(tx: Tx, ctx: RuntimeContext, fns: FunctionRow[], removedIds: string[]): Promise<void> {
  const now = ctx.clock.now();
  if (removedIds.length) await tx.query(`DELETE FROM ${ctx.s}.crons WHERE function_id = ANY($1)`, [removedIds]);
  for (const fn of fns) {
    const exprs = fn.config.triggers.flatMap((t) => ("cron" in t ? [t.cron] : []));
    await tx.query(`DELETE FROM ${ctx.s}.crons WHERE function_id = $1 AND expression <> ALL($2)`, [fn.id, exprs]);
    for (const expr of exprs) {
      let next: number;
      try {
        next = nextCronTime(parseCron(expr), now);
      } catch (err) {
        ctx.log.warn(`${fn.id}: cron "${expr}" ignored: ${(err as Error).message}`);
        continue;
      }
      await tx.query(`INSERT INTO ${ctx.s}.crons (function_id, expression, next_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, [fn.id, expr, next]);
    }
  }
}

/** Starts a run for every cron slot that is due (once per slot, however many instances poll). */
export async function fireDueCrons(ctx: RuntimeContext): Promise<number> {
  const now = ctx.clock.now();
  return withTx(ctx.db, async (tx) => {
    const due = await tx.query<{ function_id: string; expression: string; next_at: number }>(
      `SELECT * FROM ${ctx.s}.crons WHERE next_at <= $1 FOR UPDATE SKIP LOCKED`,
      [now],
    );
    let fired = 0;
    for (const c of due.rows) {
      const fn = (await tx.query<FunctionRow>(`SELECT * FROM ${ctx.s}.functions WHERE id = $1`, [c.function_id])).rows[0];
      let next: number;
      try {
        next = nextCronTime(parseCron(c.expression), now);
      } catch {
        await tx.query(`DELETE FROM ${ctx.s}.crons WHERE function_id = $1 AND expression = $2`, [c.function_id, c.expression]);
        continue;
      }
      await tx.query(`UPDATE ${ctx.s}.crons SET next_at = $3 WHERE function_id = $1 AND expression = $2`, [c.function_id, c.expression, next]);
      if (!fn) continue;
      const { payload } = await insertEvent(tx, ctx, {
        name: InternalEvent.ScheduledTimer,
        data: { cron: c.expression, function_id: c.function_id, scheduled_at: c.next_at },
      });
      await createRun(tx, ctx, fn, payload);
      fired++;
    }
    return fired;
  });
}
