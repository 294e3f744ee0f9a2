// Deal linking: CRM ids on the call first (opportunity/deal, then account/company), then external
// participant emails against deal contacts, then their email domains against CRM account domains. Among
// several candidates: open deals first, then the most recently updated. A MANUAL choice (including
// "unlinked by hand") is never overwritten, and a call dismissed from Unlinked calls is not linked.
//
// CRM ids are compared in Salesforce's 18-character case-safe form: deals store it (the API returns it),
// while recorders often carry the 15-character form copied from the Salesforce UI. A call's id that is a
// well-formed 15-character id is looked up in both forms (a HubSpot numeric id of 15 digits gains a suffix
// no deal has, so it still matches only itself).
import "server-only";
import { db, type Prisma } from "@/lib/db";
import { toSalesforceId18 } from "@/lib/providers/salesforce/ids";

const ID15 = /^[a-zA-Z0-9]{15}$/;

/** The forms a CRM id on a call may be stored under: itself, and its 18-character form when it is 15 characters. */
export function crmIdForms(id: string): string[] {
  return ID15.test(id) ? [id, toSalesforceId18(id)] : [id];
}

/** Domains shared by unrelated people: they never link a call by domain (lib/crm/records.ts keeps the same list). */
const SHARED_MAIL_DOMAINS = new Set([
  "gmail.com",
  "googlemail.com",
  "outlook.com",
  "hotmail.com",
  "live.com",
  "yahoo.com",
  "icloud.com",
  "me.com",
  "aol.com",
  "proton.me",
  "protonmail.com",
  "gmx.com",
  "gmx.de",
  "web.de",
  "yandex.ru",
  "mail.ru",
  "qq.com",
  "163.com",
]);

/** A participant email's company domain, or null for shared mail domains (gmail.com, …). */
export const domainOf = (email: string) => {
  const d = email.slice(email.lastIndexOf("@") + 1).toLowerCase();
  return d && !SHARED_MAIL_DOMAINS.has(d) ? d : null;
};

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
      dismissedAt: true,
      dealLink: { select: { dealId: true, source: true } },
      participants: { where: { affiliation: { not: "INTERNAL" }, userId: null, email: { not: null } }, select: { email: true } },
    },
  });
  const dealIds = [...new Set(calls.flatMap((c) => c.crmDealIds.flatMap(crmIdForms)))];
  const accountIds = [...new Set(calls.flatMap((c) => c.crmAccountIds.flatMap(crmIdForms)))];
  const emails = [...new Set(calls.flatMap((c) => c.participants.map((p) => p.email!)))];
  const domains = [...new Set(emails.map(domainOf).filter((d): d is string => d !== null))];
  const [byDeal, byAccount, byContact, byDomain] = await Promise.all([
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
    domains.length ? dealsByAccountDomain(workspaceId, domains) : [],
  ]);

  for (const call of calls) {
    // A person's choice stands: a manual link, or a call dismissed from Unlinked calls (not about any deal).
    if (call.dealLink?.source === "MANUAL" || call.dismissedAt) {
      summary.manualKept++;
      continue;
    }
    let decision: Decision = null;
    for (const id of call.crmDealIds) {
      const forms = crmIdForms(id);
      const d = best(byDeal.filter((x) => x.crmDealId !== null && forms.includes(x.crmDealId)));
      if (d) {
        decision = { dealId: d.id, source: "CRM_ID", matchedOn: id };
        break;
      }
    }
    if (!decision) {
      const acc = call.crmAccountIds
        .map((id) => ({ id, forms: crmIdForms(id) }))
        .map(({ id, forms }) => ({ id, d: best(byAccount.filter((x) => x.crmAccountId !== null && forms.includes(x.crmAccountId))) }))
        .find((x) => x.d);
      if (acc?.d) decision = { dealId: acc.d.id, source: "CRM_ID", matchedOn: acc.id };
    }
    if (!decision) {
      const mails = new Set(call.participants.map((p) => p.email!));
      const matches = byContact.filter((c) => mails.has(c.email));
      const d = best(matches.map((m) => m.deal));
      if (d) decision = { dealId: d.id, source: "EMAIL", matchedOn: matches.find((m) => m.deal.id === d.id)!.email };
    }
    if (!decision) {
      // A participant from a CRM account's domain: that account's deals.
      const mine = new Set(call.participants.map((p) => domainOf(p.email!)).filter((x): x is string => x !== null));
      const matches = byDomain.filter((x) => mine.has(x.domain));
      const d = best(matches);
      if (d) decision = { dealId: d.id, source: "EMAIL", matchedOn: `@${matches.find((m) => m.id === d.id)!.domain}` };
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

/** Deals of the CRM accounts with these domains (lib/crm keeps CrmAccount.domain lower-case, without www.). */
async function dealsByAccountDomain(workspaceId: string, domains: string[]) {
  return db.$queryRaw<Array<Candidate & { domain: string }>>`
    SELECT d.id, d."isClosed", d."updatedAt", a.domain FROM "CrmAccount" a
    JOIN "Deal" d ON d."workspaceId" = a."workspaceId" AND d."crmSource" = a."crmSource" AND d."crmAccountId" = a."crmId"
    WHERE a."workspaceId" = ${workspaceId} AND a.domain = ANY(${domains}::text[])`;
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

/**
 * A person's choice: move the call to a deal, or unlink it (dealId null). Kept by every later sync. Either
 * choice also ends a dismissal (lib/calls/triage.ts): the call is on a deal, or back in Unlinked calls.
 */
export async function setManualLink(workspaceId: string, callId: string, dealId: string | null, userId: string, client: Prisma.TransactionClient = db) {
  const call = await client.call.findFirst({ where: { id: callId, workspaceId }, select: { id: true, startedAt: true, dismissedAt: true } });
  if (!call) return null;
  if (dealId) {
    const deal = await client.deal.findFirst({ where: { id: dealId, workspaceId }, select: { id: true } });
    if (!deal) return null;
  }
  if (call.dismissedAt) await client.call.update({ where: { id: callId }, data: { dismissedAt: null, dismissedById: null } });
  return client.callDealLink.upsert({
    where: { callId },
    create: { workspaceId, callId, dealId, source: "MANUAL", linkedById: userId, callStartedAt: call.startedAt },
    update: { dealId, source: "MANUAL", matchedOn: null, linkedById: userId },
  });
}
