// Starts everything the product needs, in one process tree: the database (DATABASE_URL or embedded),
// migrations, the demo seed on an empty database (development, or DEMO=1), background services, and the Next.js server.
// Used by `npm run dev`, `npm start` and Playwright's webServer.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { placeholderSecretProblems } from "../../lib/env-placeholders";
import { demoLoginsText } from "../../prisma/seed";
import { startLocalInngest } from "../../dev/inngest-runtime";
import { simulatorEnv, startSimulators } from "../../dev/simulators";
import { inngestChoice, seedIfAsked, stackChoices, type InngestChoice } from "./choices";
import { createScratchDatabase, migrate, root } from "./database";
import { importDemoDeals, newDemoSetupKey, type DemoCrmResult } from "./demo-crm";
import { freePort, startEmbeddedPostgres } from "./embedded-postgres";
import { appEnv, dataDir, localSecrets } from "./runtime-env";

export type StackOptions = {
  mode: "dev" | "prod";
  port: number;
  /** A throwaway database for this run (e2e): created, migrated, seeded, dropped on exit. */
  fresh?: boolean;
};

type Service = { name: string; child: ChildProcess };

const describeInngest = (c: InngestChoice, runtimeUrl?: string): string =>
  ({
    bundled: `the bundled Inngest runtime at ${runtimeUrl} (INNGEST_LOCAL=1; this machine only, requests signed with INNGEST_APP_KEY)`,
    cloud: "Inngest Cloud (INNGEST_SIGNING_KEY, INNGEST_EVENT_KEY)",
    "self-hosted": `the self-hosted Inngest server at ${c.kind === "self-hosted" ? c.baseUrl : ""} (INNGEST_SIGNING_KEY, INNGEST_EVENT_KEY)`,
    "sdk-env": "the Inngest server the SDK's own env names (INNGEST_LOCAL=0: e.g. INNGEST_DEV=1 for `npx inngest-cli dev`)",
  })[c.kind];

