// CRM first-import benchmark (issue 14): connect HubSpot or Salesforce through its simulator, holding a large
// generated portal/org (default 20,000 deals, 10,000 companies/accounts, 100,000 contacts), in a workspace that
// already has --calls calls (participants with the CRM contacts' emails, some calls carrying CRM deal ids), and
// let the product do the rest: the OAuth completion sends crm.import-requested, the crm-import Inngest function
// runs every step (real HubspotClient / SalesforceClient, the shared PostgreSQL rate limiter, the local Inngest
// runtime) and sends deals.changed, and the deals-relink function relinks the calls.
//
//   node --conditions=react-server --import tsx scripts/bench/crm-import.ts \
//     --provider hubspot|salesforce [--deals 20000] [--accounts 10000] [--contacts 100000] [--calls 10000] [--json out.json]
//
// Requests, 429s and their times come from the simulator's own counters; the API minimum and the rate-limit
// floor are computed from the simulator's data with the providers' documented page sizes and limits (see
// minimumOf below and docs/benchmarks.md, "CRM first import"). Benchmarks measure; nothing is asserted.
import { execFileSync } from "node:child_process";
import pg from "pg";
import { createScratchDatabase } from "../lib/database";
import { argValue, emitResult, fmt, machine } from "./common";
import type { SimState } from "../../dev/simulators/state";
import type { CrmImportResult, CrmKey, CrmMinimum } from "./crm-report";

const ceil = (n: number, d: number) => Math.ceil(n / d);

function uptime(): string {
  try {
    return execFileSync("uptime", { encoding: "utf8" }).trim();
  } catch {
    return "n/a";
  }
}

/** What the simulator holds that the first import takes, and the calls to seed: provider-neutral shapes. */
interface Portal {
  inScope: Array<{ id: string; companyId: string | null; contactIds: string[]; weight: number }>;
  emailOf: Map<string, string>;
  owners: number;
}

function hubspotPortal(state: SimState, closedSince: number): Portal {
  const p = state.hubspot.portal;
  const inScope = p.records.deals
    .filter((d) => d.archivedAt === null)
    .filter((d) => d.properties.hs_is_closed === "false" || (d.properties.closedate !== null && Date.parse(d.properties.closedate) >= closedSince))
    .map((d) => ({ id: d.id, companyId: p.dealCompany.get(d.id) ?? null, contactIds: p.dealContacts.get(d.id) ?? [], weight: 1 }));
  const emailOf = new Map<string, string>();
  for (const c of p.records.contacts) if (c.archivedAt === null && c.properties.email) emailOf.set(c.id, c.properties.email.toLowerCase());
  return { inScope, emailOf, owners: p.owners.filter((o) => !o.archived).length };
}

function salesforcePortal(state: SimState, closedSince: number): Portal {
  const org = state.salesforce.orgs.get("acme")!;
  const rows = (o: string) => [...org.rows.get(o)!.values()].filter((r) => !r.IsDeleted) as Array<Record<string, unknown>>;
  const roles = new Map<string, string[]>();
  for (const r of rows("OpportunityContactRole")) {
    const list = roles.get(String(r.OpportunityId)) ?? [];
    list.push(String(r.ContactId));
    roles.set(String(r.OpportunityId), list);
  }
  const inScope = rows("Opportunity")
    .filter(
      (o) =>
        o.IsClosed === false ||
        (typeof o.CloseDate === "string" && Date.parse(`${o.CloseDate}T00:00:00Z`) >= Math.floor(closedSince / 86_400_000) * 86_400_000),
    )
    .map((o) => {
      const contactIds = roles.get(String(o.Id)) ?? [];
      // Child records count toward the query's batch of 2,000 (Query Options header documentation).
      return { id: String(o.Id), companyId: o.AccountId ? String(o.AccountId) : null, contactIds, weight: 1 + contactIds.length };
    });
  const emailOf = new Map<string, string>();
  for (const c of rows("Contact")) if (typeof c.Email === "string" && c.Email) emailOf.set(String(c.Id), c.Email.toLowerCase());
  return { inScope, emailOf, owners: rows("User").length };
}

