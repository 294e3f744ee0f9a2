// Renders benchmark results (JSON written by scripts/bench/backfill.ts and pages.ts) as docs/benchmarks.md
// and docs/benchmarks/backfill.md. Pure functions: scripts/bench.ts runs the matrix and calls these.
import { describeLoad, type SearchTenantsResult } from "./search-tenants";
import type { SearchScaleResult } from "./search-scale";
import type { DealsImportResult } from "./deals-import";
import { renderCrmImportSection, type CrmImportResult } from "./crm-report";
import type { BackfillResult } from "./backfill";
import type { PagesResult } from "./pages";
import { describeMachine, fmt, SEARCH_KINDS } from "./common";
import type { Timing } from "./common";

export type Entry =
  | { name: string; kind: "backfill"; provider: "gong" | "salesloft" | "clari"; users: number; calls: number; growth?: string }
  | { name: string; kind: "pages"; calls: number; runs: number; growth?: string; headline?: boolean }
  | { name: string; kind: "search-tenants"; tenants: number; calls: number; sentences: number; runs: number }
  | { name: string; kind: "search-scale"; calls: number; runs: number }
  | { name: string; kind: "deals-import"; rows: number }
  | { name: string; kind: "crm-import"; provider: "hubspot" | "salesforce"; deals: number; accounts: number; contacts: number; calls: number };

export type Results = Map<string, BackfillResult | PagesResult | SearchTenantsResult | SearchScaleResult | DealsImportResult | CrmImportResult>;

const PROVIDER = { gong: "Gong", salesloft: "Salesloft", clari: "Clari Copilot" } as const;
const MIB = 1024 * 1024;

const MINIMUM_LINE: Record<BackfillResult["provider"], string> = {
  gong: "Gong: `1 + ceil(calls/100) + ceil(transcripts/100)`: `/v2/calls/extensive` returns 100 calls per page (fixed) and `/v2/calls/transcript` takes 100 callIds per request, plus the users list.",
  salesloft:
    "Salesloft: `1 + ceil(calls/100) + calls + transcripts + CRM objects`: conversations 100 per page, `/extensive` (attendees, opportunity) has no batch form, each transcript is one `/v2/transcriptions/{id}/artifact` request (the signed JSON file it points to is downloaded outside the API and its cost budget; without the Download Conversations permission: `ceil(sentences/100)` sentence pages instead), and each opportunity/account is one lookup.",
  clari:
    "Clari Copilot: `1 + ceil(calls/25) + transcripts`: `/calls` pages of 25 (the spec allows 100, but pages above 25 fail with 502 on the 6 MB cap) and the transcript exists only on `/call-details`, one call per request.",
};

const per1k = (n: number, calls: number) => (calls ? (n / calls) * 1000 : Number.NaN);
const ratio = (a: number, b: number) => (b ? a / b : Number.NaN);
const ms = (t: Timing | undefined) => (t ? `${fmt.dec(t.p50)} / ${fmt.dec(t.p95)}` : "–");
const roundTrip = (r: BackfillResult) => {
  const t = r.roundTripMs ?? { min: 0, max: 0 };
  return t.max <= 0 ? "0 ms" : t.min === t.max ? `${fmt.int(t.min)} ms` : `${fmt.int(t.min)}-${fmt.int(t.max)} ms`;
};
const runLabel = (r: BackfillResult) =>
  `${PROVIDER[r.provider]}, ${r.users} user${r.users === 1 ? "" : "s"}, ${fmt.int(r.calls)} calls${(r.roundTripMs?.max ?? 0) > 0 ? `, ${roundTrip(r)} round trip` : ""}`;

/** A backfill run with a simulated round trip (BENCH_LATENCY): its result file's name (`gong-1k@50-150ms`) and the load around it. */
export type RoundTripRun = BackfillResult & { name: string; load?: { before: number; after: number } };

