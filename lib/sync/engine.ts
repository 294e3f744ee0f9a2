// The sync engine's units of work. Each function is idempotent and small enough to be one durable step:
// the Inngest functions in inngest/functions/ only sequence them. Nothing here branches on provider; every
// difference is behind the ProviderClient interface. Integration status and wizard step change only
// through lifecycle events (lib/sync/lifecycle.ts); what a failure means is in lib/sync/failures.ts.
import "server-only";
import { db } from "@/lib/db";

import type { CallsCheckpoint, GateReport, ProviderClient, RequestPriority } from "@/lib/providers/types";
import { describeProvider, PROVIDER_IDS, RECORDER_IDS, recorderId, type ProviderId } from "@/lib/providers/registry";
import { integrationClient } from "@/lib/sync/clients";
import { claimTranscripts, ingestCalls, loadIngestContext, releaseTranscripts, storeTranscripts } from "@/lib/sync/ingest";
import { linkCalls } from "@/lib/sync/linking";
import { noteSkippedCalls } from "@/lib/sync/skipped";
import { lockWorkspaceCalls } from "@/lib/sync/meetings";
import { FAILURES, type Failure } from "@/lib/sync/failures";
import { LIVE, POLL_INTERVAL_MS, transition, tryTransition } from "@/lib/sync/lifecycle";
import type { BackfillPeriod, SyncRunKind } from "@/lib/generated/prisma/enums";

export { POLL_INTERVAL_MS };
/**
 * Each poll re-reads this much before the last successful sync, for calls that showed up late: the
 * provider's describe().pollOverlapMs (Gong two days: it lists calls up to a day after they end), at least this.
 */
export const POLL_OVERLAP_MS = 6 * 3_600_000;
export const pollOverlapMs = (provider: ProviderId) => Math.max(POLL_OVERLAP_MS, describeProvider(provider).pollOverlapMs);
/** Transcripts still missing for calls this recent are asked for again on every poll. */
export const TRANSCRIPT_RECHECK_MS = 7 * 86_400_000;
/** A poll/manual sync lease; renewed by each page. */
const SYNC_LEASE_MS = 10 * 60_000;

const DAY = 86_400_000;
export const BACKFILL_DAYS: Record<BackfillPeriod, number | null> = {
  DAYS_30: 30,
  DAYS_60: 60,
  DAYS_90: 90,
  MONTHS_6: 183,
  YEAR_1: 365,
  ALL_TIME: null,
  SKIP: 0,
};
/** "All time" starts here: older than any call recorder's history. */
const ALL_TIME_FROM = new Date("2010-01-01T00:00:00Z");

export function backfillWindow(period: BackfillPeriod, now: Date): { from: Date; to: Date } {
  const days = BACKFILL_DAYS[period];
  return { from: days === null ? ALL_TIME_FROM : new Date(now.getTime() - days * DAY), to: now };
}

// -------------------------------------------------------------------------------------------------
// Integration and run bookkeeping
// -------------------------------------------------------------------------------------------------

/** A call recorder's integration (the engine never runs for a CRM: lib/crm has its own). */
async function loadIntegration(integrationId: string) {
  const row = await db.integration.findUniqueOrThrow({
    where: { id: integrationId },
    select: { id: true, workspaceId: true, provider: true, status: true, generation: true, apiBaseUrl: true, lastSuccessfulSyncAt: true, backfillFrom: true },
  });
  return { ...row, provider: recorderId(row.provider) };
}

export async function isCurrent(integrationId: string, generation: number): Promise<boolean> {
  const row = await db.integration.findUnique({ where: { id: integrationId }, select: { generation: true, status: true } });
  return !!row && row.generation === generation && (LIVE as readonly string[]).includes(row.status);
}

/** Counts one run's requests: plugged into the gate's onReport. */
function runCounter() {
  let requests = 0;
  return {
    onReport: (_r: GateReport) => void requests++,
    take: () => {
      const n = requests;
      requests = 0;
      return n;
    },
  };
}

async function addRunCounts(runId: string | null, counts: { added?: number; updated?: number; transcripts?: number; requests?: number; skipped?: number }) {
  if (!runId) return;
  await db.syncRun.update({
    where: { id: runId },
    data: {
      recordsSkipped: { increment: counts.skipped ?? 0 },
      callsAdded: { increment: counts.added ?? 0 },
      callsUpdated: { increment: counts.updated ?? 0 },
      transcriptsAdded: { increment: counts.transcripts ?? 0 },
      requestsUsed: { increment: counts.requests ?? 0 },
    },
  });
}

export async function startRun(
  integrationId: string,
  kind: SyncRunKind,
  window: { from?: Date | null; to?: Date | null },
  triggeredById?: string | null,
  userSyncId?: string | null,
) {
  return db.syncRun.create({
    data: {
      integrationId,
      kind,
      windowFrom: window.from ?? null,
      windowTo: window.to ?? null,
      triggeredById: triggeredById ?? null,
      userSyncId: userSyncId ?? null,
    },
    select: { id: true },
  });
}

export async function finishRun(runId: string, status: "SUCCEEDED" | "FAILED" | "CANCELLED", error?: string | null) {
  await db.syncRun.updateMany({ where: { id: runId, status: "RUNNING" }, data: { status, finishedAt: new Date(), error: error ?? null } });
}

// -------------------------------------------------------------------------------------------------
// Users
// -------------------------------------------------------------------------------------------------

/**
 * Lists provider users, stores them, matches them to workspace users by email (case-insensitive) and
 * creates a Pending UserSync for each match. Provider users without a workspace user are kept (the
 * wizard lists them apart) but never synced.
 */