/**
 * The fewest requests the API allows for the first import (documented page sizes):
 * HubSpot: CRM search 200 deals per request; pipelines once; v4 association batch reads of 1,000 deal ids
 *   (deal->company, deal->contact); batch reads of 100 companies and of 100 contacts by id; owners 500 per page;
 *   account details + token metadata at connect.
 * Salesforce: one Opportunity query with its Account fields and an OpportunityContactRoles subquery carrying the
 *   contacts' fields, 2,000 records per batch (children count toward the batch) through nextRecordsUrl; the
 *   User query for owners (2,000 per batch); the Organization query at connect. Accounts and contacts need no
 *   request of their own.
 */
function minimumOf(provider: CrmKey, portal: Portal): CrmMinimum {
  const n = portal.inScope.length;
  const companies = new Set(portal.inScope.flatMap((d) => (d.companyId ? [d.companyId] : []))).size;
  const contacts = new Set(portal.inScope.flatMap((d) => d.contactIds)).size;
  if (provider === "hubspot") {
    const byPart = {
      "deal searches (200 per page)": Math.max(1, ceil(n, 200)),
      pipelines: 1,
      "deal associations (1,000 ids per batch, x2)": 2 * ceil(n, 1_000),
      "company batch reads (100 per batch)": ceil(companies, 100),
      "contact batch reads (100 per batch)": ceil(contacts, 100),
      "owners (500 per page)": Math.max(1, ceil(portal.owners, 500)),
      "account details (connect)": 1,
    };
    return {
      requests: Object.values(byPart).reduce((a, b) => a + b, 0),
      byPart,
      formula: `ceil(${fmt.int(n)} deals/200) + 1 + 2 x ceil(deals/1,000) + ceil(${fmt.int(companies)} companies/100) + ceil(${fmt.int(contacts)} contacts/100) + owners + 1`,
    };
  }
  const weight = portal.inScope.reduce((s, d) => s + d.weight, 0);
  const byPart = {
    "opportunity query batches (2,000 records incl. contact roles)": Math.max(1, ceil(weight, 2_000)),
    "users query (owners)": Math.max(1, ceil(portal.owners, 2_000)),
    "organization query (connect)": 1,
  };
  return {
    requests: Object.values(byPart).reduce((a, b) => a + b, 0),
    byPart,
    formula: `ceil((${fmt.int(n)} opportunities + ${fmt.int(weight - n)} contact roles)/2,000) + 1 users query + 1 organization query`,
  };
}

type Hit = { t: number; endpoint: string; status: number };

