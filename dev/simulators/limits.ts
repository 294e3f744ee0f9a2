// Rate limiters with the real providers' shapes, on the real clock (independent of the simulated
// "now", which is usually frozen in tests).

export type LimitResult = { ok: true; remaining: number } | { ok: false; retryAfterMs: number; remaining: number };

/** Sliding window: at most `limit` units in any `windowMs`. */
export class SlidingWindow {
  private log: Array<{ t: number; cost: number }> = [];
  constructor(
    public limit: number,
    public windowMs: number,
  ) {}

  take(cost: number, now = Date.now()): LimitResult {
    this.log = this.log.filter((e) => e.t > now - this.windowMs);
    const used = this.log.reduce((s, e) => s + e.cost, 0);
    if (used + cost > this.limit) {
      let excess = used + cost - this.limit;
      let retryAfterMs = this.windowMs;
      for (const e of this.log) {
        excess -= e.cost;
        if (excess <= 0) {
          retryAfterMs = e.t + this.windowMs - now;
          break;
        }
      }
      return { ok: false, retryAfterMs: Math.max(1, retryAfterMs), remaining: Math.max(0, this.limit - used) };
    }
    this.log.push({ t: now, cost });
    return { ok: true, remaining: this.limit - used - cost };
  }
}

/** Calendar bucket (UTC day, week starting Sunday 00:00 GMT, or a fixed-length window from epoch). */
export class BucketWindow {
  private bucket = -1;
  private used = 0;
  constructor(
    public limit: number,
    private readonly bucketOf: (now: number) => { id: number; endsAt: number },
    /** Units already spent when a bucket opens (another client sharing the budget). */
    private readonly spentAtOpen: () => number = () => 0,
  ) {}

  take(cost: number, now = Date.now()): LimitResult {
    const b = this.bucketOf(now);
    if (b.id !== this.bucket) {
      this.bucket = b.id;
      this.used = Math.min(this.limit, Math.max(0, this.spentAtOpen()));
    }
    if (this.used + cost > this.limit) return { ok: false, retryAfterMs: Math.max(1, b.endsAt - now), remaining: Math.max(0, this.limit - this.used) };
    this.used += cost;
    return { ok: true, remaining: this.limit - this.used };
  }

  peekRemaining(now = Date.now()): number {
    return this.bucketOf(now).id === this.bucket ? Math.max(0, this.limit - this.used) : Math.max(0, this.limit - this.spentAtOpen());
  }
}

export const utcDay = (now: number) => {
  const id = Math.floor(now / 86_400_000);
  return { id, endsAt: (id + 1) * 86_400_000 };
};

export const utcWeekFromSunday = (now: number) => {
  const day = Math.floor(now / 86_400_000);
  const sunday = day - ((((day - 3) % 7) + 7) % 7);
  return { id: sunday, endsAt: (sunday + 7) * 86_400_000 };
};

export const fixedWindow = (windowMs: number) => (now: number) => {
  const id = Math.floor(now / windowMs);
  return { id, endsAt: (id + 1) * windowMs };
};

/**
 * All windows must admit the request. Windows before the refusing one keep the charge, like real
 * limiters that count rejected requests too.
 */
export function takeAll(windows: Array<SlidingWindow | BucketWindow>, cost: number, now = Date.now()): LimitResult {
  let remaining = Number.POSITIVE_INFINITY;
  for (const w of windows) {
    const r = w.take(cost, now);
    if (!r.ok) return r;
    remaining = Math.min(remaining, r.remaining);
  }
  return { ok: true, remaining };
}
