// Helpers shared by the benchmarks: machine description, percentiles, timed runs. Benchmarks measure;
// they never assert wall-clock limits.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";

export interface Machine {
  cpu: string;
  cores: number;
  ramGiB: number;
  os: string;
  node: string;
  postgres: string;
}

export function machine(postgres: string): Machine {
  let cpu = os.cpus()[0]?.model ?? "unknown";
  try {
    cpu = (fs.readFileSync("/proc/cpuinfo", "utf8").match(/model name\s*:\s*(.+)/) ?? [])[1] ?? cpu;
  } catch {
    // not Linux
  }
  let cores = os.cpus().length;
  try {
    cores = Number(execFileSync("nproc", { encoding: "utf8" }).trim()) || cores;
  } catch {
    // no nproc
  }
  return {
    cpu: cpu.trim(),
    cores,
    ramGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    postgres,
  };
}

export function describeMachine(m: Machine): string {
  return `${m.cores} vCPU ${m.cpu}, ${m.ramGiB} GiB RAM; ${m.os}; Node ${m.node}; ${m.postgres}`;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export interface Timing {
  name: string;
  runs: number;
  p50: number;
  p95: number;
  max: number;
  note?: string;
}

/** Three warm-up runs (plans cached, pages in shared buffers), then `runs` timed runs. */
export async function timed(name: string, runs: number, fn: () => Promise<unknown>, note?: string): Promise<Timing> {
  for (let i = 0; i < 3; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const t = { name, runs, p50: percentile(times, 50), p95: percentile(times, 95), max: times[times.length - 1]!, note };
  console.log(`  ${name.padEnd(58)} p50 ${t.p50.toFixed(1).padStart(7)} ms   p95 ${t.p95.toFixed(1).padStart(7)} ms`);
  return t;
}

/** A child benchmark's result: to the --json file when given, else as the last line prefixed BENCH_RESULT (read by the driver). */
export function emitResult(result: unknown, jsonOut: string | undefined): void {
  if (jsonOut) {
    fs.mkdirSync(path.dirname(path.resolve(jsonOut)), { recursive: true });
    fs.writeFileSync(jsonOut, `${JSON.stringify(result, null, 2)}\n`);
  } else console.log(`BENCH_RESULT ${JSON.stringify(result)}`);
}

export function argValue(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

export const fmt = {
  int: (n: number) => Math.round(n).toLocaleString("en-US"),
  dec: (n: number, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : "n/a"),
  s: (ms: number) => `${(ms / 1000).toFixed(1)} s`,
  dur: (ms: number) => (ms >= 120_000 ? `${(ms / 60_000).toFixed(1)} min` : `${(ms / 1000).toFixed(1)} s`),
};

/** Search queries on the backfilled data, by kind (issue 18 target 3); each matches lines of the simulator's transcripts. */
export const SEARCH_KINDS: ReadonlyArray<readonly [kind: string, q: string]> = [
  ["word", "pricing"],
  ["OR", "pricing or hubspot"],
  ["AND", "budget approved"],
  ["phrase", '"single sign-on"'],
  ["exclusion", "quarter -contract"],
  ["0 hits", "nonexistentword"],
];

/** `uptime` as the shell prints it (load averages), for the record of what else ran during a benchmark. */
export function uptime(): string {
  try {
    return execFileSync("uptime", { encoding: "utf8" }).trim();
  } catch {
    return `load average: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(", ")}`;
  }
}
