// Step semantics through the local runtime over HTTP with real SDK functions: memoization,
// parallel steps, sleep, sendEvent, invoke, waitForEvent and cancelOn.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { referenceFunction } from "inngest";
import { eventually, startHarness, type Harness } from "./harness";

let h: Harness;
const calls = new Map<string, number>();
const count = (key: string) => calls.set(key, (calls.get(key) ?? 0) + 1);
const times = new Map<string, number>();

beforeAll(async () => {
  h = await startHarness("steps");
  const c = h.client;

  const memo = c.createFunction({ id: "memo", triggers: [{ event: "test/memo" }] }, async ({ event, step }) => {
    count(`memo:body:${event.data.k}`);
    const a = await step.run("a", () => {
      count(`memo:a:${event.data.k}`);
      return 1;
    });
    const b = await step.run("b", () => {
      count(`memo:b:${event.data.k}`);
      return a + 1;
    });
    const c2 = await step.run("c", () => {
      count(`memo:c:${event.data.k}`);
      return { sum: a + b };
    });
    return { a, b, c: c2 };
  });

  const parallel = c.createFunction({ id: "parallel", triggers: [{ event: "test/parallel" }] }, async ({ step }) => {
    const values = await Promise.all(
      ["x", "y", "z"].map((id) =>
        step.run(id, () => {
          count(`parallel:${id}`);
          return id.toUpperCase();
        }),
      ),
    );
    const joined = await step.run("join", () => {
      count("parallel:join");
      return values.join("");
    });
    return joined;
  });

  const sleeper = c.createFunction({ id: "sleeper", triggers: [{ event: "test/sleep" }] }, async ({ step }) => {
    const before = await step.run("before", () => {
      count("sleep:before");
      times.set("sleep:before", Date.now());
      return Date.now();
    });
    await step.sleep("nap", "1s");
    const after = await step.run("after", () => {
      count("sleep:after");
      return Date.now();
    });
    return { slept: after - before };
  });

  const sleepUntil = c.createFunction({ id: "sleep-until", triggers: [{ event: "test/sleep-until" }] }, async ({ event, step }) => {
    await step.sleepUntil("until", new Date(event.data.at as number));
    return step.run("woke", () => Date.now());
  });

  const emitter = c.createFunction({ id: "emitter", triggers: [{ event: "test/emit" }] }, async ({ event, step }) => {
    await step.sendEvent("emit", { name: "test/emitted", data: { from: event.data.k } });
    return "sent";
  });
  const receiver = c.createFunction({ id: "receiver", triggers: [{ event: "test/emitted" }] }, async ({ event }) => {
    return { got: event.data.from };
  });

  const child = c.createFunction({ id: "child", triggers: [{ event: "test/child-direct" }] }, async ({ event, step }) => {
    const doubled = await step.run("double", () => (event.data.n as number) * 2);
    return { doubled };
  });
  const parent = c.createFunction({ id: "parent", triggers: [{ event: "test/invoke" }] }, async ({ event, step }) => {
    const res = await step.invoke("call-child", { function: child, data: { n: event.data.n } });
    let missing: string;
    try {
      await step.invoke("call-missing", { function: referenceFunction({ functionId: "does-not-exist" }), data: {} });
      missing = "resolved?!";
    } catch (err) {
      missing = (err as Error).message;
    }
    return { res, missing };
  });

  const waiter = c.createFunction({ id: "waiter", triggers: [{ event: "test/order" }] }, async ({ event, step }) => {
    const approval = await step.waitForEvent("approval", {
      event: "test/approved",
      match: "data.orderId",
      timeout: (event.data.timeout as string) ?? "10s",
    });
    return { approvedBy: approval ? approval.data.by : null };
  });

  const cancellable = c.createFunction(
    { id: "cancellable", triggers: [{ event: "test/long" }], cancelOn: [{ event: "test/stop", match: "data.id" }] },
    async ({ event, step }) => {
      await step.run("start", () => count(`cancel:start:${event.data.id}`));
      await step.sleep("wait", "30s");
      await step.run("finish", () => count(`cancel:finish:${event.data.id}`));
    },
  );

  await h.serve([memo, parallel, sleeper, sleepUntil, emitter, receiver, child, parent, waiter, cancellable]);
});

afterAll(async () => {
  await h?.close();
});

