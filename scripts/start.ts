// npm start: the production server (run `npm run build` first) with the same services as dev.
// `--fresh` gives the run a throwaway database (used by Playwright's webServer).
import { startStack } from "./lib/stack";

const args = process.argv.slice(2);
const portArg = args.indexOf("--port");
const port = portArg >= 0 ? Number(args[portArg + 1]) : Number(process.env.PORT ?? 3000);

startStack({ mode: "prod", port, fresh: args.includes("--fresh") }).catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
