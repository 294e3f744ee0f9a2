// In-memory RequestGate and CredentialStore for tests and local development. The production versions
// (Postgres-backed, shared across workers) implement the same interfaces.
import type { CredentialStore, GateAcquire, GateReport, ProviderCredentials, RateLimitPolicy, RateLimitWindow, RequestGate } from "./types";

export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    if (ms <= 0) return resolve();
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

function bucketStart(window: RateLimitWindow, now: number): number {
  if (window.align === "utcDay") return Math.floor(now / 86_400_000) * 86_400_000;
  if (window.align === "utcWeekSunday") {
    const day = Math.floor(now / 86_400_000);
    // 1970-01-01 was a Thursday: day 3 was the first Sunday.
    const sunday = day - ((((day - 3) % 7) + 7) % 7);
    return sunday * 86_400_000;
  }
  return now - window.windowMs;
}

const ROLLING_SAFETY = 1.1;

export interface InMemoryGateOptions {
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** Counters a test can read. */
export interface InMemoryGateStats {
  acquired: number;
  waitedMs: number;
  throttled: number;
  byStatus: Record<string, number>;
}

/**
 * Sliding/calendar-window limiter over the provider's policy. Waits instead of overrunning, and
 * honours Retry-After / a zero "remaining" header reported by responses. FIFO; priority is ignored
 * here (the shared limiter orders by it).
 */
export function createInMemoryGate(policy: RateLimitPolicy, options: InMemoryGateOptions = {}): RequestGate & { stats: InMemoryGateStats } {
  const now = options.now ?? (() => Date.now());
  const sleep = options.sleep ?? abortableSleep;
  const log: Array<{ t: number; cost: number }> = [];
  let blockedUntil = 0;
  let queue: Promise<void> = Promise.resolve();
  const stats: InMemoryGateStats = { acquired: 0, waitedMs: 0, throttled: 0, byStatus: {} };

  function waitNeeded(cost: number, t: number): number {
    let wait = Math.max(0, blockedUntil - t);
    for (const w of policy.windows) {
      // Rolling windows are counted 10% longer than the provider's, so network jitter between our
      // send time and the provider's arrival time never turns a paced burst into a 429.
      const span = w.align === "rolling" ? w.windowMs * ROLLING_SAFETY : w.windowMs;
      const start = w.align === "rolling" ? t - span : bucketStart(w, t);
      const inWindow = log.filter((e) => e.t > start || (w.align !== "rolling" && e.t >= start));
      const used = inWindow.reduce((s, e) => s + e.cost, 0);
      if (used + cost <= w.limit) continue;
      if (w.align === "rolling") {
        // Wait until enough of the oldest entries slide out.
        let excess = used + cost - w.limit;
        for (const e of inWindow) {
          excess -= e.cost;
          if (excess <= 0) {
            wait = Math.max(wait, e.t + span - t + 1);
            break;
          }
        }
      } else {
        wait = Math.max(wait, start + w.windowMs - t + 1);
      }
    }
    return wait;
  }

  async function acquireNow(req: GateAcquire): Promise<void> {
    for (;;) {
      const t = now();
      const wait = waitNeeded(req.cost, t);
      if (wait <= 0) {
        log.push({ t, cost: req.cost });
        const longest = Math.max(...policy.windows.filter((w) => w.align === "rolling").map((w) => w.windowMs), 0);
        while (log.length > 0 && log[0]!.t < t - Math.max(longest, 7 * 86_400_000)) log.shift();
        stats.acquired++;
        return;
      }
      stats.waitedMs += wait;
      await sleep(wait, req.signal);
    }
  }

  return {
    stats,
    acquire(req) {
      const next = queue.then(() => acquireNow(req));
      queue = next.catch(() => undefined);
      return next;
    },
    report(res: GateReport) {
      stats.byStatus[String(res.status)] = (stats.byStatus[String(res.status)] ?? 0) + 1;
      if (res.status === 429) {
        stats.throttled++;
        blockedUntil = Math.max(blockedUntil, now() + (res.retryAfterMs ?? 1000));
      }
      const remainingHeader = policy.headers.remaining ? res.headers.get(policy.headers.remaining) : null;
      if (remainingHeader !== null && Number(remainingHeader) <= 0 && res.status !== 429) {
        const w = policy.windows[0];
        if (w) blockedUntil = Math.max(blockedUntil, now() + Math.min(w.windowMs, 60_000));
      }
    },
  };
}

/** A gate that never waits (tests that exercise the simulator's own limits). */
export const unlimitedGate: RequestGate = {
  async acquire() {},
  report() {},
};

/** Simple async mutex. */
function createMutex() {
  let tail: Promise<void> = Promise.resolve();
  return async function lock<T>(fn: () => Promise<T>): Promise<T> {
    const prev = tail;
    let release!: () => void;
    tail = new Promise<void>((r) => (release = r));
    await prev;
    try {
      return await fn();
    } finally {
      release();
    }
  };
}

/** In-memory credential store; share one instance between clients to model one integration. */
export function createInMemoryCredentialStore(initial: ProviderCredentials): CredentialStore & { current(): ProviderCredentials; updates: number } {
  let creds = structuredClone(initial);
  const lock = createMutex();
  const store = {
    updates: 0,
    current: () => creds,
    async get() {
      return structuredClone(creds);
    },
    async update(next: ProviderCredentials) {
      creds = structuredClone(next);
      store.updates++;
    },
    withRefreshLock<T>(fn: () => Promise<T>) {
      return lock(fn);
    },
  };
  return store;
}
