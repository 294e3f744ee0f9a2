// Pure units of the local runtime: the cron parser, the expression evaluator, durations and the
// request/response shapes exchanged with the SDK.
import { describe, expect, it } from "vitest";
import { CronError, nextCronTime, parseCron } from "@/dev/inngest-runtime/cron";
import { evaluate, ExpressionError, matches } from "@/dev/inngest-runtime/expr";
import { parseDuration, parseRetryAfter, resolveWakeTime } from "@/dev/inngest-runtime/duration";
import { requestBody, requestUrl } from "@/dev/inngest-runtime/executor";
import { HttpError, parseEvents } from "@/dev/inngest-runtime/http";
import { concurrencySlots } from "@/dev/inngest-runtime/runs";
import type { FunctionRow } from "@/dev/inngest-runtime/store";

const at = (iso: string) => Date.parse(iso);
const next = (expr: string, from: string, n = 1) => {
  const s = parseCron(expr);
  const out: string[] = [];
  let t = at(from);
  for (let i = 0; i < n; i++) {
    t = nextCronTime(s, t);
    out.push(new Date(t).toISOString());
  }
  return out;
};

describe("cron", () => {
  it("computes the next minute for * * * * *, strictly after the given instant", () => {
    expect(next("* * * * *", "2026-01-01T10:00:00.000Z", 2)).toEqual(["2026-01-01T10:01:00.000Z", "2026-01-01T10:02:00.000Z"]);
    expect(next("* * * * *", "2026-01-01T10:00:59.999Z")).toEqual(["2026-01-01T10:01:00.000Z"]);
  });

  it("supports steps, ranges, lists and names", () => {
    expect(next("*/15 9-10 * * *", "2026-01-01T10:40:00Z", 3)).toEqual(["2026-01-01T10:45:00.000Z", "2026-01-02T09:00:00.000Z", "2026-01-02T09:15:00.000Z"]);
    expect(next("0 12 * JAN,MAR MON-FRI", "2026-01-30T13:00:00Z", 2)).toEqual(["2026-03-02T12:00:00.000Z", "2026-03-03T12:00:00.000Z"]);
    expect(next("0 0 * * 7", "2026-01-01T00:00:00Z")).toEqual(["2026-01-04T00:00:00.000Z"]); // 7 = Sunday
    expect(next("@hourly", "2026-01-01T10:30:00Z")).toEqual(["2026-01-01T11:00:00.000Z"]);
  });

  it("ORs day-of-month and day-of-week when both are restricted", () => {
    // 13th of the month or any Friday
    expect(next("0 0 13 * 5", "2026-02-01T00:00:00Z", 3)).toEqual(["2026-02-06T00:00:00.000Z", "2026-02-13T00:00:00.000Z", "2026-02-20T00:00:00.000Z"]);
  });

  it("ANDs the day fields when one starts with *, and reads 5/10 as from 5 in steps of 10 (Vixie)", () => {
    // Odd days of the month that are Mondays: 2026-01-05, 2026-01-19.
    expect(next("0 0 */2 * 1", "2026-01-01T00:00:00Z", 2)).toEqual(["2026-01-05T00:00:00.000Z", "2026-01-19T00:00:00.000Z"]);
    expect(next("5/20 * * * *", "2026-01-01T00:00:00Z", 4)).toEqual([
      "2026-01-01T00:05:00.000Z",
      "2026-01-01T00:25:00.000Z",
      "2026-01-01T00:45:00.000Z",
      "2026-01-01T01:05:00.000Z",
    ]);
  });

  it("honours a TZ= prefix across a DST change", () => {
    // Europe/Paris switches to UTC+2 on 2026-03-29.
    expect(next("TZ=Europe/Paris 0 9 * * *", "2026-03-27T12:00:00Z", 3)).toEqual([
      "2026-03-28T08:00:00.000Z",
      "2026-03-29T07:00:00.000Z",
      "2026-03-30T07:00:00.000Z",
    ]);
    expect(next("TZ=Asia/Kolkata 30 0 * * *", "2026-01-01T00:00:00Z")).toEqual(["2026-01-01T19:00:00.000Z"]);
  });

  it("finds rare dates and rejects invalid expressions", () => {
    expect(next("0 0 29 2 *", "2026-01-01T00:00:00Z")).toEqual(["2028-02-29T00:00:00.000Z"]);
    for (const bad of ["* * * *", "60 * * * *", "* 24 * * *", "*/0 * * * *", "TZ=Nowhere/Land * * * * *", "x * * * *"]) {
      expect(() => parseCron(bad), bad).toThrow(CronError);
    }
    expect(() => nextCronTime(parseCron("0 0 31 2 *"), Date.now())).toThrow(/never fires/);
  });
});

