// Search across tenants (issue 15, item 7): does one tenant's AND / phrase search cost what its own data
// costs? One tenant of --calls calls is generated and measured alone, then --tenants - 1 more tenants of
// the same size and vocabulary are added and the same searches measured again; the p95 ratio is the
// figure. Transcripts are shaped like the Gong simulator's (dev/simulators/data.ts: an opener, lines
// drawn from its bank, a closer), --sentences per call. Data is generated in SQL (generate_series), not
// through the sync engine; the search indexes are dropped while a batch loads and rebuilt after.
//
// Timed runs are interleaved: each round runs every search once on each database, alone and shared in
// alternating order, so load from other work on the machine falls on both sides alike; the 1-minute load
// average is sampled every round and reported next to the figures.
//
//   node --conditions=react-server --import tsx scripts/bench/search-tenants.ts [--tenants 10] [--calls 10000]
//     [--sentences 30] [--runs 30] [--warmup 5] [--json out.json] [--out docs/benchmarks/search-tenants.md | --no-doc]
//     [--keep] [--reuse <alone-url>,<shared-url>] [--search-module lib/calls/search.ts]
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import pg from "pg";
import { createScratchDatabase, root } from "../lib/database";
import { TRANSCRIPT_LINES } from "../../dev/simulators/data";
import { argValue, uptime, describeMachine, fmt, machine as machineInfo, percentile, type Machine, type Timing } from "./common";

const args = process.argv.slice(2);
const TENANTS = Math.max(2, Math.trunc(Number(argValue(args, "--tenants")) || 10));
const CALLS = Math.max(10, Math.trunc(Number(argValue(args, "--calls")) || 10_000));
const SENTENCES = Math.max(5, Math.trunc(Number(argValue(args, "--sentences")) || 30));
const RUNS = Math.max(3, Math.trunc(Number(argValue(args, "--runs")) || 30));
/** Untimed rounds before the timed ones (the same on both databases). */
const WARMUP = Math.max(1, Math.trunc(Number(argValue(args, "--warmup")) || 5));
const JSON_OUT = argValue(args, "--json");
const DOC_OUT = args.includes("--no-doc") ? null : path.resolve(argValue(args, "--out") ?? path.join(root, "docs", "benchmarks", "search-tenants.md"));
/** Keep both databases (their URLs are printed) to look at plans afterwards. */
const KEEP = args.includes("--keep");
/** Measure on two databases kept by an earlier --keep run instead of generating them (implies --keep). */
const REUSE = argValue(args, "--reuse")?.split(",");
/** The search module measured (default the app's): e.g. an older lib/calls/search.ts copied into the tree. */
const SEARCH_MODULE = path.resolve(argValue(args, "--search-module") ?? path.join(root, "lib", "calls", "search.ts"));
/** A result of this benchmark on the code before workspace-bounded search (main at 08343ac), shown for comparison. */
const BEFORE = argValue(args, "--before");
/** Calls per generating statement: bounds the lexeme trigger's transition table. */
const CHUNK = 2_000;

/** What is measured, on tenant 0, by its admin. */
export const SEARCH_CASES = [
  { key: "and", label: "AND: customer reference", q: "customer reference" },
  { key: "phrase", label: 'phrase: "pricing tiers"', q: '"pricing tiers"' },
  { key: "exclusion", label: "AND with exclusion: customer reference -pricing", q: "customer reference -pricing" },
  { key: "word", label: "word: onboarding", q: "onboarding" },
  { key: "rare", label: 'rare phrase: "zebra crossing"', q: '"zebra crossing"' },
] as const;

/** The rare phrase's sentence: line 1 of every call g with g % 997 = 17 (10 calls in 10,000; 1 in 300). */
const RARE_LINE = "We walked through the zebra crossing protocol with legal.";

type CaseTiming = Timing & { key: string; matches: number };

