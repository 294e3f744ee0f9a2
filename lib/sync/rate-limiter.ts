// The shared, PostgreSQL-backed rate limiter: one per provider account (integration). Every provider
// request of every worker passes through it (it implements the providers' RequestGate), so the
// provider's limits hold across processes and retries.
//
// - Rolling windows (Gong 3/s, Clari 10/s, Salesloft 600 cost/min) are paced with GCRA at a small safety
//   margin below the limit: requests are spaced, never bursted, so our own pacing never causes a 429.
// - Calendar windows (Gong 10,000/day, Clari 100,000/week) are counted per bucket; background work
//   stops short of the quota so interactive requests and polling keep a reserve, and interactive
//   requests (a person asking for a recording link) may use at most INTERACTIVE_SHARE of what background
//   work has left in the bucket, so reps clicking can never spend the quota the sync needs. Past that
//   share an interactive request is refused at once (RATE_LIMITED with `quota`: when the bucket resets).
// - Waiting requests queue by priority (interactive > poll > backfill, FIFO within a priority).
// - A budget shared with the customer's other tools (Salesloft's team-wide cost per minute, policy
//   `headers.remainingWindowMs`) is also paced from the provider's own count: each response's
//   `remaining` header, less what we have granted since and not yet heard back about, must cover the next
//   request (plus a small reserve for interactive requests), otherwise everyone waits for the window to
//   reset (the Date header's clock) instead of drawing a 429 that other tools spent for us.
// - Retry-After blocks everyone until it passes; repeated 429s open a circuit breaker that pauses
//   background work with growing back-off.
// - Every response is counted per hour (ProviderRequestCount) for the quota chart and sync history.
// A wait longer than `maxWaitMs` is not slept in-process: RATE_LIMITED with retryAfterMs is thrown so a
// durable function can sleep instead.
import "server-only";
import { randomUUID } from "node:crypto";
import { db } from "@/lib/db";
import { ProviderError } from "@/lib/errors";
import type { GateAcquire, GateReport, RateLimitPolicy, RateLimitWindow, RequestGate, RequestPriority } from "@/lib/providers/types";

const PRIORITY_RANK: Record<RequestPriority, number> = { interactive: 0, poll: 1, backfill: 2 };
/** Share of a calendar quota each background priority may use; the rest is kept for higher priorities. */
const QUOTA_SHARE: Record<Exclude<RequestPriority, "interactive">, number> = { poll: 0.97, backfill: 0.9 };

/**
 * Interactive requests may use at most this share of what remains of a calendar quota after background
 * work (Gong: with 6,000 of 10,000 used by sync today, reps may spend 400 more on recording links).
 */
export const INTERACTIVE_SHARE = 0.1;

/**
 * How much later one request may reach the provider than the next one, after both were granted (event loop,
 * connection and database delays on a busy machine). CI drew one 429 of its own in a 429 storm with a 50 ms
 * margin (Gong at 3/s paced at 350 ms: four arrivals inside one second).
 */
export const ARRIVAL_JITTER_MS = 200;

