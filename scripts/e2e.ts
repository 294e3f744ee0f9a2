// npm run test:e2e: production build, then Playwright (its webServer starts the stack on a fresh DB).
import { run } from "./lib/database";

async function main() {
  const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1", PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: "1" };
  if (process.env.E2E_SKIP_BUILD !== "1") await run("node_modules/.bin/next", ["build"], env);
  await run("node_modules/.bin/playwright", ["test", ...process.argv.slice(2)], env);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message.split("\n")[0] : e);
  process.exit(1);
});