export interface SearchTenantsResult {
  kind: "search-tenants";
  generatedAt: string;
  machine: Machine;
  tenants: number;
  callsPerTenant: number;
  sentencesPerCall: number;
  runs: number;
  sentences: number;
  databaseMiB: number;
  generateMs: { alone: number; others: number };
  warmup?: number;
  /** The 1-minute load average over the timed rounds, and `uptime` before and after them. */
  measureLoad?: { min: number; max: number; mean: number; uptimeBefore: string; uptimeAfter: string };
  /** What was measured when it was not this checkout's lib/calls/search.ts. */
  searchModule?: string;
  alone: CaseTiming[];
  shared: CaseTiming[];
  plans: Record<string, string>;
  /** Added by scripts/bench.ts: the 1-minute load average before and after. */
  load?: { before: number; after: number };
}

const sqlArray = (items: readonly string[]) => `ARRAY[${items.map((s) => `'${s.replace(/'/g, "''")}'`).join(",")}]`;

async function createTenant(c: pg.Client, t: number) {
  const ws = `bench_ws_${String(t).padStart(3, "0")}`;
  const admin = `bench_admin_${String(t).padStart(3, "0")}`;
  await c.query(`INSERT INTO "Workspace" (id, name, slug, "updatedAt") VALUES ($1, $2, $3, now())`, [ws, `Tenant ${t}`, `tenant-${t}`]);
  await c.query(`INSERT INTO "User" (id, email, name, "updatedAt") VALUES ($1, $2, $3, now())`, [admin, `admin${t}@bench.test`, `Admin ${t}`]);
  await c.query(`INSERT INTO "Membership" (id, "userId", "workspaceId", role) VALUES ($1, $2, $3, 'ADMIN')`, [`m_${admin}`, admin, ws]);
  return { ws, admin };
}

/** Calls from..to of tenant t, with participants and transcripts. */
async function generateCalls(c: pg.Client, t: number, from: number, to: number, hasWorkspaceColumn: boolean) {
  const ws = `bench_ws_${String(t).padStart(3, "0")}`;
  const { OPENERS, LINES, CLOSERS } = TRANSCRIPT_LINES;
  await c.query("BEGIN");
  await c.query(
    `INSERT INTO "Call" (id, "workspaceId", provider, "providerCallId", title, "startedAt", "durationSec", "transcriptStatus", "sentenceCount", "updatedAt")
     SELECT $1 || '_c' || g, $1, 'GONG', 'G' || g, 'Call ' || g || ' of tenant ' || $4::int, now() - g * interval '37 minutes', $5::int * 6,
            'AVAILABLE', $5::int, now()
     FROM generate_series($2::int, $3::int) g`,
    [ws, from, to, t, SENTENCES],
  );
  await c.query(
    `INSERT INTO "CallParticipant" (id, "callId", "speakerKey", name, email, affiliation, "isAttendee", position)
     SELECT $1 || '_p' || g || '_' || k, $1 || '_c' || g, 's' || k, CASE k WHEN 0 THEN 'Rep ' || (g % 7) ELSE 'Buyer ' || (g % 97) END,
            CASE k WHEN 0 THEN 'rep' || (g % 7) || '@tenant' || $4::int || '.test' ELSE 'buyer' || (g % 97) || '@customer.example' END,
            (CASE k WHEN 0 THEN 'INTERNAL' ELSE 'EXTERNAL' END)::"Affiliation", true, k
     FROM generate_series($2::int, $3::int) g, generate_series(0, 1) k`,
    [ws, from, to, t],
  );
  // Line i of call g: opener, then a line of the bank (a fixed pseudo-random walk), closer last.
  await c.query(
    `INSERT INTO "TranscriptSentence" (${hasWorkspaceColumn ? `"workspaceId", ` : ""}"callId", idx, "speakerKey", "startMs", "endMs", text)
     SELECT ${hasWorkspaceColumn ? "$1, " : ""}$1 || '_c' || g, i, 's' || ((i * 7 + g) % 3 % 2), i * 6000, i * 6000 + 5200,
            CASE WHEN i = 0 THEN (${sqlArray(OPENERS)})[1 + g % ${OPENERS.length}]
                 WHEN i = 1 AND g % 997 = 17 THEN '${RARE_LINE}'
                 WHEN i = $4::int - 1 THEN (${sqlArray(CLOSERS)})[1 + (g + t.seed) % ${CLOSERS.length}]
                 ELSE (${sqlArray(LINES)})[1 + ((i * 2654435761::bigint + g * 40503::bigint + t.seed) % 1000003) % ${LINES.length}] END
     FROM (SELECT $5::int AS seed) t, generate_series($2::int, $3::int) g, generate_series(0, $4::int - 1) i`,
    [ws, from, to, SENTENCES, t * 7919],
  );
  await c.query("COMMIT");
}

