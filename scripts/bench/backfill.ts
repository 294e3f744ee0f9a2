// Backfill benchmark: an "All time" backfill of a workspace with N users against one provider simulator at
// the provider's real limits (Gong 3 requests/s; Salesloft 600 cost/min; Clari 10 requests/s, 25 calls per
// page), through the real sync engine (local Inngest runtime, shared rate limiter, ingest, linking).
//
//   node --conditions=react-server --import tsx scripts/bench/backfill.ts \
//     [--provider gong|salesloft|clari] [--users 6] [--calls 1000] [--json out.json] [--page-runs 20] [--latency 50-150]
//
// --users: workspace users whose calls are synced (1..50). The demo workspace has 6 (admin + 5 reps);
//   fewer keeps admin + the first reps (the others lose their membership), more adds rep6@acme.test... to
//   the simulator (extraWorkspaceUsers) and to the workspace.
// --calls: calls the simulator gives each synced user ~calls/users of (Gong and Salesloft list a user's
//   hosted calls; Clari lists every call a user took part in, so it ingests somewhat more).
// --latency: a network round trip (ms, "min-max" or one value) the simulator adds to every provider request
//   (dev/simulators config latencyMs); default 0, as in the tests.
// --page-runs: timed runs of the page queries (search, deals list, deal and call page) on the backfilled
//   data (0 skips them).
// Writes the result as JSON to --json (or prints it as the last line, prefixed BENCH_RESULT). The driver
// (scripts/bench.ts) turns results into docs/benchmarks.md. Uses a new database on DATABASE_URL's server.
import pg from "pg";
import { createScratchDatabase } from "../lib/database";
import { argValue, emitResult, machine, SEARCH_KINDS, timed, type Machine, type Timing } from "./common";
import type { SimState } from "../../dev/simulators/state";
import { PROVIDER_SLUGS, providerFromSlug } from "../../lib/providers/registry";

type ProviderKey = "gong" | "salesloft" | "clari";
const DEMO_WORKSPACE_USERS = 6;

export interface RateLimit {
  unit: "request" | "cost";
  limit: number;
  windowMs: number;
  /** Rolling window (Gong, Clari) or fixed, epoch-aligned (Salesloft). */
  rolling: boolean;
  label: string;
}

export interface Minimum {
  /** The fewest requests the API allows for these calls (company-wide listing). */
  companyWide: number;
  /** The same with one listing per user (how the engine fans out, for per-user status and retry). */
  perUser: number;
  formula: string;
}

export interface BackfillResult {
  kind: "backfill";
  provider: ProviderKey;
  users: number;
  callsTarget: number;
  callsPerUser: number;
  generatedAt: string;
  machine: Machine;
  limit: RateLimit;
  syncedUsers: number;
  failedUsers: number;
  calls: number;
  transcripts: number;
  sentences: number;
  participants: number;
  links: number;
  requests: number;
  /** Rate-limit units spent (Salesloft cost; equals requests elsewhere). */
  cost: number;
  requestsByEndpoint: Record<string, number>;
  runRequests: number;
  throttled: number;
  minimum: Minimum;
  wallMs: number;
  /** First to last provider API request of the backfill: the request-bound phase. */
  phaseMs: number;
  /** Units / limit: the shortest wall time the provider allows. */
  floorMs: number;
  /** Units / (phase x limit). */
  rateFraction: number;
  /** Busiest window (1 s rolling, or Salesloft's fixed minute) as a fraction of the limit. */
  peakFraction: number;
  callsPerSec: number;
  transcriptsPerSec: number;
  sentencesPerSec: number;
  dbBytes: number;
  bytesPer1kCalls: number;
  pages: Timing[];
  /** The simulated network round trip per provider request (ms); {0, 0}: none. Absent in older results = 0. */
  roundTripMs?: { min: number; max: number };
  /** Ingested calls whose transcript the provider had ready but the run did not store (target 0). */
  transcriptsMissed?: number;
  /** When the backfill's provider requests happened (ms after the backfill was chosen), by endpoint. */
  requestSpans?: Record<string, { count: number; firstMs: number; lastMs: number }>;
  /** Every provider request of the backfill: [ms after the backfill was chosen, endpoint], in answer order. */
  requestLog?: Array<[number, string]>;
  /** The backfill's tail: from the simulator's answer to its last provider request to the run being complete (ingest and writes). */
  tailMs?: number;
  /** Calls and transcripts in the database, sampled every 500 ms: [ms after start, calls, transcripts]. */
  progressSamples?: Array<[number, number, number]>;
}