describe("local Inngest runtime: steps", () => {
  it("runs each memoized step exactly once while the handler re-enters", async () => {
    await h.client.send({ name: "test/memo", data: { k: "m1" } });
    const [run] = await h.waitForRun(h.fnId("memo"), (r) => r.status === "Completed");
    expect(run.output).toEqual({ a: 1, b: 2, c: { sum: 3 } });
    expect(calls.get("memo:a:m1")).toBe(1);
    expect(calls.get("memo:b:m1")).toBe(1);
    expect(calls.get("memo:c:m1")).toBe(1);
    expect(calls.get("memo:body:m1")).toBeGreaterThanOrEqual(4);
    const detail = await h.run(run.id);
    expect(detail.steps.map((s) => [s.name, s.status, s.output])).toEqual([
      ["a", "completed", 1],
      ["b", "completed", 2],
      ["c", "completed", { sum: 3 }],
    ]);
  });

  it("runs parallel steps (Promise.all of step.run) once each", async () => {
    await h.client.send({ name: "test/parallel", data: {} });
    const [run] = await h.waitForRun(h.fnId("parallel"), (r) => r.status === "Completed");
    expect(run.output).toBe("XYZ");
    for (const id of ["x", "y", "z", "join"]) expect(calls.get(`parallel:${id}`), id).toBe(1);
    const detail = await h.run(run.id);
    expect(detail.steps.filter((s) => s.status === "completed")).toHaveLength(4);
  });

  it("resumes a sleeping run after the duration", async () => {
    const sent = Date.now();
    await h.client.send({ name: "test/sleep", data: {} });
    const [sleeping] = await h.waitForRun(h.fnId("sleeper"));
    const mid = await eventually("the run to sleep", async () => {
      const d = await h.run(sleeping.id);
      return d.steps.some((s) => s.op === "Sleep" && s.status === "sleeping") ? d : undefined;
    });
    expect(mid.status).toBe("Running");
    expect(calls.get("sleep:after")).toBeUndefined();
    const done = await h.waitForStatus(sleeping.id, "Completed");
    expect((done.output as { slept: number }).slept).toBeGreaterThanOrEqual(1000);
    expect(Date.now() - sent).toBeGreaterThanOrEqual(1000);
    expect(calls.get("sleep:before")).toBe(1);
    expect(calls.get("sleep:after")).toBe(1);
  });

  it("honours step.sleepUntil", async () => {
    const at = Date.now() + 1200;
    await h.client.send({ name: "test/sleep-until", data: { at } });
    const [run] = await h.waitForRun(h.fnId("sleep-until"), (r) => r.status === "Completed");
    expect(run.output as number).toBeGreaterThanOrEqual(at);
  });

  it("delivers step.sendEvent events to their triggers", async () => {
    await h.client.send({ name: "test/emit", data: { k: "e1" } });
    const [received] = await h.waitForRun(h.fnId("receiver"), (r) => r.status === "Completed");
    expect(received.output).toEqual({ got: "e1" });
  });

  it("step.invoke returns the child's result and reports an unknown function as a step error", async () => {
    await h.client.send({ name: "test/invoke", data: { n: 21 } });
    const [run] = await h.waitForRun(h.fnId("parent"), (r) => r.status === "Completed");
    expect(run.output).toMatchObject({ res: { doubled: 42 } });
    expect((run.output as { missing: string }).missing).toMatch(/does-not-exist/);
    const [childRun] = await h.runs({ function: h.fnId("child") });
    expect(childRun.event_name).toBe("inngest/function.invoked");
    expect(childRun.status).toBe("Completed");
  });

  it("waitForEvent resolves with the matching event only", async () => {
    await h.client.send({ name: "test/order", data: { orderId: "o-1" } });
    const [run] = await h.waitForRun(h.fnId("waiter"), (r) => r.event_name === "test/order");
    await eventually("the wait to be registered", async () => ((await h.run(run.id)).steps.some((s) => s.status === "waiting") ? true : undefined));
    await h.client.send({ name: "test/approved", data: { orderId: "o-other", by: "mallory" } });
    await h.client.send({ name: "test/approved", data: { orderId: "o-1", by: "alice" } });
    const done = await h.waitForStatus(run.id, "Completed");
    expect(done.output).toEqual({ approvedBy: "alice" });
  });

  it("waitForEvent times out with null", async () => {
    await h.client.send({ name: "test/order", data: { orderId: "o-2", timeout: "1s" } });
    const [run] = await h.waitForRun(h.fnId("waiter"), (r) => (r.output as { approvedBy?: unknown } | null)?.approvedBy === null);
    const detail = await h.run(run.id);
    expect(detail.event.data.orderId).toBe("o-2");
    expect(detail.status).toBe("Completed");
  });

  it("cancelOn cancels a sleeping run whose match field agrees", async () => {
    await h.client.send([
      { name: "test/long", data: { id: "keep" } },
      { name: "test/long", data: { id: "drop" } },
    ]);
    const runs = await h.waitForRun(h.fnId("cancellable"), () => true, { count: 2 });
    for (const r of runs) {
      await eventually(`run ${r.id} to sleep`, async () => ((await h.run(r.id)).steps.some((s) => s.status === "sleeping") ? true : undefined));
    }
    await h.client.send({ name: "test/stop", data: { id: "drop" } });
    const cancelled = await eventually("one cancelled run", async () => {
      const list = await h.runs({ function: h.fnId("cancellable"), status: "Cancelled" });
      return list.length ? list : undefined;
    });
    expect(cancelled).toHaveLength(1);
    const detail = await h.run(cancelled[0].id);
    expect(detail.event.data.id).toBe("drop");
    expect(detail.pending).toEqual([]);
    const kept = (await h.runs({ function: h.fnId("cancellable") })).find((r) => r.id !== cancelled[0].id)!;
    expect(kept.status).toBe("Running");
    expect(calls.get("cancel:finish:drop")).toBeUndefined();
    const events = await h.sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM $schema.events WHERE name = 'inngest/function.cancelled' AND payload->'data'->>'run_id' = $1`,
      [cancelled[0].id],
    );
    expect(events[0].n).toBe(1);
  });
});
