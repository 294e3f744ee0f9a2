// Backfill benchmark: a Gong "All time" backfill of the demo workspace against the simulator at Gong's
// real limits (3 requests/s, 10,000/day), through the real sync engine (local Inngest runtime, shared
// rate limiter, ingest, linking). Writes docs/benchmarks/backfill.md.
//
//   node --conditions=react-server --import tsx scripts/bench/backfill.ts [--calls 1000]
//
// --calls is the approximate number of calls the simulator generates (all users); the workspace's
// users host about 6/8 of them. Uses a new database on DATABASE_URL's server, or embedded PGlite.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { createScratchDatabase, root } from "../lib/database";

const args = process.argv.slice(2);
const CALLS = Number(args[args.indexOf("--calls") + 1]) || 1_000;
const PROVIDER_USERS = 8;

async function main() {
  const scratch = await createScratchDatabase("callsync_bench");
  process.env.DATABASE_URL = scratch.url;
  process.env.NEXTAUTH_SECRET ??= "bench-secret-bench-secret-bench-secret-00";
  process.env.ENCRYPTION_KEY ??= Buffer.alloc(32, 3).toString("base64");
  process.env.LOG_LEVEL = "warn";
  const { startSyncHarness, eventually } = await import("../../tests/support/sync-harness");
  const simNow = new Date(Math.floor((Date.now() - 2 * 86_400_000) / 3_600_000) * 3_600_000).toISOString();
  const h = await startSyncHarness({ seed: 5, callsPerUser: Math.ceil(CALLS / PROVIDER_USERS), anchor: simNow, now: simNow });
  try {
    const connect = await import("../../lib/integrations/connect");
    const { authorizationUrl, state, integrationId } = await connect.startOAuth(h.actor, "GONG");
    const params = await h.consent(authorizationUrl, "allow");
    const done = await connect.completeOAuth(params, h.actor.userId);
    if (done.outcome !== "ok") throw new Error(`OAuth failed: ${done.outcome} (${state})`);
    const before = (await h.control("/__sim/stats")) as Record<string, { total: number; apiRequests: number; throttled: number }>;

    const started = Date.now();
    await connect.chooseBackfill(h.actor, integrationId, "ALL_TIME");
    await eventually(
      "backfill",
      async () => (await h.db.integration.findUniqueOrThrow({ where: { id: integrationId } })).wizardStep === "COMPLETE",
      60 * 60_000,
    );
    const wallMs = Date.now() - started;

    const after = (await h.control("/__sim/stats")) as typeof before;
    const requests = after.gong!.apiRequests - (before.gong?.apiRequests ?? 0);
    const throttled = after.gong!.throttled - (before.gong?.throttled ?? 0);
    const run = await h.db.syncRun.findFirstOrThrow({ where: { integrationId, kind: "BACKFILL" } });
    const calls = await h.db.call.count({ where: { integrationId } });
    const transcripts = await h.db.call.count({ where: { integrationId, transcriptStatus: "AVAILABLE" } });
    const sentences = await h.db.transcriptSentence.count({ where: { call: { integrationId } } });
    const users = await h.db.userSync.findMany({ where: { integrationId }, select: { callsSynced: true } });
    // The fewest requests the API allows: users list + per user ceil(calls/100) extensive pages and as many
    // 100-call transcript batches.
    const minimum = 1 + users.reduce((n, u) => n + 2 * Math.max(1, Math.ceil(u.callsSynced / 100)), 0);
    const floorMs = ((requests - 1) / 3) * 1000;

    const client = new pg.Client({ connectionString: scratch.url });
    await client.connect();
    const size = (
      await client.query<{ bytes: string }>(
        `SELECT sum(pg_total_relation_size(c.oid))::bigint AS bytes FROM pg_class c
         WHERE c.relname IN ('Call', 'CallParticipant', 'TranscriptSentence', 'CallDealLink') AND c.relkind = 'r'`,
      )
    ).rows[0]!.bytes;
    const version = (await client.query<{ v: string }>("SELECT version() AS v")).rows[0]!.v.split(" on ")[0];
    await client.end();

    const rows: Array<[string, string]> = [
      ["Calls ingested (workspace-hosted, all time)", String(calls)],
      ["Transcripts stored / sentences", `${transcripts} / ${sentences.toLocaleString("en-US")}`],
      ["Provider requests (simulator count)", String(requests)],
      ["Minimum the API allows (1 + 2 x ceil(calls/100) per user)", String(minimum)],
      ["Requests per 1,000 calls", ((requests / calls) * 1000).toFixed(1)],
      ["Requests recorded on the sync run", String(run.requestsUsed)],
      ["429s from the provider", String(throttled)],
      ["Backfill wall time", `${(wallMs / 1000).toFixed(1)} s`],
      ["Floor: requests / 3 per second", `${(floorMs / 1000).toFixed(1)} s`],
      ["Achieved request rate (fraction of 3/s)", `${(requests / (wallMs / 1000) / 3).toFixed(2)}`],
      ["Ingest throughput (calls with transcripts per second)", (calls / (wallMs / 1000)).toFixed(1)],
      ["Database size per 1,000 calls (calls, participants, sentences, links)", `${((Number(size) / calls) * 1000 / 1024 / 1024).toFixed(1)} MiB`],
    ];
    const machine = `${os.cpus().length} vCPU ${os.cpus()[0]?.model.trim() ?? ""}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM; Node ${process.version}; ${scratch.embedded ? "embedded PGlite" : version}`;
    const table = ["| Measure | Value |", "|---|---:|", ...rows.map(([k, v]) => `| ${k} | ${v} |`)].join("\n");
    console.log(`\n${table}\n`);
    const doc = `# Backfill benchmark (Gong, all time)

Generated by \`node --conditions=react-server --import tsx scripts/bench/backfill.ts --calls ${CALLS}\` (\`npm run bench\`) on ${new Date().toISOString()}.

- Machine: ${machine}
- Method: the real sync engine (local Inngest runtime, shared rate limiter, ingest and linking) backfills the
  demo workspace from the Gong simulator at Gong's limits (3 requests/s, 10,000/day). ${PROVIDER_USERS} provider users, 6 of
  them workspace users; each workspace user's calls are listed 100 per page and their transcripts fetched 100 per request.
- The wall time includes writing every transcript sentence (2 to 90 minutes per call) and its full-text index.

${table}
`;
    const out = path.join(root, "docs", "benchmarks", `backfill${CALLS === 1_000 ? "" : `-${CALLS}`}.md`);
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, doc);
    console.log(`written ${path.relative(root, out)}`);
  } finally {
    await h.close();
    const { db } = await import("../../lib/db");
    await db.$disconnect();
    await scratch.drop();
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
