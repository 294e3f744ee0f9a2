// npm run bench: runs the benchmark matrix and writes docs/benchmarks.md (machine and date in it), with every
// run in docs/benchmarks/backfill.md, page data and query plans in docs/benchmarks/pages.md and raw results in
// docs/benchmarks/results/*.json. Benchmarks measure; they never assert wall-clock limits.
//
//   BENCH_SIZE=full npm run bench   the full matrix (default; ~30 min on 2 vCPU, see FULL below); writes docs/
//   BENCH_SIZE=ci npm run bench     small sizes (~2 min) written to .data/bench-ci/ (not committed)
//   BENCH_ONLY=gong-10k,pages-10k   run only these entries, then re-render with the results already on disk
//   BENCH_RENDER=1                  only re-render the documents from the results on disk
//   BENCH_LATENCY=50-150            backfill entries with that simulated round trip per provider request (ms; "0" for
//                                   none): their results are kept apart as <entry>@<latency>ms.json and shown in the
//                                   "Gong with provider round trips" section, not in the matrix tables (no page-query runs)
//
// Each entry runs in its own process on its own scratch database (DATABASE_URL's server, or embedded PGlite).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { root, run } from "./lib/database";
import { renderBackfillDetail, renderSummary, type Entry, type Results } from "./bench/report";
import type { BackfillResult } from "./bench/backfill";
import { renderSearchTenantsDetail, type SearchTenantsResult } from "./bench/search-tenants";
import { renderSearchScaleDetail, type SearchScaleResult } from "./bench/search-scale";
import { parseLatency } from "../dev/simulators/config";

/**
 * search-tenants results kept for comparison: "before" on main before workspace-bounded search (08343ac),
 * "b5eb9b0" the search code before the join was chosen on the match count (measured on the same databases).
 */
function searchTenantsKept(resultsDir: string, which: "before" | "b5eb9b0"): SearchTenantsResult | undefined {
  const file = path.join(resultsDir, `search-tenants-${which}.json`);
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as SearchTenantsResult) : undefined;
}

// Durations on 2 vCPU (full run, 2026-11-21): Gong is ingest-bound at ~55-90 calls with transcripts per second;
// Salesloft is request-bound at ~5.8 requests per call, ~93 calls/min at 600 cost/min (~11 min for 1k); Clari is
// request-bound near 8 calls/s and ingests ~1.08x --calls (participant listing). Each entry adds ~10 s of database
// setup. Whole matrix: about 30 minutes.
const FULL: Entry[] = [
  { name: "pages-1k", kind: "pages", calls: 1_000, runs: 40, growth: "1k" }, // ~15 s
  { name: "pages-3k", kind: "pages", calls: 3_000, runs: 40, growth: "3k" }, // ~20 s
  { name: "pages-10k", kind: "pages", calls: 10_000, runs: 40, growth: "10k", headline: true }, // ~45 s
  { name: "gong-1k", kind: "backfill", provider: "gong", users: 20, calls: 1_000, growth: "1k" }, // ~0.5-1.5 min (floor 14 s)
  { name: "gong-3k", kind: "backfill", provider: "gong", users: 20, calls: 3_000, growth: "3k" }, // ~1.5-4 min (floor 27 s)
  { name: "gong-10k", kind: "backfill", provider: "gong", users: 20, calls: 10_000, growth: "10k" }, // ~5-12 min (floor 67 s)
  { name: "gong-1k-1user", kind: "backfill", provider: "gong", users: 1, calls: 1_000 }, // ~0.5-1.5 min
  { name: "gong-5k-50users", kind: "backfill", provider: "gong", users: 50, calls: 5_000 }, // ~3-6 min (floor 34 s)
  { name: "salesloft-1k", kind: "backfill", provider: "salesloft", users: 6, calls: 1_000 }, // ~12-13 min (floor ~11.5 min)
  { name: "clari-1k", kind: "backfill", provider: "clari", users: 6, calls: 1_000 }, // ~2.5-3 min
  { name: "clari-3k", kind: "backfill", provider: "clari", users: 6, calls: 3_000 }, // ~6-8 min
  // Ten tenants of 10,000 calls; 40 sentences per call (not ~440) keeps it to ~1.5 GB and ~10 min.
  { name: "search-tenants", kind: "search-tenants", tenants: 10, calls: 10_000, sentences: 40, runs: 200 },
  // One workspace of real-shaped calls (~440 sentences): 10,000 calls ~6 min and 1.3 GB; 100,000 ~1 h and 13 GB.
  { name: "search-scale-10k", kind: "search-scale", calls: 10_000, runs: 40 },
  { name: "search-scale-100k", kind: "search-scale", calls: 100_000, runs: 20 },
  { name: "deals-import-50k", kind: "deals-import", rows: 50_000 }, // ~1-2 min
  // CRM first import of 20,000 deals, 10,000 companies/accounts, 100,000 contacts, then the relink of 10,000 calls.
  { name: "crm-hubspot-20k", kind: "crm-import", provider: "hubspot", deals: 20_000, accounts: 10_000, contacts: 100_000, calls: 10_000 },
  { name: "crm-salesforce-20k", kind: "crm-import", provider: "salesforce", deals: 20_000, accounts: 10_000, contacts: 100_000, calls: 10_000 },
];