export interface SharedGateOptions {
  /** Rolling windows are paced at limit / safety (default 1.05: ~95% of the limit). */
  safety?: number;
  /** Longest wait slept in-process before RATE_LIMITED is thrown (default 60 s). */
  maxWaitMs?: number;
  /** Consecutive 429s that open the breaker (default 3). */
  breakerThreshold?: number;
  /** First breaker pause (default 5 s), doubled per further 429, capped at 2 min. */
  breakerBaseMs?: number;
  /** Tickets not refreshed for this long are dropped (crashed waiter). */
  ticketTtlMs?: number;
  /**
   * Cost units of a shared budget (policy `headers.remainingWindowMs`) kept for interactive requests:
   * background work waits for the window to reset when fewer than this would be left (default 5).
   */
  budgetReserve?: number;
  /** The shared budget's window, instead of the policy's (a test harness whose simulator runs short windows). */
  budgetWindowMs?: number | null;
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Called after every response (e.g. to count a sync run's requests). */
  onReport?: (report: GateReport) => void;
}

type RollingState = { tat: number };
/** `interactive`: of `used`, what interactive requests spent. */
type BucketState = { bucket: number; used: number; interactive?: number };
type Ticket = { p: number; t: number; seen: number };
/** The provider's own count of a shared budget: `remaining` as last reported, until `resetAt` (our clock). */
type RemoteBudget = { remaining: number; resetAt: number };
type LimiterState = {
  windows?: Array<RollingState | BucketState | null>;
  tickets?: Record<string, Ticket>;
  remote?: RemoteBudget | null;
  /** Cost granted and not yet reported back (not in the provider's last `remaining` yet, or not for sure). */
  inflight?: number;
  /** When a request was granted without a count for the window (the first of a window): one at a time. */
  probeAt?: number;
};

/** A first request of a window that has not answered within this long no longer holds the others back. */
const PROBE_TIMEOUT_MS = 5_000;

/** Margin after the provider's window boundary before we count it as reset (clock skew, Date's whole seconds). */
const RESET_MARGIN_MS = 200;

type QuotaShare = { window: "daily" | "weekly"; resetsAt: Date };
type Decision = { granted: true } | { granted: false; waitMs: number; reason: string; quota?: QuotaShare };

export function bucketStart(window: RateLimitWindow, now: number): number {
  const day = 86_400_000;
  if (window.align === "utcDay") return Math.floor(now / day) * day;
  if (window.align === "utcWeekSunday") {
    const d = Math.floor(now / day);
    // 1970-01-04 (day 3) was a Sunday.
    return (d - ((((d - 3) % 7) + 7) % 7)) * day;
  }
  return now;
}

function bucketEnd(window: RateLimitWindow, start: number): number {
  return start + (window.align === "utcWeekSunday" ? 7 * 86_400_000 : 86_400_000);
}

const defaultSleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });

/**
 * Defaults of every SharedRateLimiter (see SharedGateOptions). One object so that an in-process test
 * harness can shorten the breaker's pauses (tests/faults); production never changes it.
 */
export const SHARED_GATE_DEFAULTS = {
  safety: 1.05,
  maxWaitMs: 60_000,
  breakerThreshold: 3,
  breakerBaseMs: 5_000,
  ticketTtlMs: 15_000,
  budgetReserve: 5,
  budgetWindowMs: null as number | null,
};

export class SharedRateLimiter implements RequestGate {
  private readonly opts: Required<Omit<SharedGateOptions, "onReport">> & Pick<SharedGateOptions, "onReport">;

  constructor(
    readonly integrationId: string,
    readonly policy: RateLimitPolicy,
    options: SharedGateOptions = {},
  ) {
    this.opts = {
      safety: options.safety ?? SHARED_GATE_DEFAULTS.safety,
      maxWaitMs: options.maxWaitMs ?? SHARED_GATE_DEFAULTS.maxWaitMs,
      breakerThreshold: options.breakerThreshold ?? SHARED_GATE_DEFAULTS.breakerThreshold,
      breakerBaseMs: options.breakerBaseMs ?? SHARED_GATE_DEFAULTS.breakerBaseMs,
      ticketTtlMs: options.ticketTtlMs ?? SHARED_GATE_DEFAULTS.ticketTtlMs,
      budgetReserve: options.budgetReserve ?? SHARED_GATE_DEFAULTS.budgetReserve,
      budgetWindowMs: options.budgetWindowMs ?? SHARED_GATE_DEFAULTS.budgetWindowMs,
      now: options.now ?? Date.now,
      sleep: options.sleep ?? defaultSleep,
      onReport: options.onReport,
    };
  }

