// Working through Unlinked calls: customer calls apart from internal-only meetings, suggested deals for each
// call (with the reason), and bulk actions (link many to one deal, dismiss, restore). Every read goes through
// the visibility rule (lib/calls/visibility.ts); every action loads the calls through it first and writes
// nothing unless all of them are visible. Links are written by setManualLink, like "Move to a deal".
import "server-only";
import { z } from "zod";
import { recordAudit } from "@/lib/audit";
import { db, Prisma } from "@/lib/db";
import { NotFoundError, ValidationError } from "@/lib/errors";
import { parseInput } from "@/lib/validation";
import { domainOf, setManualLink } from "@/lib/sync/linking";
import { countUnlinkedCalls, listUnlinkedCalls, type PageParams, type UnlinkedScope } from "@/lib/calls/queries";
import { ID_PATTERN, visibleCallSql, visibleCallWhere, type Viewer } from "@/lib/calls/visibility";

export const TRIAGE_VIEWS = ["customer", "internal", "dismissed"] as const;
export type TriageView = (typeof TRIAGE_VIEWS)[number];

/** The workspace's own email domains: those of its members (shared mail domains such as gmail.com excluded). */
export async function workspaceDomains(workspaceId: string): Promise<string[]> {
  const members = await db.membership.findMany({ where: { workspaceId }, select: { user: { select: { email: true } } } });
  return [...new Set(members.map((m) => domainOf(m.user.email)).filter((d): d is string => d !== null))].sort();
}

/**
 * True for an internal-only meeting: it has participants, and each one is internal (the provider says so,
 * they are a workspace user, or their email is on one of the workspace's own domains). A participant without
 * an email whom the provider does not call internal (a phone number) makes it a customer call.
 */
export function internalCallSql(domains: string[]): Prisma.Sql {
  return Prisma.sql`(EXISTS (SELECT 1 FROM "CallParticipant" ip WHERE ip."callId" = c.id)
    AND NOT EXISTS (SELECT 1 FROM "CallParticipant" ip WHERE ip."callId" = c.id AND ip.affiliation <> 'INTERNAL' AND ip."userId" IS NULL
      AND (ip.email IS NULL OR NOT (split_part(ip.email, '@', 2) = ANY(${domains}::text[])))))`;
}

function scopeOf(view: TriageView, domains: string[]): UnlinkedScope {
  if (view === "dismissed") return { dismissed: true };
  const internal = internalCallSql(domains);
  return { where: view === "internal" ? internal : Prisma.sql`NOT ${internal}` };
}

export async function listTriageCalls(viewer: Viewer, view: TriageView, params: PageParams = {}) {
  return listUnlinkedCalls(viewer, params, scopeOf(view, await workspaceDomains(viewer.workspaceId)));
}

export async function countTriageCalls(viewer: Viewer): Promise<Record<TriageView, number>> {
  const domains = await workspaceDomains(viewer.workspaceId);
  const [customer, internal, dismissed] = await Promise.all(TRIAGE_VIEWS.map((v) => countUnlinkedCalls(viewer, scopeOf(v, domains))));
  return { customer: customer!, internal: internal!, dismissed: dismissed! };
}

// ---------------------------------------------------------------------------------------------
// Suggested deals
// ---------------------------------------------------------------------------------------------

export type DealSuggestion = {
  deal: { id: string; name: string; accountName: string | null; stage: string; isClosed: boolean };
  kind: "CONTACT" | "DOMAIN" | "RECENT";
  reason: string;
};

export const MAX_SUGGESTIONS = 3;
/** How far back "recent deals of the participants" looks. */
const RECENT_DAYS = 180;

type DealBrief = DealSuggestion["deal"] & { updatedAt: Date };
const DEAL_BRIEF = { id: true, name: true, accountName: true, stage: true, isClosed: true, updatedAt: true } as const;

/**
 * Up to three deals per call, best first: a deal one of its external participants is a contact on, then the
 * deals of the CRM account on an external participant's email domain, then the deals the participants' other
 * calls (that the viewer may see, in the last 180 days) are on, most recent first. Open deals before closed
 * ones within each kind. Calls the viewer may not see get nothing.
 */
