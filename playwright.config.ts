import { defineConfig } from "@playwright/test";

// Two production stacks, each a production build on a throwaway database with the simulators and the
// local Inngest runtime, started by one script:
//  - the demo stack (E2E_PORT, default 3100): DEMO=1, the seeded "Acme" workspace, whose deals the stack imports
//    by connecting HubSpot (its simulator) once the app is up (e2e/demo-crm.setup.ts waits); every spec but onboarding/;
//  - the empty stack (E2E_PORT + 1): no demo data, as `npm start` on a new database, with the simulators;
//    the first-run, members and invitation specs in e2e/onboarding/.
const PORT = Number(process.env.E2E_PORT ?? 3100);
const EMPTY_PORT = PORT + 1;
const baseURL = `http://localhost:${PORT}`;
const emptyURL = `http://localhost:${EMPTY_PORT}`;

const server = (port: number, env: Record<string, string>) => ({
  command: `node_modules/.bin/tsx scripts/start.ts --fresh --port ${port}`,
  url: `http://localhost:${port}/api/health`,
  // INNGEST_LOCAL=1: the test stacks opt into the bundled job runtime (npm start alone wants Inngest Cloud keys).
  env: { ...(process.env as Record<string, string>), INNGEST_LOCAL: "1", ...env },
  reuseExistingServer: false,
  timeout: 180_000,
  stdout: "pipe" as const,
  stderr: "pipe" as const,
  gracefulShutdown: { signal: "SIGTERM" as const, timeout: 15_000 },
});

export default defineConfig({
  testDir: "e2e",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: true,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  // The JSON report feeds the one closing line of `npm test` (scripts/test-summary.ts).
  reporter: [["list"], ["json", { outputFile: ".data/test-results/playwright.json" }], ...(process.env.CI ? [] : ([["html", { open: "never" }]] as const))],
  use: {
    baseURL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    browserName: "chromium",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  projects: [
    // The demo workspace's deals arrive through its HubSpot first import, which the stack starts once the app is up.
    { name: "demo-crm", testMatch: "demo-crm.setup.ts", use: { baseURL } },
    { name: "demo", testIgnore: "onboarding/**", dependencies: ["demo-crm"], use: { baseURL } },
    // The first run must see the empty database before any other onboarding spec creates a workspace.
    { name: "first-run", testMatch: "onboarding/first-run.spec.ts", use: { baseURL: emptyURL } },
    {
      name: "empty",
      testMatch: "onboarding/**/*.spec.ts",
      testIgnore: "onboarding/first-run.spec.ts",
      dependencies: ["first-run"],
      use: { baseURL: emptyURL },
    },
  ],
  webServer: [server(PORT, { DEMO: "1", USE_SIMULATORS: "1" }), server(EMPTY_PORT, { DEMO: "0", USE_SIMULATORS: "1" })],
});