export async function discoverUsers(integrationId: string) {
  const integration = await loadIntegration(integrationId);
  // Background work (the backfill function), so not "interactive": that priority is held to a small share of
  // the daily quota for people asking for recording links (lib/sync/rate-limiter.ts), and must not stall a backfill.
  const client = integrationClient(integration, { priority: "poll" });
  const users = await client.listUsers({ priority: "poll" });
  const members = await db.membership.findMany({ where: { workspaceId: integration.workspaceId }, select: { user: { select: { id: true, email: true } } } });
  const byEmail = new Map(members.map((m) => [m.user.email.toLowerCase(), m.user.id]));
  let matched = 0;
  for (const u of users) {
    const email = u.email?.trim().toLowerCase() || null;
    const workspaceUserId = (email && byEmail.get(email)) || null;
    const pu = await db.providerUser.upsert({
      where: { integrationId_providerUserId: { integrationId, providerUserId: u.providerUserId } },
      create: { integrationId, providerUserId: u.providerUserId, email, name: u.name, title: u.title, active: u.active, workspaceUserId },
      update: { email, name: u.name, title: u.title, active: u.active, workspaceUserId },
    });
    if (workspaceUserId) {
      matched++;
      await db.userSync.upsert({ where: { providerUserId: pu.id }, create: { integrationId, providerUserId: pu.id }, update: {} });
    } else {
      await db.userSync.deleteMany({ where: { providerUserId: pu.id, status: { in: ["PENDING"] } } });
    }
  }
  await db.integration.update({ where: { id: integrationId }, data: { usersCheckedAt: new Date() } });
  return { total: users.length, matched, unmatched: users.length - matched };
}

/** How often a poll re-reads the provider's user list (one listing: a request per 100 users on Gong). */
export const USERS_RECHECK_MS = 24 * 3_600_000;

/**
 * The daily re-check of provider users, run at the start of a poll: a provider user added since (or given an
 * email that now matches an active member) is matched to that member and listed as "Needs sync", with the
 * per-user Backfill, exactly as when a member joins (lib/integrations/member-sync.ts). Existing matches and
 * their statuses are left alone. Skipped when the list was read less than USERS_RECHECK_MS ago.
 */
export async function recheckProviderUsers(integrationId: string, generation: number, runId: string, now = new Date()) {
  if (!(await isCurrent(integrationId, generation))) return { checked: false, newlyMatched: 0 };
  const integration = await loadIntegration(integrationId);
  const { usersCheckedAt } = await db.integration.findUniqueOrThrow({ where: { id: integrationId }, select: { usersCheckedAt: true } });
  if (usersCheckedAt && now.getTime() - usersCheckedAt.getTime() < USERS_RECHECK_MS) return { checked: false, newlyMatched: 0 };
  const counter = runCounter();
  const client = integrationClient(integration, { priority: "poll", onReport: counter.onReport });
  const users = await client.listUsers({ priority: "poll" });
  const [members, known] = await Promise.all([
    db.membership.findMany({ where: { workspaceId: integration.workspaceId, status: "ACTIVE" }, select: { user: { select: { id: true, email: true } } } }),
    db.providerUser.findMany({ where: { integrationId }, select: { providerUserId: true, workspaceUserId: true } }),
  ]);
  const byEmail = new Map(members.map((m) => [m.user.email.toLowerCase(), m.user.id]));
  const matchedBefore = new Map(known.map((k) => [k.providerUserId, k.workspaceUserId]));
  const taken = new Set(known.map((k) => k.workspaceUserId).filter(Boolean));
  let newlyMatched = 0;
  for (const u of users) {
    const email = u.email?.trim().toLowerCase() || null;
    const previous = matchedBefore.get(u.providerUserId) ?? null;
    const candidate = email ? byEmail.get(email) : undefined;
    const match = previous ?? (candidate && !taken.has(candidate) ? candidate : null);
    const pu = await db.providerUser.upsert({
      where: { integrationId_providerUserId: { integrationId, providerUserId: u.providerUserId } },
      create: { integrationId, providerUserId: u.providerUserId, email, name: u.name, title: u.title, active: u.active, workspaceUserId: match },
      update: { email, name: u.name, title: u.title, active: u.active, ...(previous ? {} : { workspaceUserId: match }) },
      select: { id: true },
    });
    if (!previous && match) {
      newlyMatched++;
      taken.add(match);
      await db.userSync.upsert({
        where: { providerUserId: pu.id },
        create: { integrationId, providerUserId: pu.id, status: "NEEDS_SYNC" },
        update: { status: "NEEDS_SYNC", callsSynced: 0, error: null, errorCode: null, finishedAt: null },
      });
    }
  }
  await addRunCounts(runId, { requests: counter.take() });
  await db.integration.update({ where: { id: integrationId }, data: { usersCheckedAt: now } });
  return { checked: true, newlyMatched };
}

// -------------------------------------------------------------------------------------------------
// Backfill
// -------------------------------------------------------------------------------------------------

/** Records the chosen period and resets every matched user to Pending for the window. */
export async function planBackfill(integrationId: string, period: BackfillPeriod, triggeredById: string | null, now = new Date()) {
  const { from, to } = backfillWindow(period, now);
  const skip = period === "SKIP";
  // First, so a backfill whose integration was disconnected meanwhile writes nothing (the step fails).
  await transition(integrationId, { type: "backfillPlanned", period, backfillFrom: skip ? null : from, windowTo: to }, { now });
  const run = await startRun(integrationId, "BACKFILL", { from: skip ? null : from, to }, triggeredById);
  if (!skip) await ensureOutsideHostsRow(integrationId, describeProvider((await loadIntegration(integrationId)).provider).userListingBy);
  await db.userSync.updateMany({
    where: { integrationId, OR: [{ kind: "OUTSIDE_HOSTS" }, { providerUser: { workspaceUserId: { not: null } } }] },
    data: skip
      ? { status: "COMPLETED", callsSynced: 0, windowFrom: null, windowTo: null, error: null, errorCode: null, finishedAt: now }
      : { status: "PENDING", callsSynced: 0, windowFrom: from, windowTo: to, error: null, errorCode: null, startedAt: null, finishedAt: null, attempts: 0 },
  });
  if (!skip) await db.$executeRaw`UPDATE "UserSync" SET checkpoint = NULL WHERE "integrationId" = ${integrationId}`;
  // The outside-hosts pass first: it reads the most, so it should not wait behind every user's listing.
  const users = await db.userSync.findMany({ where: { integrationId, status: "PENDING" }, select: { id: true }, orderBy: [{ kind: "desc" }, { id: "asc" }] });
  if (skip || users.length === 0) await completeBackfillIfDone(integrationId, run.id, now);
  return { runId: run.id, userSyncIds: users.map((u) => u.id), window: { from, to } };
}

