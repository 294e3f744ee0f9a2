// Flow control through the local runtime: keyed concurrency limits, singleton skip, idempotency
// and cron triggers driven by a controllable clock.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, startHarness, type Harness } from "./harness";

let h: Harness;
let offsetMs = 0;
const clock = { now: () => Date.now() + offsetMs };

const active = new Map<string, number>();
const peak = new Map<string, number>();
let overallActive = 0;
let overallPeak = 0;
const windows: Array<{ user: string; start: number; end: number }> = [];
const cronFires: Array<{ name: string; data: Record<string, unknown> }> = [];

beforeAll(async () => {
  h = await startHarness("flow", { clock });
  const c = h.client;

  const limited = c.createFunction(
    { id: "per-user", triggers: [{ event: "test/work" }], concurrency: { limit: 1, key: "event.data.user" } },
    async ({ event, step }) => {
      await step.run("work", async () => {
        const user = event.data.user as string;
        const start = Date.now();
        active.set(user, (active.get(user) ?? 0) + 1);
        peak.set(user, Math.max(peak.get(user) ?? 0, active.get(user)!));
        overallPeak = Math.max(overallPeak, ++overallActive);
        await new Promise((r) => setTimeout(r, 250));
        active.set(user, active.get(user)! - 1);
        overallActive--;
        windows.push({ user, start, end: Date.now() });
      });
    },
  );

  const single = c.createFunction(
    { id: "singleton", triggers: [{ event: "test/single" }], singleton: { key: "event.data.k", mode: "skip" } },
    async ({ step }) => {
      await step.sleep("hold", "1s");
      return "done";
    },
  );

  const replace = c.createFunction(
    { id: "singleton-cancel", triggers: [{ event: "test/replace" }], singleton: { mode: "cancel" } },
    async ({ event, step }) => {
      await step.sleep("hold", "1s");
      return event.data.n;
    },
  );

  const idem = c.createFunction(
    { id: "idempotent", triggers: [{ event: "test/idem" }], idempotency: "event.data.orderId" },
    async ({ event }) => event.data.orderId,
  );

  const ticker = c.createFunction({ id: "ticker", triggers: [{ cron: "* * * * *" }] }, async ({ event }) => {
    cronFires.push({ name: event.name, data: event.data as Record<string, unknown> });
    return "tick";
  });

  await h.serve([limited, single, replace, idem, ticker]);
});

afterAll(async () => {
  await h?.close();
});

/** Moves the runtime's clock to 150 ms before the next minute boundary. */
function jumpToJustBeforeNextMinute(): number {
  const now = clock.now();
  const nextMinute = Math.ceil((now + 1) / 60_000) * 60_000;
  offsetMs += nextMinute - 150 - now;
  return nextMinute;
}

describe("local Inngest runtime: flow control", () => {
  it("limits concurrency per key while other keys run in parallel", async () => {
    await h.client.send([
      ...["a", "a", "a"].map((user) => ({ name: "test/work", data: { user } })),
      ...["b", "b"].map((user) => ({ name: "test/work", data: { user } })),
    ]);
    await h.waitForRun(h.fnId("per-user"), (r) => r.status === "Completed", { count: 5, timeoutMs: 15_000 });
    expect(peak.get("a")).toBe(1);
    expect(peak.get("b")).toBe(1);
    expect(overallPeak).toBe(2);
    const a = windows.filter((w) => w.user === "a").sort((x, y) => x.start - y.start);
    expect(a).toHaveLength(3);
    for (let i = 1; i < a.length; i++) expect(a[i].start).toBeGreaterThanOrEqual(a[i - 1].end);
  });

  it("skips a singleton run while one with the same key is active", async () => {
    await h.client.send({ name: "test/single", data: { k: "one" } });
    const [first] = await h.waitForRun(h.fnId("singleton"), (r) => r.status === "Running");
    await h.client.send({ name: "test/single", data: { k: "one" } });
    await h.client.send({ name: "test/single", data: { k: "two" } });
    const skipped = await h.waitForRun(h.fnId("singleton"), (r) => r.status === "Skipped");
    expect(skipped).toHaveLength(1);
    expect((await h.run(skipped[0].id)).event.data.k).toBe("one");
    const done = await h.waitForRun(h.fnId("singleton"), (r) => r.status === "Completed", { count: 2 });
    expect(done.map((r) => r.id)).toContain(first.id);
  });

  it("cancels the active singleton run in cancel mode and runs the new one", async () => {
    await h.client.send({ name: "test/replace", data: { n: 1 } });
    const [first] = await h.waitForRun(h.fnId("singleton-cancel"), (r) => r.status === "Running");
    await h.client.send({ name: "test/replace", data: { n: 2 } });
    await h.waitForStatus(first.id, "Cancelled");
    const [second] = await h.waitForRun(h.fnId("singleton-cancel"), (r) => r.status === "Completed");
    expect(second.output).toBe(2);
  });

  it("starts one run per idempotency key", async () => {
    await h.client.send({ name: "test/idem", data: { orderId: "o1" } });
    await h.client.send({ name: "test/idem", data: { orderId: "o1" } });
    await h.client.send({ name: "test/idem", data: { orderId: "o2" } });
    await h.waitForRun(h.fnId("idempotent"), (r) => r.status === "Completed", { count: 2 });
    const events = await h.sql<{ n: number }>(`SELECT count(*)::int AS n FROM $schema.events WHERE name = 'test/idem' AND processed_at IS NOT NULL`);
    expect(events[0].n).toBe(3);
    expect((await h.runs({ function: h.fnId("idempotent") })).map((r) => r.output).sort()).toEqual(["o1", "o2"]);
  });

  it("fires a cron trigger once per slot as the clock crosses it", async () => {
    // The trigger is "* * * * *" on the runtime's clock, which follows the real one: on a loaded machine the
    // suite before this case can cross a real minute and fire a slot of its own. So the case looks only at the
    // slots it makes the clock cross, and checks that no slot ever fired twice.
    const firesOf = (slot: number) => cronFires.filter((f) => f.data.scheduled_at === slot);
    const waitForFire = (slot: number) =>
      eventually(`the ${new Date(slot).toISOString()} slot to fire`, async () => (firesOf(slot).length > 0 ? true : undefined), { timeoutMs: 5_000 });

    const slot1 = jumpToJustBeforeNextMinute();
    await waitForFire(slot1);
    expect(firesOf(slot1)).toHaveLength(1);
    expect(firesOf(slot1)[0]).toMatchObject({ name: "inngest/scheduled.timer", data: { cron: "* * * * *", scheduled_at: slot1 } });
    const [cron] = await h.sql<{ next_at: number }>(`SELECT next_at::float8 AS next_at FROM $schema.crons WHERE function_id = $1`, [h.fnId("ticker")]);
    expect(cron.next_at).toBe(slot1 + 60_000);

    const slot2 = jumpToJustBeforeNextMinute();
    expect(slot2).toBe(slot1 + 60_000);
    await waitForFire(slot2);
    await h.waitForRun(h.fnId("ticker"), (r) => r.status === "Completed", { count: cronFires.length });
    expect(firesOf(slot2)).toHaveLength(1);
    const slots = cronFires.map((f) => f.data.scheduled_at);
    expect(new Set(slots).size).toBe(slots.length);
    const runs = await h.runs({ function: h.fnId("ticker") });
    expect(runs.every((r) => r.event_name === "inngest/scheduled.timer")).toBe(true);
    expect(runs).toHaveLength(cronFires.length);
  });
});