  async acquire(request: GateAcquire): Promise<void> {
    const ticket = randomUUID();
    const started = this.opts.now();
    try {
      for (;;) {
        if (request.signal?.aborted) throw request.signal.reason;
        const decision = await this.tryAcquire(ticket, request);
        if (decision.granted) return;
        if (decision.quota) {
          throw new ProviderError("RATE_LIMITED", request.provider, `Interactive share of the ${decision.quota.window} quota used up (${decision.reason}).`, {
            retryAfterMs: decision.waitMs,
            quota: decision.quota,
          });
        }
        const waitedSoFar = this.opts.now() - started;
        if (waitedSoFar + decision.waitMs > this.opts.maxWaitMs) {
          throw new ProviderError("RATE_LIMITED", request.provider, `Provider quota reached (${decision.reason}); retrying later.`, {
            retryAfterMs: decision.waitMs,
          });
        }
        // Wake at the slot, or re-check the queue at least every second (keeps the ticket fresh).
        await this.opts.sleep(Math.max(5, Math.min(decision.waitMs, 1_000)), request.signal);
      }
    } catch (error) {
      await this.dropTicket(ticket).catch(() => undefined);
      throw error;
    }
  }

  /** Length of the provider-counted shared budget window, or null when the policy has none. */
  private get budgetWindowMs(): number | null {
    if (!this.policy.headers.remaining || !this.policy.headers.remainingWindowMs) return null;
    return this.opts.budgetWindowMs ?? this.policy.headers.remainingWindowMs;
  }

  /**
   * When the provider's current window resets, on our clock: from the response's Date header (whole
   * seconds, so this errs late by under a second), else from our own clock.
   */
  private budgetResetAt(headers: Headers, now: number, windowMs: number): number {
    const date = Date.parse(headers.get("date") ?? "");
    if (Number.isFinite(date)) return now + (Math.floor(date / windowMs) * windowMs + windowMs - date) + RESET_MARGIN_MS;
    return Math.floor(now / windowMs) * windowMs + windowMs + RESET_MARGIN_MS;
  }

  /** Folds a response's `remaining` header into the shared state (and settles its in-flight cost). */
  private async reportBudget(response: GateReport, now: number, windowMs: number): Promise<void> {
    const header = response.headers.get(this.policy.headers.remaining!);
    const remaining = header === null || header.trim() === "" ? NaN : Number(header);
    if (Number.isFinite(remaining)) {
      const remote: RemoteBudget = { remaining: Math.max(0, remaining), resetAt: this.budgetResetAt(response.headers, now, windowMs) };
      await db.$executeRaw`
        UPDATE "ProviderRateLimit" SET state = jsonb_set(
            jsonb_set(COALESCE(state, '{}'::jsonb), '{remote}', ${JSON.stringify(remote)}::jsonb),
            '{inflight}', to_jsonb(GREATEST(0, COALESCE((state->>'inflight')::float8, 0) - ${response.cost}::float8))),
          "updatedAt" = now()
        WHERE "integrationId" = ${this.integrationId}`;
    } else {
      await db.$executeRaw`
        UPDATE "ProviderRateLimit" SET state = jsonb_set(COALESCE(state, '{}'::jsonb),
            '{inflight}', to_jsonb(GREATEST(0, COALESCE((state->>'inflight')::float8, 0) - ${response.cost}::float8))),
          "updatedAt" = now()
        WHERE "integrationId" = ${this.integrationId}`;
    }
  }