export async function suggestDeals(viewer: Viewer, callIds: string[]): Promise<Map<string, DealSuggestion[]>> {
  const out = new Map<string, DealSuggestion[]>();
  if (callIds.length === 0) return out;
  const [visible, domains] = await Promise.all([
    db.call.findMany({ where: { id: { in: callIds }, ...visibleCallWhere(viewer) }, select: { id: true } }),
    workspaceDomains(viewer.workspaceId),
  ]);
  const own = new Set(domains);
  const ids = visible.map((c) => c.id);
  const participants = await db.callParticipant.findMany({
    where: { callId: { in: ids } },
    select: { callId: true, name: true, email: true, userId: true, affiliation: true },
    orderBy: [{ callId: "asc" }, { position: "asc" }],
  });
  const isExternal = (p: (typeof participants)[number]) => {
    if (p.affiliation === "INTERNAL" || p.userId || !p.email) return false;
    return !own.has(p.email.slice(p.email.lastIndexOf("@") + 1));
  };
  const externals = participants.filter(isExternal);
  const emails = [...new Set(externals.map((p) => p.email!))];
  const extDomains = [...new Set(emails.map(domainOf).filter((d): d is string => d !== null && !own.has(d)))];
  const userIds = [...new Set(participants.map((p) => p.userId).filter((u): u is string => u !== null))];
  const since = new Date(Date.now() - RECENT_DAYS * 86_400_000);

  const [contacts, byDomain, recent] = await Promise.all([
    emails.length
      ? db.dealContact.findMany({ where: { workspaceId: viewer.workspaceId, email: { in: emails } }, select: { email: true, deal: { select: DEAL_BRIEF } } })
      : [],
    extDomains.length
      ? db.$queryRaw<Array<DealBrief & { domain: string }>>`
          SELECT d.id, d.name, d."accountName", d.stage, d."isClosed", d."updatedAt", a.domain FROM "CrmAccount" a
          JOIN "Deal" d ON d."workspaceId" = a."workspaceId" AND d."crmSource" = a."crmSource" AND d."crmAccountId" = a."crmId"
          WHERE a."workspaceId" = ${viewer.workspaceId} AND a.domain = ANY(${extDomains}::text[])`
      : [],
    userIds.length || emails.length
      ? db.$queryRaw<Array<{ userId: string | null; email: string | null; dealId: string; last: Date }>>`
          SELECT p."userId", p.email, l."dealId", max(l."callStartedAt") AS last
          FROM "CallParticipant" p
          JOIN "CallDealLink" l ON l."callId" = p."callId" AND l."dealId" IS NOT NULL
          JOIN "Call" c ON c.id = p."callId"
          WHERE l."workspaceId" = ${viewer.workspaceId} AND l."callStartedAt" >= ${since} AND ${visibleCallSql(viewer, "c")}
            AND (p."userId" = ANY(${userIds}::text[]) OR p.email = ANY(${emails}::text[]))
          GROUP BY 1, 2, 3`
      : [],
  ]);
  const recentDeals = recent.length
    ? new Map(
        (await db.deal.findMany({ where: { workspaceId: viewer.workspaceId, id: { in: [...new Set(recent.map((r) => r.dealId))] } }, select: DEAL_BRIEF })).map(
          (d) => [d.id, d],
        ),
      )
    : new Map<string, DealBrief>();

  const openFirst = (a: { isClosed: boolean }, b: { isClosed: boolean }) => Number(a.isClosed) - Number(b.isClosed);
  for (const callId of ids) {
    const mine = participants.filter((p) => p.callId === callId);
    const mineExt = mine.filter(isExternal);
    const mails = new Set(mineExt.map((p) => p.email!));
    const doms = new Set([...mails].map(domainOf).filter((d): d is string => d !== null));
    const list: Array<DealSuggestion & { rank: number; at: number }> = [];
    for (const c of contacts)
      if (mails.has(c.email))
        list.push({ deal: c.deal, kind: "CONTACT", reason: `Contact ${c.email} is on this deal`, rank: 0, at: c.deal.updatedAt.getTime() });
    for (const d of byDomain)
      if (doms.has(d.domain)) list.push({ deal: d, kind: "DOMAIN", reason: `Account domain ${d.domain}`, rank: 1, at: d.updatedAt.getTime() });
    for (const r of recent) {
      const who = mine.find((p) => (r.userId && p.userId === r.userId) || (r.email && !p.userId && p.email === r.email && mails.has(r.email)));
      const deal = recentDeals.get(r.dealId);
      if (!who || !deal) continue;
      list.push({ deal, kind: "RECENT", reason: `Recent deal of ${who.name || who.email}`, rank: 2, at: r.last.getTime() });
    }
    list.sort((a, b) => a.rank - b.rank || openFirst(a.deal, b.deal) || b.at - a.at || a.deal.id.localeCompare(b.deal.id));
    const seen = new Set<string>();
    const picked: DealSuggestion[] = [];
    for (const s of list) {
      if (seen.has(s.deal.id)) continue;
      seen.add(s.deal.id);
      picked.push({
        deal: { id: s.deal.id, name: s.deal.name, accountName: s.deal.accountName, stage: s.deal.stage, isClosed: s.deal.isClosed },
        kind: s.kind,
        reason: s.reason,
      });
      if (picked.length === MAX_SUGGESTIONS) break;
    }
    out.set(callId, picked);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Bulk actions
// ---------------------------------------------------------------------------------------------

export const MAX_BULK_CALLS = 100;
const id = (what: string) => z.string({ error: `${what} is required.` }).regex(ID_PATTERN, `${what} is not a valid id.`);
const callIds = z
  .array(id("Call"), { error: "Select the calls to act on." })
  .min(1, "Select at least one call.")
  .max(MAX_BULK_CALLS, `Select at most ${MAX_BULK_CALLS} calls at once.`);

export const triageInputSchema = z.discriminatedUnion(
  "action",
  [
    z.object({ action: z.literal("link"), callIds, dealId: id("Deal") }),
    z.object({ action: z.literal("dismiss"), callIds }),
    z.object({ action: z.literal("restore"), callIds }),
  ],
  { error: 'The action must be "link", "dismiss" or "restore".' },
);
export type TriageInput = z.infer<typeof triageInputSchema>;
export type TriageResult = { action: TriageInput["action"]; count: number; deal: { id: string; name: string } | null };

const plural = (n: number) => `${n} ${n === 1 ? "call" : "calls"}`;

/**
 * Links, dismisses or restores the selected calls, all or nothing: a call the viewer may not see (another
 * workspace, someone else's private call) is "not found" and nothing is written. One audit event per action.
 */
export async function applyTriage(viewer: Viewer, raw: unknown): Promise<TriageResult> {
  const input = parseInput(triageInputSchema, raw);
  const ids = [...new Set(input.callIds)];
  const calls = await db.call.findMany({
    where: { id: { in: ids }, ...visibleCallWhere(viewer) },
    select: { id: true, title: true, dismissedAt: true, dealLink: { select: { dealId: true } } },
  });
  if (calls.length !== ids.length) throw new NotFoundError(ids.length === 1 ? "That call" : "One of the selected calls");
  const audit = { workspaceId: viewer.workspaceId, actorId: viewer.userId, targetType: "calls", detail: { callIds: ids } };

  if (input.action === "link") {
    const deal = await db.deal.findFirst({ where: { id: input.dealId, workspaceId: viewer.workspaceId }, select: { id: true, name: true } });
    if (!deal) throw new NotFoundError("That deal");
    await db.$transaction(async (tx) => {
      for (const callId of ids) {
        if (!(await setManualLink(viewer.workspaceId, callId, deal.id, viewer.userId, tx))) throw new NotFoundError("One of the selected calls");
      }
      await recordAudit(
        { ...audit, action: "calls.linked", summary: `Linked ${plural(ids.length)} to ${deal.name}`, targetType: "deal", targetId: deal.id },
        tx,
      );
    });
    return { action: "link", count: ids.length, deal };
  }

  if (input.action === "dismiss") {
    const onDeal = calls.find((c) => c.dealLink?.dealId);
    if (onDeal)
      throw new ValidationError(`“${onDeal.title}” is on a deal: only unlinked calls can be dismissed.`, { callIds: "Only unlinked calls can be dismissed." });
    await db.$transaction(async (tx) => {
      await tx.call.updateMany({
        where: { id: { in: ids }, workspaceId: viewer.workspaceId },
        data: { dismissedAt: new Date(), dismissedById: viewer.userId },
      });
      await recordAudit({ ...audit, action: "calls.dismissed", summary: `Dismissed ${plural(ids.length)} from Unlinked calls` }, tx);
    });
    return { action: "dismiss", count: ids.length, deal: null };
  }

  await db.$transaction(async (tx) => {
    await tx.call.updateMany({ where: { id: { in: ids }, workspaceId: viewer.workspaceId }, data: { dismissedAt: null, dismissedById: null } });
    await recordAudit({ ...audit, action: "calls.restored", summary: `Restored ${plural(ids.length)} to Unlinked calls` }, tx);
  });
  return { action: "restore", count: ids.length, deal: null };
}