/** Issue 18 target 0: each Gong entry at <= 10 s per 1,000 calls with every write, no 429, every transcript, at 0 and 50-150 ms round trips. */
export function renderRoundTrips(runs: RoundTripRun[]): string {
  if (runs.length === 0) return "";
  const TARGET_MS = 10_000;
  const s = (ms: number | undefined) => (ms === undefined ? "–" : fmt.dec(ms / 1000, 1));
  const dates = runs.map((r) => r.generatedAt).sort();
  const rows = runs.map((r) => {
    const per1k = per1k_(r.wallMs, r.calls);
    return [
      `\`${r.name.split("@")[0]}\`: ${r.users} user${r.users === 1 ? "" : "s"}, ${fmt.int(r.calls)} calls`,
      roundTrip(r),
      r.generatedAt.slice(0, 16).replace("T", " "),
      r.load ? `${fmt.dec(r.load.before)} -> ${fmt.dec(r.load.after)}` : "–",
      fmt.s(r.wallMs),
      `**${fmt.s(per1k)}** ${per1k <= TARGET_MS ? "(met)" : `(${fmt.dec(per1k / TARGET_MS, 2)}x)`}`,
      `${fmt.int(r.requests)} (floor ${fmt.s(r.floorMs)})`,
      String(r.throttled),
      `${fmt.int(r.transcripts)}; ${r.transcriptsMissed ?? "–"} missed`,
    ];
  });
  const spans = runs.map((r) => {
    const sp = r.requestSpans ?? {};
    const cell = (ep: string) => (sp[ep] ? `${sp[ep].count} @ ${s(sp[ep].firstMs)}-${s(sp[ep].lastMs)}` : "–");
    return [
      `\`${r.name.split("@")[0]}\``,
      roundTrip(r),
      cell("GET /v2/users"),
      cell("POST /v2/calls/extensive"),
      cell("POST /v2/calls/transcript"),
      `${fmt.s(r.phaseMs)} (${fmt.dec(ratio(r.phaseMs, r.floorMs), 2)}x)`,
      s(r.tailMs),
      s(r.wallMs),
    ];
  });
  return `## Gong with provider round trips (issue 18 target 0)

Target: every Gong entry at 10 s or less per 1,000 calls including all writes, 0 x 429, every transcript in the same run.
Each run is the matrix entry of the same name with the simulator adding a network round trip to every provider request
(\`BENCH_LATENCY=50-150 BENCH_ONLY=gong-1k,gong-1k-1user npm run bench\`; \`dev/simulators\` \`latencyMs\`: uniform per request,
seeded; half before the simulator handles the request, half before it answers). Wall runs from choosing "All time" to
the backfill complete, with every call, participant, transcript sentence and deal link written. "Missed" counts
ingested calls whose transcript the simulator had ready but the run did not store. Runs from
${dates[0]!.replace("T", " ").slice(0, 16)} to ${dates.at(-1)!.replace("T", " ").slice(0, 16)} UTC, one after another, on ${describeMachine(runs[0]!.machine)};
load is the 1-minute load average before -> after the run (2 = both cores busy).

${table(["Entry", "Round trip", "At (UTC)", "Load", "Wall", "Per 1,000 calls (target 10 s)", "Requests", "429s", "Transcripts"], rows)}

When the requests happened (count @ first-last request, seconds after the backfill was chosen), the request phase (first
to last request) against the floor of requests / 3 per s, and the tail from the last request to the backfill complete:

${table(["Entry", "Round trip", "GET /v2/users", "POST /v2/calls/extensive", "POST /v2/calls/transcript", "Request phase (x floor)", "Tail", "Wall"], spans)}
`;
}
const per1k_ = (ms: number, calls: number) => (calls ? (ms / calls) * 1000 : Number.NaN);

function bound(r: BackfillResult): string {
  const x = ratio(r.wallMs, r.floorMs);
  if (x <= 1.25) return `request-bound (wall ${fmt.dec(x, 2)}x the floor of ${r.limit.label})`;
  return `ingest-bound (wall ${fmt.dec(x, 1)}x the request floor; requests at ${fmt.dec(r.rateFraction, 2)} of ${r.limit.label})`;
}

