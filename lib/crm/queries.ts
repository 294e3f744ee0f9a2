// CRM reads for the pages (Settings → Integrations, the CRM Manage page, deal pages) and the Manage page's
// JSON route. Credentials are never selected, every read is scoped by workspaceId, and detail reads return
// plain JSON (dates as ISO strings) so the same shape feeds server rendering and TanStack Query polling.
// The writes (connect, Sync now, Disconnect, the sync itself) are lib/crm/connect.ts and lib/crm/sync.ts.
import "server-only";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import type { CrmId, CrmObject } from "@/lib/providers/crm/types";
import { CRM_IDS, CRM_LIST, crmSpec, isCrm } from "@/lib/providers/registry";

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

/** Statuses in which a CRM is this workspace's CRM (lib/crm/connect.ts refuses another one meanwhile). */
const HOLDS_THE_CRM_SLOT = new Set(["SYNCING", "CONNECTED", "RECONNECT_REQUIRED"]);

/** How long the 15-minute cron's next run is shown as due when no nextSyncAt was written yet. */
const CRM_SYNC_EVERY_MS = 15 * 60_000;

export type CrmCard = {
  key: CrmId;
  slug: string;
  name: string;
  description: string;
  /** Salesforce: the connect dialog asks for the login host (production, sandbox, My Domain). */
  hasLoginHosts: boolean;
  status: string;
  accountLabel: string | null;
  statusMessage: string | null;
  lastSuccessfulSyncAt: string | null;
  nextSyncAt: string | null;
  /** The other CRM holds the workspace's CRM slot: this one cannot connect (its name). */
  blockedBy: string | null;
};

export type CrmOverview = {
  cards: CrmCard[];
  /** The workspace's CRM (connected, importing or needing a reconnect), or null: calls will not auto-link. */
  connected: { key: CrmId; name: string; slug: string; status: string } | null;
};

/** The CRM cards of Settings → Integrations, in registry order, and which CRM (if any) is the workspace's. */
export async function getCrmOverview(workspaceId: string): Promise<CrmOverview> {
  const rows = await db.integration.findMany({
    where: { workspaceId, provider: { in: [...CRM_IDS] } },
    select: { provider: true, status: true, statusMessage: true, accountName: true, accountId: true, lastSuccessfulSyncAt: true, nextSyncAt: true },
  });
  const holder = rows.find((r) => HOLDS_THE_CRM_SLOT.has(r.status));
  const holderName = holder ? crmSpec(holder.provider as CrmId).displayName : null;
  const cards = CRM_LIST.map((spec): CrmCard => {
    const row = rows.find((r) => r.provider === spec.id);
    const connected = !!row && row.status !== "NOT_CONNECTED" && row.status !== "DISCONNECTED" && row.status !== "CONNECTING";
    return {
      key: spec.id,
      slug: spec.slug,
      name: spec.displayName,
      description: spec.description,
      hasLoginHosts: spec.loginHosts !== null,
      status: row?.status ?? "NOT_CONNECTED",
      accountLabel: connected && row ? spec.accountLabel({ accountName: row.accountName, accountId: row.accountId }) : null,
      statusMessage: row?.status === "RECONNECT_REQUIRED" ? row.statusMessage : null,
      lastSuccessfulSyncAt: iso(row?.lastSuccessfulSyncAt),
      nextSyncAt: connected ? iso(row?.nextSyncAt) : null,
      blockedBy: holder && holder.provider !== spec.id ? holderName : null,
    };
  });
  return {
    cards,
    connected: holder ? { key: holder.provider as CrmId, name: holderName!, slug: crmSpec(holder.provider as CrmId).slug, status: holder.status } : null,
  };
}

export type CrmRunRow = {
  id: string;
  kind: string;
  status: string;
  startedAt: string;
  finishedAt: string | null;
  dealsAdded: number;
  dealsUpdated: number;
  dealsDeleted: number;
  accountsSynced: number;
  contactsSynced: number;
  recordsSkipped: number;
  requestsUsed: number;
  error: string | null;
};