/**
 * The backfill's row for calls hosted by provider users outside the workspace that a workspace user took part in
 * (issue 16.3), shown under the users with its count, failure and Retry, and naming its runs.
 */
export const OUTSIDE_HOSTS_LABEL = "Calls hosted outside the workspace";

/**
 * The outside-hosts unit of work (issue 16.3) of an integration whose per-user listings go by host: one row
 * per integration, created once (a duplicate backfill event finds it); none where listings go by participant.
 */
async function ensureOutsideHostsRow(integrationId: string, listingBy: "host" | "participant") {
  if (listingBy !== "host") {
    await db.userSync.deleteMany({ where: { integrationId, kind: "OUTSIDE_HOSTS" } });
    return;
  }
  await db.$executeRaw`
    INSERT INTO "UserSync" (id, "integrationId", kind, status, "createdAt", "updatedAt")
    VALUES (gen_random_uuid()::text, ${integrationId}, 'OUTSIDE_HOSTS'::"UserSyncKind", 'PENDING'::"UserSyncStatus", now(), now())
    ON CONFLICT ("integrationId") WHERE kind = 'OUTSIDE_HOSTS' DO NOTHING`;
}

export interface PageResult {
  done: boolean;
  cancelled?: boolean;
  kept: number;
}

/**
 * One page of one user's backfill: list, keep qualifying calls, upsert, fetch their transcripts in
 * batches, link deals, then save count and checkpoint together (a retry resumes at the next page).
 */
export async function backfillUserPage(userSyncId: string, generation: number, runId: string | null): Promise<PageResult> {
  const us = await db.userSync.findUniqueOrThrow({
    where: { id: userSyncId },
    select: {
      id: true,
      integrationId: true,
      status: true,
      checkpoint: true,
      windowFrom: true,
      windowTo: true,
      startedAt: true,
      kind: true,
      providerUser: { select: { providerUserId: true, email: true } },
    },
  });
  if (!(await isCurrent(us.integrationId, generation))) return { done: true, cancelled: true, kept: 0 };
  if (us.status === "COMPLETED") return { done: true, kept: 0 };
  if (!us.windowFrom || !us.windowTo) throw new Error(`UserSync ${userSyncId} has no backfill window`);
  await db.userSync.update({
    where: { id: us.id },
    data: { status: "IN_PROGRESS", startedAt: us.startedAt ?? new Date(), error: null, errorCode: null },
  });

  const integration = await loadIntegration(us.integrationId);
  const counter = runCounter();
  const client = integrationClient(integration, { priority: "backfill", onReport: counter.onReport });
  const checkpoint = (us.checkpoint as CallsCheckpoint | null) ?? null;
  const window = { from: us.windowFrom, to: us.windowTo };
  const page =
    us.kind === "OUTSIDE_HOSTS"
      ? await outsideHostsPage(integration, client, window, checkpoint)
      : await client.listCalls({
          ...window,
          user: { providerUserId: us.providerUser!.providerUserId, email: us.providerUser!.email },
          checkpoint,
          priority: "backfill",
        });
  const { kept, added, updated, transcripts } = await ingestPage(integration, generation, client, page.calls, "backfill", `user:${us.id}`);
  // Records that failed validation are skipped, not fatal: the checkpoint below still moves on.
  const skipped = await noteSkippedCalls(us.integrationId, runId, page);

  if (!(await isCurrent(us.integrationId, generation))) return { done: true, cancelled: true, kept: kept.length };
  const done = page.checkpoint === null;
  // Count and checkpoint move only from the checkpoint this page started at: when two workers run the
  // same user (a duplicate event), the page is counted once and the slower worker stops here.
  const advanced = await db.$executeRaw`
    UPDATE "UserSync" SET
      "callsSynced" = "callsSynced" + ${kept.length},
      checkpoint = COALESCE(${page.checkpoint === null ? null : JSON.stringify(page.checkpoint)}::jsonb, checkpoint),
      status = CASE WHEN ${done} THEN 'COMPLETED'::"UserSyncStatus" ELSE status END,
      "finishedAt" = CASE WHEN ${done} THEN now() ELSE "finishedAt" END,
      "updatedAt" = now()
    WHERE id = ${us.id} AND status <> 'COMPLETED'
      AND checkpoint IS NOT DISTINCT FROM ${us.checkpoint === null ? null : JSON.stringify(us.checkpoint)}::jsonb`;
  if (advanced === 0) {
    // Another worker moved this user on meanwhile: a duplicate event, or an earlier attempt of this very
    // step that the runtime gave up on (request timeout) but that still finished. Stop only if the user
    // is finished; otherwise the next step carries on from the checkpoint that worker saved.
    await addRunCounts(runId, { requests: counter.take() });
    const now = await db.userSync.findUnique({ where: { id: us.id }, select: { status: true } });
    return { done: now === null || now.status === "COMPLETED" || now.status === "FAILED", kept: 0 };
  }
  await addRunCounts(runId, { added, updated, transcripts, skipped, requests: counter.take() });
  return { done, kept: kept.length };
}

/**
 * One page of the outside-hosts pass: the calls hosted by the provider users no workspace user matches (known
 * from the users discovery) that a workspace user took part in.
 */
