// Durability: the standalone runtime (dev/inngest-runtime/main.ts, as `npm run inngest:local` runs it)
// is SIGKILLed twice mid-run - once while the run sleeps, once while a step is executing - and
// restarted. The run completes; every step that had completed is never executed again.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Inngest } from "inngest";
import pg from "pg";
import { eventually, freePort, getJson, serveApp, uniqueName, type RunDetail, type RunSummary, type ServedApp } from "./harness";

const root = path.resolve(import.meta.dirname, "..", "..");
const schema = uniqueName("il_restart");
const executions = new Map<string, number>();
const bump = (k: string) => executions.set(k, (executions.get(k) ?? 0) + 1);
let slowStarted = 0;

let port: number;
let base: string;
let app: ServedApp;
let child: ChildProcess | undefined;
let output = "";

async function startRuntime(): Promise<void> {
  // node --import tsx (not the tsx CLI, which forks a grandchild SIGKILL would orphan).
  const proc = spawn(process.execPath, ["--import", "tsx", path.join(root, "dev/inngest-runtime/main.ts")], {
    cwd: root,
    env: {
      ...process.env,
      INNGEST_LOCAL_PORT: String(port),
      INNGEST_LOCAL_HOST: "127.0.0.1",
      INNGEST_LOCAL_SCHEMA: schema,
      INNGEST_LOCAL_APP_URL: app.url,
      INNGEST_LOCAL_LEASE_MS: "1000",
      INNGEST_LOCAL_RETRY_BASE_MS: "50",
      INNGEST_LOCAL_POLL_MS: "50",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  proc.stdout?.on("data", (d) => (output += d));
  proc.stderr?.on("data", (d) => (output += d));
  child = proc;
  await eventually("the runtime to answer /health", async () => (await fetch(`${base}/health`)).ok || undefined, { timeoutMs: 20_000, intervalMs: 100 });
}

function kill(): Promise<void> {
  const proc = child!;
  child = undefined;
  return new Promise((resolve) => {
    proc.once("exit", () => resolve());
    proc.kill("SIGKILL");
  });
}

const run = async (id: string) => (await getJson<{ data: RunDetail }>(`${base}/v1/runs/${id}`)).body.data;

beforeAll(async () => {
  port = await freePort();
  base = `http://127.0.0.1:${port}`;
  const client = new Inngest({
    id: uniqueName("restart").replace(/_/g, "-"),
    isDev: true,
    baseUrl: base,
    logger: { info: () => {}, warn: () => {}, error: () => {}, debug: () => {} },
  });
  const durable = client.createFunction({ id: "durable", triggers: [{ event: "test/durable" }] }, async ({ step }) => {
    await step.run("a", () => bump("a"));
    await step.sleep("nap", "2s");
    await step.run("b", () => bump("b"));
    await step.run("slow", async () => {
      slowStarted++;
      bump("slow-started");
      await new Promise((r) => setTimeout(r, 1500));
    });
    await step.run("c", () => bump("c"));
    return Object.fromEntries(executions);
  });
  app = await serveApp(client, [durable]);
  await startRuntime();
  await eventually("the app to be synced at start-up", async () => {
    const fns = await getJson<{ data: Array<{ id: string }> }>(`${base}/v1/functions`);
    return fns.body.data.length === 1 || undefined;
  });
}, 60_000);

afterAll(async () => {
  if (child) await kill();
  await app?.close();
  const db = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await db.connect();
  await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
  await db.end();
});

describe("local Inngest runtime: restarts", () => {
  it("resumes a run after SIGKILL during a sleep and during a step, never repeating completed steps", async () => {
    const sent = await getJson<{ ids: string[] }>(`${base}/e/key`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "test/durable", data: {} }),
    });
    expect(sent.status).toBe(200);
    const runId = await eventually("the run to exist", async () => {
      const runs = (await getJson<{ data: RunSummary[] }>(`${base}/v1/runs`)).body.data;
      return runs[0]?.id;
    });

    // 1. Kill while sleeping.
    await eventually("the run to sleep", async () => ((await run(runId)).steps.some((s) => s.status === "sleeping") ? true : undefined));
    expect(executions.get("a")).toBe(1);
    await kill();
    await startRuntime();

    // 2. Kill while the slow step is executing in the app.
    await eventually("the slow step to start", () => slowStarted === 1 || undefined, { timeoutMs: 15_000 });
    await kill();
    await startRuntime();

    const done = await eventually(
      "the run to complete",
      async () => {
        const r = await run(runId);
        return r.status === "Completed" ? r : undefined;
      },
      { timeoutMs: 20_000 },
    );
    expect(executions.get("a")).toBe(1);
    expect(executions.get("b")).toBe(1);
    expect(executions.get("c")).toBe(1);
    // The step in flight when the runtime died had not completed, so it ran again (at least once).
    expect(executions.get("slow-started")).toBe(2);
    expect(done.steps.map((s) => [s.name, s.status])).toEqual([
      ["a", "completed"],
      ["nap", "completed"],
      ["b", "completed"],
      ["slow", "completed"],
      ["c", "completed"],
    ]);
    expect(output).toMatch(/listening on/);
  }, 60_000);
});