/**
 * Tenants `tenants`, their calls loaded round-robin in chunks (as concurrent syncs would write them), so
 * one tenant's rows are spread over the whole table rather than lying together.
 */
async function generateTenants(c: pg.Client, tenants: number[], hasWorkspaceColumn: boolean, progress?: (done: number) => void) {
  const created = [];
  for (const t of tenants) created.push(await createTenant(c, t));
  for (let from = 0; from < CALLS; from += CHUNK) {
    for (const t of tenants) await generateCalls(c, t, from, Math.min(CALLS, from + CHUNK) - 1, hasWorkspaceColumn);
    progress?.(Math.min(CALLS, from + CHUNK));
  }
  return created;
}

/** The GIN indexes search uses, whatever this checkout names them: dropped for a bulk load, rebuilt after. */
async function searchIndexes(c: pg.Client): Promise<Array<{ name: string; def: string }>> {
  const rows = await c.query(
    `SELECT indexname AS name, indexdef AS def FROM pg_indexes WHERE tablename IN ('TranscriptSentence', 'Call') AND indexdef ILIKE '%USING gin%'`,
  );
  return rows.rows as Array<{ name: string; def: string }>;
}

async function bulk(c: pg.Client, load: () => Promise<void>) {
  const indexes = await searchIndexes(c);
  for (const ix of indexes) await c.query(`DROP INDEX "${ix.name}"`);
  await load();
  await c.query("SET maintenance_work_mem = '512MB'");
  for (const ix of indexes) await c.query(ix.def);
  await c.query("VACUUM ANALYZE");
}

/**
 * lib/db's client, switchable between the two databases: lib/db takes a client already on globalThis
 * (its dev hot-reload cache), so the app's own searchTranscripts runs against whichever `use()` chose.
 */
