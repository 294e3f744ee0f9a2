// Page-data benchmark: server response time of the query functions behind the deals list, the deal page,
// the call page, the transcript and workspace search, on a scratch database with realistic volume.
//
//   node --conditions=react-server --import tsx scripts/bench/pages.ts [--runs 40] [--keep]
//
// (lib modules import "server-only", which only resolves under the react-server condition.)
// Uses a new database on DATABASE_URL's server, or an in-memory embedded PGlite when DATABASE_URL is
// unset (much slower; numbers are then not representative). Writes docs/benchmarks/pages.md.
// --keep leaves the database in place and prints its URL (handy for screenshots of the pages).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import pg from "pg";
import { createScratchDatabase, root } from "../lib/database";

const args = process.argv.slice(2);
const RUNS = Number(args[args.indexOf("--runs") + 1]) || 40;
const KEEP = args.includes("--keep");

const DEALS = 1_000;
const BIG_DEAL_CALLS = 2_000;
const OTHER_CALLS = 10_000;
const SHORT_SENTENCES = 12;
const LONG_SENTENCES = 1_800; // 90 minutes at one sentence every 3 s

// A phrase bank for transcripts and summaries, so full-text search has realistic word distributions.
const PHRASES = [
  "Thanks everyone for joining today, let us get started with a quick recap.",
  "Our main goal this quarter is to reduce the time reps spend on manual data entry.",
  "Can you walk me through how pricing works for a team of about fifty seats?",
  "We would need a security review before we can sign anything.",
  "The integration with Salesforce is the most important piece for our operations team.",
  "Honestly the budget approval process takes about six weeks on our side.",
  "I will send over the proposal and the updated pricing by Friday.",
  "Who else should be involved in the decision on your side?",
  "We tried a competitor last year but adoption was really low.",
  "Let us schedule a technical deep dive with your engineers next week.",
  "The renewal date is in March, so timing matters for us.",
  "Could you share a customer reference in the healthcare space?",
  "Our legal team will want to review the data processing agreement.",
  "That makes sense, and the onboarding timeline looks reasonable.",
  "What does implementation look like in the first thirty days?",
  "We are comparing two vendors and will decide by the end of the month.",
  "The dashboard you showed is exactly what our managers have been asking for.",
  "Is there a discount for a multi-year commitment?",
  "I need to loop in our CFO before we move forward.",
  "Great, I will follow up with a summary and the next steps.",
  "Our current process is mostly spreadsheets and it does not scale.",
  "How do you handle permissions for private calls?",
  "The pilot results were positive, especially for new hires.",
  "We have about two hundred reps across three regions.",
  "Let me check the contract terms and get back to you tomorrow.",
];
const TITLES = ["Discovery call", "Demo", "Pricing discussion", "Technical deep dive", "Security review", "Negotiation", "Kickoff", "Check-in", "Executive briefing", "Renewal planning"];

type Stat = { name: string; runs: number; p50: number; p95: number; max: number; note?: string };

function percentile(sorted: number[], p: number) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function measure(name: string, fn: () => Promise<unknown>, note?: string): Promise<Stat> {
  for (let i = 0; i < 3; i++) await fn(); // warm-up: plans cached, pages in shared buffers
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const stat = { name, runs: RUNS, p50: percentile(times, 50), p95: percentile(times, 95), max: times[times.length - 1]!, note };
  console.log(`  ${name.padEnd(58)} p50 ${stat.p50.toFixed(1).padStart(7)} ms   p95 ${stat.p95.toFixed(1).padStart(7)} ms`);
  return stat;
}

