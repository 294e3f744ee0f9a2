// Search at scale on real-shaped transcripts (issue 18, target 3): the grouped search the search page uses
// (lib/calls/search.ts searchCalls) over one workspace of --calls calls of ~440 sentences each (20 to 860, the
// Gong simulator's line banks: dev/simulators/data.ts), by its admin and by a member (5 % of calls private). Data is
// generated in SQL (generate_series), not through the sync engine; the search indexes are dropped while it loads
// and rebuilt after. Every kind of query of the backfill benchmark (SEARCH_KINDS) plus a rare phrase and two common
// words that never meet in one sentence (the walk's worst case).
//
//   node --conditions=react-server --import tsx scripts/bench/search-scale.ts [--calls 10000] [--runs 40]
//     [--json out.json] [--out docs/benchmarks/search-scale.md | --no-doc] [--keep] [--reuse <url>]
//
// Timed runs are interleaved: each round runs every query once for each viewer, so machine load falls on all alike;
// the 1-minute load average is sampled every round and reported.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import pg from "pg";
import { createScratchDatabase, root } from "../lib/database";
import { TRANSCRIPT_LINES } from "../../dev/simulators/data";
import { argValue, uptime, describeMachine, emitResult, fmt, machine as machineInfo, percentile, SEARCH_KINDS, type Machine, type Timing } from "./common";

const args = process.argv.slice(2);
const CALLS = Math.max(10, Math.trunc(Number(argValue(args, "--calls")) || 10_000));
const RUNS = Math.max(3, Math.trunc(Number(argValue(args, "--runs")) || 40));
const WARMUP = 3;
const JSON_OUT = argValue(args, "--json");
const DOC_OUT = args.includes("--no-doc") ? null : path.resolve(argValue(args, "--out") ?? path.join(root, "docs", "benchmarks", "search-scale.md"));
const REUSE = argValue(args, "--reuse");
const KEEP = args.includes("--keep") || !!REUSE;
/** Calls per generating statement: bounds the lexeme trigger's transition table. */
const CHUNK = 1_000;
const WS = "bench_ws_000";
const RARE_LINE = "We walked through the zebra crossing protocol with legal.";

/** The backfill benchmark's kinds, plus the rare and the worst case for the candidate walk. */
export const SCALE_KINDS: ReadonlyArray<readonly [kind: string, q: string]> = [
  ...SEARCH_KINDS,
  ["rare phrase", '"zebra crossing"'],
  ["AND, words never in one sentence", "pricing onboarding"],
];

type KindTiming = Timing & { viewer: "admin" | "member"; kind: string; q: string; shown: string };

export interface SearchScaleResult {
  kind: "search-scale";
  generatedAt: string;
  machine: Machine;
  calls: number;
  sentences: number;
  databaseMiB: number;
  generateMs: number;
  runs: number;
  measureLoad: { min: number; max: number; mean: number; uptimeBefore: string; uptimeAfter: string };
  timings: KindTiming[];
  load?: { before: number; after: number };
}

const sqlArray = (items: readonly string[]) => `ARRAY[${items.map((s) => `'${s.replace(/'/g, "''")}'`).join(",")}]`;
/** Sentences of call g: 20 to 860, ~440 on average (a 44-minute call at one sentence every 6 s). */
const SENTENCES_OF = "(20 + (g * 7919) % 841)";