async function outsideHostsPage(
  integration: Awaited<ReturnType<typeof loadIntegration>>,
  client: ProviderClient,
  window: { from: Date; to: Date },
  checkpoint: CallsCheckpoint | null,
) {
  if (!client.listOutsideHostedCalls) throw new Error(`${client.describe().displayName} lists by host but has no outside-hosts listing`);
  const [providerUsers, members] = await Promise.all([
    db.providerUser.findMany({ where: { integrationId: integration.id }, select: { providerUserId: true, workspaceUserId: true } }),
    db.membership.findMany({ where: { workspaceId: integration.workspaceId }, select: { user: { select: { email: true } } } }),
  ]);
  return client.listOutsideHostedCalls({
    ...window,
    outsideHostIds: providerUsers.filter((u) => !u.workspaceUserId).map((u) => u.providerUserId),
    workspaceUserIds: providerUsers.filter((u) => u.workspaceUserId).map((u) => u.providerUserId),
    workspaceEmails: members.map((m) => m.user.email.toLowerCase()),
    checkpoint,
    priority: "backfill",
  });
}

/** Upserts a page of calls, fetches transcripts of the kept ones that lack one, links deals. */
async function ingestPage(
  integration: Awaited<ReturnType<typeof loadIntegration>>,
  /** The connection the run works for: stamped on the calls it writes (a purge of it deletes them). */
  generation: number,
  client: ProviderClient,
  calls: Parameters<typeof ingestCalls>[1],
  priority: RequestPriority,
  owner: string,
) {
  const ctx = await loadIngestContext(integration.workspaceId, integration.id, generation);
  const res = await ingestCalls(ctx, calls);
  const needTranscript = res.kept.filter((k) => k.transcriptStatus === "PENDING").map((k) => k.providerCallId);
  const transcripts = await fetchAndStoreTranscripts(integration, client, needTranscript, priority, owner);
  await linkCalls(
    integration.workspaceId,
    res.kept.map((k) => k.id),
  );
  return { kept: res.kept, added: res.added, updated: res.updated, transcripts };
}

async function fetchAndStoreTranscripts(
  integration: { workspaceId: string; provider: ProviderId },
  client: ProviderClient,
  providerCallIds: string[],
  priority: RequestPriority,
  /** Who claims the transcripts while fetching them (a user's backfill, or a poll run). */
  owner: string,
): Promise<number> {
  const batch = client.describe().maxTranscriptBatch;
  const { workspaceId, provider } = integration;
  let stored = 0;
  for (let i = 0; i < providerCallIds.length; i += batch) {
    // Calls another worker is fetching right now are left to it (fetch nothing twice).
    const mine = await claimTranscripts(workspaceId, provider, providerCallIds.slice(i, i + batch), owner);
    if (mine.length === 0) continue;
    try {
      const transcripts = await client.fetchTranscripts(mine, { priority });
      stored += await storeTranscripts(workspaceId, provider, transcripts);
    } finally {
      await releaseTranscripts(workspaceId, provider, mine, owner);
    }
  }
  return stored;
}

/**
 * Marks one user Failed with a message a person can act on, in one write, and applies the failure's
 * lifecycle change (e.g. access revoked: the integration needs a reconnect).
 */
export async function markUserFailed(userSyncId: string, failure: Failure) {
  const us = await db.userSync.findUnique({ where: { id: userSyncId }, select: { integrationId: true } });
  if (!us) return;
  await db.userSync.update({ where: { id: userSyncId }, data: { status: "FAILED", error: failure.message, errorCode: failure.code, finishedAt: new Date() } });
  await applyFailureLifecycle(us.integrationId, failure);
}

/** The failure table's state change for the integration; true when it had one. */
export async function applyFailureLifecycle(integrationId: string, failure: Failure): Promise<boolean> {
  if (FAILURES[failure.kind].lifecycle !== "reconnectRequired") return false;
  await markReconnectRequired(integrationId, failure.message);
  return true;
}

/** No-op once disconnected (a late failure must not revive it). */
export async function markReconnectRequired(integrationId: string, message: string) {
  await tryTransition(integrationId, { type: "reconnectRequired", message });
}

/**
 * The backfill function failed before it planned anything (e.g. the users could not be listed): back to
 * the Backfill step so the admin can start it again, instead of a Sync step that never ends. Revoked
 * access instead asks for a reconnect.
 */
export async function failBackfillStart(integrationId: string, failure: Failure) {
  if (await applyFailureLifecycle(integrationId, failure)) return;
  await tryTransition(integrationId, { type: "backfillFailedToStart", message: failure.message });
}

/** Closes the backfill when no user is Pending or In Progress; schedules the first poll. */
export async function completeBackfillIfDone(integrationId: string, runId: string, now = new Date()) {
  const open = await db.userSync.count({ where: { integrationId, status: { in: ["PENDING", "IN_PROGRESS"] } } });
  if (open > 0) return false;
  const [failed, outsideFailed] = await Promise.all([
    db.userSync.count({ where: { integrationId, status: "FAILED", kind: "USER" } }),
    db.userSync.count({ where: { integrationId, status: "FAILED", kind: "OUTSIDE_HOSTS" } }),
  ]);
  const status = failed || outsideFailed ? "FAILED" : "SUCCEEDED";
  const parts = [
    ...(failed ? [`${failed} user${failed === 1 ? "" : "s"} failed`] : []),
    ...(outsideFailed ? [`${OUTSIDE_HOSTS_LABEL.toLowerCase()} failed`] : []),
  ];
  const error = parts.length ? `${parts.join(" and ")}; retry from the sync status.` : null;
  // A per-user run (retry, user backfill) ends as its own user did, whatever another user's state (issue 17.4):
  // a retry that brought its user to Completed reads as succeeded even while someone else is still failed.
  const perUser = await db.syncRun.findMany({
    where: { integrationId, status: "RUNNING", kind: { in: ["USER_RETRY", "USER_BACKFILL"] }, userSyncId: { not: null } },
    select: { id: true, userSync: { select: { status: true, error: true } } },
  });
  for (const r of perUser) {
    const own = r.userSync?.status === "FAILED" ? "FAILED" : "SUCCEEDED";
    await finishRun(r.id, own, own === "FAILED" ? (r.userSync?.error ?? error) : null);
  }
  await finishRun(runId, status, error);
  // Every other backfill or retry run of the integration is over too (a duplicate backfill event, or a
  // retry whose user another run finished, would otherwise stay Running).
  await db.syncRun.updateMany({
    where: { integrationId, status: "RUNNING", kind: { in: ["BACKFILL", "USER_RETRY", "USER_BACKFILL"] } },
    data: { status, finishedAt: new Date(), error },
  });
  // Only a syncing integration completes (not one disconnected or needing a reconnect meanwhile).
  await tryTransition(integrationId, { type: "backfillCompleted", now });
  return true;
}