function peakIn(times: number[], windowMs: number): number {
  let best = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (times[i]! - times[j]! >= windowMs) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

async function main() {
  const args = process.argv.slice(2);
  const provider = (argValue(args, "--provider") ?? "hubspot") as CrmKey;
  if (provider !== "hubspot" && provider !== "salesforce") throw new Error("--provider must be hubspot or salesforce");
  const size = {
    deals: Math.trunc(Number(argValue(args, "--deals") ?? 20_000)),
    accounts: Math.trunc(Number(argValue(args, "--accounts") ?? 10_000)),
    contacts: Math.trunc(Number(argValue(args, "--contacts") ?? 100_000)),
  };
  const callsWanted = Math.trunc(Number(argValue(args, "--calls") ?? 10_000));
  const jsonOut = argValue(args, "--json");

  const scratch = await createScratchDatabase("callsync_bench");
  process.env.DATABASE_URL = scratch.url;
  process.env.NEXTAUTH_SECRET ??= "bench-secret-bench-secret-bench-secret-00";
  process.env.ENCRYPTION_KEY ??= Buffer.alloc(32, 3).toString("base64");
  process.env.LOG_LEVEL = "warn";
  const { startSyncHarness } = await import("../../tests/support/sync-harness");
  // The real clock: the import's two-year horizon and the run's window are real times.
  const now = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000).toISOString();
  const h = await startSyncHarness({
    seed: 5,
    anchor: now,
    ...(provider === "hubspot"
      ? { hubspot: { portal: { deals: size.deals, companies: size.accounts, contacts: size.contacts } } }
      : { salesforce: { generated: { opportunities: size.deals, accounts: size.accounts, contacts: size.contacts } } }),
  });
  const state = h.sims.state;
  let progress: NodeJS.Timeout | undefined;
  try {
    const { db } = await import("../../lib/db");
    const { sendEvents } = await import("../../inngest/client");
    const { createWorkspace } = await import("../../tests/support/db");
    const { startCrmOAuth, completeAnyOAuth } = await import("../../lib/crm/connect");
    const crmId = provider === "hubspot" ? "HUBSPOT" : "SALESFORCE";
    // A workspace of its own (the demo workspace's deals stay out of it): admin + member.
    const w = await createWorkspace("CrmBench");
    const ws = w.workspace.id;
    const actor = { workspaceId: ws, userId: w.admin.id, send: sendEvents };

    // ---- the calls already in the workspace (as a recorder would have left them, unlinked)
    const horizon = Date.now() - 2 * 365 * 86_400_000;
    const portal = provider === "hubspot" ? hubspotPortal(state, horizon) : salesforcePortal(state, horizon);
    let seed = 12345;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const withEmail = portal.inScope.filter((d) => d.contactIds.some((c) => portal.emailOf.has(c)));
    console.log(`[crm-${provider}] seeding ${callsWanted} calls (${portal.inScope.length} deals in scope, ${withEmail.length} with contact emails)`);
    const started0 = Date.now();
    const callRows: Array<{ id: string; crmDealIds: string[]; emails: string[] }> = [];
    for (let i = 0; i < callsWanted; i++) {
      const deal = withEmail[Math.floor(rnd() * withEmail.length)]!;
      const roll = rnd();
      const emails = deal.contactIds.filter((c) => portal.emailOf.has(c)).map((c) => portal.emailOf.get(c)!);
      // 30 % carry the deal's CRM id (Salesforce: every other one in the 15-character form recorders copy from
      // the UI), 60 % only a contact's email, 10 % a stranger's email (they stay unlinked).
      const crmDealIds = roll < 0.3 ? [provider === "salesforce" && i % 2 === 0 ? deal.id.slice(0, 15) : deal.id] : [];
      const external = roll < 0.9 ? [emails[Math.floor(rnd() * emails.length)]!] : [`stranger${i}@nowhere${i % 97}.example`];
      callRows.push({ id: `bench-call-${i}`, crmDealIds, emails: external });
    }
    for (let i = 0; i < callRows.length; i += 1_000) {
      const part = callRows.slice(i, i + 1_000);
      await db.call.createMany({
        data: part.map((c, k) => ({
          id: c.id,
          workspaceId: ws,
          provider: "GONG" as const,
          providerCallId: c.id,
          title: `Call ${i + k + 1}`,
          startedAt: new Date(Date.now() - (i + k) * 3_600_000),
          durationSec: 1_800,
          crmDealIds: c.crmDealIds,
          transcriptStatus: "AVAILABLE" as const,
        })),
      });
      await db.callParticipant.createMany({
        data: part.flatMap((c) => [
          { callId: c.id, email: w.admin.email, name: "Admin", affiliation: "INTERNAL" as const, userId: w.admin.id, position: 0 },
          ...c.emails.map((email, p) => ({ callId: c.id, email, affiliation: "EXTERNAL" as const, position: p + 1 })),
        ]),
      });
    }
    console.log(`[crm-${provider}] calls seeded in ${fmt.s(Date.now() - started0)}`);

    // ---- every simulator response, timed
    const hits: Hit[] = [];
    const record = state.stats.record.bind(state.stats);
    state.stats.record = (p, endpoint, status, isApi) => {
      if (p === provider && isApi) hits.push({ t: Date.now(), endpoint, status });
      record(p, endpoint, status, isApi);
    };
    const before = state.stats.snapshot()[provider];

    // ---- connect as an admin does: consent, callback completion (which starts the import)
    const uptimeBefore = uptime();
    const t0 = Date.now();
    const oauth = await startCrmOAuth(actor, crmId, {});
    const params = await h.consent(oauth.authorizationUrl, "allow");
    const done = await completeAnyOAuth({ state: params.state, code: params.code }, { userId: w.admin.id, browserNonce: oauth.browserNonce }, sendEvents);
    if (done.outcome !== "ok") throw new Error(`OAuth failed: ${JSON.stringify(done)}`);
    const integration = await db.integration.findFirstOrThrow({ where: { workspaceId: ws, provider: crmId }, select: { id: true } });
    progress = setInterval(() => {
      void db.deal
        .count({ where: { workspaceId: ws } })
        .then((n) => console.log(`[crm-${provider}] ${((Date.now() - t0) / 1000).toFixed(0)} s: ${n} deals, ${hits.length} requests`));
    }, 30_000);
    let run;
    for (;;) {
      run = await db.syncRun.findFirst({ where: { integrationId: integration.id, kind: "BACKFILL" } });
      if (run && run.status !== "RUNNING") break;
      if (Date.now() - t0 > 3 * 3_600_000) throw new Error("the import did not finish in 3 hours");
      await new Promise((r) => setTimeout(r, 200));
    }
    if (run.status !== "SUCCEEDED") throw new Error(`import ended ${run.status}: ${run.error}`);
    const importMs = run.finishedAt!.getTime() - t0;
    console.log(`[crm-${provider}] import done in ${fmt.s(importMs)}; waiting for the relink`);

    // ---- the relink the import's deals.changed started (deals-relink function)
    type RunRow = {
      function_id: string;
      status: string;
      created_at: string;
      started_at: string | null;
      ended_at: string | null;
      duration_ms?: number;
      output?: unknown;
    };
    let relinkRun: RunRow | undefined;
    for (;;) {
      const runs = ((await h.runtimeGet("/v1/runs?limit=1000")) as { data?: RunRow[] }).data ?? [];
      relinkRun = runs.find((r) => r.function_id.endsWith("deals-relink") && Date.parse(r.created_at) >= t0);
      if (relinkRun && (relinkRun.status === "Completed" || relinkRun.status === "Failed" || relinkRun.status === "Cancelled")) break;
      if (Date.now() - t0 > 4 * 3_600_000) throw new Error("the relink did not finish");
      await new Promise((r) => setTimeout(r, 200));
    }
    if (relinkRun.status !== "Completed") throw new Error(`relink ended ${relinkRun.status}`);
    clearInterval(progress);
    progress = undefined;
    const uptimeAfter = uptime();
    const linkCounts = await db.callDealLink.groupBy({ by: ["source"], where: { workspaceId: ws }, _count: { _all: true } });
    const countOf = (s: string) => linkCounts.find((l) => l.source === s)?._count._all ?? 0;

    const after = state.stats.snapshot()[provider];
    const api = hits.filter((x) => x.t >= t0);
    const times = api.map((x) => x.t).sort((a, b) => a - b);
    const requests = after.apiRequests - before.apiRequests;
    const requestsByEndpoint: Record<string, number> = {};
    for (const x of api) requestsByEndpoint[x.endpoint] = (requestsByEndpoint[x.endpoint] ?? 0) + 1;
    const minimum = minimumOf(provider, portal);

    // ---- the floor from the documented limits the simulator enforces
    let floorMs: number;
    let floorAtMinimumMs: number;
    let floorFormula: string;
    let limits: string;
    const peak: Record<string, number> = {};
    let dailyFraction: number | null = null;
    if (provider === "hubspot") {
      const l = state.config.limits.hubspot;
      const isSearch = (e: string) => e.endsWith("/search");
      const search = api.filter((x) => isSearch(x.endpoint) && x.status !== 429).length;
      const other = api.filter((x) => !isSearch(x.endpoint) && x.status !== 429).length;
      const floorOf = (s: number, o: number) => Math.max((s / l.searchPerSecond) * 1000, (o / l.per10s) * 10_000);
      floorMs = floorOf(search, other);
      const minSearch = minimum.byPart["deal searches (200 per page)"]!;
      floorAtMinimumMs = floorOf(minSearch, minimum.requests - minSearch);
      floorFormula = `max(searches / ${l.searchPerSecond} per s, other requests / ${l.per10s} per 10 s)`;
      limits = `${l.per10s} requests / 10 s per account (search excluded), search ${l.searchPerSecond} / s${l.perDay === null ? ", no daily limit (OAuth app)" : `, ${l.perDay} / day`}`;
      peak["10 s (non-search)"] =
        peakIn(
          api.filter((x) => !isSearch(x.endpoint)).map((x) => x.t),
          10_000,
        ) / l.per10s;
      peak["1 s (search)"] =
        peakIn(
          api.filter((x) => isSearch(x.endpoint)).map((x) => x.t),
          1_000,
        ) / l.searchPerSecond;
    } else {
      const org = state.salesforce.orgs.get("acme")!;
      // Salesforce limits a day's requests (the org's allocation) and concurrent long-running (> 20 s)
      // requests (25 in production orgs); neither bounds a serial import's wall time, so the floor is 0.
      floorMs = 0;
      floorAtMinimumMs = 0;
      floorFormula = "none per unit of time (a daily allocation; 25 concurrent requests over 20 s, not simulated)";
      limits = `${fmt.int(org.dailyLimit)} requests / day per org (Sforce-Limit-Info)`;
      dailyFraction = requests / org.dailyLimit;
      peak["1 s"] = peakIn(times, 1_000);
    }

    const stored = {
      deals: await db.deal.count({ where: { workspaceId: ws } }),
      accounts: await db.crmAccount.count({ where: { workspaceId: ws } }),
      contacts: await db.crmContact.count({ where: { workspaceId: ws } }),
      dealContacts: await db.dealContact.count({ where: { workspaceId: ws } }),
    };
    const client = new pg.Client({ connectionString: scratch.url });
    await client.connect();
    const version = (await client.query<{ v: string }>("SELECT version() AS v")).rows[0]!.v.split(" on ")[0]!;
    await client.end();

    const result: CrmImportResult = {
      kind: "crm-import",
      provider,
      generatedAt: new Date().toISOString(),
      machine: machine(scratch.embedded ? "embedded PGlite" : version),
      uptimeBefore,
      uptimeAfter,
      size,
      dealsInScope: portal.inScope.length,
      stored,
      requests,
      requestsByEndpoint,
      runRequests: run.requestsUsed,
      throttled: after.throttled - before.throttled,
      minimum,
      limits,
      floorMs,
      floorFormula,
      floorAtMinimumMs,
      dailyFraction,
      importMs,
      requestPhaseMs: times.length > 1 ? times[times.length - 1]! - times[0]! : 0,
      peak,
      calls: callsWanted,
      relink: {
        queuedToDoneMs: Date.parse(relinkRun.ended_at!) - Date.parse(relinkRun.created_at),
        runMs: relinkRun.duration_ms ?? Date.parse(relinkRun.ended_at!) - Date.parse(relinkRun.started_at ?? relinkRun.created_at),
        linked: countOf("CRM_ID") + countOf("EMAIL"),
        byCrmId: countOf("CRM_ID"),
        byEmail: countOf("EMAIL"),
        unlinked: callsWanted - countOf("CRM_ID") - countOf("EMAIL") - countOf("MANUAL"),
        calls: callsWanted,
      },
    };
    console.log(
      `[crm-${provider}] ${stored.deals} deals, ${stored.accounts} accounts, ${stored.contacts} contacts in ${fmt.s(importMs)}; ` +
        `${requests} requests (minimum ${minimum.requests}), ${result.throttled} x 429, floor ${fmt.s(floorMs)} (at the minimum ${fmt.s(floorAtMinimumMs)}); ` +
        `relink of ${callsWanted} calls ${fmt.s(result.relink.runMs)} (${result.relink.byCrmId} by CRM id, ${result.relink.byEmail} by email)`,
    );
    console.log(`  by endpoint: ${JSON.stringify(requestsByEndpoint)}`);
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