  async report(response: GateReport): Promise<void> {
    const now = this.opts.now();
    const budgetWindowMs = this.budgetWindowMs;
    if (budgetWindowMs) await this.reportBudget(response, now, budgetWindowMs);
    const throttled = response.status === 429;
    const hour = new Date(Math.floor(now / 3_600_000) * 3_600_000);
    // What the request spent: the provider's own figure where it sends one (Salesloft's endpoint cost).
    const costHeader = this.policy.headers.cost ? Number(response.headers.get(this.policy.headers.cost) ?? NaN) : NaN;
    const cost = Math.max(0, Math.round(Number.isFinite(costHeader) && costHeader >= 0 ? costHeader : response.cost));
    await db.$executeRaw`
      INSERT INTO "ProviderRequestCount" ("integrationId", "bucketStart", requests, throttled, cost)
      VALUES (${this.integrationId}, ${hour}, 1, ${throttled ? 1 : 0}, ${cost})
      ON CONFLICT ("integrationId", "bucketStart")
      DO UPDATE SET requests = "ProviderRequestCount".requests + 1, throttled = "ProviderRequestCount".throttled + EXCLUDED.throttled,
        cost = "ProviderRequestCount".cost + EXCLUDED.cost`;
    if (throttled) {
      const retryAfterMs = response.retryAfterMs ?? 1_000;
      await db.$executeRaw`
        INSERT INTO "ProviderRateLimit" ("integrationId", "updatedAt") VALUES (${this.integrationId}, now())
        ON CONFLICT ("integrationId") DO NOTHING`;
      await db.$executeRaw`
        UPDATE "ProviderRateLimit" SET
          "blockedUntil" = GREATEST(COALESCE("blockedUntil", to_timestamp(0)), ${new Date(now + retryAfterMs)}),
          "consecutive429" = "consecutive429" + 1,
          "breakerOpenUntil" = CASE WHEN "consecutive429" + 1 >= ${this.opts.breakerThreshold}
            THEN ${new Date(now)}::timestamp + make_interval(secs => LEAST(120, ${this.opts.breakerBaseMs / 1000}::float8 * power(2, "consecutive429" + 1 - ${this.opts.breakerThreshold})))
            ELSE "breakerOpenUntil" END,
          "updatedAt" = now()
        WHERE "integrationId" = ${this.integrationId}`;
    } else if (response.status > 0 && response.status < 500) {
      await db.$executeRaw`
        UPDATE "ProviderRateLimit" SET "consecutive429" = 0, "updatedAt" = now()
        WHERE "integrationId" = ${this.integrationId} AND "consecutive429" > 0`;
    }
    this.opts.onReport?.(response);
  }