/**
 * Backfill of one "Needs sync" user (a member who joined after the integration's backfill): the user's window
 * is the chosen period, then the same per-user backfill as the wizard's runs. Null when the user is not waiting.
 */
export async function prepareUserBackfill(
  userSyncId: string,
  integrationId: string,
  period: Exclude<BackfillPeriod, "SKIP">,
  triggeredById: string | null,
  now = new Date(),
) {
  const { from, to } = backfillWindow(period, now);
  const updated = await db.userSync.updateMany({
    where: { id: userSyncId, integrationId, status: "NEEDS_SYNC" },
    data: { status: "PENDING", callsSynced: 0, windowFrom: from, windowTo: to, error: null, errorCode: null, startedAt: null, finishedAt: null, attempts: 0 },
  });
  if (updated.count === 0) return null;
  await db.$executeRaw`UPDATE "UserSync" SET checkpoint = NULL WHERE id = ${userSyncId}`;
  // The member's listing brings the calls they host; the calls hosted outside the workspace that they attended
  // come from the outside-hosts pass, run again over the same period (unless it is running: then it already
  // keeps their calls, since it reads the workspace's users page by page). Its count restarts with it.
  const outside = await db.userSync.updateMany({
    where: { integrationId, kind: "OUTSIDE_HOSTS", status: { in: ["COMPLETED", "FAILED", "NEEDS_SYNC"] } },
    data: { status: "PENDING", callsSynced: 0, windowFrom: from, windowTo: to, error: null, errorCode: null, startedAt: null, finishedAt: null, attempts: 0 },
  });
  if (outside.count > 0) await db.$executeRaw`UPDATE "UserSync" SET checkpoint = NULL WHERE "integrationId" = ${integrationId} AND kind = 'OUTSIDE_HOSTS'`;
  await tryTransition(integrationId, { type: "userRetryStarted" });
  const run = await startRun(integrationId, "USER_BACKFILL", { from, to }, triggeredById, userSyncId);
  const outsideId =
    outside.count > 0 ? (await db.userSync.findFirst({ where: { integrationId, kind: "OUTSIDE_HOSTS" }, select: { id: true } }))?.id : undefined;
  return { runId: run.id, outsideHostsSyncId: outsideId ?? null };
}

/** Retry of one failed user: resumes from its checkpoint. */
export async function prepareUserRetry(userSyncId: string, integrationId: string) {
  const updated = await db.userSync.updateMany({
    where: { id: userSyncId, integrationId, status: "FAILED" },
    data: { status: "PENDING", error: null, errorCode: null, finishedAt: null, attempts: { increment: 1 } },
  });
  if (updated.count === 0) return null;
  await tryTransition(integrationId, { type: "userRetryStarted" });
  const run = await startRun(integrationId, "USER_RETRY", {}, null, userSyncId);
  return run.id;
}

// -------------------------------------------------------------------------------------------------
// Polling ("every 2 hours" and "Sync now")
// -------------------------------------------------------------------------------------------------

class LeaseHeld extends Error {}

/**
 * Takes the integration's sync lease for a new poll / manual sync run: the run row and the lease in one
 * transaction, the lease a compare-and-set on a lock that is free or has lapsed (its holder stopped renewing
 * it: that run is marked failed, and its next page finds the lease gone and stops). Null when another run
 * holds it, or the integration is not connected; nothing is written then.
 */
export async function acquireSyncLease(integrationId: string, kind: "POLL" | "MANUAL", triggeredById: string | null, now = new Date()) {
  const integration = await loadIntegration(integrationId);
  if (integration.status !== "CONNECTED" && integration.status !== "SYNCING") return null;
  const from = new Date((integration.lastSuccessfulSyncAt ?? new Date(now.getTime() - POLL_INTERVAL_MS)).getTime() - pollOverlapMs(integration.provider));
  try {
    return await db.$transaction(async (tx) => {
      // The row lock orders concurrent takers: the first wins, the others then see its lease.
      const [row] = await tx.$queryRaw<Array<{ status: string; syncLockedUntil: Date | null; syncLockRunId: string | null }>>`
        SELECT status::text AS status, "syncLockedUntil", "syncLockRunId" FROM "Integration" WHERE id = ${integrationId} FOR UPDATE`;
      if (!row || (row.status !== "CONNECTED" && row.status !== "SYNCING")) throw new LeaseHeld();
      if (row.syncLockedUntil && row.syncLockedUntil.getTime() >= now.getTime()) throw new LeaseHeld();
      const run = await tx.syncRun.create({
        data: { integrationId, kind, windowFrom: from, windowTo: now, triggeredById: triggeredById ?? null },
        select: { id: true },
      });
      await tx.integration.update({
        where: { id: integrationId },
        data: { syncLockedUntil: new Date(now.getTime() + SYNC_LEASE_MS), syncLockRunId: run.id, lastSyncAt: now },
      });
      if (row.syncLockRunId) {
        await tx.syncRun.updateMany({
          where: { id: row.syncLockRunId, status: "RUNNING" },
          data: { status: "FAILED", finishedAt: now, error: "Stopped: the provider stopped answering and a newer sync took over." },
        });
      }
      return { runId: run.id, from, to: now };
    });
  } catch (e) {
    if (e instanceof LeaseHeld) return null;
    throw e;
  }
}

