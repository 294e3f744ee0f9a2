// Search across tenants (issue 15, item 7): does one tenant's AND / phrase search cost what its own data
// costs? One tenant of --calls calls is generated and measured alone, then --tenants - 1 more tenants of
// the same size and vocabulary are added and the same searches measured again; the p95 ratio is the
// figure. Transcripts are shaped like the Gong simulator's (dev/simulators/data.ts: an opener, lines
// drawn from its bank, a closer), --sentences per call. Data is generated in SQL (generate_series), not
// through the sync engine; the search indexes are dropped while a batch loads and rebuilt after.
//
//   node --conditions=react-server --import tsx scripts/bench/search-tenants.ts [--tenants 10] [--calls 10000]
//     [--sentences 30] [--runs 30] [--json out.json] [--out docs/benchmarks/search-tenants.md | --no-doc] [--keep]
import fs from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import pg from "pg";
import { createScratchDatabase, root } from "../lib/database";
import { TRANSCRIPT_LINES } from "../../dev/simulators/data";
import { argValue, describeMachine, fmt, machine as machineInfo, percentile, type Machine, type Timing } from "./common";

const args = process.argv.slice(2);
const TENANTS = Math.max(2, Math.trunc(Number(argValue(args, "--tenants")) || 10));
const CALLS = Math.max(10, Math.trunc(Number(argValue(args, "--calls")) || 10_000));
const SENTENCES = Math.max(5, Math.trunc(Number(argValue(args, "--sentences")) || 30));
const RUNS = Math.max(3, Math.trunc(Number(argValue(args, "--runs")) || 30));
const JSON_OUT = argValue(args, "--json");
const DOC_OUT = args.includes("--no-doc") ? null : path.resolve(argValue(args, "--out") ?? path.join(root, "docs", "benchmarks", "search-tenants.md"));
/** Keep both databases (their URLs are printed) to look at plans afterwards. */
const KEEP = args.includes("--keep");
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
] as const;

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
  // Two databases on one server: tenant 0 alone, and tenant 0 (the same rows) with the other tenants.
  // Runs alternate between them, so whatever else loads the machine weighs on both alike.
  const alone = await createScratchDatabase("callsync_bench_alone");
  const shared = await createScratchDatabase("callsync_bench_tenants");
  process.env.DATABASE_URL = shared.url;
  const ca = new pg.Client({ connectionString: alone.url });
  const cs = new pg.Client({ connectionString: shared.url });
  await Promise.all([ca.connect(), cs.connect()]);
  try {
    const hasWorkspaceColumn =
      (await cs.query(`SELECT 1 FROM information_schema.columns WHERE table_name = 'TranscriptSentence' AND column_name = 'workspaceId'`)).rowCount === 1;
    const serverVersion = (await cs.query("SHOW server_version")).rows[0].server_version as string;

    let t0 = performance.now();
    let tenant0 = { ws: "", admin: "" };
    await bulk(ca, async () => {
      [tenant0] = await generateTenants(ca, [0], hasWorkspaceColumn);
    });
    const aloneMs = performance.now() - t0;
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
    const othersMs = performance.now() - t0;
    console.log(`${TENANTS} tenants in ${fmt.s(othersMs)}`);

    const dbs = await switchableDb({ alone: alone.url, shared: shared.url });
    const { searchTranscripts } = await import("../../lib/calls/search");
    const viewer = { workspaceId: tenant0.ws, userId: tenant0.admin, role: "ADMIN" as const };

    const aloneT: CaseTiming[] = [];
    const sharedT: CaseTiming[] = [];
    for (const sc of SEARCH_CASES) {
      const runOn = (which: "alone" | "shared") => {
        dbs.use(which);
        return searchTranscripts(viewer, { q: sc.q });
      };
      const matchesAlone = (await runOn("alone")).total;
      const matchesShared = (await runOn("shared")).total;
      if (matchesAlone !== matchesShared) throw new Error(`${sc.q}: ${matchesAlone} calls alone, ${matchesShared} with the others`);
      const times = { alone: [] as number[], shared: [] as number[] };
      for (let i = 0; i < 3; i++) for (const w of ["alone", "shared"] as const) await runOn(w);
      for (let i = 0; i < RUNS; i++) {
        // Alternating which goes first, so neither side always follows the other.
        for (const w of i % 2 === 0 ? (["alone", "shared"] as const) : (["shared", "alone"] as const)) {
          const start = performance.now();
          await runOn(w);
          times[w].push(performance.now() - start);
        }
      }
      for (const w of ["alone", "shared"] as const) {
        const sorted = times[w].sort((a, b) => a - b);
        const t: CaseTiming = {
          name: sc.label,
          key: sc.key,
          runs: RUNS,
          p50: percentile(sorted, 50),
          p95: percentile(sorted, 95),
          max: sorted.at(-1)!,
          matches: matchesAlone,
        };
        (w === "alone" ? aloneT : sharedT).push(t);
      }
      const a = aloneT.at(-1)!;
      const o = sharedT.at(-1)!;
      console.log(
        `  ${sc.label.padEnd(52)} ${fmt.int(a.matches).padStart(6)} calls  alone ${a.p50.toFixed(1)} / ${a.p95.toFixed(1)} ms  with others ${o.p50.toFixed(1)} / ${o.p95.toFixed(1)} ms  p95 ${(o.p95 / a.p95).toFixed(2)}x`,
      );
    }
    await dbs.disconnect();

    // The plan of the sentence step, as lib/calls/search.ts sends it on this checkout, with all tenants.
    const plans: Record<string, string> = {};
    for (const sc of SEARCH_CASES.filter((x) => x.key !== "word")) {
      const sql = hasWorkspaceColumn
        ? `SELECT s.id, s."callId" FROM "TranscriptSentence" s WHERE s."workspaceId" = $1 AND s.tsv @@ websearch_to_tsquery('english', $2)`
        : `SELECT s.id, s."callId" FROM "TranscriptSentence" s WHERE s.tsv @@ websearch_to_tsquery('english', $1)`;
      const rows = await cs.query(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF, SUMMARY ON) ${sql}`, hasWorkspaceColumn ? [tenant0.ws, sc.q] : [sc.q]);
      plans[sc.key] = (rows.rows as Array<{ "QUERY PLAN": string }>).map((r) => r["QUERY PLAN"]).join("\n");
    }
    const counts = (
      await cs.query(`SELECT (SELECT count(*) FROM "TranscriptSentence")::int AS sentences, (pg_database_size(current_database()) / 1048576)::int AS mib`)
    ).rows[0];
    const result: SearchTenantsResult = {
      kind: "search-tenants",
      generatedAt: new Date().toISOString(),
      machine: machineInfo(`${shared.embedded ? "PGlite" : "PostgreSQL"} ${serverVersion}`),
      tenants: TENANTS,
      callsPerTenant: CALLS,
      sentencesPerCall: SENTENCES,
      runs: RUNS,
      sentences: counts.sentences,
      databaseMiB: counts.mib,
      generateMs: { alone: aloneMs, others: othersMs },
      alone: aloneT,
      shared: sharedT,
      plans,
    };
    if (JSON_OUT) fs.writeFileSync(JSON_OUT, JSON.stringify(result, null, 2));
    const before = BEFORE && fs.existsSync(BEFORE) ? (JSON.parse(fs.readFileSync(BEFORE, "utf8")) as SearchTenantsResult) : undefined;
    if (DOC_OUT) fs.writeFileSync(DOC_OUT, renderSearchTenantsDetail(result, before));
  } finally {
    await Promise.all([ca.end(), cs.end()]);
    if (KEEP) console.log(`Kept: alone ${alone.url}, shared ${shared.url}`);
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

export function renderSearchTenantsDetail(r: SearchTenantsResult, before?: SearchTenantsResult): string {
  return `# Search across tenants

Generated by \`node --conditions=react-server --import tsx scripts/bench/search-tenants.ts\` (\`npm run bench\`, entry
\`search-tenants\`) on ${r.generatedAt.replace("T", " ").slice(0, 16)} UTC.

- **Machine:** ${describeMachine(r.machine)}${r.load ? `; 1-minute load average ${r.load.before.toFixed(1)} -> ${r.load.after.toFixed(1)} (other work shared the CPU)` : ""}.
- **Data:** ${r.tenants} tenants of ${fmt.int(r.callsPerTenant)} calls, ${r.sentencesPerCall} sentences per call
  (${fmt.int(r.sentences)} sentences, ${fmt.int(r.databaseMiB)} MiB), every tenant with the same vocabulary (the Gong
  simulator's line banks), loaded round-robin in chunks of ${fmt.int(CHUNK)} calls so each tenant's rows are spread over
  the table; generated in SQL: tenant 0 alone in ${fmt.s(r.generateMs.alone)}, all tenants in ${fmt.s(r.generateMs.others)}.
  Real Gong-shaped calls have ~440 sentences (docs/benchmarks.md); ${r.sentencesPerCall} keep the full run to a few minutes and ~${fmt.int(r.databaseMiB / 100) + "00"} MiB.
  Every call has nearly every line of the bank, so each search below matches almost every call of the tenant: the
  costliest case for the AND/phrase path, which reads every matching sentence of the tenant to count and sort them.
- **Method:** tenant 0's admin searches with the app's \`searchTranscripts\`, in-process, on two databases of one server:
  tenant 0 alone, and the same tenant 0 with ${r.tenants - 1} others. Runs alternate between the two (3 warm-up runs each,
  then ${r.runs} timed runs each), so whatever else loads the machine weighs on both. p50 / p95 in ms.

${ratioTable(r)}
${
  before
    ? `
Before workspace-bounded search (main at 08343ac: sentence index on \`tsv\` alone, the workspace applied after the
join to Call), same benchmark, ${before.generatedAt.replace("T", " ").slice(0, 16)} UTC:

${ratioTable(before)}
`
    : ""
}
## Reading the figures

- Sentences carry their call's workspace, and the sentence index is \`("workspaceId", tsv)\` (btree_gin), so the AND,
  phrase and exclusion path reads the tenant's index entries and fetches only the tenant's matching sentences (plans
  below: one index condition, as many heap rows as the tenant has matches). Before, the index on \`tsv\` alone gave every
  tenant's matching sentences, which were fetched, joined to their calls and only then dropped for the wrong workspace:
  the cost grew with the number of tenants.
- What still grows with the other tenants: the tenant's matched sentences are joined to their calls by primary key among
  ten times as many calls (alone, the planner hashes a Call table that is all the tenant's), and the index's posting
  lists for common words hold every tenant's rows (read compressed, skipped by the workspace condition).
- Word searches (one word, or OR) start from \`("workspaceId", "transcriptLexemes")\` on Call, bounded the same way.
- p95 over ${r.runs} runs on a busy shared machine is noisy: on 2026-12-03 (load 2 to 9 on 2 vCPU) repeated runs moved single
  ratios by up to ±0.3; the change from before is the order of magnitude, not the second digit.

## Plans (sentence step, with all tenants loaded)

${Object.entries(r.plans)
  .map(([k, p]) => `${SEARCH_CASES.find((c) => c.key === k)?.label ?? k}:\n\n\`\`\`\n${p}\n\`\`\``)
  .join("\n\n")}
`;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename ?? "")) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
