// The CRM sync engine's units of work (issue 14). Each one is idempotent and small enough to be one durable
// step; inngest/functions/crm-run.ts only sequences them. Programmed against the CrmClient interface only:
// nothing here branches on provider.
//
// A run (first import = BACKFILL, the 15-minute sync = POLL, Sync now = MANUAL) works under the
// integration's sync lease (syncLockedUntil/syncLockRunId, as the recorders' polls), so two never overlap:
//   1. deals, one page per step: the first import lists every open deal and those closed in the last two
//      years; later runs every deal changed since the previous run's start minus CURSOR_OVERLAP_MS.
//   2. (later runs) accounts and contacts changed since then, one page per step: only those we keep.
//   3. (when there is a previous run) deletions of deals, accounts and contacts in [since, until).
//   4. accounts and contacts the deals name that we do not have yet, CHUNK ids per step, each id asked once.
//   5. materialize: deal account names and DealContact rows from the stored accounts and contacts.
//   6. owners: listOwners, matched to members by email (case-insensitive).
//   7. finish: the lease is released; the next run starts from this run's start; deals.changed if anything
//      changed (calls relink; manual links are never overwritten).
// Upserts are keyed by (workspace, CRM, record id) and write only what differs, so a retried step (or a
// run repeated after a failure) never duplicates a row and counts each change once.
import "server-only";
import { recordAudit } from "@/lib/audit";
import { db, Prisma } from "@/lib/db";
import type { CrmAccount, CrmClient, CrmContact, CrmDeal, CrmId, CrmSkipped } from "@/lib/providers/crm/types";
import { isCrm, providerName } from "@/lib/providers/registry";
import type { GateReport } from "@/lib/providers/types";
import { isCurrent } from "@/lib/sync/engine";
import { CRM_SYNC_INTERVAL_MS, tryTransition } from "@/lib/sync/lifecycle";
import { FAILURES, type Failure } from "@/lib/sync/failures";
import { defaultCrmClients, type CrmClientSource, type CrmIntegrationRow } from "./clients";
import { checkRecords, normalizeDomain, normalizeEmail } from "./records";

/**
 * Each later run re-reads this much before the previous run's start. Both CRMs stamp a record's modified
 * time when its transaction starts, not when it commits (Salesforce SystemModstamp; a long bulk update can
 * commit minutes later), and HubSpot's search index, which the incremental deal/contact listings read,
 * trails writes by seconds to a few minutes. Ten minutes covers both with room; what it costs is re-reading
 * the few records changed in those minutes, which then write nothing (unchanged).
 */
export const CURSOR_OVERLAP_MS = 10 * 60_000;
/** The first import takes deals closed this long ago or later (plus every open deal). */
export const CLOSED_LOOKBACK_MS = 2 * 365 * 86_400_000;
/** Ids per getAccounts/getContacts step (the client batches them as its API allows). */
export const FETCH_CHUNK = 1_000;
/** A sync's lease; every step renews it. */
const CRM_LEASE_MS = 10 * 60_000;

export type CrmRunKind = "BACKFILL" | "POLL" | "MANUAL";

/** What every step of a run needs (plain JSON: it travels between durable steps). */
export interface CrmRunContext {
  integrationId: string;
  workspaceId: string;
  provider: CrmId;
  generation: number;
  runId: string;
  kind: CrmRunKind;
  /** ISO; null on a full import (no previous successful run). */
  since: string | null;
  /** ISO: when the run started. The next run continues from here (minus the overlap). */
  until: string;
  /** ISO: the oldest close date a full import takes. */
  closedSince: string;
}

export interface CrmStepDeps {
  clients?: CrmClientSource;
}

// -------------------------------------------------------------------------------------------------
// Integration, lease and run bookkeeping
// -------------------------------------------------------------------------------------------------

const INTEGRATION_SELECT = {
  id: true,
  workspaceId: true,
  provider: true,
  status: true,
  generation: true,
  apiBaseUrl: true,
  oauthBaseUrl: true,
  crmCurrency: true,
  lastSuccessfulSyncAt: true,
} as const;

/** A CRM integration (a recorder's is a programming error here). */
export async function loadCrmIntegration(integrationId: string) {
  const row = await db.integration.findUniqueOrThrow({ where: { id: integrationId }, select: INTEGRATION_SELECT });
  const provider = row.provider;
  if (!isCrm(provider)) throw new Error(`${providerName(provider)} is a call recorder, not a CRM`);
  return { ...row, provider };
}

class LeaseHeld extends Error {}

/**
 * Takes the integration's sync lease for a new run, compare-and-set under a row lock: null when another run
 * holds it (or the CRM is not connected). The run's window: from the previous successful run's start minus
 * the overlap (null: a full import), to now.
 */