/**
 * Renews run `runId`'s lease, compare-and-set on its owner. False when the run no longer holds it (it lapsed
 * and another run took over, or a disconnect cleared it): the run then writes nothing more.
 */
export async function renewSyncLease(integrationId: string, runId: string, now = new Date()): Promise<boolean> {
  const renewed = await db.integration.updateMany({
    where: { id: integrationId, syncLockRunId: runId },
    data: { syncLockedUntil: new Date(now.getTime() + SYNC_LEASE_MS) },
  });
  return renewed.count === 1;
}

/** A run whose lease was taken before its event was sent (Sync now, the scheduler): its window, or null when it lost the lease. */
export async function resumeSyncLease(integrationId: string, runId: string) {
  if (!(await renewSyncLease(integrationId, runId))) {
    await finishRun(runId, "CANCELLED", "Stopped: another sync of this integration took over, or it was disconnected.");
    return null;
  }
  const run = await db.syncRun.findUniqueOrThrow({ where: { id: runId }, select: { windowFrom: true, windowTo: true } });
  return { runId, from: run.windowFrom!, to: run.windowTo! };
}

/**
 * The scheduler's tick: takes the lease of every connected integration whose poll is due. One whose sync is
 * still running (a hung provider included) keeps its lease, and nothing is started for it.
 */
export async function claimDuePolls(now = new Date()) {
  const claimed: Array<{ integrationId: string; generation: number; runId: string }> = [];
  for (const due of await dueIntegrations(now)) {
    const lease = await acquireSyncLease(due.id, "POLL", null, now);
    if (lease) claimed.push({ integrationId: due.id, generation: due.generation, runId: lease.runId });
  }
  return claimed;
}

export async function releaseSyncLease(integrationId: string, runId: string, ok: boolean, windowTo: Date | null, error?: string | null) {
  await finishRun(runId, ok ? "SUCCEEDED" : "FAILED", error);
  const now = new Date();
  await db.integration.updateMany({
    where: { id: integrationId, syncLockRunId: runId },
    data: {
      syncLockedUntil: null,
      syncLockRunId: null,
      ...(ok && windowTo ? { lastSuccessfulSyncAt: windowTo } : {}),
      nextSyncAt: new Date(now.getTime() + POLL_INTERVAL_MS),
    },
  });
}

/** One company-wide page of the poll window. */
export async function pollPage(integrationId: string, generation: number, runId: string, window: { from: Date; to: Date }, checkpoint: CallsCheckpoint | null) {
  if (!(await isCurrent(integrationId, generation))) return { done: true, cancelled: true, checkpoint: null };
  // Only while this run holds the lease: one that lapsed (another run took over) stops here.
  if (!(await renewSyncLease(integrationId, runId))) {
    await finishRun(runId, "CANCELLED", "Stopped: another sync of this integration took over.");
    return { done: true, cancelled: true, checkpoint: null };
  }
  const integration = await loadIntegration(integrationId);
  const counter = runCounter();
  const client = integrationClient(integration, { priority: "poll", onReport: counter.onReport });
  // The overlap lists again what earlier polls stored: the client spends nothing more on calls stored at the listed version.
  const storedAt = (listed: Array<{ providerCallId: string; updatedAt: Date }>) => storedAtVersion(integration, generation, listed);
  const page = await client.listCalls({ from: window.from, to: window.to, checkpoint, priority: "poll", storedAt });
  const { added, updated, transcripts } = await ingestPage(integration, generation, client, page.calls, "poll", `run:${runId}`);
  const skipped = await noteSkippedCalls(integrationId, runId, page);
  await addRunCounts(runId, { added, updated, transcripts, skipped, requests: counter.take() });
  await renewSyncLease(integrationId, runId);
  return { done: page.checkpoint === null, cancelled: false, checkpoint: page.checkpoint };
}

/**
 * A poll's ListCallsParams.storedAt: the listed calls this integration's current connection stored at that very
 * version (Call.providerUpdatedAt). A call written by an older connection, or without a version, is read again.
 */
async function storedAtVersion(
  integration: { id: string; workspaceId: string; provider: ProviderId },
  generation: number,
  listed: Array<{ providerCallId: string; updatedAt: Date }>,
): Promise<Set<string>> {
  const valid = listed.filter((l) => !Number.isNaN(l.updatedAt.getTime()));
  if (valid.length === 0) return new Set();
  const rows = await db.$queryRaw<Array<{ providerCallId: string }>>`
    SELECT c."providerCallId" FROM "Call" c
    JOIN unnest(${valid.map((l) => l.providerCallId)}::text[], ${valid.map((l) => l.updatedAt.toISOString())}::timestamp[]) AS v(id, at)
      ON c."providerCallId" = v.id AND c."providerUpdatedAt" = v.at
    WHERE c."workspaceId" = ${integration.workspaceId} AND c.provider = ${integration.provider}::"Provider"
      AND c."integrationId" = ${integration.id} AND c."syncGeneration" >= ${generation}`;
  return new Set(rows.map((r) => r.providerCallId));
}

