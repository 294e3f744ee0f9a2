// Failure handling through the local runtime: step retries then onFailure, NonRetriableError,
// RetryAfterError delays and function-level errors, with the SDK's own op codes and headers.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NonRetriableError, RetryAfterError } from "inngest";
import { eventually, startHarness, type Harness } from "./harness";

let h: Harness;
const attempts = new Map<string, number[]>();
const record = (key: string) => {
  const list = attempts.get(key) ?? [];
  list.push(Date.now());
  attempts.set(key, list);
  return list.length;
};
const failures: Array<{ message: string; originalEvent: unknown; runId: unknown }> = [];

beforeAll(async () => {
  h = await startHarness("retries");
  const c = h.client;

  const flaky = c.createFunction(
    {
      id: "always-fails",
      triggers: [{ event: "test/fail" }],
      retries: 2,
      onFailure: async ({ event, error, step }) => {
        await step.run("record-failure", () => {
          failures.push({ message: error.message, originalEvent: event.data.event, runId: event.data.run_id });
        });
      },
    },
    async ({ event, step }) => {
      await step.run("ok-first", () => record(`ok-first:${event.data.k}`));
      await step.run("boom", () => {
        record(`boom:${event.data.k}`);
        throw new Error(`boom ${event.data.k}`);
      });
      return "unreachable";
    },
  );

  const recovers = c.createFunction({ id: "recovers", triggers: [{ event: "test/recover" }], retries: 3 }, async ({ step }) => {
    return step.run("second-time-lucky", () => {
      if (record("lucky") < 3) throw new Error("not yet");
      return "recovered";
    });
  });

  const nonRetriable = c.createFunction({ id: "non-retriable", triggers: [{ event: "test/nonretriable" }], retries: 5 }, async ({ step }) => {
    await step.run("fatal", () => {
      record("fatal");
      throw new NonRetriableError("do not retry me");
    });
  });

  const retryAfter = c.createFunction({ id: "retry-after", triggers: [{ event: "test/retry-after" }], retries: 2 }, async ({ step }) => {
    return step.run("rate-limited", () => {
      if (record("rate-limited") === 1) throw new RetryAfterError("slow down", 1500);
      return "done";
    });
  });

  const fnLevel = c.createFunction({ id: "fn-level", triggers: [{ event: "test/fn-level" }], retries: 1 }, async ({ event }) => {
    record(`fn-level:${event.data.k}`);
    throw new Error("outside any step");
  });

  const defaultRetries = c.createFunction({ id: "default-retries", triggers: [{ event: "test/default-retries" }] }, async ({ step }) => {
    await step.run("fails", () => {
      record("default");
      throw new Error("always");
    });
  });

  await h.serve([flaky, recovers, nonRetriable, retryAfter, fnLevel, defaultRetries]);
});

afterAll(async () => {
  await h?.close();
});

describe("local Inngest runtime: retries and failures", () => {
  it("retries a failing step `retries` times, fails the run, then runs onFailure", async () => {
    await h.client.send({ name: "test/fail", data: { k: "f1" } });
    const [run] = await h.waitForRun(h.fnId("always-fails"), (r) => r.status === "Failed");
    expect(attempts.get("boom:f1")).toHaveLength(3); // 1 + retries: 2
    expect(attempts.get("ok-first:f1")).toHaveLength(1);
    expect(run.error?.message).toContain("boom f1");
    const detail = await h.run(run.id);
    const boom = detail.steps.find((s) => s.name === "boom")!;
    expect(boom.status).toBe("failed");
    expect(boom.attempts).toBe(3);

    const [handler] = await h.waitForRun(h.fnId("always-fails-failure"), (r) => r.status === "Completed");
    expect(handler.event_name).toBe("inngest/function.failed");
    expect(failures).toHaveLength(1);
    expect(failures[0].message).toContain("boom f1");
    expect(failures[0].runId).toBe(run.id);
    expect(failures[0].originalEvent).toMatchObject({ name: "test/fail", data: { k: "f1" } });
  });

  it("succeeds when a retry succeeds, with the step's result memoized", async () => {
    await h.client.send({ name: "test/recover", data: {} });
    const [run] = await h.waitForRun(h.fnId("recovers"), (r) => r.status === "Completed");
    expect(run.output).toBe("recovered");
    expect(attempts.get("lucky")).toHaveLength(3);
    expect(run.attempts).toBe(2);
  });

  it("stops at once on NonRetriableError", async () => {
    await h.client.send({ name: "test/nonretriable", data: {} });
    const [run] = await h.waitForRun(h.fnId("non-retriable"), (r) => r.status === "Failed");
    expect(attempts.get("fatal")).toHaveLength(1);
    expect(run.error).toMatchObject({ name: "NonRetriableError", message: "do not retry me" });
  });

  it("waits at least the RetryAfterError delay before retrying", async () => {
    await h.client.send({ name: "test/retry-after", data: {} });
    const [run] = await h.waitForRun(h.fnId("retry-after"), (r) => r.status === "Completed");
    expect(run.output).toBe("done");
    const [first, second] = attempts.get("rate-limited")!;
    // RetryAfterError rounds up to whole seconds: 1500 ms -> "2" (retry-after header).
    expect(second - first).toBeGreaterThanOrEqual(1500);
  });

  it("retries function-level errors and fails after the last attempt", async () => {
    await h.client.send({ name: "test/fn-level", data: { k: "x" } });
    const [run] = await h.waitForRun(h.fnId("fn-level"), (r) => r.status === "Failed");
    expect(attempts.get("fn-level:x")).toHaveLength(2);
    expect(run.error?.message).toBe("outside any step");
    expect(run.attempts).toBe(2);
  });

  it("uses the SDK default of 3 retries (4 attempts) when none is configured", async () => {
    await h.client.send({ name: "test/default-retries", data: {} });
    await h.waitForRun(h.fnId("default-retries"), (r) => r.status === "Failed");
    expect(attempts.get("default")).toHaveLength(4);
    // The failed run emitted exactly one inngest/function.failed event.
    const events = await eventually("function.failed event", async () => {
      const rows = await h.sql<{ n: number }>(
        `SELECT count(*)::int AS n FROM $schema.events WHERE name = 'inngest/function.failed' AND payload->'data'->>'function_id' = $1`,
        [h.fnId("default-retries")],
      );
      return rows[0].n > 0 ? rows[0].n : undefined;
    });
    expect(events).toBe(1);
  });
});