async function generate(c: pg.Client, passwordHash: string) {
  const t0 = performance.now();
  await c.query("BEGIN");
  const ws = (await c.query(`INSERT INTO "Workspace" (id, name, slug, "updatedAt") VALUES ('bench_ws_00000001', 'Bench', 'bench', now()) RETURNING id`)).rows[0].id as string;
  const users = [
    ["bench_admin_000001", "admin@bench.test", "Alex Admin", "ADMIN"],
    ["bench_rep_00000001", "rep1@bench.test", "Riley Park", "MEMBER"],
    ["bench_rep_00000002", "rep2@bench.test", "Jordan Mills", "MEMBER"],
    ["bench_rep_00000003", "rep3@bench.test", "Casey Nguyen", "MEMBER"],
  ] as const;
  for (const [id, email, name, role] of users) {
    await c.query(`INSERT INTO "User" (id, email, name, "passwordHash", "updatedAt") VALUES ($1, $2, $3, $4, now())`, [id, email, name, passwordHash]);
    await c.query(`INSERT INTO "Membership" (id, "userId", "workspaceId", role) VALUES ($1, $2, $3, $4::"Role")`, [`m_${id}`, id, ws, role]);
  }
  await c.query(`INSERT INTO "Integration" (id, "workspaceId", provider, status, "wizardStep", "updatedAt") VALUES ('bench_int_gong_001', $1, 'GONG', 'CONNECTED', 'COMPLETE', now())`, [ws]);

  // 1,000 deals; deal 0 is the big one. Contacts: two per deal.
  await c.query(
    `INSERT INTO "Deal" (id, "workspaceId", name, stage, "isClosed", amount, "closeDate", "ownerId", "accountName", "crmSource", "crmDealId", "crmAccountId", "updatedAt")
     SELECT 'bench_deal_' || lpad(g::text, 6, '0'), $1,
            CASE WHEN g = 0 THEN 'Globex enterprise rollout' ELSE (ARRAY['Initech','Hooli','Umbrella','Stark','Wayne','Acme','Soylent','Tyrell','Cyberdyne','Wonka'])[1 + g % 10] || ' ' || (ARRAY['expansion','renewal','pilot','platform deal','add-on'])[1 + g % 5] || ' #' || g END,
            (ARRAY['Discovery','Demo','Proposal','Negotiation','Closed Won','Closed Lost'])[1 + g % 6], g % 6 >= 4,
            (10000 + (g * 7919) % 240000)::numeric, now() + ((g % 120) - 30) * interval '1 day',
            (ARRAY['bench_rep_00000001','bench_rep_00000002','bench_rep_00000003'])[1 + g % 3],
            CASE WHEN g = 0 THEN 'Globex' ELSE 'Account ' || g END, 'SALESFORCE', '006BENCH' || g, '001BENCH' || g, now()
     FROM generate_series(0, $2::int - 1) g`,
    [ws, DEALS],
  );
  await c.query(
    `INSERT INTO "DealContact" (id, "workspaceId", "dealId", name, email, title, "updatedAt")
     SELECT 'bench_dc_' || g || '_' || k, $1, 'bench_deal_' || lpad(g::text, 6, '0'), 'Contact ' || g || '-' || k, 'contact' || g || '-' || k || '@customer' || g || '.example',
            (ARRAY['VP Sales','CFO','IT Director','Head of RevOps'])[1 + (g + k) % 4], now()
     FROM generate_series(0, $2::int - 1) g, generate_series(1, 2) k`,
    [ws, DEALS],
  );

  // Calls: 2,000 on the big deal, 10,000 spread over the other deals (every 25th unlinked); 10% private.
  const total = BIG_DEAL_CALLS + OTHER_CALLS;
  await c.query(
    `INSERT INTO "Call" (id, "workspaceId", "integrationId", provider, "providerCallId", title, "startedAt", "durationSec", direction, platform, language,
                         "isPrivate", "providerUrl", summary, "actionItems", "crmSystem", "crmDealIds", "transcriptStatus", "sentenceCount",
                         "audioUrl", "recordingExpiresAt", "updatedAt")
     SELECT 'bench_call_' || lpad(g::text, 7, '0'), $1, 'bench_int_gong_001', 'GONG', 'G' || g,
            (ARRAY${sqlArray(TITLES)})[1 + g % ${TITLES.length}] || CASE WHEN g < $2 THEN ' — Globex' ELSE ' — Account ' || (1 + g % ($4::int - 1)) END,
            now() - (g * interval '37 minutes'), 900 + (g * 37) % 2700,
            (ARRAY['CONFERENCE','OUTBOUND','INBOUND']::"CallDirection"[])[1 + g % 3], (ARRAY['Zoom','Google Meet','Dialer'])[1 + g % 3], 'eng',
            g % 10 = 7, 'https://app.gong.io/call?id=G' || g,
            (ARRAY${sqlArray(PHRASES)})[1 + g % ${PHRASES.length}] || ' ' || (ARRAY${sqlArray(PHRASES)})[1 + (g * 3) % ${PHRASES.length}],
            '["Send the proposal", "Book the security review"]'::jsonb, 'SALESFORCE',
            ARRAY['006BENCH' || CASE WHEN g < $2 THEN 0 ELSE 1 + g % ($4::int - 1) END],
            'AVAILABLE', CASE WHEN g = 0 THEN $5::int ELSE $6::int END,
            CASE WHEN g % 2 = 0 THEN 'https://media.gong.example/rec/' || g || '.mp3' END,
            CASE WHEN g % 2 = 0 THEN now() + interval '8 hours' END, now()
     FROM generate_series(0, $3::int - 1) g`,
    [ws, BIG_DEAL_CALLS, total, DEALS, LONG_SENTENCES, SHORT_SENTENCES],
  );
  // Four participants per call: the host rep, a second rep (only on some), and two customer contacts.
  await c.query(
    `INSERT INTO "CallParticipant" (id, "callId", "speakerKey", name, email, title, phone, affiliation, "isInvitee", "isAttendee", "userId", position)
     SELECT 'bench_cp_' || g || '_' || k, 'bench_call_' || lpad(g::text, 7, '0'), 's' || k,
            CASE k WHEN 0 THEN (ARRAY['Riley Park','Jordan Mills','Casey Nguyen'])[1 + g % 3]
                   WHEN 1 THEN (ARRAY['Jordan Mills','Casey Nguyen','Alex Admin'])[1 + g % 3]
                   WHEN 2 THEN 'Grace Buyer' ELSE NULL END,
            CASE k WHEN 0 THEN 'rep' || (1 + g % 3) || '@bench.test' WHEN 1 THEN (ARRAY['rep2@bench.test','rep3@bench.test','admin@bench.test'])[1 + g % 3]
                   WHEN 2 THEN 'contact' || (CASE WHEN g < $1 THEN 0 ELSE 1 + g % ($2::int - 1) END) || '-1@customer' || (CASE WHEN g < $1 THEN 0 ELSE 1 + g % ($2::int - 1) END) || '.example'
                   ELSE NULL END,
            CASE k WHEN 2 THEN 'VP Sales' WHEN 0 THEN 'Account Executive' ELSE NULL END,
            CASE k WHEN 3 THEN '+1 555 01' || lpad((g % 100)::text, 2, '0') END,
            (CASE k WHEN 0 THEN 'INTERNAL' WHEN 1 THEN 'INTERNAL' WHEN 2 THEN 'EXTERNAL' ELSE 'UNKNOWN' END)::"Affiliation",
            true, k <> 1 OR g % 4 <> 0,
            CASE k WHEN 0 THEN (ARRAY['bench_rep_00000001','bench_rep_00000002','bench_rep_00000003'])[1 + g % 3]
                   WHEN 1 THEN (ARRAY['bench_rep_00000002','bench_rep_00000003','bench_admin_000001'])[1 + g % 3] END,
            k
     FROM generate_series(0, $3::int - 1) g, generate_series(0, 3) k
     WHERE k <> 1 OR g % 2 = 0`,
    [BIG_DEAL_CALLS, DEALS, total],
  );
  await c.query(
    `INSERT INTO "CallDealLink" (id, "workspaceId", "callId", "dealId", source, "matchedOn", "callStartedAt", "updatedAt")
     SELECT 'bench_l_' || g, $1, c.id, 'bench_deal_' || lpad((CASE WHEN g < $2 THEN 0 ELSE 1 + g % ($3::int - 1) END)::text, 6, '0'),
            'CRM_ID', c."crmDealIds"[1], c."startedAt", now()
     FROM "Call" c, LATERAL (SELECT substr(c.id, 12)::int AS g) x
     WHERE c."workspaceId" = $1 AND (g < $2 OR g % 25 <> 0)`,
    [ws, BIG_DEAL_CALLS, DEALS],
  );
  // Transcripts: 1,800 sentences for call 0 (90 minutes), 12 for every other call.
  await c.query(
    `INSERT INTO "TranscriptSentence" ("callId", idx, "speakerKey", "startMs", "endMs", text)
     SELECT 'bench_call_' || lpad(g::text, 7, '0'), i,
            CASE WHEN g = 0 AND i % 97 = 50 THEN 'x9' ELSE 's' || ((i / 3 + g) % 4) END,
            i * 3000, i * 3000 + 2800,
            (ARRAY${sqlArray(PHRASES)})[1 + (i * 7 + g * 13) % ${PHRASES.length}]
     FROM generate_series(0, $1::int - 1) g, generate_series(0, CASE WHEN g = 0 THEN $2::int ELSE $3::int END - 1) i`,
    [total, LONG_SENTENCES, SHORT_SENTENCES],
  );
  // A rare phrase in three calls (one private) for the selective-search case.
  await c.query(
    `UPDATE "TranscriptSentence" SET text = 'Our Zanzibar initiative needs executive sponsorship before the renewal.'
     WHERE idx = 3 AND "callId" IN ('bench_call_0000010', 'bench_call_0005017', 'bench_call_0009003')`,
  );
  await c.query("COMMIT");
  await c.query("ANALYZE");
  const counts = (await c.query(`SELECT (SELECT count(*) FROM "Deal")::int AS deals, (SELECT count(*) FROM "Call")::int AS calls,
    (SELECT count(*) FROM "CallParticipant")::int AS participants, (SELECT count(*) FROM "TranscriptSentence")::int AS sentences,
    (SELECT count(*) FROM "CallDealLink")::int AS links`)).rows[0];
  console.log(`Generated in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${JSON.stringify(counts)}`);
  return { workspaceId: ws, counts };
}