/** Transcripts that were not ready before (calls from the last days): asked for again in batches. */
export async function refetchMissingTranscripts(integrationId: string, generation: number, runId: string, now = new Date()) {
  if (!(await isCurrent(integrationId, generation))) return 0;
  const integration = await loadIntegration(integrationId);
  const pending = await db.call.findMany({
    where: { integrationId, transcriptStatus: "PENDING", startedAt: { gte: new Date(now.getTime() - TRANSCRIPT_RECHECK_MS) } },
    select: { providerCallId: true },
    orderBy: { startedAt: "desc" },
    take: 1_000,
  });
  if (pending.length === 0) return 0;
  const counter = runCounter();
  const client = integrationClient(integration, { priority: "poll", onReport: counter.onReport });
  const stored = await fetchAndStoreTranscripts(
    integration,
    client,
    pending.map((p) => p.providerCallId),
    "poll",
    `run:${runId}`,
  );
  await addRunCounts(runId, { transcripts: stored, requests: counter.take() });
  return stored;
}

// -------------------------------------------------------------------------------------------------
// Daily re-scan (providers whose listing window is the call's time: describe().rescanDays > 0)
// -------------------------------------------------------------------------------------------------

/** A re-scan leaves calls that started this close to its window's start alone (Gong filters on the scheduled time). */
const RESCAN_EDGE_MS = DAY;

/** Connected integrations whose provider wants a daily re-scan. */
export async function dueRescans() {
  const providers = PROVIDER_IDS.filter((p) => describeProvider(p).rescanDays > 0);
  if (providers.length === 0) return [];
  return db.integration.findMany({ where: { status: "CONNECTED", provider: { in: [...providers] } }, select: { id: true, generation: true } });
}

/** Opens the re-scan run of the last describe().rescanDays days; null when the integration is no longer connected (or wants none). */
export async function startRescan(integrationId: string, generation: number, now = new Date()) {
  if (!(await isCurrent(integrationId, generation))) return null;
  const integration = await loadIntegration(integrationId);
  const days = describeProvider(integration.provider).rescanDays;
  if (integration.status !== "CONNECTED" || days <= 0) return null;
  const window = { from: new Date(now.getTime() - days * DAY), to: now };
  const run = await startRun(integrationId, "RESCAN", window);
  return { runId: run.id, ...window, startedAt: now };
}

/** The re-scan function gave up: its open run ends failed with the reason. */
export async function failOpenRescans(integrationId: string, message: string) {
  await db.syncRun.updateMany({
    where: { integrationId, kind: "RESCAN", status: "RUNNING" },
    data: { status: "FAILED", finishedAt: new Date(), error: message },
  });
}

/**
 * One company-wide page of the re-scan: the same ingest as a poll (metadata, privacy, AI fields and CRM
 * context updated in place, transcripts still missing fetched, deals linked again), and every listed call
 * marked as seen now, so that removeUnlisted can tell what the provider deleted.
 */
export async function rescanPage(
  integrationId: string,
  generation: number,
  runId: string,
  window: { from: Date; to: Date },
  checkpoint: CallsCheckpoint | null,
) {
  if (!(await isCurrent(integrationId, generation))) return { done: true, cancelled: true, checkpoint: null };
  const integration = await loadIntegration(integrationId);
  const counter = runCounter();
  const client = integrationClient(integration, { priority: "poll", onReport: counter.onReport });
  const page = await client.listCalls({ from: window.from, to: window.to, checkpoint, priority: "poll" });
  const { added, updated, transcripts } = await ingestPage(integration, generation, client, page.calls, "poll", `run:${runId}`);
  const skipped = await noteSkippedCalls(integrationId, runId, page);
  // A call listed but skipped (it failed validation) is still at the provider: it is not a deletion.
  const listed = [...page.calls.map((c) => c.providerCallId), ...(page.skipped ?? []).map((r) => r.providerCallId)];
  if (listed.length > 0) {
    await db.$executeRaw`
      UPDATE "Call" SET "rescanSeenAt" = now()
      WHERE "workspaceId" = ${integration.workspaceId} AND provider = ${integration.provider}::"Provider" AND "providerCallId" = ANY(${listed}::text[])`;
  }
  await addRunCounts(runId, { added, updated, transcripts, skipped, requests: counter.take() });
  return { done: page.checkpoint === null, cancelled: false, checkpoint: page.checkpoint };
}

/**
 * After a complete re-scan: the integration's calls that started inside its window (away from the window's
 * start, where the provider's scheduled-time filter and our start time can disagree), that existed before the
 * run began and that no page of the run listed, were deleted at the provider: removed here too (with their
 * participants, sentences and deal link), counted on the run.
 */
export async function removeUnlisted(
  integrationId: string,
  generation: number,
  runId: string,
  window: { from: Date; to: Date },
  runStartedAt: Date,
  /** Calls that started this close to the window's start are left alone. */
  edgeMs = RESCAN_EDGE_MS,
) {
  if (!(await isCurrent(integrationId, generation))) return 0;
  const from = new Date(window.from.getTime() + edgeMs);
  const { workspaceId } = await db.integration.findUniqueOrThrow({ where: { id: integrationId }, select: { workspaceId: true } });
  return db.$transaction(async (tx) => {
    await lockWorkspaceCalls(tx, workspaceId);
    const rows = await tx.$queryRaw<Array<{ id: string }>>`
      SELECT id FROM "Call" WHERE "integrationId" = ${integrationId} AND "startedAt" >= ${from} AND "startedAt" < ${window.to}
        AND "createdAt" < ${runStartedAt} AND ("rescanSeenAt" IS NULL OR "rescanSeenAt" < ${runStartedAt})
      FOR UPDATE`;
    if (rows.length === 0) return 0;
    const ids = rows.map((r) => r.id);
    await tx.$executeRaw`DELETE FROM "TranscriptSentence" WHERE "callId" = ANY(${ids}::text[])`;
    const deleted = await tx.$executeRaw`DELETE FROM "Call" WHERE id = ANY(${ids}::text[])`;
    await tx.syncRun.update({ where: { id: runId }, data: { callsDeleted: { increment: deleted } } });
    return deleted;
  });
}