async function generate(c: pg.Client) {
  await c.query(`INSERT INTO "Workspace" (id, name, slug, "updatedAt") VALUES ($1, 'Search at scale', 'search-scale', now())`, [WS]);
  await c.query(
    `INSERT INTO "User" (id, email, name, "updatedAt") VALUES ('bench_admin', 'admin@bench.test', 'Admin', now()), ('bench_rep', 'rep1@bench.test', 'Rep 1', now())`,
  );
  await c.query(
    `INSERT INTO "Membership" (id, "userId", "workspaceId", role) VALUES ('m_admin', 'bench_admin', $1, 'ADMIN'), ('m_rep', 'bench_rep', $1, 'MEMBER')`,
    [WS],
  );
  const indexes = (
    await c.query<{ name: string; def: string }>(
      `SELECT indexname AS name, indexdef AS def FROM pg_indexes WHERE tablename IN ('TranscriptSentence', 'Call') AND indexdef ILIKE '%USING gin%'`,
    )
  ).rows;
  for (const ix of indexes) await c.query(`DROP INDEX "${ix.name}"`);
  const { OPENERS, LINES, CLOSERS } = TRANSCRIPT_LINES;
  const t0 = performance.now();
  for (let from = 0; from < CALLS; from += CHUNK) {
    const to = Math.min(CALLS, from + CHUNK) - 1;
    await c.query("BEGIN");
    await c.query(
      `INSERT INTO "Call" (id, "workspaceId", provider, "providerCallId", title, "startedAt", "durationSec", "transcriptStatus", "sentenceCount", "isPrivate", "updatedAt")
       SELECT $1 || '_c' || g, $1, 'GONG', 'G' || g, 'Call ' || g, now() - g * interval '37 minutes', ${SENTENCES_OF} * 6, 'AVAILABLE', ${SENTENCES_OF},
              g % 20 = 3, now()
       FROM generate_series($2::int, $3::int) g`,
      [WS, from, to],
    );
    // Two participants a call; the member is the rep on every seventh call (so some private calls are theirs).
    await c.query(
      `INSERT INTO "CallParticipant" (id, "callId", "speakerKey", name, email, affiliation, "isAttendee", position, "userId")
       SELECT $1 || '_p' || g || '_' || k, $1 || '_c' || g, 's' || k, CASE k WHEN 0 THEN 'Rep ' || (g % 7) ELSE 'Buyer ' || (g % 97) END,
              CASE k WHEN 0 THEN 'rep' || (g % 7) || '@bench.test' ELSE 'buyer' || (g % 97) || '@customer.example' END,
              (CASE k WHEN 0 THEN 'INTERNAL' ELSE 'EXTERNAL' END)::"Affiliation", true, k, CASE WHEN k = 0 AND g % 7 = 1 THEN 'bench_rep' END
       FROM generate_series($2::int, $3::int) g, generate_series(0, 1) k`,
      [WS, from, to],
    );
    // Line i of call g: an opener, lines of the bank (a fixed pseudo-random walk), a closer last.
    await c.query(
      `INSERT INTO "TranscriptSentence" ("workspaceId", "callId", idx, "speakerKey", "startMs", "endMs", text)
       SELECT $1, $1 || '_c' || g, i, 's' || ((i * 7 + g) % 3 % 2), i * 6000, i * 6000 + 5200,
              CASE WHEN i = 0 THEN (${sqlArray(OPENERS)})[1 + g % ${OPENERS.length}]
                   WHEN i = 1 AND g % 997 = 17 THEN '${RARE_LINE}'
                   WHEN i = ${SENTENCES_OF} - 1 THEN (${sqlArray(CLOSERS)})[1 + g % ${CLOSERS.length}]
                   ELSE (${sqlArray(LINES)})[1 + ((i * 2654435761::bigint + g * 40503::bigint) % 1000003) % ${LINES.length}] END
       FROM generate_series($2::int, $3::int) g, LATERAL generate_series(0, ${SENTENCES_OF} - 1) i`,
      [WS, from, to],
    );
    await c.query("COMMIT");
    if ((to + 1) % 10_000 === 0 || to + 1 === CALLS) console.log(`  ${fmt.int(to + 1)} calls loaded (${fmt.s(performance.now() - t0)})`);
  }
  await c.query("SET maintenance_work_mem = '512MB'");
  for (const ix of indexes) await c.query(ix.def);
  await c.query("VACUUM ANALYZE");
  return performance.now() - t0;
}