  /** One short transaction: queue position, blocks, and every window must allow the request. */
  private async tryAcquire(ticket: string, request: GateAcquire): Promise<Decision> {
    const now = this.opts.now();
    const rank = PRIORITY_RANK[request.priority];
    return db.$transaction(async (tx) => {
      await tx.$executeRaw`
        INSERT INTO "ProviderRateLimit" ("integrationId", "updatedAt") VALUES (${this.integrationId}, now())
        ON CONFLICT ("integrationId") DO NOTHING`;
      const rows = await tx.$queryRaw<Array<{ state: LimiterState; blockedUntil: Date | null; breakerOpenUntil: Date | null }>>`
        SELECT state, "blockedUntil", "breakerOpenUntil" FROM "ProviderRateLimit"
        WHERE "integrationId" = ${this.integrationId} FOR UPDATE`;
      const row = rows[0]!;
      const state: LimiterState = row.state ?? {};
      const tickets = Object.fromEntries(Object.entries(state.tickets ?? {}).filter(([, t]) => now - t.seen < this.opts.ticketTtlMs));
      const mine = tickets[ticket] ?? { p: rank, t: now, seen: now };
      mine.seen = now;
      tickets[ticket] = mine;

      const save = async (next: LimiterState) => {
        await tx.$executeRaw`
          UPDATE "ProviderRateLimit" SET state = ${JSON.stringify(next)}::jsonb, "updatedAt" = now()
          WHERE "integrationId" = ${this.integrationId}`;
      };
      const wait = async (waitMs: number, reason: string, quota?: QuotaShare): Promise<Decision> => {
        await save({ ...state, tickets });
        return { granted: false, waitMs: Math.max(1, Math.ceil(waitMs)), reason, quota };
      };

      const blocked = row.blockedUntil ? row.blockedUntil.getTime() - now : 0;
      if (blocked > 0) return wait(blocked, "the provider asked us to wait");
      const breaker = row.breakerOpenUntil ? row.breakerOpenUntil.getTime() - now : 0;
      if (breaker > 0 && request.priority !== "interactive") return wait(breaker, "repeated rate limiting; background sync paused");

      const ahead = Object.entries(tickets).some(
        ([id, t]) => id !== ticket && (t.p < mine.p || (t.p === mine.p && (t.t < mine.t || (t.t === mine.t && id < ticket)))),
      );
      if (ahead) return wait(20, "queued behind other requests");

      // The provider's own count of a budget other tools share: what it last said is left, less what we
      // have granted since, must cover this request (background work leaves a reserve for people).
      const budgetWindowMs = this.budgetWindowMs;
      let remote = state.remote ?? null;
      let inflight = state.inflight ?? 0;
      if (remote && remote.resetAt <= now) {
        remote = null;
        inflight = 0;
      }
      if (budgetWindowMs && remote) {
        const left = remote.remaining - inflight;
        const reserve = request.priority === "interactive" ? 0 : this.opts.budgetReserve;
        if (left - request.cost < reserve) return wait(remote.resetAt - now, `${Math.max(0, left)} left of the shared budget this window`);
      } else if (budgetWindowMs && inflight > 0 && now - (state.probeAt ?? 0) < PROBE_TIMEOUT_MS) {
        // No count for this window yet: the first answer tells what other tools have left us; until then
        // one request at a time.
        return wait(20, "waiting for the provider's count of this window");
      }

      const windows = this.policy.windows.map((w, i) => state.windows?.[i] ?? null);
      const next: Array<RollingState | BucketState> = [];
      for (const [i, w] of this.policy.windows.entries()) {
        const current = windows[i];
        if (w.align === "rolling") {
          // A provider counting in a sliding window sees our requests when they arrive, not when we grant them:
          // arrival jitter can bunch `limit + 1` of them into one window. Spacing also covers ARRIVAL_JITTER_MS
          // spread over the window's limit (Gong 3/s: 400 ms instead of 350 ms; a minute window: unchanged).
          const perUnit = Math.max((w.windowMs / w.limit) * this.opts.safety, (w.windowMs + ARRIVAL_JITTER_MS) / w.limit);
          const interval = perUnit * request.cost;
          const tat = current && "tat" in current ? current.tat : 0;
          if (tat > now) return wait(tat - now, "pacing");
          next.push({ tat: Math.max(tat, now) + interval });
        } else {
          const bucket = bucketStart(w, now);
          const same = current && "bucket" in current && current.bucket === bucket ? current : null;
          const used = same?.used ?? 0;
          const interactive = same?.interactive ?? 0;
          const label = w.align === "utcDay" ? "daily" : "weekly";
          if (request.priority === "interactive") {
            // A bounded share of what background work has left today (this week), never the whole quota.
            const allowance = Math.floor(INTERACTIVE_SHARE * Math.max(0, w.limit - (used - interactive)));
            if (interactive + request.cost > allowance) {
              // Dropped from the queue at once: the caller answers the person now instead of waiting.
              delete tickets[ticket];
              const resetsAt = bucketEnd(w, bucket);
              return wait(resetsAt - now, `${interactive} of ${allowance} interactive requests used`, { window: label, resetsAt: new Date(resetsAt) });
            }
          } else if (used + request.cost > Math.floor(w.limit * QUOTA_SHARE[request.priority])) {
            return wait(bucketEnd(w, bucket) - now, `${label} quota`);
          }
          next.push({ bucket, used: used + request.cost, interactive: interactive + (request.priority === "interactive" ? request.cost : 0) });
        }
      }
      delete tickets[ticket];
      await save(
        budgetWindowMs
          ? { windows: next, tickets, remote, inflight: inflight + request.cost, probeAt: remote ? state.probeAt : now }
          : { windows: next, tickets },
      );
      return { granted: true };
    });
  }

  private async dropTicket(ticket: string) {
    await db.$executeRaw`
      UPDATE "ProviderRateLimit" SET state = jsonb_set(state, '{tickets}', COALESCE(state->'tickets', '{}'::jsonb) - ${ticket}), "updatedAt" = now()
      WHERE "integrationId" = ${this.integrationId}`;
  }
}

/** Quota usage of one integration per hour, for the chart on the Manage Integration page. */
export async function requestCounts(integrationId: string, since: Date) {
  return db.providerRequestCount.findMany({
    where: { integrationId, bucketStart: { gte: since } },
    orderBy: { bucketStart: "asc" },
    select: { bucketStart: true, requests: true, throttled: true, cost: true },
  });
}