/** Integrations whose next automatic sync is due, and whose lease no running sync holds. */
export async function dueIntegrations(now = new Date()) {
  return db.integration.findMany({
    // Call recorders only: CRM integrations are synced by lib/crm's own schedule.
    where: {
      provider: { in: [...RECORDER_IDS] },
      status: "CONNECTED",
      nextSyncAt: { lte: now },
      OR: [{ syncLockedUntil: null }, { syncLockedUntil: { lt: now } }],
    },
    select: { id: true, generation: true },
  });
}

// -------------------------------------------------------------------------------------------------
// Disconnect and purge
// -------------------------------------------------------------------------------------------------

/** Stops everything at once (generation bump), forgets the credentials, keeps every call and link. */
export async function disconnectIntegration(integrationId: string) {
  const updated = await transition(integrationId, { type: "disconnected" });
  await db.syncRun.updateMany({ where: { integrationId, status: "RUNNING" }, data: { status: "CANCELLED", finishedAt: new Date(), error: "Disconnected" } });
  await db.userSync.updateMany({
    where: { integrationId, status: { in: ["PENDING", "IN_PROGRESS"] } },
    data: { status: "FAILED", error: "Stopped: the integration was disconnected.", errorCode: "DISCONNECTED" },
  });
  return updated.generation;
}

const PURGE_BATCH = 500;

/**
 * Starts a purge of a disconnected integration: PURGING (nothing connects until it has finished) and its run,
 * in one transaction. Authorizations opened before are expired, so none of them connects meanwhile either.
 * Returns the generation it deletes the calls of: that connection's and older ones, never a later one's.
 */
export async function startPurge(integrationId: string, triggeredById: string | null) {
  return db.$transaction(async (tx) => {
    const state = await transition(integrationId, { type: "purgeStarted" }, { client: tx });
    const run = await tx.syncRun.create({ data: { integrationId, kind: "PURGE", triggeredById }, select: { id: true } });
    await tx.oAuthState.updateMany({ where: { integrationId, usedAt: null }, data: { expiresAt: new Date() } });
    return { runId: run.id, generation: state.generation };
  });
}

/**
 * Fresh planner statistics for the tables a purge deletes from, before its first batch. Each deleted call's
 * foreign-key cascade looks its sentences up by ("callId", "workspaceId"); on statistics older than the rows
 * (a tenant's calls written since the last analyze) PostgreSQL planned that lookup as a scan of the tenant's
 * whole search index ("workspaceId", tsv): 30,000 calls took 104 s to purge, 1.6 s a batch of 500, against
 * 3.7 s in all once analyzed (scripts/bench measurements, 2026-12-07). ANALYZE samples a fixed number of rows,
 * so it costs about a second whatever the tables' size.
 */
export async function preparePurge(): Promise<void> {
  await db.$executeRawUnsafe(`ANALYZE "Call", "CallParticipant", "CallDealLink", "TranscriptSentence"`);
}

/**
 * Deletes one batch of the calls purge run `runId` is for: this integration's, last written by connection
 * `generation` or an older one (cascades to participants, sentences and links), and counts them on the run in
 * the same transaction (a retried step neither deletes uncounted nor counts twice). 0 when none is left, or
 * when the run is over (its event delivered again).
 */
export async function purgeBatch(integrationId: string, generation: number, runId: string): Promise<number> {
  const { workspaceId } = await db.integration.findUniqueOrThrow({ where: { id: integrationId }, select: { workspaceId: true } });
  return db.$transaction(
    async (tx) => {
      await lockWorkspaceCalls(tx, workspaceId);
      const [run] = await tx.$queryRaw<Array<{ status: string }>>`SELECT status::text AS status FROM "SyncRun" WHERE id = ${runId} FOR UPDATE`;
      if (run?.status !== "RUNNING") return 0;
      const rows = await tx.$queryRaw<Array<{ id: string }>>`
        SELECT id FROM "Call" WHERE "integrationId" = ${integrationId} AND "syncGeneration" <= ${generation}
        LIMIT ${PURGE_BATCH} FOR UPDATE`;
      if (rows.length === 0) return 0;
      const ids = rows.map((r) => r.id);
      await tx.$executeRaw`DELETE FROM "TranscriptSentence" WHERE "callId" = ANY(${ids}::text[])`;
      const deleted = await tx.$executeRaw`DELETE FROM "Call" WHERE id = ANY(${ids}::text[]) AND "syncGeneration" <= ${generation}`;
      await tx.syncRun.update({ where: { id: runId }, data: { callsDeleted: { increment: deleted } } });
      return deleted;
    },
    { timeout: 120_000, maxWait: 30_000 },
  );
}

/** The purge deleted the last batch: the run succeeded and the integration may connect again. */
export async function finishPurge(integrationId: string, runId: string) {
  await endPurge(integrationId, runId, "SUCCEEDED", null);
}

/** The purge function gave up: the integration may connect again, and says what is left to do. */
export async function failPurge(integrationId: string, runId: string, reason: string) {
  await endPurge(
    integrationId,
    runId,
    "FAILED",
    `Deleting the synced calls stopped before it finished (${reason}). Click Delete synced data to delete the rest.`,
  );
}

async function endPurge(integrationId: string, runId: string, status: "SUCCEEDED" | "FAILED", message: string | null) {
  await db.$transaction(async (tx) => {
    // Only the run that is still open ends the purge (not its event delivered again, after another purge started).
    const ended = await tx.syncRun.updateMany({ where: { id: runId, status: "RUNNING" }, data: { status, finishedAt: new Date(), error: message } });
    if (ended.count === 1) await tryTransition(integrationId, { type: "purgeEnded", message }, { client: tx });
    // Their calls are gone: no user's count may still claim them (issue 17.4).
    if (ended.count === 1 && status === "SUCCEEDED") await tx.userSync.updateMany({ where: { integrationId }, data: { callsSynced: 0 } });
    // The records its syncs skipped go with the synced data.
    if (ended.count === 1 && status === "SUCCEEDED") await tx.skippedCallRecord.deleteMany({ where: { integrationId } });
  });
}