async function main() {
  process.env.NEXTAUTH_SECRET ??= "bench-secret-bench-secret-bench-secret-00";
  process.env.ENCRYPTION_KEY ??= Buffer.alloc(32, 1).toString("base64");
  process.env.LOG_LEVEL ??= "warn";
  const scratch = REUSE ? { url: REUSE, embedded: false, drop: async () => {} } : await createScratchDatabase("callsync_bench_search_scale");
  process.env.DATABASE_URL = scratch.url;
  const c = new pg.Client({ connectionString: scratch.url });
  await c.connect();
  try {
    const generateMs = REUSE ? 0 : await generate(c);
    if (!REUSE) console.log(`${fmt.int(CALLS)} calls generated in ${fmt.s(generateMs)}`);
    const serverVersion = (await c.query("SHOW server_version")).rows[0].server_version as string;
    const counts = (
      await c.query<{ calls: number; sentences: number; mib: number }>(
        `SELECT (SELECT count(*) FROM "Call")::int AS calls, (SELECT count(*) FROM "TranscriptSentence")::int AS sentences,
                (pg_database_size(current_database()) / 1048576)::int AS mib`,
      )
    ).rows[0]!;

    const { searchCalls } = await import("../../lib/calls/search");
    const viewers = {
      admin: { workspaceId: WS, userId: "bench_admin", role: "ADMIN" as const },
      member: { workspaceId: WS, userId: "bench_rep", role: "MEMBER" as const },
    };
    const cases = (["admin", "member"] as const).flatMap((viewer) => SCALE_KINDS.map(([kind, q]) => ({ viewer, kind, q })));
    const shown = new Map<string, string>();
    const times = new Map<string, number[]>(cases.map((k) => [`${k.viewer}:${k.kind}`, []]));
    const loads: number[] = [];
    const round = async (timed: boolean) => {
      for (const k of cases) {
        const t = performance.now();
        const r = await searchCalls(viewers[k.viewer], { q: k.q });
        if (timed) times.get(`${k.viewer}:${k.kind}`)!.push(performance.now() - t);
        const n = (v: number, more: boolean) => `${fmt.int(v)}${more ? "+" : ""}`;
        shown.set(`${k.viewer}:${k.kind}`, `${n(r.totalCalls, r.callsMore)} calls, ${n(r.totalSentences, r.sentencesMore)} sentences`);
      }
      if (timed) loads.push(os.loadavg()[0]!);
    };
    for (let i = 0; i < WARMUP; i++) await round(false);
    const uptimeBefore = uptime();
    console.log(`  ${WARMUP} warm-up rounds, then ${RUNS} timed rounds; ${uptimeBefore}`);
    for (let i = 0; i < RUNS; i++) await round(true);
    const uptimeAfter = uptime();
    const timings: KindTiming[] = cases.map((k) => {
      const sorted = times.get(`${k.viewer}:${k.kind}`)!.sort((a, b) => a - b);
      const t = {
        name: `${k.kind} ${k.q}`,
        runs: RUNS,
        p50: percentile(sorted, 50),
        p95: percentile(sorted, 95),
        max: sorted.at(-1)!,
        viewer: k.viewer,
        kind: k.kind,
        q: k.q,
        shown: shown.get(`${k.viewer}:${k.kind}`)!,
      };
      console.log(`  ${k.viewer.padEnd(6)} ${`${k.kind} ${k.q}`.padEnd(50)} ${t.p50.toFixed(1).padStart(7)} / ${t.p95.toFixed(1).padStart(7)} ms  ${t.shown}`);
      return t;
    });
    console.log(`  ${uptimeAfter}`);
    const mean = loads.reduce((a, b) => a + b, 0) / Math.max(1, loads.length);
    const result: SearchScaleResult = {
      kind: "search-scale",
      generatedAt: new Date().toISOString(),
      machine: machineInfo(`PostgreSQL ${serverVersion}`),
      calls: counts.calls,
      sentences: counts.sentences,
      databaseMiB: counts.mib,
      generateMs,
      runs: RUNS,
      measureLoad: { min: Math.min(...loads), max: Math.max(...loads), mean, uptimeBefore, uptimeAfter },
      timings,
    };
    emitResult(result, JSON_OUT);
    if (DOC_OUT) {
      fs.mkdirSync(path.dirname(DOC_OUT), { recursive: true });
      fs.writeFileSync(DOC_OUT, renderSearchScaleDetail([result]));
    }
  } finally {
    await c.end();
    if (KEEP) console.log(`Kept: --reuse ${scratch.url}`);
    else await scratch.drop();
  }
}

/** One table per run: p50 / p95 ms of each kind of query, for the admin and the member, with the totals the page shows. */
export function renderSearchScaleDetail(results: SearchScaleResult[]): string {
  const parts = results.map((r) => {
    const rows = SCALE_KINDS.map(([kind, q]) => {
      const a = r.timings.find((t) => t.viewer === "admin" && t.kind === kind);
      const m = r.timings.find((t) => t.viewer === "member" && t.kind === kind);
      const ms = (t: Timing | undefined) => (t ? `${t.p50.toFixed(1)} / ${t.p95.toFixed(1)}` : "n/a");
      return `| ${kind}: \`${q}\` | ${a?.shown ?? "n/a"} | ${ms(a)} | ${ms(m)} |`;
    });
    const l = r.measureLoad;
    return `## ${fmt.int(r.calls)} calls, ${fmt.int(r.sentences)} sentences (${fmt.int(r.databaseMiB)} MiB)

Run on ${r.generatedAt.replace("T", " ").slice(0, 16)} UTC; ${describeMachine(r.machine)}; 1-minute load average ${l.min.toFixed(1)} to ${l.max.toFixed(1)} (mean ${l.mean.toFixed(1)}) over the timed rounds.
\`uptime\` before the timed rounds: \`${l.uptimeBefore}\`; after: \`${l.uptimeAfter}\`. ${WARMUP} warm-up rounds, then ${r.runs} timed rounds${r.generateMs ? `; data generated in ${fmt.s(r.generateMs)}` : ""}.

| Query | What the page says (admin) | admin p50 / p95 ms | member p50 / p95 ms |
| --- | --- | ---: | ---: |
${rows.join("\n")}
`;
  });
  return `# Search at scale on real-shaped transcripts

Generated by \`node --conditions=react-server --import tsx scripts/bench/search-scale.ts\` (\`npm run bench\`, entries \`search-scale-*\`).
One workspace, calls of 20 to 860 sentences (~440 on average, the Gong simulator's line banks: every call holds nearly every
line, so every query but the rare phrase and the 0-hit word matches nearly every call: the costliest case), 5 % of calls
private; the grouped search the search page uses (\`searchCalls\`), in-process, by the admin and by a member.

${parts.join("\n")}`;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  main().then(
    () => process.exit(0),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
