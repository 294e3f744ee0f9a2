// Deal reads for pages. Every query is scoped by workspaceId; a deal of another workspace is "not found".
import "server-only";
import { z } from "zod";
import { db, Prisma } from "@/lib/db";
import { sqlText } from "@/lib/validation";
import { isId } from "@/lib/calls/visibility";

export const DEALS_PAGE_SIZE = 25;

export const dealListParamsSchema = z.object({
  q: z.string().trim().max(200).optional().catch(undefined),
  stage: z.string().trim().max(100).optional().catch(undefined),
  owner: z.string().trim().max(100).optional().catch(undefined),
  sort: z.enum(["name", "-name", "amount", "-amount", "closeDate", "-closeDate", "lastCall", "-lastCall"]).default("-lastCall").catch("-lastCall"),
  page: z.coerce.number().int().min(1).max(100_000).default(1).catch(1),
});
export type DealListParams = z.infer<typeof dealListParamsSchema>;

export type DealListItem = {
  id: string;
  name: string;
  accountName: string | null;
  stage: string;
  isClosed: boolean;
  amount: number | null;
  currency: string;
  closeDate: Date | null;
  ownerName: string | null;
  callCount: number;
  lastCallAt: Date | null;
};

const ORDER: Record<DealListParams["sort"], Prisma.Sql> = {
  name: Prisma.sql`d.name ASC`,
  "-name": Prisma.sql`d.name DESC`,
  amount: Prisma.sql`d.amount ASC NULLS FIRST`,
  "-amount": Prisma.sql`d.amount DESC NULLS LAST`,
  closeDate: Prisma.sql`d."closeDate" ASC NULLS LAST`,
  "-closeDate": Prisma.sql`d."closeDate" DESC NULLS LAST`,
  lastCall: Prisma.sql`"lastCallAt" ASC NULLS FIRST`,
  "-lastCall": Prisma.sql`"lastCallAt" DESC NULLS LAST`,
};

/**
 * Deals of a workspace, filtered, sorted and paginated, with the number of calls and the last call date.
 * Counts respect call visibility: a member does not count other people's private calls; without a viewer
 * only non-private calls are counted. Two recordings of one meeting count once, as the deal's timeline
 * lists them (lib/sync/meetings.ts, countDealCalls in lib/calls/queries.ts).
 *
 * Flat in the number of calls (issue 18 target 4): the counts are stored on the Deal row, kept by database
 * triggers on every link and call write (prisma/migrations/20261207150000_deal_call_stats). An admin's view is
 * callCount / lastCallAt; everyone else starts from publicCallCount / publicLastCallAt (non-private calls), and a
 * member adds the private calls they took part in, read through CallParticipant(userId): that part costs what the
 * viewer's own participations cost, not what the workspace holds. Before (aggregating each page deal's links)
 * the list took 97 ms p50 at 10,000 calls on 24 deals and grew with calls (docs/benchmarks.md).
 */