export type CrmSkippedRow = { id: string; runId: string; object: string; crmId: string | null; field: string; message: string; createdAt: string };

export type CrmDetail = Awaited<ReturnType<typeof getCrmDetail>>;

/** Everything the CRM Manage page shows for one CRM of a workspace (polled while a sync runs). */
export async function getCrmDetail(workspaceId: string, provider: CrmId, now = new Date()) {
  const spec = crmSpec(provider);
  const [row, overview] = await Promise.all([
    db.integration.findUnique({
      where: { workspaceId_provider: { workspaceId, provider } },
      select: {
        id: true,
        status: true,
        statusMessage: true,
        accountName: true,
        accountId: true,
        apiBaseUrl: true,
        oauthBaseUrl: true,
        crmCurrency: true,
        connectedAt: true,
        disconnectedAt: true,
        lastSyncAt: true,
        lastSuccessfulSyncAt: true,
        nextSyncAt: true,
        syncLockedUntil: true,
        quotaUsed: true,
        quotaLimit: true,
        quotaReadAt: true,
        connectedBy: { select: { name: true, email: true } },
      },
    }),
    getCrmOverview(workspaceId),
  ]);
  const blockedBy = overview.cards.find((c) => c.key === provider)?.blockedBy ?? null;
  const dailyLimit = [...spec.rateLimit.windows].sort((a, b) => b.windowMs - a.windowMs)[0]!.limit;
  const base = { provider, slug: spec.slug, name: spec.displayName, hasLoginHosts: spec.loginHosts !== null, blockedBy };
  if (!row) {
    return {
      ...base,
      status: "NOT_CONNECTED",
      integration: null,
      syncing: false,
      counts: { deals: 0, dealsNotSyncing: 0, accounts: 0, contacts: 0 },
      runs: [] as CrmRunRow[],
      skipped: [] as CrmSkippedRow[],
      skippedTotal: 0,
      quota: { used: null as number | null, limit: dailyLimit, readAt: null as string | null, fromCrm: false },
    };
  }
  const dayStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const [deals, dealsNotSyncing, accounts, contacts, runs, skipped, skippedTotal, requestsToday] = await Promise.all([
    db.deal.count({ where: { workspaceId, integrationId: row.id } }),
    db.deal.count({ where: { workspaceId, integrationId: row.id, crmSyncStoppedAt: { not: null } } }),
    db.crmAccount.count({ where: { workspaceId, integrationId: row.id } }),
    db.crmContact.count({ where: { workspaceId, integrationId: row.id } }),
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
        dealsAdded: true,
        dealsUpdated: true,
        dealsDeleted: true,
        accountsSynced: true,
        contactsSynced: true,
        recordsSkipped: true,
        requestsUsed: true,
        error: true,
      },
    }),
    db.crmSkippedRecord.findMany({
      where: { integrationId: row.id },
      orderBy: [{ createdAt: "desc" }, { id: "asc" }],
      take: 50,
      select: { id: true, runId: true, object: true, crmId: true, field: true, message: true, createdAt: true },
    }),
    db.crmSkippedRecord.count({ where: { integrationId: row.id } }),
    db.providerRequestCount.aggregate({ where: { integrationId: row.id, bucketStart: { gte: dayStart } }, _sum: { requests: true } }),
  ]);
  const locked = !!row.syncLockedUntil && row.syncLockedUntil.getTime() > now.getTime();
  const live = row.status === "CONNECTED" || row.status === "SYNCING";
  // The CRM's own reading (Sforce-Limit-Info, X-HubSpot-RateLimit-Daily*) when there is one, else our count of today's requests.
  const fromCrm = row.quotaUsed !== null && row.quotaLimit !== null;
  return {
    ...base,
    status: row.status as string,
    integration: {
      id: row.id,
      statusMessage: row.statusMessage,
      accountLabel: spec.accountLabel({ accountName: row.accountName, accountId: row.accountId }),
      accountName: row.accountName,
      accountId: row.accountId,
      instanceUrl: provider === "SALESFORCE" ? row.apiBaseUrl : null,
      loginHost: provider === "SALESFORCE" ? row.oauthBaseUrl : null,
      currency: row.crmCurrency,
      connectedAt: iso(row.connectedAt),
      connectedBy: row.connectedBy ? (row.connectedBy.name ?? row.connectedBy.email) : null,
      disconnectedAt: iso(row.disconnectedAt),
      lastSyncAt: iso(row.lastSyncAt),
      lastSuccessfulSyncAt: iso(row.lastSuccessfulSyncAt),
      nextSyncAt: live ? (iso(row.nextSyncAt) ?? iso(new Date((row.lastSyncAt ?? now).getTime() + CRM_SYNC_EVERY_MS))) : null,
    },
    syncing: locked || row.status === "SYNCING" || runs.some((r) => r.status === "RUNNING"),
    counts: { deals, dealsNotSyncing, accounts, contacts },
    runs: runs.map((r) => ({ ...r, kind: r.kind as string, status: r.status as string, startedAt: r.startedAt.toISOString(), finishedAt: iso(r.finishedAt) })),
    skipped: skipped.map((s) => ({ ...s, createdAt: s.createdAt.toISOString() })),
    skippedTotal,
    quota: {
      used: fromCrm ? row.quotaUsed : (requestsToday._sum.requests ?? 0),
      limit: fromCrm ? row.quotaLimit! : dailyLimit,
      readAt: fromCrm ? iso(row.quotaReadAt) : null,
      fromCrm,
    },
  };
}