export async function startStack(opts: StackOptions): Promise<void> {
  // Before anything starts: production without a job server's keys refuses here, saying what to set.
  const inngest = inngestChoice(opts.mode);
  const cleanups: Array<() => Promise<void>> = [];
  const services: Service[] = [];
  let stopping = false;

  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    for (const s of services.reverse()) s.child.kill("SIGTERM");
    await Promise.all(services.map((s) => new Promise((r) => (s.child.exitCode !== null ? r(null) : s.child.once("exit", r)))));
    for (const c of cleanups.reverse()) await c().catch((e) => console.error("[stack] cleanup failed:", e));
    process.exit(code);
  };
  process.on("SIGINT", () => void stop(0));
  process.on("SIGTERM", () => void stop(0));

  // A production server never starts with a placeholder secret (lib/env.ts refuses too, in every process).
  if (opts.mode === "prod") {
    const s = localSecrets();
    const problems = placeholderSecretProblems({
      NEXTAUTH_SECRET: process.env.NEXTAUTH_SECRET ?? s.NEXTAUTH_SECRET,
      ENCRYPTION_KEY: process.env.ENCRYPTION_KEY ?? (process.env.ENCRYPTION_KEYS ? undefined : s.ENCRYPTION_KEY),
      ENCRYPTION_KEYS: process.env.ENCRYPTION_KEYS,
    });
    if (problems.length) throw new Error(`Refusing to start in production with placeholder secrets:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }

  // 1. Database
  let databaseUrl: string;
  if (opts.fresh) {
    const scratch = await createScratchDatabase("callsync_e2e");
    cleanups.push(scratch.drop);
    databaseUrl = scratch.url;
    console.log(`[stack] fresh ${scratch.embedded ? "embedded" : "PostgreSQL"} database for this run`);
  } else if (process.env.DATABASE_URL) {
    databaseUrl = process.env.DATABASE_URL;
    await migrate(databaseUrl);
  } else {
    const embedded = await startEmbeddedPostgres({ dataDir: path.join(dataDir, "pglite"), port: 54329 });
    cleanups.push(embedded.stop);
    databaseUrl = embedded.url;
    console.log(`[stack] embedded PostgreSQL (PGlite) at ${embedded.url}, data in .data/pglite`);
    await migrate(databaseUrl);
  }
  // Development: the demo seed on an empty database and the simulators, unless turned off (DEMO=0,
  // USE_SIMULATORS=0). Production: neither, unless the operator asks (DEMO=1 seeds and implies the
  // simulators the demo data lines up with; USE_SIMULATORS=1 alone starts the simulators).
  const { demo, useSimulators } = stackChoices(opts.mode);
  const seeded = await seedIfAsked(databaseUrl, demo);

  // 2. Provider simulators (or the real provider hosts and your OAuth apps).
  const extra: Record<string, string> = {};
  if (useSimulators) {
    const simPort = opts.fresh ? await freePort() : Number(process.env.SIMULATOR_PORT ?? 4010);
    const sims = await startSimulators({ port: simPort });
    cleanups.push(() => sims.stop());
    Object.assign(extra, simulatorEnv(sims.url));
    console.log(`[stack] provider simulators at ${sims.url} (Clari demo key: sim-clari-key / sim-clari-secret)`);
  }

  // 3. Background jobs (scripts/lib/choices.ts inngestChoice): the bundled runtime, or Inngest Cloud /
  //    self-hosted, which the SDK reaches from its own env (INNGEST_SIGNING_KEY, INNGEST_EVENT_KEY, INNGEST_BASE_URL).
  const appServeUrl = `http://localhost:${opts.port}/api/inngest`;
  let runtimeUrl: string | undefined;
  // The job server has the app's functions (the demo import below sends its first event only then).
  let jobsReady: Promise<void> = Promise.resolve();
  if (inngest.kind === "bundled") {
    const inngestPort = opts.fresh ? await freePort() : Number(process.env.INNGEST_LOCAL_PORT ?? 8288);
    const appKey = process.env.INNGEST_APP_KEY || localSecrets().INNGEST_APP_KEY;
    const runtime = await startLocalInngest({
      databaseUrl,
      port: inngestPort,
      // Only this machine's app talks to it (INNGEST_LOCAL_HOST=0.0.0.0 offers it to the network; still signed).
      host: process.env.INNGEST_LOCAL_HOST || "127.0.0.1",
      appKey,
      appUrls: [appServeUrl],
      resyncIntervalMs: opts.mode === "dev" ? 5_000 : 0,
      logLevel: (process.env.INNGEST_LOCAL_LOG_LEVEL as "info" | undefined) ?? (opts.fresh ? "warn" : "info"),
    });
    cleanups.push(() => runtime.stop());
    Object.assign(extra, { INNGEST_DEV: "1", INNGEST_BASE_URL: runtime.url, INNGEST_APP_KEY: appKey });
    runtimeUrl = runtime.url;
    jobsReady = runtime.appsSynced;
  }
  console.log(`[stack] background jobs: ${describeInngest(inngest, runtimeUrl)}`);

  // A freshly seeded demo workspace gets its deals by connecting the HubSpot simulator (after Next is up):
  // the key lets only this start ask the app for that (app/api/dev/demo-crm).
  const demoSetupKey = seeded && useSimulators ? newDemoSetupKey() : null;
  if (demoSetupKey) extra.DEMO_SETUP_KEY = demoSetupKey;
  const env = appEnv({ databaseUrl, port: opts.port, extra });
  // Cloud / self-hosted: the SDK checks signatures with INNGEST_SIGNING_KEY; a stray runtime key would make the
  // serve route expect the bundled runtime's signatures instead.
  if (inngest.kind === "cloud" || inngest.kind === "self-hosted") delete env.INNGEST_APP_KEY;
  // STACK_LOG_FILE: also write the Next.js server's stdout/stderr there (fresh stacks: always, per port).
  const logFile = process.env.STACK_LOG_FILE || (opts.fresh ? path.join(dataDir, `e2e-stack-${opts.port}.log`) : undefined);
  const stackInfoFile = opts.fresh ? path.join(dataDir, `e2e-stack-${opts.port}.json`) : null;
  let stackInfo: Record<string, unknown> = {};
  if (opts.fresh) {
    // Lets end-to-end tests reach the simulators' control API and the runtime's run listing.
    // Also per port (.data/e2e-stack-<port>.json): two e2e runs on different ports never read each
    // other's stack; the app's output goes to .data/e2e-stack-<port>.log (the abuse suite greps it).
    // demoCrm: the demo workspace's HubSpot import ("importing", then "connected" or "failed"; null: no demo
    // workspace seeded); the e2e demo setup (e2e/demo-crm.setup.ts) waits for it.
    stackInfo = {
      appUrl: env.APP_URL,
      simulatorUrl: extra.GONG_OAUTH_BASE_URL?.replace(/\/gong$/, "") ?? null,
      inngestUrl: extra.INNGEST_BASE_URL ?? null,
      databaseUrl,
      logFile: logFile ?? null,
      demoCrm: demoSetupKey ? { status: "importing" } : null,
    };
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(stackInfoFile!, JSON.stringify(stackInfo, null, 2));
    cleanups.push(async () => fs.rmSync(stackInfoFile!, { force: true }));
  }

  // 4. Next.js
  const nextBin = path.join(root, "node_modules", ".bin", "next");
  const next = spawn(nextBin, [opts.mode === "dev" ? "dev" : "start", "-p", String(opts.port)], {
    cwd: root,
    env,
    stdio: logFile ? ["inherit", "pipe", "pipe"] : "inherit",
  });
  if (logFile) {
    fs.mkdirSync(path.dirname(logFile), { recursive: true });
    const log = fs.createWriteStream(logFile, { flags: "w" });
    next.stdout?.on("data", (chunk: Buffer) => (process.stdout.write(chunk), log.write(chunk)));
    next.stderr?.on("data", (chunk: Buffer) => (process.stderr.write(chunk), log.write(chunk)));
    cleanups.push(() => new Promise<void>((resolve) => log.end(() => resolve())));
  }
  services.push({ name: "next", child: next });
  next.on("exit", (code) => {
    if (!stopping) {
      console.error(`[stack] next exited with ${code}`);
      void stop(code ?? 1);
    }
  });

  let demoCrm: DemoCrmResult | null = null;
  if (demoSetupKey) {
    console.log('[stack] connecting HubSpot (simulator) for the demo workspace "Acme" and importing its deals…');
    demoCrm = await importDemoDeals({ appUrl: env.APP_URL!, key: demoSetupKey, jobsReady, timeoutMs: 600_000 }).catch((e) => ({
      status: "failed" as const,
      deals: 0,
      message: e instanceof Error ? e.message : String(e),
    }));
    if (stackInfoFile && !stopping) fs.writeFileSync(stackInfoFile, JSON.stringify({ ...stackInfo, demoCrm }, null, 2));
  }

  const lines = [`\n  Callsync ${opts.mode === "dev" ? "(development)" : "(production)"} → ${env.APP_URL}`];
  if (seeded) lines.push('  Seeded the demo workspace "Acme".');
  if (demoCrm?.status === "connected") lines.push(`  Connected HubSpot (simulator) for Acme: the first import brought ${demoCrm.deals} deals.`);
  if (demoCrm?.status === "failed")
    lines.push(`  Connecting HubSpot (simulator) for Acme failed: ${demoCrm.message ?? "see the log"}. Connect it from Settings → Integrations.`);
  lines.push(
    demo
      ? demoLoginsText()
      : `  No demo data${opts.mode === "prod" ? " (set DEMO=1 to seed the demo workspace)" : " (DEMO=0)"}: open the app to create your workspace.`,
  );
  lines.push(
    useSimulators
      ? "  Provider simulators: ON (USE_SIMULATORS=0 for the real Gong, Salesloft and Clari Copilot)."
      : `  Provider simulators: off, talking to the real providers${opts.mode === "prod" ? " (USE_SIMULATORS=1 to use the simulators)" : ""}.`,
  );
  lines.push(`  Background jobs: ${describeInngest(inngest, runtimeUrl)}.`);
  console.log(`${lines.join("\n")}\n`);
}