export async function acquireCrmLease(integrationId: string, kind: CrmRunKind, triggeredById: string | null, now = new Date()) {
  try {
    return await db.$transaction(async (tx) => {
      const [row] = await tx.$queryRaw<
        Array<{ status: string; provider: string; syncLockedUntil: Date | null; syncLockRunId: string | null; lastSuccessfulSyncAt: Date | null }>
      >`
        SELECT status::text AS status, provider::text AS provider, "syncLockedUntil", "syncLockRunId", "lastSuccessfulSyncAt"
        FROM "Integration" WHERE id = ${integrationId} FOR UPDATE`;
      if (!row || !isCrm(row.provider) || (row.status !== "CONNECTED" && row.status !== "SYNCING")) throw new LeaseHeld();
      if (row.syncLockedUntil && row.syncLockedUntil.getTime() >= now.getTime()) throw new LeaseHeld();
      const from = row.lastSuccessfulSyncAt ? new Date(row.lastSuccessfulSyncAt.getTime() - CURSOR_OVERLAP_MS) : null;
      const run = await tx.syncRun.create({
        data: { integrationId, kind, windowFrom: from, windowTo: now, triggeredById },
        select: { id: true },
      });
      await tx.integration.update({
        where: { id: integrationId },
        data: { syncLockedUntil: new Date(now.getTime() + CRM_LEASE_MS), syncLockRunId: run.id, lastSyncAt: now },
      });
      if (row.syncLockRunId) {
        await tx.syncRun.updateMany({
          where: { id: row.syncLockRunId, status: "RUNNING" },
          data: { status: "FAILED", finishedAt: now, error: "Stopped: the CRM stopped answering and a newer sync took over." },
        });
      }
      return { runId: run.id, from, to: now };
    });
  } catch (e) {
    if (e instanceof LeaseHeld) return null;
    throw e;
  }
}

async function renewCrmLease(integrationId: string, runId: string, now = new Date()): Promise<boolean> {
  const renewed = await db.integration.updateMany({
    where: { id: integrationId, syncLockRunId: runId },
    data: { syncLockedUntil: new Date(now.getTime() + CRM_LEASE_MS) },
  });
  return renewed.count === 1;
}

/** Ends a run and frees its lease (only while the run still holds it). */
export async function releaseCrmLease(integrationId: string, runId: string, ok: boolean, until: Date | null, error?: string | null) {
  const now = new Date();
  await db.syncRun.updateMany({
    where: { id: runId, status: "RUNNING" },
    data: { status: ok ? "SUCCEEDED" : "FAILED", finishedAt: now, error: error ?? null },
  });
  await db.integration.updateMany({
    where: { id: integrationId, syncLockRunId: runId },
    data: {
      syncLockedUntil: null,
      syncLockRunId: null,
      ...(ok && until ? { lastSuccessfulSyncAt: until } : {}),
      nextSyncAt: new Date(now.getTime() + CRM_SYNC_INTERVAL_MS),
    },
  });
}

/** The connected CRMs whose next sync is due and whose lease no run holds: their leases, taken. */
export async function claimDueCrmSyncs(now = new Date()) {
  const due = await db.integration.findMany({
    where: {
      provider: { in: ["HUBSPOT", "SALESFORCE"] },
      status: "CONNECTED",
      OR: [{ nextSyncAt: null }, { nextSyncAt: { lte: now } }],
      AND: [{ OR: [{ syncLockedUntil: null }, { syncLockedUntil: { lt: now } }] }],
    },
    select: { id: true, generation: true },
  });
  const claimed: Array<{ integrationId: string; generation: number; runId: string }> = [];
  for (const d of due) {
    const lease = await acquireCrmLease(d.id, "POLL", null, now);
    if (lease) claimed.push({ integrationId: d.id, generation: d.generation, runId: lease.runId });
  }
  return claimed;
}

/**
 * The run's context, or null when it must stop: a newer connection (generation), a disconnect, or its lease
 * taken over by another run (the run is then marked cancelled).
 */
export async function beginCrmRun(integrationId: string, generation: number, runId: string): Promise<CrmRunContext | null> {
  if (!(await isCurrent(integrationId, generation)) || !(await renewCrmLease(integrationId, runId))) {
    await db.syncRun.updateMany({
      where: { id: runId, status: "RUNNING" },
      data: { status: "CANCELLED", finishedAt: new Date(), error: "Stopped: another sync of this CRM took over, or it was disconnected." },
    });
    return null;
  }
  const integration = await loadCrmIntegration(integrationId);
  const run = await db.syncRun.findUniqueOrThrow({ where: { id: runId }, select: { kind: true, windowFrom: true, windowTo: true } });
  const until = run.windowTo ?? new Date();
  return {
    integrationId,
    workspaceId: integration.workspaceId,
    provider: integration.provider,
    generation,
    runId,
    kind: run.kind === "BACKFILL" ? "BACKFILL" : run.kind === "MANUAL" ? "MANUAL" : "POLL",
    since: run.windowFrom?.toISOString() ?? null,
    until: until.toISOString(),
    closedSince: new Date(until.getTime() - CLOSED_LOOKBACK_MS).toISOString(),
  };
}

/** Still this run's turn (same connection, lease held)? Renews the lease. */
async function stillCurrent(ctx: CrmRunContext): Promise<boolean> {
  return (await isCurrent(ctx.integrationId, ctx.generation)) && (await renewCrmLease(ctx.integrationId, ctx.runId));
}

type RunCounts = Partial<Record<"dealsAdded" | "dealsUpdated" | "dealsDeleted" | "accountsSynced" | "contactsSynced" | "requestsUsed", number>>;