function table(head: string[], rows: string[][], align?: string[]): string {
  const a = align ?? head.map((_, i) => (i === 0 ? "---" : "---:"));
  return [`| ${head.join(" | ")} |`, `|${a.join("|")}|`, ...rows.map((r) => `| ${r.join(" | ")} |`)].join("\n");
}

export function renderBackfillDetail(backfills: BackfillResult[]): string {
  const rows = backfills.map((r) => [
    runLabel(r),
    r.generatedAt.slice(0, 16).replace("T", " "),
    fmt.int(r.transcripts),
    fmt.int(r.sentences),
    fmt.int(r.participants),
    fmt.int(r.links),
    `${fmt.int(r.requests)} (run: ${fmt.int(r.runRequests)})`,
    Object.entries(r.requestsByEndpoint)
      .sort((a, b) => b[1] - a[1])
      .map(([e, n]) => `${e} ${fmt.int(n)}`)
      .join("; "),
    `${fmt.int(r.minimum.companyWide)} / ${fmt.int(r.minimum.perUser)}`,
    String(r.failedUsers),
  ]);
  return `# Backfill benchmark: every run

Written by \`npm run bench\` (scripts/bench.ts); summary and reading in [../benchmarks.md](../benchmarks.md). One row per run
of \`scripts/bench/backfill.ts\` (the real sync engine against the provider simulators at their real limits).

${table(
  [
    "Run",
    "At (UTC)",
    "Transcripts",
    "Sentences",
    "Participants",
    "Deal links",
    "Requests (simulator; sync run)",
    "By endpoint",
    "Minimum (company-wide / per user)",
    "Failed users",
  ],
  rows,
)}
`;
}

