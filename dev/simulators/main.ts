// CLI: `npm run simulators` (tsx dev/simulators/main.ts). Port from SIMULATOR_PORT (default 4010).
import { compactInput, configFromEnv } from "./config";
import { simulatorEnv } from "./env";
import { startSimulators } from "./server";

const port = Number(process.env.SIMULATOR_PORT ?? 4010);
const host = process.env.SIMULATOR_HOST ?? "127.0.0.1";

const sims = await startSimulators({ port, host, ...compactInput(configFromEnv()) });
const env = simulatorEnv(sims.url, { gongTenant: sims.state.config.gongTenant });
console.log(`[simulators] Gong, Salesloft and Clari Copilot on ${sims.url} (${sims.state.dataset.calls.length} calls, seed ${sims.state.config.seed})`);
console.log("[simulators] app environment:");
for (const [k, v] of Object.entries(env)) console.log(`  ${k}=${v}`);
console.log(`  Clari Copilot demo key/secret: ${sims.state.config.clari.apiKey} / ${sims.state.config.clari.apiSecret}`);

const shutdown = () => {
  void sims.stop().then(() => process.exit(0));
};
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