async function addCounts(runId: string, counts: RunCounts) {
  const data = Object.fromEntries(Object.entries(counts).filter(([, v]) => v)) as RunCounts;
  if (Object.keys(data).length === 0) return;
  await db.syncRun.update({ where: { id: runId }, data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, { increment: v }])) });
}

/** Stores a run's skipped records once each (a retried step finds them already there) and counts them. */
async function recordSkipped(ctx: CrmRunContext, skipped: CrmSkipped[]) {
  if (skipped.length === 0) return;
  await db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT id FROM "SyncRun" WHERE id = ${ctx.runId} FOR UPDATE`;
    const existing = await tx.crmSkippedRecord.findMany({ where: { runId: ctx.runId }, select: { object: true, crmId: true, field: true } });
    const key = (s: { object: string; crmId: string | null; field: string }) => `${s.object}\u0000${s.crmId ?? ""}\u0000${s.field}`;
    const seen = new Set(existing.map(key));
    const fresh = skipped.filter((s) => {
      const k = key(s);
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
    if (fresh.length === 0) return;
    await tx.crmSkippedRecord.createMany({
      data: fresh.map((s) => ({
        runId: ctx.runId,
        integrationId: ctx.integrationId,
        object: s.object,
        crmId: s.crmId,
        field: s.field.slice(0, 200),
        message: s.message.slice(0, 500),
      })),
    });
    await tx.syncRun.update({ where: { id: ctx.runId }, data: { recordsSkipped: { increment: fresh.length } } });
  });
}

/** A client for this run's integration whose requests are counted on the run. */
async function runClient(ctx: CrmRunContext, deps: CrmStepDeps) {
  const integration = await loadCrmIntegration(ctx.integrationId);
  let requests = 0;
  const row: CrmIntegrationRow = {
    id: integration.id,
    provider: integration.provider,
    apiBaseUrl: integration.apiBaseUrl,
    oauthBaseUrl: integration.oauthBaseUrl,
  };
  const client = (deps.clients ?? defaultCrmClients)(row, { onReport: (_r: GateReport) => void requests++, runId: ctx.runId });
  return {
    client,
    integration,
    /** Requests counted, the quota reading kept: call once the step's work is written. */
    done: async () => {
      await addCounts(ctx.runId, { requestsUsed: requests });
      await saveQuota(ctx.integrationId, client);
    },
  };
}

async function saveQuota(integrationId: string, client: CrmClient) {
  const quota = client.quota();
  if (!quota) return;
  await db.integration.update({ where: { id: integrationId }, data: { quotaUsed: quota.used, quotaLimit: quota.limit, quotaReadAt: new Date() } });
}

// -------------------------------------------------------------------------------------------------
// Writes
// -------------------------------------------------------------------------------------------------

/** Last one wins within a page (a record listed twice), by modified time. */
function dedupe<T extends { crmId: string; modifiedAt: string }>(records: T[]): T[] {
  const byId = new Map<string, T>();
  for (const r of records) {
    const prev = byId.get(r.crmId);
    if (!prev || Date.parse(r.modifiedAt) >= Date.parse(prev.modifiedAt)) byId.set(r.crmId, r);
  }
  return [...byId.values()];
}

const SEP = ",";

/** Upserts deals by (workspace, CRM, id); writes only what changed, never an older version over a newer one. */
async function upsertDeals(ctx: CrmRunContext, deals: CrmDeal[], defaultCurrency: string): Promise<{ added: number; updated: number }> {
  const rows = dedupe(deals);
  if (rows.length === 0) return { added: 0, updated: 0 };
  const col = <K extends keyof CrmDeal>(k: K) => rows.map((d) => d[k]);
  const result = await db.$queryRaw<Array<{ inserted: boolean }>>`
    INSERT INTO "Deal" AS d (id, "workspaceId", "integrationId", "crmSource", "crmDealId", name, stage, "isClosed", "isWon", amount, currency,
      "closeDate", "crmOwnerId", "crmAccountId", "crmContactIds", "crmModifiedAt", "crmSyncStoppedAt", "createdAt", "updatedAt")
    SELECT gen_random_uuid()::text, ${ctx.workspaceId}, ${ctx.integrationId}, ${ctx.provider}::"CrmSource", t.crm_id, t.name, t.stage, t.is_closed,
      t.is_won, t.amount::numeric(14, 2), COALESCE(t.currency, ${defaultCurrency}), t.close_date::date::timestamp, t.owner, t.account,
      CASE WHEN t.contacts = '' THEN ARRAY[]::text[] ELSE string_to_array(t.contacts, ${SEP}) END,
      (t.modified::timestamptz AT TIME ZONE 'UTC'), NULL, now(), now()
    FROM unnest(${col("crmId")}::text[], ${col("name")}::text[], ${col("stage")}::text[], ${col("isClosed")}::boolean[], ${col("isWon")}::boolean[],
      ${col("amount")}::text[], ${col("currency")}::text[], ${col("closeDate")}::text[], ${col("ownerCrmId")}::text[], ${col("accountCrmId")}::text[],
      ${rows.map((d) => d.contactCrmIds.join(SEP))}::text[], ${col("modifiedAt")}::text[])
      AS t(crm_id, name, stage, is_closed, is_won, amount, currency, close_date, owner, account, contacts, modified)
    ON CONFLICT ("workspaceId", "crmSource", "crmDealId") DO UPDATE SET
      "integrationId" = EXCLUDED."integrationId", name = EXCLUDED.name, stage = EXCLUDED.stage, "isClosed" = EXCLUDED."isClosed",
      "isWon" = EXCLUDED."isWon", amount = EXCLUDED.amount, currency = EXCLUDED.currency, "closeDate" = EXCLUDED."closeDate",
      "crmOwnerId" = EXCLUDED."crmOwnerId", "crmAccountId" = EXCLUDED."crmAccountId", "crmContactIds" = EXCLUDED."crmContactIds",
      "crmModifiedAt" = EXCLUDED."crmModifiedAt", "crmSyncStoppedAt" = NULL, "updatedAt" = now()
    WHERE (d."crmModifiedAt" IS NULL OR EXCLUDED."crmModifiedAt" >= d."crmModifiedAt" OR d."integrationId" IS DISTINCT FROM EXCLUDED."integrationId")
      AND (d."integrationId", d.name, d.stage, d."isClosed", d."isWon", d.amount, d.currency, d."closeDate", d."crmOwnerId", d."crmAccountId",
           d."crmContactIds", d."crmModifiedAt", d."crmSyncStoppedAt")
      IS DISTINCT FROM (EXCLUDED."integrationId", EXCLUDED.name, EXCLUDED.stage, EXCLUDED."isClosed", EXCLUDED."isWon", EXCLUDED.amount,
           EXCLUDED.currency, EXCLUDED."closeDate", EXCLUDED."crmOwnerId", EXCLUDED."crmAccountId", EXCLUDED."crmContactIds",
           EXCLUDED."crmModifiedAt", NULL::timestamp)
    RETURNING (xmax = 0) AS inserted`;
  const added = result.filter((r) => r.inserted).length;
  return { added, updated: result.length - added };
}

/**
 * Upserts accounts. `keptOnly`: only accounts already stored or named by one of this CRM's deals (the
 * modified-accounts listing covers every company of the CRM; we keep those our deals need).
 */
async function upsertAccounts(ctx: CrmRunContext, accounts: CrmAccount[], keptOnly: boolean): Promise<number> {
  const rows = dedupe(accounts);
  if (rows.length === 0) return 0;
  const result = await db.$executeRaw`
    INSERT INTO "CrmAccount" AS a (id, "workspaceId", "integrationId", "crmSource", "crmId", name, domain, "crmModifiedAt", "createdAt", "updatedAt")
    SELECT gen_random_uuid()::text, ${ctx.workspaceId}, ${ctx.integrationId}, ${ctx.provider}::"CrmSource", t.crm_id, t.name, t.domain,
      (t.modified::timestamptz AT TIME ZONE 'UTC'), now(), now()
    FROM unnest(${rows.map((a) => a.crmId)}::text[], ${rows.map((a) => a.name)}::text[], ${rows.map((a) => normalizeDomain(a.domain))}::text[],
      ${rows.map((a) => a.modifiedAt)}::text[]) AS t(crm_id, name, domain, modified)
    WHERE NOT ${keptOnly}::boolean
      OR EXISTS (SELECT 1 FROM "CrmAccount" k WHERE k."workspaceId" = ${ctx.workspaceId} AND k."crmSource" = ${ctx.provider}::"CrmSource" AND k."crmId" = t.crm_id)
      OR EXISTS (SELECT 1 FROM "Deal" x WHERE x."workspaceId" = ${ctx.workspaceId} AND x."crmSource" = ${ctx.provider}::"CrmSource" AND x."crmAccountId" = t.crm_id)
    ON CONFLICT ("workspaceId", "crmSource", "crmId") DO UPDATE SET
      "integrationId" = EXCLUDED."integrationId", name = EXCLUDED.name, domain = EXCLUDED.domain, "crmModifiedAt" = EXCLUDED."crmModifiedAt", "updatedAt" = now()
    WHERE (a."crmModifiedAt" IS NULL OR EXCLUDED."crmModifiedAt" >= a."crmModifiedAt")
      AND (a."integrationId", a.name, a.domain, a."crmModifiedAt") IS DISTINCT FROM (EXCLUDED."integrationId", EXCLUDED.name, EXCLUDED.domain, EXCLUDED."crmModifiedAt")`;
  return result;
}

/** Upserts contacts (`keptOnly` as for accounts: stored ones, or those one of this CRM's deals names). */
async function upsertContacts(ctx: CrmRunContext, contacts: CrmContact[], keptOnly: boolean): Promise<number> {
  const rows = dedupe(contacts);
  if (rows.length === 0) return 0;
  const result = await db.$executeRaw`
    INSERT INTO "CrmContact" AS c (id, "workspaceId", "integrationId", "crmSource", "crmId", name, email, title, "accountCrmId", "crmModifiedAt", "createdAt", "updatedAt")
    SELECT gen_random_uuid()::text, ${ctx.workspaceId}, ${ctx.integrationId}, ${ctx.provider}::"CrmSource", t.crm_id, t.name, t.email, t.title, t.account,
      (t.modified::timestamptz AT TIME ZONE 'UTC'), now(), now()
    FROM unnest(${rows.map((c) => c.crmId)}::text[], ${rows.map((c) => c.name.trim() || normalizeEmail(c.email) || c.crmId)}::text[],
      ${rows.map((c) => normalizeEmail(c.email))}::text[], ${rows.map((c) => c.title)}::text[], ${rows.map((c) => c.accountCrmId)}::text[],
      ${rows.map((c) => c.modifiedAt)}::text[]) AS t(crm_id, name, email, title, account, modified)
    WHERE NOT ${keptOnly}::boolean
      OR EXISTS (SELECT 1 FROM "CrmContact" k WHERE k."workspaceId" = ${ctx.workspaceId} AND k."crmSource" = ${ctx.provider}::"CrmSource" AND k."crmId" = t.crm_id)
      OR EXISTS (SELECT 1 FROM "Deal" x WHERE x."workspaceId" = ${ctx.workspaceId} AND x."crmSource" = ${ctx.provider}::"CrmSource" AND t.crm_id = ANY(x."crmContactIds"))
    ON CONFLICT ("workspaceId", "crmSource", "crmId") DO UPDATE SET
      "integrationId" = EXCLUDED."integrationId", name = EXCLUDED.name, email = EXCLUDED.email, title = EXCLUDED.title,
      "accountCrmId" = EXCLUDED."accountCrmId", "crmModifiedAt" = EXCLUDED."crmModifiedAt", "updatedAt" = now()
    WHERE (c."crmModifiedAt" IS NULL OR EXCLUDED."crmModifiedAt" >= c."crmModifiedAt")
      AND (c."integrationId", c.name, c.email, c.title, c."accountCrmId", c."crmModifiedAt")
      IS DISTINCT FROM (EXCLUDED."integrationId", EXCLUDED.name, EXCLUDED.email, EXCLUDED.title, EXCLUDED."accountCrmId", EXCLUDED."crmModifiedAt")`;
  return result;
}

/** What a manual link to a deal deleted in the CRM says from then on. */
export function deletedDealNote(dealName: string, crm: string, when: Date): string {
  return `Linked by hand to "${dealName}", which was deleted in ${crm} on ${when.toISOString().slice(0, 10)}. Link the call to another deal if it belongs to one.`;
}

/**
 * Deals deleted in the CRM disappear: automatic links go (the relink decides anew), manual links to them
 * become "unlinked" with a note saying why, an audit event records each deletion.
 */
async function deleteDeals(ctx: CrmRunContext, crmIds: string[]): Promise<number> {
  if (crmIds.length === 0) return 0;
  const deals = await db.deal.findMany({
    where: { workspaceId: ctx.workspaceId, crmSource: ctx.provider, crmDealId: { in: crmIds } },
    select: { id: true, name: true, crmDealId: true },
  });
  const crm = providerName(ctx.provider);
  const now = new Date();
  for (const deal of deals) {
    await db.$transaction(async (tx) => {
      const manual = await tx.callDealLink.updateMany({
        where: { workspaceId: ctx.workspaceId, dealId: deal.id, source: "MANUAL" },
        data: { dealId: null, note: deletedDealNote(deal.name, crm, now) },
      });
      const auto = await tx.callDealLink.deleteMany({ where: { workspaceId: ctx.workspaceId, dealId: deal.id } });
      await tx.deal.delete({ where: { id: deal.id } });
      await recordAudit(
        {
          workspaceId: ctx.workspaceId,
          actorId: null,
          action: "crm.deal_deleted",
          summary: `"${deal.name}" was deleted in ${crm}: removed, its calls unlinked`,
          targetType: "deal",
          targetId: deal.crmDealId ?? deal.id,
          detail: { crmId: deal.crmDealId, manualLinksUnlinked: manual.count, autoLinksRemoved: auto.count },
        },
        tx,
      );
    });
  }
  return deals.length;
}

// -------------------------------------------------------------------------------------------------
// Steps
// -------------------------------------------------------------------------------------------------

export type StepResult<T> = ({ cancelled: false } & T) | { cancelled: true };

/** One page of deals (first import: open + recently closed; later: changed since the window start). */
export async function crmDealsPage(
  ctx: CrmRunContext,
  cursor: string | null,
  deps: CrmStepDeps = {},
): Promise<StepResult<{ cursor: string | null; changed: number }>> {
  if (!(await stillCurrent(ctx))) return { cancelled: true };
  const { client, integration, done } = await runClient(ctx, deps);
  const page = await client.listDeals({
    modifiedSince: ctx.since ? new Date(ctx.since) : null,
    closedSince: new Date(ctx.closedSince),
    cursor,
    priority: ctx.kind === "MANUAL" ? "interactive" : ctx.kind === "POLL" ? "poll" : "backfill",
  });
  const checked = checkRecords("deal", page.records);
  const { added, updated } = await upsertDeals(ctx, await withinScope(ctx, checked.ok), integration.crmCurrency ?? "USD");
  // What came with the page (named by its deals): stored now, so step 4 asks for none of it by id.
  const relatedAccounts = checkRecords("account", page.related?.accounts ?? []);
  const relatedContacts = checkRecords("contact", page.related?.contacts ?? []);
  const accounts = await upsertAccounts(ctx, relatedAccounts.ok, false);
  const contacts = await upsertContacts(ctx, relatedContacts.ok, false);
  await recordSkipped(ctx, [...page.skipped, ...checked.skipped, ...relatedAccounts.skipped, ...relatedContacts.skipped]);
  await addCounts(ctx.runId, { dealsAdded: added, dealsUpdated: updated, accountsSynced: accounts, contactsSynced: contacts });
  await done();
  return { cancelled: false, cursor: page.cursor, changed: added + updated + accounts + contacts };
}

/**
 * The deals a run keeps: a later run's listing names every changed deal, also one closed before the first
 * import's horizon that we never took; such a deal is taken only if we already have it (an update).
 */
async function withinScope(ctx: CrmRunContext, deals: CrmDeal[]): Promise<CrmDeal[]> {
  const horizon = Date.parse(ctx.closedSince);
  const old = deals.filter((d) => d.isClosed && (d.closeDate === null || Date.parse(`${d.closeDate}T00:00:00Z`) < horizon)).map((d) => d.crmId);
  if (old.length === 0) return deals;
  const known = new Set(
    (
      await db.deal.findMany({
        where: { workspaceId: ctx.workspaceId, crmSource: ctx.provider, crmDealId: { in: old } },
        select: { crmDealId: true },
      })
    ).map((d) => d.crmDealId),
  );
  const drop = new Set(old.filter((id) => !known.has(id)));
  return deals.filter((d) => !drop.has(d.crmId));
}

/** One page of accounts or contacts changed since the window start (later runs): those we keep are updated. */
export async function crmModifiedPage(
  ctx: CrmRunContext,
  object: "account" | "contact",
  cursor: string | null,
  deps: CrmStepDeps = {},
): Promise<StepResult<{ cursor: string | null; changed: number }>> {
  if (!ctx.since) return { cancelled: false, cursor: null, changed: 0 };
  if (!(await stillCurrent(ctx))) return { cancelled: true };
  const { client, done } = await runClient(ctx, deps);
  const params = { since: new Date(ctx.since), cursor, priority: ctx.kind === "MANUAL" ? ("interactive" as const) : ("poll" as const) };
  let changed: number;
  let skipped: CrmSkipped[];
  let next: string | null;
  if (object === "account") {
    const page = await client.listModifiedAccounts(params);
    const checked = checkRecords("account", page.records);
    changed = await upsertAccounts(ctx, checked.ok, true);
    skipped = [...page.skipped, ...checked.skipped];
    next = page.cursor;
    await addCounts(ctx.runId, { accountsSynced: changed });
  } else {
    const page = await client.listModifiedContacts(params);
    const checked = checkRecords("contact", page.records);
    changed = await upsertContacts(ctx, checked.ok, true);
    skipped = [...page.skipped, ...checked.skipped];
    next = page.cursor;
    await addCounts(ctx.runId, { contactsSynced: changed });
  }
  await recordSkipped(ctx, skipped);
  await done();
  return { cancelled: false, cursor: next, changed };
}

/** Deletions in the CRM since the window start: deals, accounts and contacts (nothing on a full import). */
export async function crmDeletions(ctx: CrmRunContext, deps: CrmStepDeps = {}): Promise<StepResult<{ changed: number }>> {
  if (!ctx.since) return { cancelled: false, changed: 0 };
  if (!(await stillCurrent(ctx))) return { cancelled: true };
  const { client, done } = await runClient(ctx, deps);
  const window = { since: new Date(ctx.since), until: new Date(ctx.until), priority: ctx.kind === "MANUAL" ? ("interactive" as const) : ("poll" as const) };
  const [deals, accounts, contacts] = [
    await client.listDeleted("deal", window),
    await client.listDeleted("account", window),
    await client.listDeleted("contact", window),
  ];
  const dealsDeleted = await deleteDeals(ctx, deals);
  const where = { workspaceId: ctx.workspaceId, crmSource: ctx.provider };
  const accountsGone = accounts.length ? (await db.crmAccount.deleteMany({ where: { ...where, crmId: { in: accounts } } })).count : 0;
  const contactsGone = contacts.length ? (await db.crmContact.deleteMany({ where: { ...where, crmId: { in: contacts } } })).count : 0;
  await addCounts(ctx.runId, { dealsDeleted });
  await done();
  return { cancelled: false, changed: dealsDeleted + accountsGone + contactsGone };
}

/**
 * The next FETCH_CHUNK ids (in id order, after `after`) of accounts or contacts this connection's deals name
 * that are not stored. Each id is looked up by the stored table's unique key in a LATERAL subquery (LIMIT 1
 * keeps it from being flattened into a join), so the lookup is an index probe per id whatever the planner's
 * statistics say: during a first import the tables grow from empty faster than autovacuum analyzes them, and
 * an anti join planned on "empty" tables read every stored contact for each id (the 20,000-deal import's
 * contacts step never finished; docs/benchmarks.md, CRM first import).
 */
export function missingIdsStatement(ctx: Pick<CrmRunContext, "workspaceId" | "integrationId">, object: "account" | "contact", after: string | null) {
  const from = after ?? "";
  const named =
    object === "account"
      ? Prisma.sql`SELECT d."workspaceId" AS ws, d."crmSource" AS src, d."crmAccountId" AS id FROM "Deal" d
          WHERE d."workspaceId" = ${ctx.workspaceId} AND d."integrationId" = ${ctx.integrationId} AND d."crmAccountId" IS NOT NULL AND d."crmAccountId" > ${from}`
      : Prisma.sql`SELECT d."workspaceId" AS ws, d."crmSource" AS src, cid AS id FROM "Deal" d CROSS JOIN LATERAL unnest(d."crmContactIds") AS cid
          WHERE d."workspaceId" = ${ctx.workspaceId} AND d."integrationId" = ${ctx.integrationId} AND cid > ${from}`;
  const stored =
    object === "account"
      ? Prisma.sql`SELECT 1 AS hit FROM "CrmAccount" a WHERE a."workspaceId" = n.ws AND a."crmSource" = n.src AND a."crmId" = n.id LIMIT 1`
      : Prisma.sql`SELECT 1 AS hit FROM "CrmContact" c WHERE c."workspaceId" = n.ws AND c."crmSource" = n.src AND c."crmId" = n.id LIMIT 1`;
  return Prisma.sql`
    SELECT DISTINCT n.id FROM (${named}) n LEFT JOIN LATERAL (${stored}) k ON true
    WHERE k.hit IS NULL ORDER BY 1 LIMIT ${FETCH_CHUNK}`;
}

/**
 * Accounts or contacts this CRM's deals name that are not stored yet, FETCH_CHUNK ids per step in id order
 * after `after` (each id asked once per run, also the ones the CRM does not know). Next `after`, or null.
 */
export async function crmFetchMissing(
  ctx: CrmRunContext,
  object: "account" | "contact",
  after: string | null,
  deps: CrmStepDeps = {},
): Promise<StepResult<{ after: string | null; changed: number }>> {
  if (!(await stillCurrent(ctx))) return { cancelled: true };
  const ids = await db.$queryRaw<Array<{ id: string }>>(missingIdsStatement(ctx, object, after));
  if (ids.length === 0) return { cancelled: false, after: null, changed: 0 };
  const { client, done } = await runClient(ctx, deps);
  const wanted = ids.map((r) => r.id);
  const priority = ctx.kind === "MANUAL" ? ("interactive" as const) : ctx.kind === "POLL" ? ("poll" as const) : ("backfill" as const);
  let changed: number;
  if (object === "account") {
    const page = await client.getAccounts(wanted, { priority });
    const checked = checkRecords("account", page.records);
    changed = await upsertAccounts(ctx, checked.ok, false);
    await recordSkipped(ctx, [...page.skipped, ...checked.skipped]);
    await addCounts(ctx.runId, { accountsSynced: changed });
  } else {
    const page = await client.getContacts(wanted, { priority });
    const checked = checkRecords("contact", page.records);
    changed = await upsertContacts(ctx, checked.ok, false);
    await recordSkipped(ctx, [...page.skipped, ...checked.skipped]);
    await addCounts(ctx.runId, { contactsSynced: changed });
  }
  await done();
  return { cancelled: false, after: ids.length < FETCH_CHUNK ? null : wanted[wanted.length - 1]!, changed };
}

/**
 * The deals' account names and DealContact rows (contacts with an email: what links calls) from the stored
 * accounts and contacts, for every deal of this CRM connection. Writes only what differs; returns how many rows changed.
 */
export async function crmMaterialize(ctx: CrmRunContext): Promise<StepResult<{ changed: number }>> {
  if (!(await stillCurrent(ctx))) return { cancelled: true };
  const changed = await db.$transaction(
    async (tx) => {
      const names = await tx.$executeRaw`
        UPDATE "Deal" d SET "accountName" = a.name, "updatedAt" = now()
        FROM "CrmAccount" a
        WHERE d."integrationId" = ${ctx.integrationId} AND a."workspaceId" = d."workspaceId" AND a."crmSource" = d."crmSource"
          AND a."crmId" = d."crmAccountId" AND d."accountName" IS DISTINCT FROM a.name`;
      const cleared = await tx.$executeRaw`
        UPDATE "Deal" SET "accountName" = NULL, "updatedAt" = now()
        WHERE "integrationId" = ${ctx.integrationId} AND "crmAccountId" IS NULL AND "accountName" IS NOT NULL`;
      const wanted = wantedDealContacts(ctx.integrationId);
      const removed = await tx.$executeRaw`
        DELETE FROM "DealContact" dc USING "Deal" d
        WHERE dc."dealId" = d.id AND d."integrationId" = ${ctx.integrationId}
          AND NOT EXISTS (SELECT 1 FROM (${wanted}) w WHERE w.deal_id = dc."dealId" AND w.email = dc.email)`;
      const written = await tx.$executeRaw`
        INSERT INTO "DealContact" AS dc (id, "workspaceId", "dealId", name, email, title, "crmContactId", "createdAt", "updatedAt")
        SELECT gen_random_uuid()::text, w.workspace_id, w.deal_id, w.name, w.email, w.title, w.crm_id, now(), now() FROM (${wanted}) w
        ON CONFLICT ("dealId", email) DO UPDATE SET name = EXCLUDED.name, title = EXCLUDED.title, "crmContactId" = EXCLUDED."crmContactId", "updatedAt" = now()
        WHERE (dc.name, dc.title, dc."crmContactId") IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.title, EXCLUDED."crmContactId")`;
      return names + cleared + removed + written;
    },
    { timeout: 120_000, maxWait: 30_000 },
  );
  return { cancelled: false, changed };
}

/**
 * The contacts each deal of the connection should list: one row per (deal, email), the first contact role wins.
 * Each contact is read by its unique key in a LATERAL subquery (an index probe per id, whatever the statistics
 * say; see missingIdsStatement).
 */
export function wantedDealContacts(integrationId: string) {
  return Prisma.sql`
    SELECT DISTINCT ON (d.id, c.email) d."workspaceId" AS workspace_id, d.id AS deal_id, c.name, c.email, c.title, c."crmId" AS crm_id
    FROM "Deal" d CROSS JOIN LATERAL unnest(d."crmContactIds") WITH ORDINALITY AS x(cid, n)
    CROSS JOIN LATERAL (
      SELECT k.name, k.email, k.title, k."crmId" FROM "CrmContact" k
      WHERE k."workspaceId" = d."workspaceId" AND k."crmSource" = d."crmSource" AND k."crmId" = x.cid LIMIT 1
    ) c
    WHERE d."integrationId" = ${integrationId} AND c.email IS NOT NULL
    ORDER BY d.id, c.email, x.n`;
}

/** Deal owners: the CRM's users matched to this workspace's active members by email (case-insensitive). */
export async function crmMatchOwners(ctx: CrmRunContext, deps: CrmStepDeps = {}): Promise<StepResult<{ changed: number }>> {
  if (!(await stillCurrent(ctx))) return { cancelled: true };
  const { client, done } = await runClient(ctx, deps);
  const owners = await client.listOwners({ priority: ctx.kind === "MANUAL" ? "interactive" : "poll" });
  const emails = [...new Set(owners.map((o) => normalizeEmail(o.email)).filter((e): e is string => !!e))];
  const members = emails.length
    ? await db.membership.findMany({
        where: { workspaceId: ctx.workspaceId, status: "ACTIVE", user: { email: { in: emails } } },
        select: { userId: true, user: { select: { email: true } } },
      })
    : [];
  const userByEmail = new Map(members.map((m) => [m.user.email.toLowerCase(), m.userId]));
  const matched = owners.flatMap((o) => {
    const userId = userByEmail.get(normalizeEmail(o.email) ?? "");
    return userId ? [{ crmId: o.crmId, userId }] : [];
  });
  const set = await db.$executeRaw`
    UPDATE "Deal" d SET "ownerId" = o.user_id, "updatedAt" = now()
    FROM unnest(${matched.map((m) => m.crmId)}::text[], ${matched.map((m) => m.userId)}::text[]) AS o(crm_id, user_id)
    WHERE d."integrationId" = ${ctx.integrationId} AND d."crmOwnerId" = o.crm_id AND d."ownerId" IS DISTINCT FROM o.user_id`;
  const unset = await db.$executeRaw`
    UPDATE "Deal" SET "ownerId" = NULL, "updatedAt" = now()
    WHERE "integrationId" = ${ctx.integrationId} AND "ownerId" IS NOT NULL
      AND ("crmOwnerId" IS NULL OR NOT ("crmOwnerId" = ANY(${matched.map((m) => m.crmId)}::text[])))`;
  await done();
  return { cancelled: false, changed: set + unset };
}

/**
 * Ends a run that went through: the lease is freed, the next run continues from this one's start, a first
 * import moves the CRM to Connected. `relink`: whether calls must be linked again (anything changed, or a first import).
 */
export async function finishCrmRun(ctx: CrmRunContext, changed: number): Promise<{ relink: boolean }> {
  await releaseCrmLease(ctx.integrationId, ctx.runId, true, new Date(ctx.until));
  if (ctx.kind === "BACKFILL") await tryTransition(ctx.integrationId, { type: "crmImportCompleted", now: new Date() });
  else await db.integration.updateMany({ where: { id: ctx.integrationId, status: "CONNECTED" }, data: { statusMessage: null } });
  return { relink: changed > 0 || ctx.kind === "BACKFILL" };
}

/**
 * A run that failed for good (its steps gave up): the run records why, the lease is freed, and the failure
 * table's lifecycle change is applied (revoked or expired access: Reconnect required, with the reason); a
 * first import that failed otherwise leaves the CRM connected, to import at the next sync.
 */
export async function failCrmRun(integrationId: string, runId: string | null, kind: CrmRunKind, failure: Failure) {
  if (runId) await releaseCrmLease(integrationId, runId, false, null, failure.message);
  if (FAILURES[failure.kind].lifecycle === "reconnectRequired") {
    await tryTransition(integrationId, { type: "reconnectRequired", message: failure.message });
    return;
  }
  if (kind === "BACKFILL") await tryTransition(integrationId, { type: "crmImportFailed", now: new Date(), message: failure.message });
}