async function switchableDb(urls: Record<"alone" | "shared", string>) {
  const { PrismaPg } = await import("@prisma/adapter-pg");
  const { PrismaClient } = await import("../../lib/generated/prisma/client");
  const make = (url: string) => new PrismaClient({ adapter: new PrismaPg({ connectionString: url, max: 10, options: "-c jit=off" }), log: ["warn", "error"] });
  const clients = { alone: make(urls.alone), shared: make(urls.shared) };
  let current: keyof typeof clients = "alone";
  const proxy = new Proxy({} as InstanceType<typeof PrismaClient>, {
    get: (_, key) => {
      const target = clients[current] as unknown as Record<string | symbol, unknown>;
      const v = target[key];
      return typeof v === "function" ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
  (globalThis as unknown as { __callsyncPrisma?: unknown }).__callsyncPrisma = proxy;
  return {
    use: (which: keyof typeof clients) => {
      current = which;
    },
    disconnect: () => Promise.all([clients.alone.$disconnect(), clients.shared.$disconnect()]),
  };
}

async function main() {
  process.env.NEXTAUTH_SECRET ??= "bench-secret-bench-secret-bench-secret-00";
  process.env.ENCRYPTION_KEY ??= Buffer.alloc(32, 1).toString("base64");
  process.env.LOG_LEVEL ??= "warn";
  const loadAtStart = os.loadavg()[0]!;
  // Two databases on one server: tenant 0 alone, and tenant 0 (the same rows) with the other tenants.
  // Runs alternate between them, so whatever else loads the machine weighs on both alike.
  const keep = KEEP || !!REUSE;
  const [alone, shared] = REUSE
    ? REUSE.map((url) => ({ url, embedded: false, drop: async () => {} }))
    : [await createScratchDatabase("callsync_bench_alone"), await createScratchDatabase("callsync_bench_tenants")];
  if (!alone || !shared) throw new Error("--reuse takes <alone-url>,<shared-url>");
  process.env.DATABASE_URL = shared.url;
  const ca = new pg.Client({ connectionString: alone.url });
  const cs = new pg.Client({ connectionString: shared.url });
  await Promise.all([ca.connect(), cs.connect()]);
  try {
    const hasWorkspaceColumn =
      (await cs.query(`SELECT 1 FROM information_schema.columns WHERE table_name = 'TranscriptSentence' AND column_name = 'workspaceId'`)).rowCount === 1;
    const serverVersion = (await cs.query("SHOW server_version")).rows[0].server_version as string;

    let t0 = performance.now();
    let tenant0 = { ws: "bench_ws_000", admin: "bench_admin_000" };
    let aloneMs = 0;
    let othersMs = 0;
    if (!REUSE) {
      await bulk(ca, async () => {
        [tenant0] = await generateTenants(ca, [0], hasWorkspaceColumn);
      });
      aloneMs = performance.now() - t0;
      console.log(`Tenant 0 alone: ${fmt.int(CALLS)} calls x ${SENTENCES} sentences in ${fmt.s(aloneMs)}`);
      t0 = performance.now();
      await bulk(cs, async () => {
        await generateTenants(
          cs,
          Array.from({ length: TENANTS }, (_, t) => t),
          hasWorkspaceColumn,
          (done) => console.log(`  ${fmt.int(done)} calls of each tenant loaded (${fmt.s(performance.now() - t0)})`),
        );
      });
      othersMs = performance.now() - t0;
      console.log(`${TENANTS} tenants in ${fmt.s(othersMs)}`);
    }

    const dbs = await switchableDb({ alone: alone.url, shared: shared.url });
    const search = (await import(SEARCH_MODULE)) as typeof import("../../lib/calls/search");
    const viewer = { workspaceId: tenant0.ws, userId: tenant0.admin, role: "ADMIN" as const };
    const runOn = (which: "alone" | "shared", q: string) => {
      dbs.use(which);
      return search.searchTranscripts(viewer, { q });
    };

    const matches = new Map<string, number>();
    for (const sc of SEARCH_CASES) {
      const matchesAlone = (await runOn("alone", sc.q)).total;
      const matchesShared = (await runOn("shared", sc.q)).total;
      if (matchesAlone !== matchesShared) throw new Error(`${sc.q}: ${matchesAlone} calls alone, ${matchesShared} with the others`);
      matches.set(sc.key, matchesAlone);
    }
    // Rounds: every search once on each database, the order of the two alternating from round to round
    // (and from search to search), so neither side always runs first or after the same search.
    const times = new Map(SEARCH_CASES.map((sc) => [sc.key, { alone: [] as number[], shared: [] as number[] }]));
    const loads: number[] = [];
    const round = async (i: number, timed: boolean) => {
      for (const [k, sc] of SEARCH_CASES.entries()) {
        for (const w of (i + k) % 2 === 0 ? (["alone", "shared"] as const) : (["shared", "alone"] as const)) {
          const start = performance.now();
          await runOn(w, sc.q);
          if (timed) times.get(sc.key)![w].push(performance.now() - start);
        }
      }
      if (timed) loads.push(os.loadavg()[0]!);
    };
    for (let i = 0; i < WARMUP; i++) await round(i, false);
    const uptimeBefore = uptime();
    console.log(`  ${WARMUP} warm-up rounds, then ${RUNS} timed rounds; ${uptimeBefore}`);
    for (let i = 0; i < RUNS; i++) await round(i, true);
    const uptimeAfter = uptime();

    const aloneT: CaseTiming[] = [];
    const sharedT: CaseTiming[] = [];
    for (const sc of SEARCH_CASES) {
      for (const w of ["alone", "shared"] as const) {
        const sorted = times.get(sc.key)![w].sort((a, b) => a - b);
        (w === "alone" ? aloneT : sharedT).push({
          name: sc.label,
          key: sc.key,
          runs: RUNS,
          p50: percentile(sorted, 50),
          p95: percentile(sorted, 95),
          max: sorted.at(-1)!,
          matches: matches.get(sc.key)!,
        });
      }
      const a = aloneT.at(-1)!;
      const o = sharedT.at(-1)!;
      console.log(
        `  ${sc.label.padEnd(52)} ${fmt.int(a.matches).padStart(6)} calls  alone ${a.p50.toFixed(1)} / ${a.p95.toFixed(1)} ms  with others ${o.p50.toFixed(1)} / ${o.p95.toFixed(1)} ms  p95 ${(o.p95 / a.p95).toFixed(2)}x`,
      );
    }
    console.log(`  ${uptimeAfter}`);

    // Plans of the statement the app sends (searchStatement), with all tenants loaded, and the AND search alone.
    const plans: Record<string, string> = {};
    const { db, Prisma } = await import("../../lib/db");
    const explain = async (which: "alone" | "shared", q: string) => {
      dbs.use(which);
      const [parsed] = await db.$queryRaw<Array<{ tree: string; full: string }>>`
        SELECT querytree(q) AS tree, q::text AS full FROM websearch_to_tsquery('english', ${q}) AS q`;
      const rows = await db.$queryRaw<Array<{ "QUERY PLAN": string }>>(
        Prisma.sql`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF, SUMMARY ON) ${search.searchStatement(viewer, q, parsed!, 1)}`,
      );
      return rows.map((r) => r["QUERY PLAN"]).join("\n");
    };
    if (typeof search.searchStatement === "function") {
      for (const sc of SEARCH_CASES.filter((x) => x.key !== "word")) plans[sc.key] = await explain("shared", sc.q);
      plans["and-alone"] = await explain("alone", SEARCH_CASES[0].q);
    }
    await dbs.disconnect();
    const counts = (
      await cs.query(`SELECT (SELECT count(*) FROM "TranscriptSentence")::int AS sentences, (pg_database_size(current_database()) / 1048576)::int AS mib`)
    ).rows[0];
    const mean = loads.reduce((a, b) => a + b, 0) / Math.max(1, loads.length);
    const result: SearchTenantsResult = {
      kind: "search-tenants",
      generatedAt: new Date().toISOString(),
      machine: machineInfo(`${shared.embedded ? "PGlite" : "PostgreSQL"} ${serverVersion}`),
      tenants: TENANTS,
      callsPerTenant: CALLS,
      sentencesPerCall: SENTENCES,
      runs: RUNS,
      warmup: WARMUP,
      sentences: counts.sentences,
      databaseMiB: counts.mib,
      generateMs: { alone: aloneMs, others: othersMs },
      measureLoad: { min: Math.min(...loads), max: Math.max(...loads), mean, uptimeBefore, uptimeAfter },
      // scripts/bench.ts writes the same around the whole entry; set here too for runs started directly.
      load: { before: loadAtStart, after: os.loadavg()[0]! },
      ...(argValue(args, "--search-module") ? { searchModule: path.relative(root, SEARCH_MODULE) } : {}),
      alone: aloneT,
      shared: sharedT,
      plans,
    };
    if (JSON_OUT) fs.writeFileSync(JSON_OUT, JSON.stringify(result, null, 2));
    const before = BEFORE && fs.existsSync(BEFORE) ? (JSON.parse(fs.readFileSync(BEFORE, "utf8")) as SearchTenantsResult) : undefined;
    if (DOC_OUT) fs.writeFileSync(DOC_OUT, renderSearchTenantsDetail(result, before));
  } finally {
    await Promise.all([ca.end(), cs.end()]);
    if (keep) console.log(`Kept: --reuse ${alone.url},${shared.url}`);
    else await Promise.all([alone.drop(), shared.drop()]);
  }
}

function ratioTable(r: SearchTenantsResult): string {
  const ms = (t: Timing | undefined) => (t ? `${t.p50.toFixed(1)} / ${t.p95.toFixed(1)}` : "n/a");
  const rows = r.alone.map((a) => {
    const s = r.shared.find((x) => x.key === a.key);
    return `| ${SEARCH_CASES.find((c) => c.key === a.key)?.label ?? a.key} | ${fmt.int(a.matches)} | ${ms(a)} | ${ms(s)} | ${s ? (s.p95 / a.p95).toFixed(2) : "n/a"}x |`;
  });
  return `| Search | calls matched | alone | with ${r.tenants - 1} others | p95 ratio |
| --- | ---: | ---: | ---: | ---: |
${rows.join("\n")}`;
}

const when = (r: SearchTenantsResult) => `${r.generatedAt.replace("T", " ").slice(0, 16)} UTC`;

/** Load while the timed rounds ran (or, for results of older checkouts, before -> after the whole entry). */
export function describeLoad(r: SearchTenantsResult): string {
  if (r.measureLoad) {
    const l = r.measureLoad;
    return `1-minute load average ${l.min.toFixed(1)} to ${l.max.toFixed(1)} (mean ${l.mean.toFixed(1)}) over the timed rounds on ${r.machine.cores} vCPU`;
  }
  return r.load ? `1-minute load average ${r.load.before.toFixed(1)} -> ${r.load.after.toFixed(1)} over the entry` : "load not recorded";
}

export function renderSearchTenantsDetail(r: SearchTenantsResult, before?: SearchTenantsResult, previous?: SearchTenantsResult): string {
  const planLabel = (k: string) => (k === "and-alone" ? `${SEARCH_CASES[0].label}, tenant 0 alone` : (SEARCH_CASES.find((c) => c.key === k)?.label ?? k));
  return `# Search across tenants

Generated by \`node --conditions=react-server --import tsx scripts/bench/search-tenants.ts\` (\`npm run bench\`, entry
\`search-tenants\`) on ${when(r)}.

- **Machine:** ${describeMachine(r.machine)}; ${describeLoad(r)} (other helpers' builds and tests shared the CPU).
${r.measureLoad ? `  \`uptime\` before the timed rounds: \`${r.measureLoad.uptimeBefore}\`; after: \`${r.measureLoad.uptimeAfter}\`.\n` : ""}- **Data:** ${r.tenants} tenants of ${fmt.int(r.callsPerTenant)} calls, ${r.sentencesPerCall} sentences per call
  (${fmt.int(r.sentences)} sentences, ${fmt.int(r.databaseMiB)} MiB), every tenant with the same vocabulary (the Gong
  simulator's line banks), loaded round-robin in chunks of ${fmt.int(CHUNK)} calls so each tenant's rows are spread over
  the table; generated in SQL${r.generateMs.others ? `: tenant 0 alone in ${fmt.s(r.generateMs.alone)}, all tenants in ${fmt.s(r.generateMs.others)}` : " (by an earlier run, kept with --keep)"}.
  Real Gong-shaped calls have ~440 sentences (docs/benchmarks.md); ${r.sentencesPerCall} keep the full run to minutes and ~${fmt.int(r.databaseMiB / 100) + "00"} MiB.
  Every call has nearly every line of the bank, so the AND, phrase, exclusion and word searches match almost every call
  of the tenant: the costliest case for the AND/phrase path, which reads every matching sentence of the tenant to count
  and sort them. The rare phrase is one sentence in the calls numbered 17 modulo 997 (${fmt.int(r.alone.find((a) => a.key === "rare")?.matches ?? 0)} of each
  tenant's ${fmt.int(r.callsPerTenant)}: \`${RARE_LINE}\`).
- **Method:** tenant 0's admin searches with the app's \`searchTranscripts\`, in-process, on two databases of one server:
  tenant 0 alone, and the same tenant 0 with ${r.tenants - 1} others. Runs are interleaved: each round runs every search once
  on each database, which of the two goes first alternating from round to round and search to search; ${r.warmup ?? 3}
  untimed rounds, then ${r.runs} timed rounds (so ${r.runs} runs of each search on each side, p95 = the
  ${Math.ceil(0.95 * r.runs)}th of ${r.runs}). Whatever else loads the machine falls on both sides alike. p50 / p95 in ms.

${ratioTable(r)}
${
  previous
    ? `
The search code before this change (main at b5eb9b0: \`git show b5eb9b0:lib/calls/search.ts\`${previous.searchModule ? ` saved as \`${previous.searchModule}\`` : ""}, run with
\`--search-module\` and \`--reuse\`), measured the same way on the same two databases right before, ${when(previous)};
${describeLoad(previous)}. Both databases hold the new covering index, which that code's plans could also use:

${ratioTable(previous)}
`
    : ""
}${
    before
      ? `
Before workspace-bounded search (main at 08343ac: sentence index on \`tsv\` alone, the workspace applied after the
join to Call), ${when(before)}, older method (one search at a time, 40 runs, 3 warm-ups); ${describeLoad(before)}:

${ratioTable(before)}
`
      : ""
  }
## Reading the figures

- Sentences carry their call's workspace, and the sentence index is \`("workspaceId", tsv)\` (btree_gin), so the AND,
  phrase and exclusion path reads the tenant's index entries and fetches only the tenant's matching sentences: the
  sentence step is the same with and without the other tenants (14,615 sentences, 9,347 heap blocks both ways; 123
  index buffers alone, 145 shared: the common words' posting lists hold every tenant's rows, skipped by the workspace).
- What grew with the other tenants (EXPLAIN (ANALYZE, BUFFERS) of the statement before this change, 2026-12-03): the
  join of those 14,615 sentences to their calls. The planner estimates an AND of two common words at ~560 sentences
  (25x too few). Alone, "Call" is all the tenant's, so it hashes the table (a sequential scan of 10,000 rows, 1,740
  buffers); with the other tenants the same estimate makes 558 primary-key probes look cheaper than scanning, and it ran
  14,615 probes into 100,000 calls (58,460 buffers). Timed apart, the sentence step alone had a ratio near 1.0 and the
  join step alone 1.44x (p50).
- Now the join is chosen on the actual count (\`SENTENCE_PROBE_LIMIT\` in lib/calls/search.ts): up to 2,000 matching
  sentences each probes its call (index-only, a few ms whatever the table's size: the rare phrase); past that, the
  tenant's visible calls are read once from the covering \`("workspaceId", id, "startedAt", "isPrivate")\` index (~90
  pages per 10,000 calls, an index-only scan of the tenant's range: 2 ms, against 12 to 50 ms for the same calls from the
  heap, whose rows carry each transcript's word set) and joined to the matches (plans below: the other branch shows
  "never executed"). Either way the cost is the tenant's own matches and calls.
- The count of matching calls is a hash aggregate, no longer \`count(DISTINCT)\`, which sorted 14,615 call ids under the
  database's C.UTF-8 collation (strcoll, ~20 ms); the title, text and speaker are read for the page's 21 rows only.
- Word searches (one word, or OR) start from \`("workspaceId", "transcriptLexemes")\` on Call, bounded the same way.
- Absolute times depend on the load: at a 1-minute load of 10 to 15 on 2 vCPU every search takes 3 to 4 times what it
  took on the quiet machine (the 08343ac table); tables measured at different times compare by their ratios, not their ms.
- p95 on a busy shared machine is noisy: interleaved rounds put the load on both sides, and ${r.runs} runs put 10 runs
  above the p95; single ratios still move by a few hundredths between runs at the same load.

## Plans (the statement searchStatement builds, tenant 0's admin, page 1, with all tenants loaded unless said)

${Object.entries(r.plans)
  .map(([k, p]) => `${planLabel(k)}:\n\n\`\`\`\n${p}\n\`\`\``)
  .join("\n\n")}
`;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename ?? "")) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
