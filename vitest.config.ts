import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    alias: {
      "@": path.resolve(import.meta.dirname),
      // Tests run server modules directly; the guard package only matters for client bundles.
      "server-only": path.resolve(import.meta.dirname, "tests/support/server-only-stub.ts"),
    },
  },
  test: {
    include: ["tests/**/*.test.ts", "lib/**/*.test.ts", "inngest/**/*.test.ts", "dev/**/*.test.ts"],
    globalSetup: ["tests/support/global-setup.ts"],
    setupFiles: ["tests/support/setup-env.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration tests share one database per run; files run in parallel on separate workers.
    pool: "forks",
    // The JSON report feeds the one closing line of `npm test` (scripts/test-summary.ts).
    reporters: ["default", ["json", { outputFile: ".data/test-results/vitest.json" }]],
  },
});