function limitOf(provider: ProviderKey, state: SimState): RateLimit {
  const l = state.config.limits;
  if (provider === "gong") return { unit: "request", limit: l.gong.perSecond, windowMs: 1000, rolling: true, label: `${l.gong.perSecond} requests/s` };
  if (provider === "clari") return { unit: "request", limit: l.clari.perSecond, windowMs: 1000, rolling: true, label: `${l.clari.perSecond} requests/s` };
  return { unit: "cost", limit: l.salesloft.costPerWindow, windowMs: l.salesloft.windowMs, rolling: false, label: `${l.salesloft.costPerWindow} cost/min` };
}

const ceil = (n: number, d: number) => Math.ceil(n / d);

/** The fewest requests the provider's API allows for the synced users' calls (see NOTES.md page sizes). */
function minimumRequests(provider: ProviderKey, state: SimState, synced: Set<number>): Minimum {
  const { users, calls } = state.dataset;
  const visible = calls.filter((c) => state.isVisible(c));
  const usersPages = ceil(users.length, 100);
  if (provider === "gong") {
    // GET /v2/users (100/page); POST /v2/calls/extensive 100 calls/page; POST /v2/calls/transcript 100 callIds/request.
    const mine = visible.filter((c) => synced.has(c.ownerIdx));
    const ready = mine.filter((c) => state.transcriptReady(c));
    let perUser = usersPages;
    for (const u of synced) {
      const n = mine.filter((c) => c.ownerIdx === u);
      perUser += Math.max(1, ceil(n.length, 100)) + ceil(n.filter((c) => state.transcriptReady(c)).length, 100);
    }
    return {
      companyWide: usersPages + Math.max(1, ceil(mine.length, 100)) + ceil(ready.length, 100),
      perUser,
      formula: "users list + ceil(calls/100) extensive pages + ceil(transcripts/100) transcript batches (100 callIds each)",
    };
  }
  if (provider === "salesloft") {
    // /v2/conversations 100/page; /extensive per conversation (attendees, opportunity: no batch endpoint);
    // /v2/transcriptions/:id/artifact per transcript (the whole transcript; its signed file is outside the
    // API); one /opportunities or /accounts lookup per CRM object. Without the "Download Conversations"
    // permission a transcript costs ceil(sentences/100) /sentences pages instead.
    const mine = visible.filter((c) => synced.has(c.ownerIdx));
    let perCall = 0;
    for (const c of mine) {
      perCall += 1;
      if (state.transcriptReady(c)) perCall += 1;
    }
    const crm = new Set(mine.map((c) => (c.crmDealIdx !== null ? `o${c.crmDealIdx}` : c.contactDealIdx !== null ? `a${c.contactDealIdx}` : "")).filter(Boolean))
      .size;
    let perUser = usersPages + perCall + crm;
    for (const u of synced) perUser += Math.max(1, ceil(mine.filter((c) => c.ownerIdx === u).length, 100));
    return {
      companyWide: usersPages + Math.max(1, ceil(mine.length, 100)) + perCall + crm,
      perUser,
      formula: "users + ceil(calls/100) list pages + 1 /extensive per call + 1 /artifact per transcript + 1 per CRM object",
    };
  }
  // Clari: GET /users (no paging); GET /calls 25/page (larger pages fail with 502; the spec allows 100);
  // GET /call-details per call (the only source of the transcript). /calls filters by participant.
  const listed = visible.filter((c) => !c.isPrivate && c.participants.some((p) => p.userIdx >= 0 && synced.has(p.userIdx)));
  const details = listed.filter((c) => state.transcriptReady(c)).length;
  let perUser = 1 + details;
  for (const u of synced) perUser += Math.max(1, ceil(listed.filter((c) => c.participants.some((p) => p.userIdx === u)).length, 25));
  return {
    companyWide: 1 + Math.max(1, ceil(listed.length, 25)) + details,
    perUser,
    formula: "users + ceil(calls/25) list pages (25 per page: larger pages 502) + 1 /call-details per transcript",
  };
}