describe("expressions", () => {
  const scope = {
    event: { name: "a/b", data: { userId: "u1", n: 3, tags: ["x", "y"], nested: { ok: true } } },
    async: { data: { userId: "u1", n: 4 } },
  };

  it("evaluates the forms Inngest uses", () => {
    expect(evaluate("event.data.userId == async.data.userId", scope)).toBe(true);
    expect(evaluate("event.data.n == async.data.n", scope)).toBe(false);
    expect(evaluate("event.data.function_id == 'app-fn'", { event: { data: { function_id: "app-fn" } } })).toBe(true);
    expect(evaluate("event.data.n > 2 && !(event.data.n >= 4) || false", scope)).toBe(true);
    expect(evaluate("event.data['userId'] + '-' + event.data.n", scope)).toBe("u1-3");
    expect(evaluate("'x' in event.data.tags && event.data.nested.ok", scope)).toBe(true);
    expect(evaluate("event.data.missing.deeper", scope)).toBeUndefined();
    expect(evaluate("event.data.n * 2 + 1 == 7", scope)).toBe(true);
  });

  it("treats unparseable expressions as errors, and as non-matches in matches()", () => {
    expect(() => evaluate("event.data.x ==", scope)).toThrow(ExpressionError);
    expect(() => evaluate("size(event.data.tags) > 1", scope)).toThrow(ExpressionError);
    expect(matches("size(event.data.tags) > 1", scope)).toBe(false);
    expect(matches(undefined, scope)).toBe(true);
  });

  it("derives concurrency keys from `event.data.x` expressions", () => {
    const fn = {
      id: "app-f",
      config: {
        concurrency: [
          { limit: 2, key: "event.data.userId" },
          { limit: 5, scope: "env", key: "'shared'" },
        ],
      },
    } as unknown as FunctionRow;
    expect(concurrencySlots(fn, { id: "1", name: "a", ts: 0, data: { userId: "u9" } })).toEqual([
      { key: "fn:app-f:u9", limit: 2 },
      { key: "env:shared", limit: 5 },
    ]);
    const plain = { id: "app-g", config: { concurrency: 3 } } as unknown as FunctionRow;
    expect(concurrencySlots(plain, { id: "1", name: "a", ts: 0, data: {} })).toEqual([{ key: "fn:app-g", limit: 3 }]);
  });
});

describe("durations and protocol shapes", () => {
  it("parses SDK time strings, sleepUntil instants and retry-after", () => {
    expect(parseDuration("1s")).toBe(1000);
    expect(parseDuration("1h30m5s")).toBe(5_405_000);
    expect(parseDuration("2d")).toBe(172_800_000);
    expect(parseDuration("250ms")).toBe(250);
    expect(parseDuration("1w2d3h4m5s500ms")).toBe(788_645_500);
    expect(parseDuration("1.5h")).toBe(5_400_000);
    expect(parseDuration("1500")).toBe(1500);
    expect(() => parseDuration("")).toThrow();
    expect(() => parseDuration("1 hour")).toThrow(); // ms reads it, Inngest does not
    expect(() => parseDuration("soon")).toThrow();
    expect(() => parseDuration("5s later")).toThrow();
    expect(resolveWakeTime("10s", 1_000)).toBe(11_000);
    expect(resolveWakeTime("2026-01-01T00:00:00.000Z", 0)).toBe(at("2026-01-01T00:00:00.000Z"));
    expect(parseRetryAfter("2", 1_000)).toBe(3_000);
    expect(parseRetryAfter("0.5", 1_000)).toBe(1_500);
    expect(parseRetryAfter("", 1_000)).toBeUndefined();
    expect(parseRetryAfter("soon", 1_000)).toBeUndefined();
    expect(parseRetryAfter("2026-01-01T00:00:00.000Z", 0)).toBe(at("2026-01-01T00:00:00.000Z"));
  });

  it("builds the execution request the SDK parses (helpers/functions.js parseFnData)", () => {
    expect(requestUrl("http://app/api/inngest?fnId=app-f&stepId=step", "abc")).toBe("http://app/api/inngest?fnId=app-f&stepId=abc");
    expect(requestUrl("http://app/api/inngest?fnId=app-f&stepId=step", null)).toBe("http://app/api/inngest?fnId=app-f&stepId=step");
    const body = requestBody({
      url: "http://app",
      stepId: null,
      runId: "r1",
      event: { id: "e", name: "a/b", data: {}, ts: 1 },
      events: [{ id: "e", name: "a/b", data: {}, ts: 1 }],
      steps: { h1: { type: "data", data: 1 } },
      stack: ["h1"],
      attempt: 2,
      maxAttempts: 4,
      disableImmediateExecution: true,
      timeoutMs: 1000,
      now: 0,
    });
    expect(body).toEqual({
      version: 2,
      event: { id: "e", name: "a/b", data: {}, ts: 1 },
      events: [{ id: "e", name: "a/b", data: {}, ts: 1 }],
      steps: { h1: { type: "data", data: 1 } },
      ctx: { run_id: "r1", attempt: 2, max_attempts: 4, disable_immediate_execution: true, use_api: false, stack: { stack: ["h1"], current: 1 } },
    });
  });

  it("validates event intake bodies", () => {
    expect(parseEvents({ name: "a" })).toEqual([{ name: "a" }]);
    expect(parseEvents([])).toEqual([]);
    expect(() => parseEvents("x")).toThrow(HttpError);
    expect(() => parseEvents([{ name: "a" }, { name: 1 }])).toThrow(/event\[1\] name/);
  });
});