const CI: Entry[] = [
  { name: "pages-100", kind: "pages", calls: 100, runs: 5, growth: "100" },
  { name: "pages-300", kind: "pages", calls: 300, runs: 5, growth: "300", headline: true },
  { name: "gong-100", kind: "backfill", provider: "gong", users: 3, calls: 100, growth: "100" },
  { name: "gong-300", kind: "backfill", provider: "gong", users: 3, calls: 300, growth: "300" },
  { name: "salesloft-30", kind: "backfill", provider: "salesloft", users: 2, calls: 30 },
  { name: "clari-60", kind: "backfill", provider: "clari", users: 2, calls: 60 },
  { name: "search-tenants", kind: "search-tenants", tenants: 3, calls: 300, sentences: 20, runs: 5 },
  { name: "search-scale-300", kind: "search-scale", calls: 300, runs: 3 },
  { name: "deals-import-2k", kind: "deals-import", rows: 2_000 },
];

async function main() {
  const size = process.env.BENCH_SIZE ?? "full";
  if (size !== "full" && size !== "ci") throw new Error(`BENCH_SIZE must be "full" or "ci", not "${size}"`);
  const matrix = size === "ci" ? CI : FULL;
  // Full size writes the committed figures; CI size writes under .data/ (gitignored).
  const docDir = size === "ci" ? path.join(root, ".data", "bench-ci") : path.join(root, "docs");
  const detailDir = path.join(docDir, "benchmarks");
  const resultsDir = path.join(detailDir, "results");
  const only = process.env.BENCH_ONLY
    ? new Set(
        process.env.BENCH_ONLY.split(",")
          .map((s) => s.trim())
          .filter(Boolean),
      )
    : null;
  if (only)
    for (const n of only)
      if (!matrix.some((e) => e.name === n)) throw new Error(`BENCH_ONLY: no entry "${n}" in the ${size} matrix (${matrix.map((e) => e.name).join(", ")})`);
  const renderOnly = process.env.BENCH_RENDER === "1";
  // The simulator's round trip (dev/simulators latencyMs), for backfill entries only.
  const latency = process.env.BENCH_LATENCY?.trim() ? parseLatency(process.env.BENCH_LATENCY) : undefined;
  const latencyTag = latency ? `@${latency.min === latency.max ? latency.min : `${latency.min}-${latency.max}`}ms` : "";
  if (latency && only && [...only].some((n) => matrix.find((e) => e.name === n)?.kind !== "backfill"))
    throw new Error("BENCH_LATENCY applies to backfill entries only: list only those in BENCH_ONLY");
  fs.mkdirSync(resultsDir, { recursive: true });

  const node = ["--conditions=react-server", "--import", "tsx"];
  const failures: string[] = [];
  const toRun = renderOnly ? [] : matrix.filter((e) => (!only || only.has(e.name)) && (!latency || e.kind === "backfill"));
  const startedAt = Date.now();
  for (const e of toRun) {
    const json = path.join(resultsDir, `${e.name}${e.kind === "backfill" ? latencyTag : ""}.json`);
    fs.rmSync(json, { force: true });
    const args =
      e.kind === "crm-import"
        ? [
            ...node,
            "scripts/bench/crm-import.ts",
            ...["--provider", e.provider, "--deals", String(e.deals), "--accounts", String(e.accounts), "--contacts", String(e.contacts)],
            ...["--calls", String(e.calls), "--json", json],
          ]
        : e.kind === "deals-import"
          ? [...node, "scripts/bench/deals-import.ts", "--rows", String(e.rows), "--json", json, "--out", path.join(detailDir, "deals-import.md")]
          : e.kind === "search-scale"
            ? [...node, "scripts/bench/search-scale.ts", "--calls", String(e.calls), "--runs", String(e.runs), "--json", json, "--no-doc"]
            : e.kind === "search-tenants"
              ? [
                  ...node,
                  "scripts/bench/search-tenants.ts",
                  ...["--tenants", String(e.tenants), "--calls", String(e.calls), "--sentences", String(e.sentences), "--runs", String(e.runs)],
                  ...["--json", json, "--out", path.join(detailDir, "search-tenants.md")],
                ]
              : e.kind === "pages"
                ? [
                    ...node,
                    "scripts/bench/pages.ts",
                    "--calls",
                    String(e.calls),
                    "--runs",
                    String(e.runs),
                    "--json",
                    json,
                    ...(e.headline ? ["--out", path.join(detailDir, "pages.md")] : ["--no-doc"]),
                  ]
                : [
                    ...node,
                    "scripts/bench/backfill.ts",
                    "--provider",
                    e.provider,
                    "--users",
                    String(e.users),
                    "--calls",
                    String(e.calls),
                    "--json",
                    json,
                    "--page-runs",
                    // Round-trip runs measure the backfill; the page queries are the matrix entries' (no round trip in them).
                    latency ? "0" : size === "ci" ? "5" : "20",
                    ...(latency ? ["--latency", `${latency.min}-${latency.max}`] : []),
                  ];
    console.log(`\n== ${e.name} (${((Date.now() - startedAt) / 60_000).toFixed(1)} min into the matrix)`);
    const loadBefore = os.loadavg()[0]!;
    try {
      await run(process.execPath, args, process.env);
      // What else ran on the machine: the 1-minute load average before and after the entry.
      if (fs.existsSync(json)) {
        const r = JSON.parse(fs.readFileSync(json, "utf8"));
        fs.writeFileSync(json, JSON.stringify({ ...r, load: { before: loadBefore, after: os.loadavg()[0]! } }, null, 2));
      }
    } catch (err) {
      console.error(`${e.name} failed: ${err instanceof Error ? err.message : String(err)}`);
      failures.push(e.name);
    }
  }

  const results: Results = new Map();
  for (const e of matrix) {
    const file = path.join(resultsDir, `${e.name}.json`);
    if (fs.existsSync(file)) results.set(e.name, JSON.parse(fs.readFileSync(file, "utf8")));
    else if (!failures.includes(e.name)) failures.push(e.name);
  }
  const backfills = matrix.flatMap((e) => (results.get(e.name)?.kind === "backfill" ? [results.get(e.name) as BackfillResult] : []));
  // Runs with a round-trip setting (BENCH_LATENCY), in matrix order, then by round trip.
  const roundTrips = matrix.flatMap((e) =>
    fs
      .readdirSync(resultsDir)
      .filter((f) => f.startsWith(`${e.name}@`) && f.endsWith("ms.json"))
      .map((f) => ({ name: f.slice(0, -".json".length), ...(JSON.parse(fs.readFileSync(path.join(resultsDir, f), "utf8")) as BackfillResult) }))
      .sort((a, b) => (a.roundTripMs?.max ?? 0) - (b.roundTripMs?.max ?? 0)),
  );
  fs.writeFileSync(path.join(detailDir, "backfill.md"), renderBackfillDetail(backfills));
  // Search across tenants: its details page (with the load, and the figures before workspace-bounded search
  // from a kept result), and those figures for the summary.
  const before = searchTenantsKept(resultsDir, "before");
  const previous = searchTenantsKept(resultsDir, "b5eb9b0");
  // Search at scale: every run of the matrix on one details page.
  const scale = matrix.flatMap((e) => (results.get(e.name)?.kind === "search-scale" ? [results.get(e.name) as SearchScaleResult] : []));
  if (scale.length) fs.writeFileSync(path.join(detailDir, "search-scale.md"), renderSearchScaleDetail(scale));
  const tenants = results.get("search-tenants");
  if (tenants?.kind === "search-tenants") fs.writeFileSync(path.join(detailDir, "search-tenants.md"), renderSearchTenantsDetail(tenants, before, previous));
  if (before) results.set("search-tenants-before", before);
  if (previous) results.set("search-tenants-b5eb9b0", previous);
  const summary = renderSummary({
    entries: matrix,
    results,
    size,
    command: size === "ci" ? "BENCH_SIZE=ci npm run bench" : "npm run bench",
    detailDir: "benchmarks",
    failures,
    roundTrips,
  });
  const out = path.join(docDir, "benchmarks.md");
  fs.writeFileSync(out, summary + keptSections(out));
  console.log(`\nWrote ${path.relative(root, out)} (${((Date.now() - startedAt) / 60_000).toFixed(1)} min)`);
  if (failures.length) throw new Error(`missing results: ${failures.join(", ")}`);
}

/**
 * Hand-written sections of benchmarks.md that a re-render keeps (dated before/after measurements of one
 * change, not figures of the matrix): each runs from its "## " heading to the next one.
 */
const KEPT_SECTIONS = [
  "## Salesloft at its true minimum (issue 18 target 2)",
  "## Gong with provider round trips: reading (2026-12-07)",
  "## Search on real-shaped transcripts (issue 18 target 3)",
  "## Poll cost (issue 18 target 7)",
  "## Issue 18: deals list and grouped search on the backfilled Gong calls (2026-12-07)",
];

function keptSections(file: string): string {
  if (!fs.existsSync(file)) return "";
  const old = fs.readFileSync(file, "utf8");
  return KEPT_SECTIONS.map((heading) => {
    const at = old.indexOf(`\n${heading}\n`);
    if (at < 0) return "";
    const next = old.indexOf("\n## ", at + heading.length + 1);
    return `\n${old.slice(at + 1, next < 0 ? undefined : next).trimEnd()}\n`;
  }).join("");
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
