// Deal linking: CRM ids on the call first (opportunity/deal, then account/company), then external
// participant emails against deal contacts. Among several candidates: open deals first, then the most
// recently updated. A MANUAL choice (including "unlinked by hand") is never overwritten.
import "server-only";
import { db } from "@/lib/db";

type Candidate = { id: string; isClosed: boolean; updatedAt: Date };
type Decision = { dealId: string; source: "CRM_ID" | "EMAIL"; matchedOn: string } | null;

function best(cands: Candidate[]): Candidate | undefined {
  return [...cands].sort((a, b) => Number(a.isClosed) - Number(b.isClosed) || b.updatedAt.getTime() - a.updatedAt.getTime() || a.id.localeCompare(b.id))[0];
}

export interface LinkSummary {
  linked: number;
  unchanged: number;
  unlinked: number;
  manualKept: number;
}

const CHUNK = 500;

/** Links (or relinks) the given calls of a workspace. Safe to run any number of times. */
export async function linkCalls(workspaceId: string, callIds: string[]): Promise<LinkSummary> {
  const summary: LinkSummary = { linked: 0, unchanged: 0, unlinked: 0, manualKept: 0 };
  for (let i = 0; i < callIds.length; i += CHUNK) {
    const part = await linkChunk(workspaceId, callIds.slice(i, i + CHUNK));
    summary.linked += part.linked;
    summary.unchanged += part.unchanged;
    summary.unlinked += part.unlinked;
    summary.manualKept += part.manualKept;
  }
  return summary;
}

async function linkChunk(workspaceId: string, callIds: string[]): Promise<LinkSummary> {
  const summary: LinkSummary = { linked: 0, unchanged: 0, unlinked: 0, manualKept: 0 };
  const calls = await db.call.findMany({
    where: { workspaceId, id: { in: callIds } },
    select: {
      id: true,
      startedAt: true,
      crmDealIds: true,
      crmAccountIds: true,
      dealLink: { select: { dealId: true, source: true } },
      participants: { where: { affiliation: { not: "INTERNAL" }, userId: null, email: { not: null } }, select: { email: true } },
    },
  });
  const dealIds = [...new Set(calls.flatMap((c) => c.crmDealIds))];
  const accountIds = [...new Set(calls.flatMap((c) => c.crmAccountIds))];
  const emails = [...new Set(calls.flatMap((c) => c.participants.map((p) => p.email!)))];
  const [byDeal, byAccount, byContact] = await Promise.all([
    dealIds.length
      ? db.deal.findMany({ where: { workspaceId, crmDealId: { in: dealIds } }, select: { id: true, isClosed: true, updatedAt: true, crmDealId: true } })
      : [],
    accountIds.length
      ? db.deal.findMany({
          where: { workspaceId, crmAccountId: { in: accountIds } },
          select: { id: true, isClosed: true, updatedAt: true, crmAccountId: true },
        })
      : [],
    emails.length
      ? db.dealContact.findMany({
          where: { workspaceId, email: { in: emails } },
          select: { email: true, deal: { select: { id: true, isClosed: true, updatedAt: true } } },
        })
      : [],
  ]);

  for (const call of calls) {
    if (call.dealLink?.source === "MANUAL") {
      summary.manualKept++;
      continue;
    }
    let decision: Decision = null;
    for (const id of call.crmDealIds) {
      const d = best(byDeal.filter((x) => x.crmDealId === id));
      if (d) {
        decision = { dealId: d.id, source: "CRM_ID", matchedOn: id };
        break;
      }
    }
    if (!decision) {
      const acc = call.crmAccountIds.map((id) => ({ id, d: best(byAccount.filter((x) => x.crmAccountId === id)) })).find((x) => x.d);
      if (acc?.d) decision = { dealId: acc.d.id, source: "CRM_ID", matchedOn: acc.id };
    }
    if (!decision) {
      const mails = new Set(call.participants.map((p) => p.email!));
      const matches = byContact.filter((c) => mails.has(c.email));
      const d = best(matches.map((m) => m.deal));
      if (d) decision = { dealId: d.id, source: "EMAIL", matchedOn: matches.find((m) => m.deal.id === d.id)!.email };
    }

    if (!decision) {
      if (call.dealLink) {
        // The CRM no longer points anywhere we know: drop the automatic link (manual ones were kept above).
        await db.callDealLink.deleteMany({ where: { callId: call.id, source: { not: "MANUAL" } } });
        summary.unlinked++;
      }
      continue;
    }
    if (call.dealLink && call.dealLink.dealId === decision.dealId && call.dealLink.source === decision.source) {
      summary.unchanged++;
      continue;
    }
    // Conditional upsert: a MANUAL link written concurrently (a rep reassigning right now) wins.
    await db.$executeRaw`
      INSERT INTO "CallDealLink" (id, "workspaceId", "callId", "dealId", source, "matchedOn", "callStartedAt", "createdAt", "updatedAt")
      VALUES (gen_random_uuid()::text, ${workspaceId}, ${call.id}, ${decision.dealId}, ${decision.source}::"LinkSource", ${decision.matchedOn}, ${call.startedAt}, now(), now())
      ON CONFLICT ("callId") DO UPDATE SET "dealId" = EXCLUDED."dealId", source = EXCLUDED.source, "matchedOn" = EXCLUDED."matchedOn",
        "callStartedAt" = EXCLUDED."callStartedAt", "updatedAt" = now()
      WHERE "CallDealLink".source <> 'MANUAL'`;
    summary.linked++;
  }
  return summary;
}

/** Relinking pass for a workspace after deals or contacts changed (all non-manual calls). */
export async function relinkWorkspace(workspaceId: string): Promise<LinkSummary> {
  const calls = await db.call.findMany({
    where: { workspaceId, OR: [{ dealLink: null }, { dealLink: { source: { not: "MANUAL" } } }] },
    select: { id: true },
  });
  return linkCalls(
    workspaceId,
    calls.map((c) => c.id),
  );
}

/** A person's choice: move the call to a deal, or unlink it (dealId null). Kept by every later sync. */
export async function setManualLink(workspaceId: string, callId: string, dealId: string | null, userId: string) {
  const call = await db.call.findFirst({ where: { id: callId, workspaceId }, select: { id: true, startedAt: true } });
  if (!call) return null;
  if (dealId) {
    const deal = await db.deal.findFirst({ where: { id: dealId, workspaceId }, select: { id: true } });
    if (!deal) return null;
  }
  return db.callDealLink.upsert({
    where: { callId },
    create: { workspaceId, callId, dealId, source: "MANUAL", linkedById: userId, callStartedAt: call.startedAt },
    update: { dealId, source: "MANUAL", matchedOn: null, linkedById: userId },
  });
}