function sqlArray(items: readonly string[]) {
  return `[${items.map((s) => `'${s.replace(/'/g, "''")}'`).join(",")}]`;
}

async function explain(c: pg.Client, sql: string, params: unknown[]) {
  const rows = (await c.query(`EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY ON) ${sql}`, params)).rows as Array<{ "QUERY PLAN": string }>;
  return rows.map((r) => r["QUERY PLAN"]).join("\n");
}

async function main() {
  process.env.NEXTAUTH_SECRET ??= "bench-secret-bench-secret-bench-secret-00";
  process.env.ENCRYPTION_KEY ??= Buffer.alloc(32, 1).toString("base64");
  process.env.LOG_LEVEL ??= "warn";
  const scratch = await createScratchDatabase("callsync_bench");
  process.env.DATABASE_URL = scratch.url;
  console.log(`Scratch database (${scratch.embedded ? "embedded PGlite" : "PostgreSQL"}) ready.`);
  const c = new pg.Client({ connectionString: scratch.url });
  await c.connect();
  try {
    const { hashPassword } = await import("../../lib/auth/password");
    const { workspaceId, counts } = await generate(c, await hashPassword("callsync"));
    const serverVersion = (await c.query("SHOW server_version")).rows[0].server_version as string;

    // lib modules read DATABASE_URL when first imported: import them only now.
    const { db } = await import("../../lib/db");
    const calls = await import("../../lib/calls/queries");
    const { searchTranscripts } = await import("../../lib/calls/search");
    const deals = await import("../../lib/deals/queries");
    const member = { workspaceId, userId: "bench_rep_00000001", role: "MEMBER" as const };
    const admin = { workspaceId, userId: "bench_admin_000001", role: "ADMIN" as const };
    const bigDeal = "bench_deal_000000";
    const longCall = "bench_call_0000000";
    // A cursor 1,900 calls deep into the big deal's timeline (page 96 of 100).
    const deep = (await c.query(`SELECT "callId", "callStartedAt" FROM "CallDealLink" WHERE "dealId" = $1 ORDER BY "callStartedAt" DESC, "callId" DESC OFFSET 1899 LIMIT 1`, [bigDeal])).rows[0];
    const deepCursor = calls.encodeCursor({ at: deep.callStartedAt, id: deep.callId });

    const transcript = await calls.getTranscript(member, longCall);
    const transcriptBytes = Buffer.byteLength(JSON.stringify(transcript));
    const common = await searchTranscripts(member, { q: "pricing" });
    const phrase = await searchTranscripts(member, { q: '"security review"' });
    const rare = await searchTranscripts(member, { q: "healthcare reference" });
    const selective = await searchTranscripts(member, { q: "zanzibar initiative" });

    console.log(`\nMeasuring (${RUNS} runs each, member viewer unless noted)…`);
    const stats: Stat[] = [];
    const dealsParams = deals.dealListParamsSchema.parse({});
    stats.push(await measure("Deals list: 1,000 deals, sort by last call", () => deals.listDeals(workspaceId, dealsParams, member)));
    stats.push(await measure("Deals list: sort by name, page 20", () => deals.listDeals(workspaceId, deals.dealListParamsSchema.parse({ sort: "name", page: "20" }), member)));
    stats.push(await measure("Deals list: search \"renewal\"", () => deals.listDeals(workspaceId, deals.dealListParamsSchema.parse({ q: "renewal" }), member)));
    stats.push(await measure("Deal page (2,000 calls): deal + first page + count", () =>
      Promise.all([deals.getDeal(workspaceId, bigDeal), calls.listDealCalls(member, bigDeal), calls.countDealCalls(member, bigDeal)])));
    stats.push(await measure("Deal page (2,000 calls): deep page (after 1,900 calls)", () =>
      Promise.all([deals.getDeal(workspaceId, bigDeal), calls.listDealCalls(member, bigDeal, { before: deepCursor }), calls.countDealCalls(member, bigDeal)])));
    stats.push(await measure("Deal page timeline only, admin, first page", () => calls.listDealCalls(admin, bigDeal)));
    stats.push(await measure("Call page data (getCall)", () => calls.getCall(member, longCall)));
    stats.push(await measure(`Transcript load: 90 min, ${LONG_SENTENCES.toLocaleString("en-US")} sentences (+ JSON)`, async () => JSON.stringify(await calls.getTranscript(member, longCall)),
      `${transcript?.turns.length} turns, ${(transcriptBytes / 1024).toFixed(0)} KiB JSON`));
    stats.push(await measure(`Search "pricing" (common: ${common.total} hits)`, () => searchTranscripts(member, { q: "pricing" })));
    stats.push(await measure(`Search "pricing", page 10`, () => searchTranscripts(member, { q: "pricing", page: 10 })));
    stats.push(await measure(`Search phrase "security review" (${phrase.total} hits)`, () => searchTranscripts(member, { q: '"security review"' })));
    stats.push(await measure(`Search "healthcare reference" (${rare.total} hits)`, () => searchTranscripts(member, { q: "healthcare reference" })));
    stats.push(await measure(`Search "zanzibar initiative" (rare: ${selective.total} hits)`, () => searchTranscripts(member, { q: "zanzibar initiative" })));
    stats.push(await measure(`Search "nonexistentword" (0 hits)`, () => searchTranscripts(member, { q: "nonexistentword" })));
    stats.push(await measure("Search, admin viewer, \"pricing\"", () => searchTranscripts(admin, { q: "pricing" })));
    stats.push(await measure("Unlinked calls: first page + count", () => Promise.all([calls.listUnlinkedCalls(member), calls.countUnlinkedCalls(member)])));

    // Plans of the hot queries (same SQL shape as lib/calls), to show the indexes at work.
    // Same shapes as lib/calls/visibility.ts: "probe" (EXISTS) and "hashed" (IN).
    const visible = `(c."workspaceId" = $2 AND (NOT c."isPrivate" OR EXISTS (SELECT 1 FROM "CallParticipant" vp WHERE vp."callId" = c.id AND vp."userId" = $3)))`;
    const visibleHashed = `(c."workspaceId" = $2 AND (NOT c."isPrivate" OR c.id IN (SELECT vp."callId" FROM "CallParticipant" vp WHERE vp."userId" = $3)))`;
    const plans: Array<[string, string]> = [
      ["Deal timeline, deep keyset page (member)", await explain(c,
        `SELECT c.id FROM "CallDealLink" l JOIN "Call" c ON c.id = l."callId"
         WHERE l."dealId" = $1 AND l."workspaceId" = $2 AND ${visible}
           AND l."callStartedAt" <= $4 AND (l."callStartedAt" < $4 OR l."callId" < $5)
         ORDER BY l."callStartedAt" DESC, l."callId" DESC LIMIT 21`, [bigDeal, workspaceId, member.userId, deep.callStartedAt, deep.callId])],
      ["Search \"pricing\", first page (member)", await explain(c,
        `WITH m AS MATERIALIZED (SELECT s.id, s."callId", s.idx, s."speakerKey", s."startMs", s.text FROM "TranscriptSentence" s
           WHERE s.tsv @@ websearch_to_tsquery('english', $1))
         SELECT m.id, count(*) OVER () FROM m JOIN "Call" c ON c.id = m."callId"
         WHERE ${visibleHashed} ORDER BY c."startedAt" DESC, m."callId" DESC, m.idx ASC LIMIT 21`, ["pricing", workspaceId, member.userId])],
      ["Search \"zanzibar initiative\" (member)", await explain(c,
        `WITH m AS MATERIALIZED (SELECT s.id, s."callId", s.idx, s."speakerKey", s."startMs", s.text FROM "TranscriptSentence" s
           WHERE s.tsv @@ websearch_to_tsquery('english', $1))
         SELECT m.id, count(*) OVER () FROM m JOIN "Call" c ON c.id = m."callId"
         WHERE ${visibleHashed} ORDER BY c."startedAt" DESC, m."callId" DESC, m.idx ASC LIMIT 21`, ["zanzibar initiative", workspaceId, member.userId])],
      ["Deals list sorted by last call (member)", await explain(c,
        `SELECT d.id, (SELECT l."callStartedAt" FROM "CallDealLink" l JOIN "Call" c ON c.id = l."callId"
                       WHERE l."dealId" = d.id AND ${visible} ORDER BY l."callStartedAt" DESC LIMIT 1) AS "lastCallAt"
         FROM "Deal" d WHERE d."workspaceId" = $2 AND $1::text IS NOT NULL ORDER BY "lastCallAt" DESC NULLS LAST, d.id LIMIT 25`, ["-", workspaceId, member.userId])],
    ];
    await db.$disconnect();

    const cpu = (fs.readFileSync("/proc/cpuinfo", "utf8").match(/model name\s*:\s*(.+)/) ?? [])[1] ?? os.cpus()[0]?.model ?? "unknown";
    const machine = `${os.cpus().length} vCPU (nproc), ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${cpu.trim()}; ${os.type()} ${os.release()}; Node ${process.version}; PostgreSQL ${serverVersion}${scratch.embedded ? " (embedded PGlite)" : ""}`;
    const table = [
      "| Measurement | p50 (ms) | p95 (ms) | max (ms) | Notes |",
      "|---|---:|---:|---:|---|",
      ...stats.map((s) => `| ${s.name} | ${s.p50.toFixed(1)} | ${s.p95.toFixed(1)} | ${s.max.toFixed(1)} | ${s.note ?? ""} |`),
    ].join("\n");
    const md = `# Page data benchmark

Generated by \`node --conditions=react-server --import tsx scripts/bench/pages.ts\` (\`npm run bench\`) on ${new Date().toISOString()}.

- Machine: ${machine}
- Data: ${counts.deals.toLocaleString("en-US")} deals, ${counts.calls.toLocaleString("en-US")} calls (${BIG_DEAL_CALLS.toLocaleString("en-US")} on one deal, 10% private), ${counts.participants.toLocaleString("en-US")} participants, ${counts.links.toLocaleString("en-US")} deal links, ${counts.sentences.toLocaleString("en-US")} transcript sentences (one 90-minute call with ${LONG_SENTENCES.toLocaleString("en-US")} sentences, ${SHORT_SENTENCES} per other call).
- Method: the query functions the pages call (lib/calls/*, lib/deals/queries.ts), in-process against a scratch database on the same host; 3 warm-up runs, then ${RUNS} timed runs each. Times are server-side data time for a page (what the server component awaits), not browser rendering. Viewer is a member (private calls filtered) unless noted.

${table}

The transcript is not part of the call page's server response: the page renders metadata, participants and the deal, and the
virtualized viewer fetches \`GET /api/calls/:id/transcript\` (TanStack Query) in parallel.

## Findings that shaped the queries

- Deals list sorted by last call: aggregating every link of the workspace (11,600 rows joined to Call) took ~85 ms p50,
  partly because the inflated plan cost switched on JIT (~20 ms of compilation). One probe per deal of
  CallDealLink(dealId, callStartedAt DESC) for its newest visible call, and counts for the 25 rows of the page only: ~15 ms.
- The private-call predicate has two shapes (lib/calls/visibility.ts). EXISTS per row inside correlated subqueries;
  a hashed IN over the viewer's participations for scans over thousands of calls. Using the hashed shape inside the
  per-deal subquery rebuilt the hash 1,000 times (~500 ms); using EXISTS in search/unlinked scans inflated the cost
  estimate past jit_above_cost and made the planner pick bad plans.
- Search is GIN-first (MATERIALIZED CTE): cost grows with the number of matches, never with the number of calls. Letting
  the planner choose was fast for common words (~1 ms, newest calls first and stop) but scanned every sentence of every
  call for rare ones (~90 ms for a word with zero hits at 12,000 calls, growing linearly).
- Deal timeline keyset pagination: a deep page (1,900 calls in) costs the same as the first page.

## Query plans

${plans.map(([name, plan]) => `### ${name}\n\n\`\`\`\n${plan}\n\`\`\``).join("\n\n")}
`;
    const out = path.join(root, "docs", "benchmarks", "pages.md");
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, md);
    console.log(`\n${table}\n\nWrote ${path.relative(root, out)}`);
    if (KEEP) console.log(`\nKept the database: DATABASE_URL=${scratch.url}\nLogins: admin@bench.test / rep1@bench.test, password "callsync"`);
  } finally {
    await c.end();
    if (!KEEP) await scratch.drop();
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