type Hit = { t: number; provider: string; endpoint: string; status: number; isApi: boolean };

function peakFraction(limit: RateLimit, times: number[], costs: Array<{ t: number; cost: number }>): number {
  if (limit.rolling) {
    let best = 0;
    for (let i = 0, j = 0; i < times.length; i++) {
      while (times[i]! - times[j]! >= limit.windowMs) j++;
      best = Math.max(best, i - j + 1);
    }
    return best / limit.limit;
  }
  const per = new Map<number, number>();
  for (const c of costs) per.set(Math.floor(c.t / limit.windowMs), (per.get(Math.floor(c.t / limit.windowMs)) ?? 0) + c.cost);
  return Math.max(0, ...per.values()) / limit.limit;
}

async function main() {
  const args = process.argv.slice(2);
  const provider = (argValue(args, "--provider") ?? "gong") as ProviderKey;
  const providerId = providerFromSlug(provider);
  if (!providerId) throw new Error(`--provider must be one of ${PROVIDER_SLUGS.join(", ")}`);
  const users = Math.trunc(Number(argValue(args, "--users") ?? DEMO_WORKSPACE_USERS));
  if (!(users >= 1 && users <= 50)) throw new Error("--users must be 1..50");
  const callsTarget = Math.trunc(Number(argValue(args, "--calls") ?? 1_000));
  if (!(callsTarget >= 1)) throw new Error("--calls must be a positive number");
  const jsonOut = argValue(args, "--json");
  const pageRuns = Math.trunc(Number(argValue(args, "--page-runs") ?? 20));
  const { parseLatency } = await import("../../dev/simulators/config");
  const roundTripMs = parseLatency(argValue(args, "--latency")) ?? { min: 0, max: 0 };
  const callsPerUser = Math.ceil(callsTarget / users);
  const extra = Math.max(0, users - DEMO_WORKSPACE_USERS);

  const scratch = await createScratchDatabase("callsync_bench");
  process.env.DATABASE_URL = scratch.url;
  process.env.NEXTAUTH_SECRET ??= "bench-secret-bench-secret-bench-secret-00";
  process.env.ENCRYPTION_KEY ??= Buffer.alloc(32, 3).toString("base64");
  process.env.LOG_LEVEL = "warn";
  const { startSyncHarness } = await import("../../tests/support/sync-harness");
  const simNow = new Date(Math.floor((Date.now() - 2 * 86_400_000) / 3_600_000) * 3_600_000).toISOString();
  const h = await startSyncHarness({ seed: 5, callsPerUser, extraWorkspaceUsers: extra, anchor: simNow, now: simNow, latencyMs: roundTripMs });
  const state = h.sims.state;
  let progress: NodeJS.Timeout | undefined;
  try {
    // Workspace users: admin + the first reps, or the demo users plus the simulator's extra reps.
    const { extraWorkspaceUsers } = await import("../../dev/simulators/data");
    const { hashPassword } = await import("../../lib/auth/password");
    const passwordHash = await hashPassword("callsync");
    for (const u of extraWorkspaceUsers(extra)) {
      const user = await h.db.user.create({ data: { email: u.email, name: u.name, passwordHash, emailVerified: new Date() } });
      await h.db.membership.create({ data: { userId: user.id, workspaceId: h.actor.workspaceId, role: "MEMBER" } });
    }
    if (users < DEMO_WORKSPACE_USERS) {
      const keep = new Set(["admin@acme.test", ...Array.from({ length: users - 1 }, (_, i) => `rep${i + 1}@acme.test`)]);
      const members = await h.db.membership.findMany({ where: { workspaceId: h.actor.workspaceId }, include: { user: true } });
      for (const m of members) if (!keep.has(m.user.email)) await h.db.membership.delete({ where: { id: m.id } });
    }
    const memberEmails = new Set(
      (await h.db.membership.findMany({ where: { workspaceId: h.actor.workspaceId }, select: { user: { select: { email: true } } } })).map((m) =>
        m.user.email.toLowerCase(),
      ),
    );
    const synced = new Set(state.dataset.users.filter((u) => memberEmails.has(u.email.toLowerCase())).map((u) => u.idx));
    if (synced.size !== users) throw new Error(`expected ${users} synced users, the simulator and workspace share ${synced.size}`);

    const connect = await import("../../lib/integrations/connect");
    let integrationId: string;
    if (provider === "clari") {
      ({ integrationId } = await connect.connectWithApiKey(h.actor, "CLARI", { apiKey: "sim-clari-key", apiSecret: "sim-clari-secret" }));
    } else {
      const started = await connect.startOAuth(h.actor, providerId);
      const params = await h.consent(started.authorizationUrl, "allow");
      const done = await connect.completeOAuth(params, { userId: h.actor.userId, browserNonce: started.browserNonce });
      if (done.outcome !== "ok") throw new Error(`OAuth failed: ${done.outcome}`);
      integrationId = started.integrationId;
    }

    // Every simulator response (time, endpoint, status) and every Salesloft rate-limit charge.
    const hits: Hit[] = [];
    const costs: Array<{ t: number; cost: number }> = [];
    const record = state.stats.record.bind(state.stats);
    state.stats.record = (p, endpoint, status, isApi) => {
      hits.push({ t: Date.now(), provider: p, endpoint, status, isApi });
      record(p, endpoint, status, isApi);
    };
    const bucket = state.limiters.salesloft;
    const take = bucket.take.bind(bucket);
    bucket.take = (cost, now) => {
      costs.push({ t: Date.now(), cost });
      return take(cost, now);
    };
    const before = state.stats.snapshot()[provider];

    const limit = limitOf(provider, state);
    const label = `${provider} users=${users} calls=${callsTarget}${roundTripMs.max > 0 ? ` round trip ${roundTripMs.min}-${roundTripMs.max} ms` : ""}`;
    console.log(`[${label}] backfilling (simulator: ${state.dataset.calls.length} calls, ${state.dataset.users.length} provider users, ${limit.label})`);
    const started = Date.now();
    await connect.chooseBackfill(h.actor, await h.integration(integrationId), "ALL_TIME");
    progress = setInterval(() => {
      void h.db.call
        .count({ where: { integrationId } })
        .then((n) =>
          console.log(
            `[${label}] ${((Date.now() - started) / 1000).toFixed(0)} s: ${n} calls, ${hits.filter((x) => x.isApi && x.provider === provider).length} requests`,
          ),
        );
    }, 30_000);
    const progressSamples: Array<[number, number, number]> = [];
    let lastSample = 0;
    for (;;) {
      if (Date.now() - lastSample >= 500) {
        lastSample = Date.now();
        const [n, t] = await Promise.all([
          h.db.call.count({ where: { integrationId } }),
          h.db.call.count({ where: { integrationId, transcriptStatus: "AVAILABLE" } }),
        ]);
        progressSamples.push([lastSample - started, n, t]);
      }
      const row = await h.db.integration.findUniqueOrThrow({ where: { id: integrationId }, select: { wizardStep: true, status: true, statusMessage: true } });
      if (row.wizardStep === "COMPLETE") break;
      if (row.status === "RECONNECT_REQUIRED") throw new Error(`backfill stopped: ${row.statusMessage}`);
      if (Date.now() - started > 4 * 3_600_000) throw new Error("backfill did not finish in 4 hours");
      await new Promise((r) => setTimeout(r, 250));
    }
    const wallMs = Date.now() - started;
    clearInterval(progress);
    progress = undefined;

    const after = state.stats.snapshot()[provider];
    const api = hits.filter((x) => x.isApi && x.provider === provider && x.t >= started);
    const times = api.map((x) => x.t).sort((a, b) => a - b);
    const requests = after.apiRequests - before.apiRequests;
    const cost = provider === "salesloft" ? costs.filter((c) => c.t >= started).reduce((s, c) => s + c.cost, 0) : requests;
    const phaseMs = times.length > 1 ? times[times.length - 1]! - times[0]! : wallMs;
    const requestsByEndpoint: Record<string, number> = {};
    const requestSpans: Record<string, { count: number; firstMs: number; lastMs: number }> = {};
    const requestLog: Array<[number, string]> = [];
    for (const x of api) {
      requestLog.push([x.t - started, x.endpoint]);
      requestsByEndpoint[x.endpoint] = (requestsByEndpoint[x.endpoint] ?? 0) + 1;
      const span = (requestSpans[x.endpoint] ??= { count: 0, firstMs: x.t - started, lastMs: x.t - started });
      span.count++;
      span.lastMs = Math.max(span.lastMs, x.t - started);
      span.firstMs = Math.min(span.firstMs, x.t - started);
    }
    // hits are stamped when the simulator answers (before the response leg of a round trip).
    const tailMs = times.length ? Math.max(0, wallMs - (times[times.length - 1]! - started)) : wallMs;

    const run = await h.db.syncRun.findFirstOrThrow({ where: { integrationId, kind: "BACKFILL" } });
    const where = { integrationId };
    const calls = await h.db.call.count({ where });
    const transcripts = await h.db.call.count({ where: { ...where, transcriptStatus: "AVAILABLE" } });
    const sentences = await h.db.transcriptSentence.count({ where: { call: where } });
    const participants = await h.db.callParticipant.count({ where: { call: where } });
    const links = await h.db.callDealLink.count({ where: { call: where } });
    // Every transcript in the same run: ingested calls whose transcript the provider has ready but we lack.
    const withoutTranscript = await h.db.call.findMany({ where: { ...where, transcriptStatus: { not: "AVAILABLE" } }, select: { providerCallId: true } });
    const transcriptsMissed = withoutTranscript.filter((c) => {
      const sim = state.findCall({ id: c.providerCallId });
      return sim !== undefined && state.transcriptReady(sim);
    }).length;
    const syncedUsers = await h.db.userSync.count({ where });
    const failedUsers = await h.db.userSync.count({ where: { ...where, status: "FAILED" } });

    const client = new pg.Client({ connectionString: scratch.url });
    await client.connect();
    const dbBytes = Number(
      (
        await client.query<{ bytes: string }>(
          `SELECT sum(pg_total_relation_size(c.oid))::bigint AS bytes FROM pg_class c
           WHERE c.relname IN ('Call', 'CallParticipant', 'TranscriptSentence', 'CallDealLink') AND c.relkind = 'r'`,
        )
      ).rows[0]!.bytes,
    );
    const version = (await client.query<{ v: string }>("SELECT version() AS v")).rows[0]!.v.split(" on ")[0]!;
    await client.end();

    // Page queries on the backfilled data: realistic transcripts (2 to 90 minutes), so search cost grows
    // with the data like it would in production.
    const pages: Timing[] = [];
    if (pageRuns > 0 && calls > 0) {
      console.log(`[${label}] page queries on the backfilled data (${pageRuns} runs each, admin viewer)`);
      const q = await import("../../lib/calls/queries");
      const { searchCalls, SEARCH_TIMEOUT_MS } = await import("../../lib/calls/search");
      const deals = await import("../../lib/deals/queries");
      const ws = h.actor.workspaceId;
      const viewer = { workspaceId: ws, userId: h.actor.userId, role: "ADMIN" as const };
      const big = await h.db.callDealLink.groupBy({
        by: ["dealId"],
        where: { workspaceId: ws, dealId: { not: null } },
        _count: { _all: true },
        orderBy: { _count: { callId: "desc" } },
        take: 1,
      });
      const longest = await h.db.call.findFirst({
        where: { ...where, transcriptStatus: "AVAILABLE" },
        orderBy: { sentenceCount: "desc" },
        select: { id: true, sentenceCount: true, durationSec: true },
      });
      const dealCount = await h.db.deal.count({ where: { workspaceId: ws } });
      pages.push(
        await timed(`Deals list (${dealCount} deals), sort by last call`, pageRuns, () => deals.listDeals(ws, deals.dealListParamsSchema.parse({}), viewer)),
      );
      // A member's list: other people's private calls are not counted, their own are.
      const member = await h.db.membership.findFirst({ where: { workspaceId: ws, role: "MEMBER" }, orderBy: { userId: "asc" }, select: { userId: true } });
      if (member) {
        const memberViewer = { workspaceId: ws, userId: member.userId, role: "MEMBER" as const };
        pages.push(
          await timed(`Deals list (${dealCount} deals), member viewer, sort by last call`, pageRuns, () =>
            deals.listDeals(ws, deals.dealListParamsSchema.parse({}), memberViewer),
          ),
        );
      }
      if (big[0]?.dealId) {
        const dealId = big[0].dealId;
        pages.push(
          await timed(`Deal page (${big[0]._count._all} calls): deal + first page + count`, pageRuns, () =>
            Promise.all([deals.getDeal(ws, dealId), q.listDealCalls(viewer, dealId), q.countDealCalls(viewer, dealId)]),
          ),
        );
      }
      if (longest) {
        pages.push(await timed(`Call page data (getCall)`, pageRuns, () => q.getCall(viewer, longest.id)));
        pages.push(
          await timed(`Transcript: ${Math.round(longest.durationSec / 60)} min, ${longest.sentenceCount} sentences (+ JSON)`, pageRuns, async () =>
            JSON.stringify(await q.getTranscript(viewer, longest.id)),
          ),
        );
      }
      // The grouped search the product uses (lib/calls/search.ts searchCalls), one query per kind of issue 18
      // target 3, on these real-shaped transcripts (dev/simulators/data.ts LINES): names start "Search <kind>".
      // A query over the search's statement_timeout (SEARCH_TIMEOUT_MS) is what a person would see as "too slow":
      // recorded as such (no figures), and the other kinds are still measured.
      for (const [kind, term] of SEARCH_KINDS) {
        try {
          const first = await searchCalls(viewer, { q: term });
          const hitsN = `${first.totalCalls} calls, ${first.totalSentences} sentences`;
          pages.push(await timed(`Search ${kind} ${term} (${hitsN})`, pageRuns, () => searchCalls(viewer, { q: term })));
        } catch (e) {
          if ((e as { code?: string }).code !== "SEARCH_TOO_SLOW") throw e;
          console.log(`  Search ${kind} ${term}: over the ${SEARCH_TIMEOUT_MS} ms statement timeout`);
          pages.push({ name: `Search ${kind} ${term} (over the ${SEARCH_TIMEOUT_MS} ms timeout)`, runs: 0, p50: NaN, p95: NaN, max: NaN, note: "timed out" });
        }
      }
    }

    const minimum = minimumRequests(provider, state, synced);
    const result: BackfillResult = {
      kind: "backfill",
      provider,
      users,
      callsTarget,
      callsPerUser,
      generatedAt: new Date().toISOString(),
      machine: machine(scratch.embedded ? "embedded PGlite" : version),
      limit,
      syncedUsers,
      failedUsers,
      calls,
      transcripts,
      sentences,
      participants,
      links,
      requests,
      cost,
      requestsByEndpoint,
      runRequests: run.requestsUsed,
      throttled: after.throttled - before.throttled,
      minimum,
      wallMs,
      phaseMs,
      floorMs: (cost / limit.limit) * limit.windowMs,
      rateFraction: cost / ((phaseMs / limit.windowMs) * limit.limit),
      peakFraction: peakFraction(
        limit,
        times,
        costs.filter((c) => c.t >= started),
      ),
      callsPerSec: calls / (wallMs / 1000),
      transcriptsPerSec: transcripts / (wallMs / 1000),
      sentencesPerSec: sentences / (wallMs / 1000),
      dbBytes,
      bytesPer1kCalls: calls ? (dbBytes / calls) * 1000 : 0,
      pages,
      roundTripMs,
      transcriptsMissed,
      requestSpans,
      requestLog,
      tailMs,
      progressSamples,
    };
    console.log(
      `[${label}] ${calls} calls (${transcripts} transcripts, ${sentences} sentences) in ${(wallMs / 1000).toFixed(1)} s; ` +
        `${transcriptsMissed} ready transcripts missed; ${requests} requests (minimum ${minimum.perUser} per user, ${minimum.companyWide} company-wide), ${result.throttled} x 429, ` +
        `rate ${result.rateFraction.toFixed(2)} of ${limit.label} (peak ${result.peakFraction.toFixed(2)}), floor ${(result.floorMs / 1000).toFixed(1)} s, ` +
        `tail after the last request ${(tailMs / 1000).toFixed(1)} s`,
    );
    emitResult(result, jsonOut);
  } finally {
    if (progress) clearInterval(progress);
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
