// Integration reads for the settings pages and their JSON route handlers. Credentials are never
// selected here, and every read is scoped by workspaceId. Detail reads return plain JSON (dates as
// ISO strings) so the same shape feeds server rendering and TanStack Query polling.
import "server-only";
import { db } from "@/lib/db";
import { PROVIDERS, type ProviderKey } from "@/lib/integrations/catalog";
import { describeProvider } from "@/lib/providers";
import { flagUnreadableCredentials } from "@/lib/sync/credential-check";
import { OUTSIDE_HOSTS_LABEL } from "@/lib/sync/engine";
import { connectingUserViewWarning, type ViewWarning } from "@/lib/integrations/view-warning";

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

export async function listIntegrationCards(workspaceId: string) {
  // Credentials that no longer decrypt show as "Credentials unreadable: reconnect" at once, not after a failed sync.
  await flagUnreadableCredentials({ workspaceId });
  const rows = await db.integration.findMany({
    where: { workspaceId },
    select: {
      id: true,
      provider: true,
      status: true,
      wizardStep: true,
      statusMessage: true,
      accountName: true,
      connectedAt: true,
      lastSyncAt: true,
      nextSyncAt: true,
      syncLockedUntil: true,
      connectedBy: { select: { name: true, email: true } },
    },
  });
  const outcomes = await syncOutcomes(rows.map((r) => r.id));
  return PROVIDERS.map((p) => {
    const row = rows.find((r) => r.provider === p.key);
    return { ...p, integration: row ? { ...row, ...outcomes.get(row.id)! } : null, status: row?.status ?? "NOT_CONNECTED" };
  });
}

export type SyncOutcome = {
  /** When the last sync that succeeded finished ("Last sync"); a sync that failed is not one. */
  lastSuccessAt: Date | null;
  /** The newest sync, when it failed after the last success: its time and reason. */
  lastFailure: { at: Date; reason: string } | null;
};

const SYNC_KINDS = ["BACKFILL", "POLL", "MANUAL", "RESCAN", "USER_RETRY", "USER_BACKFILL"] as const;

/**
 * "Last sync" as a person means it (issue 17.4): the last run that finished SUCCEEDED (not the time a run
 * started, which Integration.lastSyncAt records), and the newest run when it failed since.
 */
export async function syncOutcomes(integrationIds: string[]): Promise<Map<string, SyncOutcome>> {
  // A workspace has a few integrations: two indexed lookups each, never its whole history.
  const entries = await Promise.all(
    integrationIds.map(async (integrationId): Promise<[string, SyncOutcome]> => {
      const where = { integrationId, kind: { in: [...SYNC_KINDS] }, finishedAt: { not: null } };
      const [success, latest] = await Promise.all([
        db.syncRun.findFirst({ where: { ...where, status: "SUCCEEDED" }, orderBy: { finishedAt: "desc" }, select: { finishedAt: true } }),
        db.syncRun.findFirst({
          where: { ...where, status: { in: ["SUCCEEDED", "FAILED"] } },
          orderBy: { finishedAt: "desc" },
          select: { status: true, finishedAt: true, error: true },
        }),
      ]);
      return [
        integrationId,
        {
          lastSuccessAt: success?.finishedAt ?? null,
          lastFailure: latest?.status === "FAILED" ? { at: latest.finishedAt!, reason: latest.error ?? "The sync stopped before it finished." } : null,
        },
      ];
    }),
  );
  return new Map(entries);
}

export type UserSyncRow = {
  id: string;
  name: string | null;
  email: string | null;
  status: "NEEDS_SYNC" | "PENDING" | "IN_PROGRESS" | "COMPLETED" | "FAILED";
  callsSynced: number;
  error: string | null;
};

export type SyncRunRow = {
  id: string;
  kind: string;
  status: string;
  startedAt: string;
  finishedAt: string | null;
  windowFrom: string | null;
  windowTo: string | null;
  callsAdded: number;
  callsUpdated: number;
  callsDeleted: number;
  transcriptsAdded: number;
  requestsUsed: number;
  error: string | null;
  /** Per-user runs (User retry, User backfill): whom they were for. */
  userName: string | null;
};

