// The simulators' round-trip latency knob (config.latencyMs, SIM_LATENCY_MS): off by default (no draw, no
// delay), a uniform seeded draw per provider request when set, applied to provider routes and not to the
// /__sim control API. Only lower bounds of time are asserted (a loaded machine can only make them longer).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulators, type RunningSimulators } from "@/dev/simulators";
import { configFromEnv, defaultConfig, parseLatency } from "@/dev/simulators/config";
import { SimState } from "@/dev/simulators/state";

describe("latency knob: configuration", () => {
  it("is 0 by default: nothing is drawn and every request's round trip is 0 ms", () => {
    expect(defaultConfig().latencyMs).toEqual({ min: 0, max: 0 });
    expect(configFromEnv({} as NodeJS.ProcessEnv).latencyMs).toBeUndefined();
    const state = new SimState({ callsPerUser: 1 });
    expect([state.nextLatencyMs(), state.nextLatencyMs(), state.nextLatencyMs()]).toEqual([0, 0, 0]);
  });

  it('reads SIM_LATENCY_MS as "min-max" or one value (ms)', () => {
    expect(configFromEnv({ SIM_LATENCY_MS: "50-150" } as unknown as NodeJS.ProcessEnv).latencyMs).toEqual({ min: 50, max: 150 });
    expect(parseLatency("100")).toEqual({ min: 100, max: 100 });
    expect(parseLatency(" 20 - 40ms ")).toEqual({ min: 20, max: 40 });
    expect(parseLatency("")).toBeUndefined();
    expect(() => parseLatency("fast")).toThrow(/50-150/);
    expect(() => parseLatency("150-50")).toThrow(/upper bound/);
  });

  it("draws in [min, max], the same sequence for the same seed, again after a reset", () => {
    const draws = (s: SimState) => Array.from({ length: 50 }, () => s.nextLatencyMs());
    const a = new SimState({ callsPerUser: 1, seed: 7, latencyMs: { min: 50, max: 150 } });
    const first = draws(a);
    expect(first.every((d) => d >= 50 && d <= 150)).toBe(true);
    expect(new Set(first.map(Math.round)).size).toBeGreaterThan(10);
    expect(draws(new SimState({ callsPerUser: 1, seed: 7, latencyMs: { min: 50, max: 150 } }))).toEqual(first);
    a.reset();
    expect(draws(a)).toEqual(first);
    expect(draws(new SimState({ callsPerUser: 1, seed: 8, latencyMs: { min: 50, max: 150 } }))).not.toEqual(first);
  });
});

describe("latency knob: the server", () => {
  let sims: RunningSimulators;
  beforeAll(async () => {
    sims = await startSimulators({ port: 0, callsPerUser: 1 });
  });
  afterAll(async () => {
    await sims.stop();
  });

  const clariUsers = () => fetch(`${sims.url}/clari-api/users`, { headers: { "x-api-key": "sim-clari-key", "x-api-password": "sim-clari-secret" } });
  const control = async (path: string, body?: unknown) => {
    const res = await fetch(`${sims.url}/__sim${path}`, {
      method: body === undefined ? "GET" : "POST",
      headers: { "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    expect(res.status).toBe(200);
    return res.json() as Promise<Record<string, unknown>>;
  };

  it("delays provider responses by the configured round trip, not the control API's", async () => {
    await control("/reset", { latencyMs: { min: 1500, max: 1500 } });
    const started = performance.now();
    let answered = false;
    const pending = clariUsers().then((res) => {
      answered = true;
      return res;
    });
    // The control API answers while the provider request is still on its round trip.
    expect((await control("/config")).latencyMs).toEqual({ min: 1500, max: 1500 });
    expect(answered).toBe(false);
    const res = await pending;
    expect(res.status).toBe(200);
    // Timers may fire a millisecond early; the two legs add up to the round trip.
    expect(performance.now() - started).toBeGreaterThanOrEqual(1495);
  });

  it("a 50-150 ms round trip delays one request by at least 50 ms; reset returns to no delay", async () => {
    await control("/reset", { latencyMs: { min: 50, max: 150 } });
    const started = performance.now();
    expect((await clariUsers()).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(48);
    await control("/reset", {});
    expect((await control("/config")).latencyMs).toEqual({ min: 0, max: 0 });
    expect(sims.state.nextLatencyMs()).toBe(0);
  });
});
