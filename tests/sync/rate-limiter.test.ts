import { afterAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { ProviderError } from "@/lib/errors";
import type { GateAcquire, RateLimitPolicy } from "@/lib/providers/types";
import { SharedRateLimiter } from "@/lib/sync/rate-limiter";
import { createWorkspace } from "../support/db";

async function integration() {
  const { workspace } = await createWorkspace();
  return db.integration.create({ data: { workspaceId: workspace.id, provider: "GONG", status: "CONNECTED" } });
}

const req = (priority: GateAcquire["priority"], cost = 1): GateAcquire => ({ provider: "GONG", endpoint: "POST /v2/calls/extensive", cost, priority });
const ok = { provider: "GONG" as const, endpoint: "x", cost: 1, status: 200, headers: new Headers(), retryAfterMs: null };

async function waitFor(check: () => Promise<boolean>, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Max number of timestamps inside any window of `ms`. */
function maxInWindow(times: number[], ms: number) {
  const t = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; j < t.length; j++) {
    while (t[j]! - t[i]! >= ms) i++;
    best = Math.max(best, j - i + 1);
  }
  return best;
}

describe("shared rate limiter", () => {
  afterAll(() => db.$disconnect());

  it("paces concurrent workers of one account below the per-second limit", async () => {
    const { id } = await integration();
    const policy: RateLimitPolicy = { unit: "request", windows: [{ limit: 10, windowMs: 1_000, align: "rolling" }], headers: { retryAfter: "retry-after" } };
    // Three "workers" (separate limiter instances) share the account through the database.
    const workers = [0, 1, 2].map(() => new SharedRateLimiter(id, policy));
    const granted: number[] = [];
    const started = Date.now();
    await Promise.all(
      workers.map(async (w) => {
        for (let i = 0; i < 8; i++) {
          await w.acquire(req("backfill"));
          granted.push(Date.now());
        }
      }),
    );
    const elapsed = Date.now() - started;
    expect(granted).toHaveLength(24);
    expect(maxInWindow(granted, 1_000)).toBeLessThanOrEqual(10);
    // 24 requests at ~95% of 10/s cannot take less than ~2.4 s. (How close to the limit it runs is a
    // benchmark figure, not a test assertion.)
    expect(elapsed).toBeGreaterThanOrEqual(2_000);
  });

  it("serves an interactive request before queued backfill requests", async () => {
    const { id } = await integration();
    const policy: RateLimitPolicy = { unit: "request", windows: [{ limit: 4, windowMs: 1_000, align: "rolling" }], headers: { retryAfter: "retry-after" } };
    const gate = new SharedRateLimiter(id, policy);
    const order: string[] = [];
    await gate.acquire(req("backfill")); // takes the current slot
    const backfills = [1, 2, 3].map((n) => gate.acquire(req("backfill")).then(() => order.push(`backfill${n}`)));
    // Once the three backfills are queued in the shared state, ask interactively.
    await waitFor(async () => {
      const row = await db.providerRateLimit.findUnique({ where: { integrationId: id } });
      return Object.keys((row?.state as { tickets?: object } | undefined)?.tickets ?? {}).length === 3;
    });
    const interactive = gate.acquire(req("interactive")).then(() => order.push("interactive"));
    await Promise.all([...backfills, interactive]);
    expect(order[0]).toBe("interactive");
  });

  it("honours Retry-After for everyone and opens the breaker for background work after repeated 429s", async () => {
    const { id } = await integration();
    const policy: RateLimitPolicy = { unit: "request", windows: [{ limit: 100, windowMs: 1_000, align: "rolling" }], headers: { retryAfter: "retry-after" } };
    const gate = new SharedRateLimiter(id, policy, { breakerThreshold: 2, breakerBaseMs: 60_000, maxWaitMs: 5_000 });
    await gate.report({ ...ok, status: 429, retryAfterMs: 400 });
    const t0 = Date.now();
    await gate.acquire(req("backfill"));
    expect(Date.now() - t0).toBeGreaterThanOrEqual(380);

    await gate.report({ ...ok, status: 429, retryAfterMs: 100 });
    const state = await db.providerRateLimit.findUniqueOrThrow({ where: { integrationId: id } });
    expect(state.consecutive429).toBe(2);
    expect(state.breakerOpenUntil!.getTime()).toBeGreaterThan(Date.now() + 50_000);
    // Background work is told to come back later (a durable function sleeps instead of holding a worker)...
    const err = await gate.acquire(req("backfill")).catch((e) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as ProviderError).kind).toBe("RATE_LIMITED");
    expect((err as ProviderError).retryAfterMs).toBeGreaterThan(50_000);
    // ...while a person waiting for a recording URL still gets through once Retry-After has passed.
    await gate.acquire(req("interactive"));
    await gate.report(ok);
    expect((await db.providerRateLimit.findUniqueOrThrow({ where: { integrationId: id } })).consecutive429).toBe(0);
  });

  it("keeps a share of the daily quota for polling", async () => {
    const { id } = await integration();
    const policy: RateLimitPolicy = {
      unit: "request",
      windows: [
        { limit: 1_000, windowMs: 1_000, align: "rolling" },
        { limit: 20, windowMs: 86_400_000, align: "utcDay" },
      ],
      headers: { retryAfter: "retry-after" },
    };
    const gate = new SharedRateLimiter(id, policy, { maxWaitMs: 1_000 });
    for (let i = 0; i < 18; i++) await gate.acquire(req("backfill")); // 90% of 20
    const err = await gate.acquire(req("backfill")).catch((e) => e);
    expect((err as ProviderError).kind).toBe("RATE_LIMITED");
    // Polling may go on to 97% (19); interactive requests get only a share of what remains (tests/sync/upstream-errors.test.ts).
    await gate.acquire(req("poll"));
    expect(await gate.acquire(req("poll")).catch((e) => (e as ProviderError).kind)).toBe("RATE_LIMITED");
    expect(await gate.acquire(req("interactive")).catch((e) => (e as ProviderError).kind)).toBe("RATE_LIMITED");
  });

  it("waits for the minute to reset when the provider's remaining header says other tools spent the budget (Salesloft)", async () => {
    const { id } = await integration();
    const policy: RateLimitPolicy = {
      unit: "cost",
      windows: [{ limit: 600, windowMs: 60_000, align: "rolling" }],
      headers: { cost: "x-ratelimit-endpoint-cost", remaining: "x-ratelimit-remaining-minute", remainingWindowMs: 60_000, retryAfter: "retry-after" },
    };
    let clock = Date.parse("2026-12-04T19:00:10.000Z");
    const sleep = async (ms: number) => {
      clock += ms;
    };
    const gate = new SharedRateLimiter(id, policy, { now: () => clock, sleep, maxWaitMs: 120_000, budgetReserve: 5 });
    const sl = (cost = 1): GateAcquire => ({ provider: "SALESLOFT", endpoint: "GET /v2/conversations", cost, priority: "backfill" });
    const answer = (remaining: number) =>
      gate.report({
        provider: "SALESLOFT",
        endpoint: "GET /v2/conversations",
        cost: 1,
        status: 200,
        retryAfterMs: null,
        headers: new Headers({ "x-ratelimit-endpoint-cost": "1", "x-ratelimit-remaining-minute": String(remaining), date: new Date(clock).toUTCString() }),
      });
    await gate.acquire(sl());
    // Another tool on the team has spent all but 6 of this minute's 600: our own pacing alone would go on.
    await answer(6);
    await gate.acquire(sl()); // 6 - 1 leaves the reserve of 5
    const before = clock;
    await gate.acquire(sl()); // 6 - 1 in flight - 1 < 5: wait for the minute (19:01:00)
    expect(clock - before).toBeGreaterThan(40_000);
    expect(clock).toBeGreaterThanOrEqual(Date.parse("2026-12-04T19:01:00.000Z"));
    // A person asking for a recording link may use the reserve.
    await answer(3);
    const t = clock;
    await gate.acquire({ ...sl(), priority: "interactive" });
    expect(clock - t).toBeLessThan(1_000);
    // The quota chart counts cost units as the provider reports them.
    const [row] = await db.providerRequestCount.findMany({ where: { integrationId: id } });
    expect(row).toMatchObject({ requests: 2, cost: 2 });
  });

  it("counts requests and 429s per hour", async () => {
    const { id } = await integration();
    const policy: RateLimitPolicy = { unit: "request", windows: [{ limit: 100, windowMs: 1_000, align: "rolling" }], headers: { retryAfter: "retry-after" } };
    const gate = new SharedRateLimiter(id, policy);
    await gate.report(ok);
    await gate.report(ok);
    await gate.report({ ...ok, status: 429, retryAfterMs: 1 });
    const rows = await db.providerRequestCount.findMany({ where: { integrationId: id } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ requests: 3, throttled: 1 });
  });
});
