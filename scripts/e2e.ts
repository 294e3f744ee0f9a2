// npm run test:e2e: the browser (installed here if missing and we can), production build, then
// Playwright (its webServer starts the stack on a fresh DB).
import { ensureChromium } from "./lib/chromium";
import { run } from "./lib/database";

async function main() {
  // Before the build: a missing browser should stop the run at once, not after it.
  const chromium = await ensureChromium().catch((e: Error) => {
    console.error(e.message);
    process.exit(1);
  });
  const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1", PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: "1", CHROMIUM_PATH: chromium };
  if (process.env.E2E_SKIP_BUILD !== "1") await run("node_modules/.bin/next", ["build"], env);
  await run("node_modules/.bin/playwright", ["test", ...process.argv.slice(2)], env);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message.split("\n")[0] : e);
  process.exit(1);
});