/** A call record a sync skipped because it failed validation (issue 16, item 5). */
export type SkippedCallRow = {
  id: string;
  providerCallId: string;
  field: string;
  message: string;
  firstSeenAt: string;
  lastSeenAt: string;
};

/** The Manage page lists at most this many skipped records (newest first) and says how many there are. */
export const SKIPPED_SHOWN = 50;

export type QuotaInfo = {
  unit: "request" | "cost";
  limit: number;
  /** "day" | "week" | "minute" */
  period: string;
  /** Units (`unit`) counted in the current quota window (null when the window is shorter than our buckets). */
  used: number | null;
};

export type IntegrationDetail = Awaited<ReturnType<typeof getIntegrationDetail>>;

/** Everything the wizard and the Manage page show for one provider of a workspace. */
export async function getIntegrationDetail(workspaceId: string, provider: ProviderKey, now = new Date()) {
  const meta = PROVIDERS.find((p) => p.key === provider)!;
  await flagUnreadableCredentials({ workspaceId, provider });
  const row = await db.integration.findUnique({
    where: { workspaceId_provider: { workspaceId, provider } },
    select: {
      id: true,
      status: true,
      wizardStep: true,
      statusMessage: true,
      accountName: true,
      connectedAt: true,
      disconnectedAt: true,
      backfillPeriod: true,
      lastSyncAt: true,
      nextSyncAt: true,
      syncLockedUntil: true,
      connectedBy: { select: { name: true, email: true } },
    },
  });
  const quota = quotaFor(provider);
  if (!row) {
    return {
      provider,
      slug: meta.slug,
      name: meta.name,
      auth: meta.auth,
      integration: null,
      status: "NOT_CONNECTED" as string,
      wizardStep: "CONNECT" as string,
      syncing: false,
      discovering: false,
      users: [] as UserSyncRow[],
      outsideHosts: null as UserSyncRow | null,
      unmatched: [] as Array<{ id: string; name: string | null; email: string | null }>,
      progress: { total: 0, done: 0, failed: 0, percent: 0 },
      totalCalls: 0,
      runs: [] as SyncRunRow[],
      skipped: [] as SkippedCallRow[],
      skippedTotal: 0,
      usage: [] as Array<{ bucketStart: string; requests: number; throttled: number; cost: number }>,
      quota,
      viewWarning: null as ViewWarning,
      purge: null as null | { status: string; callsDeleted: number; startedAt: string; finishedAt: string | null },
      purged: null as null | { at: string; callsDeleted: number },
      perUserSum: 0,
    };
  }
  const dayAgo = new Date(now.getTime() - 7 * 86_400_000);
  const [providerUsers, runs, usage, totalCalls, skipped, skippedTotal, outsideRow] = await Promise.all([
    db.providerUser.findMany({
      where: { integrationId: row.id },
      orderBy: [{ name: "asc" }, { email: "asc" }],
      select: {
        id: true,
        name: true,
        email: true,
        workspaceUserId: true,
        workspaceUser: { select: { name: true } },
        userSync: { select: { id: true, status: true, callsSynced: true, error: true } },
      },
    }),
    db.syncRun.findMany({
      where: { integrationId: row.id },
      orderBy: { startedAt: "desc" },
      take: 25,
      select: {
        id: true,
        kind: true,
        status: true,
        startedAt: true,
        finishedAt: true,
        windowFrom: true,
        windowTo: true,
        callsAdded: true,
        callsUpdated: true,
        callsDeleted: true,
        transcriptsAdded: true,
        requestsUsed: true,
        error: true,
        userSync: { select: { providerUser: { select: { name: true, email: true, workspaceUser: { select: { name: true } } } } } },
      },
    }),
    db.providerRequestCount.findMany({
      where: { integrationId: row.id, bucketStart: { gte: dayAgo } },
      orderBy: { bucketStart: "asc" },
      select: { bucketStart: true, requests: true, throttled: true, cost: true },
    }),
    db.call.count({ where: { integrationId: row.id } }),
    db.skippedCallRecord.findMany({
      where: { integrationId: row.id },
      orderBy: [{ lastSeenAt: "desc" }, { providerCallId: "asc" }],
      take: SKIPPED_SHOWN,
      select: { id: true, providerCallId: true, field: true, message: true, firstSeenAt: true, lastSeenAt: true },
    }),
    db.skippedCallRecord.count({ where: { integrationId: row.id } }),
    db.userSync.findFirst({ where: { integrationId: row.id, kind: "OUTSIDE_HOSTS" }, select: { id: true, status: true, callsSynced: true, error: true } }),
  ]);
  const outcome = (await syncOutcomes([row.id])).get(row.id)!;

  const users: UserSyncRow[] = providerUsers
    .filter((u) => u.workspaceUserId && u.userSync)
    .map((u) => ({
      id: u.userSync!.id,
      name: u.name ?? u.workspaceUser?.name ?? null,
      email: u.email,
      status: u.userSync!.status,
      callsSynced: u.userSync!.callsSynced,
      error: u.userSync!.error,
    }));
  // Calls hosted outside the workspace (issue 16.3): a row of its own, not a user (the progress counts users).
  const outsideHosts: UserSyncRow | null = outsideRow ? { ...outsideRow, name: OUTSIDE_HOSTS_LABEL, email: null } : null;
  const unmatched = providerUsers.filter((u) => !u.workspaceUserId).map((u) => ({ id: u.id, name: u.name, email: u.email }));
  // "Needs sync" users (members who joined after the backfill) wait for an admin's Backfill: not part of the
  // backfill's progress.
  const tracked = users.filter((u) => u.status !== "NEEDS_SYNC");
  const done = tracked.filter((u) => u.status === "COMPLETED" || u.status === "FAILED").length;
  const failed = tracked.filter((u) => u.status === "FAILED").length;
  const locked = !!row.syncLockedUntil && row.syncLockedUntil.getTime() > now.getTime();
  const lastPurge = runs.find((r) => r.kind === "PURGE");
  // After a purge that finished (since the last disconnect), the calls are gone: the page must say so.
  const purged =
    !!lastPurge && lastPurge.status === "SUCCEEDED" && row.status === "DISCONNECTED" && (!row.disconnectedAt || lastPurge.startedAt >= row.disconnectedAt);
  // Per-user counts and the total (issue 17.4): a call with two of the users on it counts for each of them,
  // and once in the total; the page says why when they differ.
  const perUserSum = users.reduce((n, u) => n + u.callsSynced, 0) + (outsideRow?.callsSynced ?? 0);

  if (quota.period === "day" || quota.period === "week") {
    const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
    if (quota.period === "week") start.setUTCDate(start.getUTCDate() - start.getUTCDay());
    quota.used = usage.filter((u) => u.bucketStart >= start).reduce((s, u) => s + (quota.unit === "cost" ? u.cost : u.requests), 0);
  }

  return {
    provider,
    slug: meta.slug,
    name: meta.name,
    auth: meta.auth,
    integration: {
      id: row.id,
      statusMessage: row.statusMessage,
      accountName: row.accountName,
      connectedAt: iso(row.connectedAt),
      disconnectedAt: iso(row.disconnectedAt),
      backfillPeriod: row.backfillPeriod as string | null,
      lastSyncAt: iso(row.lastSyncAt),
      lastSuccessAt: iso(outcome.lastSuccessAt),
      lastFailure: outcome.lastFailure ? { at: outcome.lastFailure.at.toISOString(), reason: outcome.lastFailure.reason } : null,
      nextSyncAt: iso(row.nextSyncAt),
      syncLockedUntil: iso(row.syncLockedUntil),
      connectedBy: row.connectedBy ? (row.connectedBy.name ?? row.connectedBy.email) : null,
    },
    purged: purged && lastPurge ? { at: iso(lastPurge.finishedAt ?? lastPurge.startedAt)!, callsDeleted: lastPurge.callsDeleted } : null,
    perUserSum,
    status: row.status as string,
    wizardStep: row.wizardStep as string,
    syncing: locked || row.status === "SYNCING",
    // The backfill was chosen but its user list not read yet (the backfill run is created once it has been):
    // "0 of 0 users" or "no user matches" would be untrue for now (issue 17.4).
    discovering:
      row.status === "SYNCING" && row.wizardStep === "SYNC" && !runs.some((r) => r.kind === "BACKFILL" && (!row.connectedAt || r.startedAt >= row.connectedAt)),
    users,
    outsideHosts,
    unmatched,
    progress: { total: tracked.length, done, failed, percent: tracked.length ? Math.round((done / tracked.length) * 100) : 0 },
    totalCalls,
    runs: runs.map(({ userSync, ...r }) => ({
      ...r,
      userName: userSync
        ? userSync.providerUser
          ? (userSync.providerUser.name ?? userSync.providerUser.workspaceUser?.name ?? userSync.providerUser.email)
          : OUTSIDE_HOSTS_LABEL
        : null,
      kind: r.kind as string,
      status: r.status as string,
      startedAt: r.startedAt.toISOString(),
      finishedAt: iso(r.finishedAt),
      windowFrom: iso(r.windowFrom),
      windowTo: iso(r.windowTo),
    })),
    skipped: skipped.map((r): SkippedCallRow => ({ ...r, firstSeenAt: r.firstSeenAt.toISOString(), lastSeenAt: r.lastSeenAt.toISOString() })),
    skippedTotal,
    usage: usage.map((u) => ({ bucketStart: u.bucketStart.toISOString(), requests: u.requests, throttled: u.throttled, cost: u.cost })),
    quota,
    // Salesloft shows the connecting user's view: warn when what was found looks like one user's.
    viewWarning: connectingUserViewWarning(provider, providerUsers, users),
    purge: lastPurge
      ? {
          status: lastPurge.status as string,
          callsDeleted: lastPurge.callsDeleted,
          startedAt: lastPurge.startedAt.toISOString(),
          finishedAt: iso(lastPurge.finishedAt),
        }
      : null,
  };
}