export function renderSummary(opts: {
  entries: Entry[];
  results: Results;
  size: string;
  command: string;
  detailDir: string;
  failures: string[];
  roundTrips?: RoundTripRun[];
}): string {
  const { entries, results, size, command, detailDir, failures, roundTrips = [] } = opts;
  const backfills = entries.flatMap((e) =>
    e.kind === "backfill" && results.get(e.name)?.kind === "backfill" ? [{ e, r: results.get(e.name) as BackfillResult }] : [],
  );
  const pages = entries.flatMap((e) => (e.kind === "pages" && results.get(e.name)?.kind === "pages" ? [{ e, r: results.get(e.name) as PagesResult }] : []));
  const all = [...backfills.map((b) => b.r), ...pages.map((p) => p.r)];
  const latest =
    all
      .map((r) => r.generatedAt)
      .sort()
      .at(-1) ?? new Date().toISOString();
  const earliest = all.map((r) => r.generatedAt).sort()[0] ?? latest;
  const m = all[0]?.machine;
  const out: string[] = [];

  out.push(`# Benchmarks

Generated by \`${command}\` (size \`${size}\`) on ${latest.slice(0, 10)} (runs from ${earliest.replace("T", " ").slice(0, 16)} to ${latest.replace("T", " ").slice(0, 16)} UTC).

- **Machine:** ${m ? describeMachine(m) : "unknown"}.
- **Providers:** the bundled simulators at the real limits: Gong 3 requests/s (10,000/day), Salesloft 600 cost/min
  (fixed minute window, deep pages cost more), Clari Copilot 10 requests/s (100,000/week) with pages of 25.
- **Method:** each backfill is an "All time" backfill through the real sync engine (local Inngest runtime, shared
  PostgreSQL rate limiter, ingest, deal linking) on a fresh database; requests, 429s and timings are taken from the
  simulator's own counters. Page figures are the query functions the pages await, in-process, warm (p50 / p95).
- **Details:** every run in [${detailDir}/backfill.md](${detailDir}/backfill.md), page data with query plans in
  [${detailDir}/pages.md](${detailDir}/pages.md), raw results in \`${detailDir}/results/*.json\`; sign-in load (bad sign-ins against
  page latency, \`scripts/bench/login-load.ts\`) in [${detailDir}/logins.md](${detailDir}/logins.md).
- Benchmarks measure; nothing here is asserted. Timings depend on the machine and on what else runs on it.
${loadLine(
  entries.flatMap((e) => {
    const r = results.get(e.name) as { load?: { before: number; after: number } } | undefined;
    return r?.load ? [{ name: e.name, ...r.load }] : [];
  }),
)}
`);
  if (failures.length) out.push(`> **Incomplete:** these runs failed and are missing: ${failures.join(", ")}.\n`);

  // ---- headline
  const gongGrowth = backfills.filter((b) => b.e.growth && b.r.provider === "gong").sort((a, b) => a.r.calls - b.r.calls);
  const biggestGong = [...backfills.filter((b) => b.r.provider === "gong")].sort((a, b) => b.r.calls - a.r.calls)[0]?.r;
  const headlinePages = (pages.find((p) => p.e.kind === "pages" && p.e.headline) ?? pages.at(-1))?.r;
  const key = (p: PagesResult | undefined, k: string) => p?.stats.find((s) => (s as Timing & { key?: string }).key === k);
  out.push(`## Headline\n`);
  const head: string[][] = [];
  if (biggestGong) {
    head.push([
      `Backfill wall time, ${fmt.int(biggestGong.calls)} Gong calls with transcripts (${biggestGong.users} users)`,
      `${fmt.dur(biggestGong.wallMs)}; floor (requests / 3 per s) ${fmt.dur(biggestGong.floorMs)}; ${fmt.dec(ratio(biggestGong.wallMs, biggestGong.floorMs), 1)}x the floor`,
    ]);
    head.push([
      `Ingest throughput (same run)`,
      `${fmt.dec(biggestGong.transcriptsPerSec)} calls with transcripts/s (${fmt.int(biggestGong.sentencesPerSec)} sentences/s)`,
    ]);
    head.push([
      `Database size per 1,000 calls (same run)`,
      `${fmt.dec(biggestGong.bytesPer1kCalls / MIB)} MiB (calls, participants, sentences + full-text index, links)`,
    ]);
  }
  for (const p of ["gong", "salesloft", "clari"] as const) {
    const r = backfills
      .filter((b) => b.r.provider === p)
      .map((b) => b.r)
      .sort((a, b) => b.calls - a.calls)[0];
    if (r)
      head.push([
        `${PROVIDER[p]}: requests per 1,000 calls (API minimum)`,
        `${fmt.dec(per1k(r.requests, r.calls))} (${fmt.dec(per1k(r.minimum.companyWide, r.calls))}; ${fmt.dec(per1k(r.minimum.perUser, r.calls))} with per-user listing) at ${fmt.int(r.calls)} calls`,
      ]);
  }
  if (backfills.length) {
    const throttled = backfills.reduce((s, b) => s + b.r.throttled, 0);
    const maxPeak = Math.max(...backfills.map((b) => b.r.peakFraction));
    head.push([`429s caused (all ${backfills.length} backfills)`, `${throttled} (busiest window at ${fmt.dec(maxPeak, 2)} of the limit)`]);
  }
  if (headlinePages) {
    head.push([`Deals list (1,000 deals, ${fmt.int(headlinePages.calls)} calls) p50 / p95`, `${ms(key(headlinePages, "deals-last-call"))} ms`]);
    head.push([`Deal page with ${fmt.int(headlinePages.bigDealCalls)} calls p50 / p95`, `${ms(key(headlinePages, "deal-page"))} ms`]);
    head.push([
      `Call page p50 / p95; its 90-minute transcript (1,800 sentences)`,
      `${ms(key(headlinePages, "call-page"))} ms; ${ms(key(headlinePages, "transcript"))} ms`,
    ]);
    head.push([`Workspace search, common word p50 / p95`, `${ms(key(headlinePages, "search-common"))} ms`]);
  }
  out.push(table(["Figure", "Value"], head, ["---", "---"]), "");

  // ---- requests
  if (backfills.length) {
    out.push(`## Provider requests per 1,000 calls backfilled

"API minimum" is the fewest requests the provider's API allows for the same calls (company-wide listing, full
pages and batches); "per-user minimum" is the same with one listing per user, which is how the engine backfills
(each user has a status and can be retried alone). Both are computed from the simulator's dataset for the synced users.
`);
    out.push(
      table(
        ["Run", "Calls", "Requests", "Per 1,000 calls", "API minimum per 1,000", "Per-user minimum per 1,000", "Requests / per-user minimum"],
        backfills.map(({ r }) => [
          runLabel(r),
          fmt.int(r.calls),
          fmt.int(r.requests),
          fmt.dec(per1k(r.requests, r.calls)),
          fmt.dec(per1k(r.minimum.companyWide, r.calls)),
          fmt.dec(per1k(r.minimum.perUser, r.calls)),
          fmt.dec(ratio(r.requests, r.minimum.perUser), 2),
        ]),
      ),
      "",
      "How each minimum follows from the providers' documented page sizes and batching (see lib/providers/*/client.ts):",
      "",
      ...[...new Set(backfills.map((b) => b.r.provider))].map((p) => `- ${MINIMUM_LINE[p]}`),
      "",
    );

    out.push(`## Request rate during backfill, and 429s

Rate = rate-limit units / (request-bound phase x limit), the phase running from the backfill's first to its last provider
request; Salesloft counts cost against its fixed 600-per-minute window. Peak = the busiest window (1 s rolling for Gong
and Clari, the fixed minute for Salesloft) over the limit. 429s are the simulator's \`throttled\` count (target 0).
`);
    out.push(
      table(
        ["Run", "Limit", "Phase", "Units", "Rate (fraction of limit)", "Peak window", "429s"],
        backfills.map(({ r }) => [
          runLabel(r),
          r.limit.label,
          fmt.dur(r.phaseMs),
          fmt.int(r.cost),
          fmt.dec(r.rateFraction, 2),
          fmt.dec(r.peakFraction, 2),
          String(r.throttled),
        ]),
      ),
      "",
    );

    out.push(`## Wall time, ingest throughput and storage

Floor = rate-limit units / limit: the shortest backfill the provider allows. Throughput counts calls with their
transcript, participants and deal links written. Storage is the four call tables with their indexes and TOAST.
`);
    out.push(
      table(
        ["Run", "Transcripts", "Wall", "Floor", "Wall / floor", "Calls with transcripts/s", "Sentences/s", "MiB per 1,000 calls", "Failed users"],
        backfills.map(({ r }) => [
          runLabel(r),
          fmt.int(r.transcripts),
          fmt.dur(r.wallMs),
          fmt.dur(r.floorMs),
          fmt.dec(ratio(r.wallMs, r.floorMs), 1),
          fmt.dec(r.transcriptsPerSec),
          fmt.int(r.sentencesPerSec),
          fmt.dec(r.bytesPer1kCalls / MIB),
          String(r.failedUsers),
        ]),
      ),
      "",
    );
  }

  // ---- pages
  if (headlinePages) {
    out.push(`## Page response times (ms, p50 / p95)

Synthetic workspace of ${fmt.int(headlinePages.counts.calls)} calls, 1,000 deals (one with ${fmt.int(headlinePages.bigDealCalls)} calls), member viewer
(private calls filtered), ${headlinePages.runs} timed runs after 3 warm-ups. All rows and the query plans: [${detailDir}/pages.md](${detailDir}/pages.md).
`);
    out.push(
      table(
        ["Page data", "p50", "p95", "max"],
        headlinePages.stats.map((s) => [s.name, fmt.dec(s.p50), fmt.dec(s.p95), fmt.dec(s.max)]),
      ),
      "",
    );
  }

  // ---- growth
  const growthCols = [...new Set([...gongGrowth.map((g) => g.e.growth!), ...pages.filter((p) => p.e.growth).map((p) => p.e.growth!)])];
  if (growthCols.length) {
    const g = (col: string) => gongGrowth.find((x) => x.e.growth === col)?.r;
    const p = (col: string) => pages.find((x) => x.e.growth === col)?.r;
    const row = (label: string, f: (col: string) => string) => [label, ...growthCols.map(f)];
    const rows: string[][] = [];
    const users = [...new Set(gongGrowth.map((x) => x.r.users))].join("/");
    if (gongGrowth.length) {
      rows.push(row(`**Gong backfill (${users} users)**: calls ingested`, (c) => (g(c) ? fmt.int(g(c)!.calls) : "–")));
      rows.push(
        row("requests per 1,000 calls (per-user minimum)", (c) =>
          g(c) ? `${fmt.dec(per1k(g(c)!.requests, g(c)!.calls))} (${fmt.dec(per1k(g(c)!.minimum.perUser, g(c)!.calls))})` : "–",
        ),
      );
      rows.push(row("rate, fraction of 3/s; 429s", (c) => (g(c) ? `${fmt.dec(g(c)!.rateFraction, 2)}; ${g(c)!.throttled}` : "–")));
      rows.push(row("wall time (floor)", (c) => (g(c) ? `${fmt.dur(g(c)!.wallMs)} (${fmt.dur(g(c)!.floorMs)})` : "–")));
      rows.push(row("calls with transcripts/s", (c) => (g(c) ? fmt.dec(g(c)!.transcriptsPerSec) : "–")));
      rows.push(row("MiB per 1,000 calls", (c) => (g(c) ? fmt.dec(g(c)!.bytesPer1kCalls / MIB) : "–")));
      const realKey = (r: BackfillResult | undefined, prefix: string) => r?.pages.find((t) => t.name.startsWith(prefix));
      // Grouped search (searchCalls) per kind of query, admin viewer (scripts/bench/backfill.ts SEARCH_KINDS).
      for (const [kind, q] of SEARCH_KINDS) {
        rows.push(row(`search ${kind} ${q.replace(/\|/g, "\\|")}, real transcripts, admin (p50 / p95 ms)`, (c) => ms(realKey(g(c), `Search ${kind} `))));
      }
      rows.push(row("deals list, demo deals, real data (p50 / p95 ms)", (c) => ms(realKey(g(c), "Deals list"))));
      rows.push(row("deals list, member viewer, real data (p50 / p95 ms)", (c) => ms(g(c)?.pages.find((t) => t.name.includes("member viewer")))));
      rows.push(
        row("deal page, busiest deal (calls; p50 / p95 ms)", (c) => {
          const t = realKey(g(c), "Deal page");
          return t ? `${/\((\d+) calls\)/.exec(t.name)?.[1] ?? "?"}; ${ms(t)}` : "–";
        }),
      );
    }
    if (pages.some((x) => x.e.growth)) {
      rows.push(
        row("**Page data (synthetic, 1,000 deals)**: calls / on the big deal", (c) =>
          p(c) ? `${fmt.int(p(c)!.counts.calls)} / ${fmt.int(p(c)!.bigDealCalls)}` : "–",
        ),
      );
      for (const [k, label] of [
        ["deals-last-call", "deals list, sort by last call"],
        ["deals-search", "deals list, search"],
        ["deal-page", "deal page (big deal), first page"],
        ["deal-deep", "deal page, 100 calls from the end"],
        ["call-page", "call page"],
        ["transcript", "90-minute transcript"],
        ["search-common", "search, common word"],
        ["search-rare", "search, rare phrase"],
        ["search-none", "search, 0 hits"],
      ] as const) {
        rows.push(row(`${label} (p50 / p95 ms)`, (c) => ms(key(p(c), k))));
      }
    }
    out.push(`## Growth from ${growthCols[0]} to ${growthCols.at(-1)} calls

The same measurements at each size. Backfill rows come from Gong backfills with the same users; the "real transcripts"
rows are queries on what those backfills wrote (2 to 90 minute calls, ~440 sentences each); page-data rows come from the
synthetic workspace at that many calls (12 sentences per call, one 90-minute call).
`);
    out.push(table(["Figure", ...growthCols], rows), "");
  }

  // ---- search across tenants
  const tenantRuns = entries.flatMap((e) =>
    e.kind === "search-tenants" && results.get(e.name)?.kind === "search-tenants" ? [results.get(e.name) as SearchTenantsResult] : [],
  );
  const tenantsBefore = results.get("search-tenants-before") as SearchTenantsResult | undefined;
  const tenantsPrevious = results.get("search-tenants-b5eb9b0") as SearchTenantsResult | undefined;
  for (const r of tenantRuns) {
    out.push(`## Search across tenants (p50 / p95 ms)

One tenant's searches with ${r.tenants - 1} other tenants of the same size and vocabulary present, against the same tenant
alone: ${r.tenants} tenants of ${fmt.int(r.callsPerTenant)} calls, ${r.sentencesPerCall} sentences per call (${fmt.int(r.sentences)} sentences; ~440 in real Gong-shaped calls,
fewer here to keep the run to minutes), tenant 0's admin. Runs are interleaved between a database with tenant 0 alone and
one with all tenants (each round runs every search once on each, the order alternating; ${r.warmup ?? 3} warm-up rounds, then
${r.runs} timed rounds), so machine load weighs on both sides alike: ${describeLoad(r)}${r.measureLoad ? ` (\`${r.measureLoad.uptimeBefore}\` before the timed rounds)` : ""}.
AND, phrase, exclusion and word searches match nearly every call of the tenant (~1.5 sentences per call), the costliest
case for AND and phrases; the rare phrase matches ${fmt.int(r.alone.find((a) => a.key === "rare")?.matches ?? 0)} calls. Search indexes lead with the workspace (btree_gin), so the
index reads only the tenant's entries and the heap only its rows, and the matched sentences meet their calls by a join
chosen on their actual count (a probe each up to 2,000 sentences; past that the tenant's visible calls read once from a
covering index), so the planner no longer switches to 14,615 primary-key probes when the table holds other tenants.
Details, EXPLAIN findings and plans in [${detailDir}/search-tenants.md](${detailDir}/search-tenants.md).
Run on ${r.generatedAt.replace("T", " ").slice(0, 16)} UTC; ${describeMachine(r.machine)}.${tenantsPrevious ? ` At b5eb9b0: the search code before this change, same method and databases, ${tenantsPrevious.generatedAt.replace("T", " ").slice(0, 16)} UTC.` : ""}${tenantsBefore ? ` Before: main at 08343ac, ${tenantsBefore.generatedAt.replace("T", " ").slice(0, 16)} UTC (older method).` : ""}
`);
    const ratio = (res: SearchTenantsResult | undefined, key: string) => {
      const b = res?.alone.find((x) => x.key === key);
      const bo = res?.shared.find((x) => x.key === key);
      return b && bo ? `${fmt.dec(bo.p95 / b.p95, 2)}x` : "n/a";
    };
    out.push(
      table(
        ["Search", "alone", `with ${r.tenants - 1} others`, "p95 ratio", "p95 ratio at b5eb9b0", "p95 ratio before (main at 08343ac)"],
        r.alone.map((a) => {
          const o = r.shared.find((x) => x.key === a.key);
          const t = (x: Timing | undefined) => (x ? `${fmt.dec(x.p50)} / ${fmt.dec(x.p95)}` : "n/a");
          return [`${a.name}`, t(a), t(o), o ? `${fmt.dec(o.p95 / a.p95, 2)}x` : "n/a", ratio(tenantsPrevious, a.key), ratio(tenantsBefore, a.key)];
        }),
      ),
      "",
    );
  }

  // ---- CRM first import
  const crmRuns = entries.flatMap((e) =>
    e.kind === "crm-import" && results.get(e.name)?.kind === "crm-import" ? [results.get(e.name) as CrmImportResult] : [],
  );
  if (crmRuns.length) out.push(renderCrmImportSection(crmRuns));

  // ---- round trips (BENCH_LATENCY runs)
  if (roundTrips.length) out.push(renderRoundTrips(roundTrips));

  // ---- reading
  out.push(`## Reading the figures
`);
  const lines: string[] = [];
  for (const { r } of backfills) lines.push(`- ${runLabel(r)}: ${bound(r)}.`);
  const largest = (p: BackfillResult["provider"]) =>
    backfills
      .filter((b) => b.r.provider === p)
      .map((b) => b.r)
      .sort((a, b) => b.calls - a.calls)[0];
  const gong = largest("gong");
  const sl = largest("salesloft");
  const clari = largest("clari");
  if (gong) {
    lines.push(
      `- Gong: ${fmt.dec(per1k(gong.requests, gong.calls) / 10, 2)} requests per 100 calls at ${fmt.int(gong.calls)} calls (a page of 100 calls and one`,
      "  transcript batch of 100 callIds). When the wall time is well above requests / 3 per s, it is set by writing calls,",
      `  participants and transcript sentences (each with a generated tsvector in a GIN index); here: ${bound(gong)}.`,
      "  Listing per user adds up to 2 partly filled pages per user over the company-wide minimum; it shows with many users and",
      "  few calls each.",
    );
  }
  if (sl) {
    const ep = sl.requestsByEndpoint;
    lines.push(
      `- Salesloft: ${fmt.dec(sl.requests / sl.calls, 1)} requests per call (${fmt.dec((ep["GET /v2/transcriptions/:id/artifact"] ?? 0) / Math.max(1, sl.transcripts), 2)} artifact requests and ${fmt.dec((ep["GET /v2/transcriptions/:id/sentences"] ?? 0) / Math.max(1, sl.transcripts), 1)} sentence pages per transcript,`,
      "  one `/extensive` per call: the API has no batch form for either), at 600 cost/min;",
      `  ${fmt.dec(sl.calls / (sl.wallMs / 60_000), 1)} calls per minute of wall time, ${bound(sl)}. CRM lookups (${fmt.int((ep["GET /v2/opportunities/:id"] ?? 0) + (ep["GET /v2/accounts/:id"] ?? 0))}) are shared by every page of the backfill (one lookup per CRM object).`,
    );
  }
  if (clari) {
    lines.push(
      `- Clari Copilot: one \`/call-details\` request per call (the only source of the transcript; ${fmt.int(clari.requestsByEndpoint["GET /call-details"] ?? 0)} for`,
      `  ${fmt.int(clari.calls)} calls) at 10/s; ${fmt.dec(clari.callsPerSec, 1)} calls/s, ${bound(clari)}. \`/calls\` filters by`,
      "  participant, so a call with several workspace users is listed once per user (the listing pages over the company-wide",
      "  minimum); a worker claims the transcripts it fetches, so concurrent users fetch each call's details once.",
    );
  }
  lines.push(
    "- The engine paces rolling windows at ~95% of the limit (GCRA in PostgreSQL, shared by all workers), so request-bound runs",
    "  stay just under 1.0 of the limit and our own pacing causes no 429; the peak column shows the busiest single window.",
    "- Page data: search finds candidate calls by their transcript's words (GIN on Call), then reads only those calls' matching",
    "  sentences newest call first until the page is full: a common word stops after a few calls, a rare one visits only its calls; the deals",
    "  list probes each deal's newest visible call, and deal pages use keyset pagination, so a deep page costs what the first does.",
    "- Storage is dominated by transcript sentences and their full-text index (MiB per 1,000 calls above).",
  );
  out.push(lines.join("\n"), "");
  return out.join("\n");
}

/** The 1-minute load average around each run (2 means both cores were already busy with other work). */
function loadLine(loads: Array<{ name: string; before: number; after: number }>): string {
  if (loads.length === 0) return "";
  return `- **Machine load** (1-minute load average before -> after each run; anything near the core count means other work shared the CPU): ${loads.map((l) => `${l.name} ${l.before.toFixed(1)} -> ${l.after.toFixed(1)}`).join(", ")}.`;
}