/** The CRM state every member may see (deals list): which CRM the deals come from and when it last synced. */
export async function getCrmSource(workspaceId: string) {
  const row = await db.integration.findFirst({
    where: { workspaceId, provider: { in: [...CRM_IDS] }, status: { in: ["SYNCING", "CONNECTED", "RECONNECT_REQUIRED", "DISCONNECTED"] } },
    orderBy: { updatedAt: "desc" },
    select: { provider: true, status: true, lastSuccessfulSyncAt: true },
  });
  if (!row) return null;
  return { name: crmSpec(row.provider as CrmId).displayName, status: row.status as string, lastSuccessfulSyncAt: iso(row.lastSuccessfulSyncAt) };
}

/**
 * Where a deal (or its account) lives in its CRM, for "Open in Salesforce/HubSpot": the registry's record
 * URL from the connection's hub id / instance URL; null for a seeded or CSV deal or when the link cannot be
 * built. `stoppedAt`: the deal is no longer syncing (its CRM was disconnected).
 */
export async function getDealCrmLinks(workspaceId: string, dealId: string) {
  const deal = await db.deal.findFirst({
    where: { id: dealId, workspaceId },
    select: {
      crmDealId: true,
      crmAccountId: true,
      crmSyncStoppedAt: true,
      integration: { select: { workspaceId: true, provider: true, accountId: true, apiBaseUrl: true } },
    },
  });
  const row = deal?.integration;
  if (!deal || !row || row.workspaceId !== workspaceId || !isCrm(row.provider)) return null;
  const spec = crmSpec(row.provider);
  const ctx = { accountId: row.accountId, apiBaseUrl: row.apiBaseUrl, appBaseUrl: hubspotAppBase(row.provider) };
  const url = (object: CrmObject, id: string | null) => (id ? spec.recordUrl(object, id, ctx) : null);
  return {
    name: spec.displayName,
    dealUrl: url("deal", deal.crmDealId),
    accountUrl: url("account", deal.crmAccountId),
    stoppedAt: iso(deal.crmSyncStoppedAt),
  };
}

/** HubSpot's app host (record pages) is its OAuth host: the public one, or the simulator's in development. */
function hubspotAppBase(provider: CrmId): string | null {
  if (provider !== "HUBSPOT") return null;
  const name = crmSpec("HUBSPOT").env.oauthBaseUrl;
  return (env as unknown as Record<string, string | undefined>)[name] ?? null;
}
