// npm run bench: every benchmark, each writing its figures (with machine and date) under docs/benchmarks/.
// Benchmarks measure; they never assert wall-clock limits.
import { run } from "./lib/database";

const suites: Array<{ name: string; args: string[] }> = [
  { name: "page data (deals list, deal page, call page, transcript, search)", args: ["--conditions=react-server", "--import", "tsx", "scripts/bench/pages.ts", ...process.argv.slice(2)] },
];

async function main() {
  for (const s of suites) {
    console.log(`\n== ${s.name}`);
    await run(process.execPath, s.args, process.env);
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