export async function listDeals(workspaceId: string, params: DealListParams, viewer?: { userId: string; role: "ADMIN" | "MEMBER" }) {
  const where: Prisma.Sql[] = [Prisma.sql`d."workspaceId" = ${workspaceId}`];
  const q = params.q ? sqlText(params.q) : "";
  if (q) {
    const like = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    where.push(Prisma.sql`(d.name ILIKE ${like} OR d."accountName" ILIKE ${like})`);
  }
  if (params.stage) where.push(Prisma.sql`d.stage = ${sqlText(params.stage)}`);
  if (params.owner) where.push(Prisma.sql`d."ownerId" = ${sqlText(params.owner)}`);
  const whereSql = Prisma.join(where, " AND ");
  const offset = (params.page - 1) * DEALS_PAGE_SIZE;
  type Row = Omit<DealListItem, "amount" | "callCount"> & { amount: Prisma.Decimal | null; callCount: bigint | number };

  // What this viewer sees of each deal's calls.
  let mineCte = Prisma.empty;
  let mineJoin = Prisma.empty;
  let count = Prisma.sql`d."publicCallCount"`;
  let last = Prisma.sql`d."publicLastCallAt"`;
  if (viewer?.role === "ADMIN") {
    count = Prisma.sql`d."callCount"`;
    last = Prisma.sql`d."lastCallAt"`;
  } else if (viewer) {
    // The member's own private calls per deal: meetings not already counted through a non-private recording
    // of the same meeting on the deal (those are in publicCallCount).
    mineCte = Prisma.sql`WITH mine AS MATERIALIZED (
      SELECT l."dealId", max(l."callStartedAt") AS last,
             count(DISTINCT COALESCE(c."meetingId", c.id)) FILTER (WHERE c."meetingId" IS NULL OR NOT EXISTS (
               SELECT 1 FROM "Call" m JOIN "CallDealLink" ml ON ml."callId" = m.id
               WHERE m."workspaceId" = c."workspaceId" AND m."meetingId" = c."meetingId" AND NOT m."isPrivate" AND ml."dealId" = l."dealId")) AS n
      FROM "CallParticipant" vp
      JOIN "Call" c ON c.id = vp."callId"
      JOIN "CallDealLink" l ON l."callId" = c.id
      WHERE vp."userId" = ${viewer.userId} AND c."workspaceId" = ${workspaceId} AND c."isPrivate" AND l."dealId" IS NOT NULL
      GROUP BY l."dealId"
    )`;
    mineJoin = Prisma.sql`LEFT JOIN mine ON mine."dealId" = d.id`;
    count = Prisma.sql`d."publicCallCount" + COALESCE(mine.n, 0)`;
    last = Prisma.sql`GREATEST(d."publicLastCallAt", mine.last)`;
  }
  const rowsQuery = db.$queryRaw<Row[]>`
    ${mineCte}
    SELECT d.id, d.name, d."accountName", d.stage, d."isClosed", d.amount, d.currency, d."closeDate",
           u.name AS "ownerName", d."callCount", d."lastCallAt"
    FROM (
      SELECT d.id, d.name, d."accountName", d.stage, d."isClosed", d.amount, d.currency, d."closeDate", d."ownerId",
             ${count} AS "callCount", ${last} AS "lastCallAt"
      FROM "Deal" d ${mineJoin}
      WHERE ${whereSql}
    ) d
    LEFT JOIN "User" u ON u.id = d."ownerId"
    ORDER BY ${ORDER[params.sort]}, d.id
    LIMIT ${DEALS_PAGE_SIZE} OFFSET ${offset}`;

  const [rows, totalRows, stages, owners] = await Promise.all([
    rowsQuery,
    db.$queryRaw<Array<{ n: bigint }>>`SELECT count(*) AS n FROM "Deal" d WHERE ${whereSql}`,
    db.deal.findMany({ where: { workspaceId }, distinct: ["stage"], select: { stage: true }, orderBy: { stage: "asc" } }),
    db.user.findMany({
      where: { ownedDeals: { some: { workspaceId } } },
      select: { id: true, name: true, email: true },
      orderBy: { name: "asc" },
    }),
  ]);

  const total = Number(totalRows[0]?.n ?? 0);
  return {
    items: rows.map<DealListItem>((r) => ({ ...r, amount: r.amount === null ? null : Number(r.amount), callCount: Number(r.callCount) })),
    total,
    page: params.page,
    pageCount: Math.max(1, Math.ceil(total / DEALS_PAGE_SIZE)),
    stages: stages.map((s) => s.stage),
    owners: owners.map((o) => ({ id: o.id, name: o.name ?? o.email })),
  };
}

/** A deal of the workspace, or null. Its call count is visibility-dependent: see countDealCalls in lib/calls/queries. */
export async function getDeal(workspaceId: string, dealId: string) {
  if (!isId(dealId)) return null;
  const deal = await db.deal.findFirst({
    where: { id: dealId, workspaceId },
    select: {
      id: true,
      name: true,
      accountName: true,
      stage: true,
      isClosed: true,
      amount: true,
      currency: true,
      closeDate: true,
      crmSource: true,
      crmDealId: true,
      crmAccountId: true,
      owner: { select: { name: true, email: true } },
      contacts: { select: { id: true, name: true, email: true, title: true }, orderBy: { name: "asc" } },
    },
  });
  if (!deal) return null;
  return { ...deal, amount: deal.amount === null ? null : Number(deal.amount) };
}
