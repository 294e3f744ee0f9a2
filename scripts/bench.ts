// npm run bench: every benchmark, each writing its figures (with machine and date) under docs/benchmarks/.
// Benchmarks measure; they never assert wall-clock limits.
import { run } from "./lib/database";

const node = ["--conditions=react-server", "--import", "tsx"];
const suites: Array<{ name: string; args: string[] }> = [
  { name: "page data (deals list, deal page, call page, transcript, search)", args: [...node, "scripts/bench/pages.ts"] },
  // BENCH_CALLS=10000 npm run bench for the full-size backfill run.
  { name: "Gong backfill through the sync engine", args: [...node, "scripts/bench/backfill.ts", "--calls", process.env.BENCH_CALLS ?? "1000"] },
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