function quotaFor(provider: ProviderKey): QuotaInfo {
  const policy = describeProvider(provider).rateLimit;
  const widest = [...policy.windows].sort((a, b) => b.windowMs - a.windowMs)[0]!;
  const period = widest.windowMs >= 7 * 86_400_000 ? "week" : widest.windowMs >= 86_400_000 ? "day" : widest.windowMs >= 3_600_000 ? "hour" : "minute";
  return { unit: policy.unit, limit: widest.limit, period, used: null };
}

export type RecorderSetup = {
  /** A call recorder has been connected (calls arrive, or did). */
  connected: boolean;
  /** Recorders an admin has started to connect but not finished (the wizard is under way). */
  settingUp: string[];
  /** Who can connect one: the workspace's active admins (a few, by name). */
  admins: Array<{ name: string | null; email: string }>;
};

/**
 * Day one (issue 17.7): whether any call recorder is connected to the workspace and, when none is, who can
 * connect one, so an empty workspace says what will appear and who sets it up instead of showing an empty list.
 */
export async function recorderSetup(workspaceId: string): Promise<RecorderSetup> {
  const [integrations, admins] = await Promise.all([
    db.integration.findMany({ where: { workspaceId, provider: { in: PROVIDERS.map((p) => p.key) } }, select: { provider: true, status: true } }),
    db.membership.findMany({
      where: { workspaceId, role: "ADMIN", status: "ACTIVE" },
      select: { user: { select: { name: true, email: true } } },
      orderBy: { createdAt: "asc" },
      take: 3,
    }),
  ]);
  const name = (key: string) => PROVIDERS.find((p) => p.key === key)?.name ?? key;
  return {
    connected: integrations.some((i) => i.status === "CONNECTED" || i.status === "SYNCING" || i.status === "RECONNECT_REQUIRED" || i.status === "DISCONNECTED"),
    settingUp: integrations.filter((i) => i.status === "CONNECTING").map((i) => name(i.provider)),
    admins: admins.map((a) => ({ name: a.user.name, email: a.user.email })),
  };
}
