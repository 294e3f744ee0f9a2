// Deal reads for pages. Every query is scoped by workspaceId; a deal of another workspace is "not found".
import "server-only";
import { z } from "zod";
import { db, Prisma } from "@/lib/db";
import { sqlText } from "@/lib/validation";
import { isId, visibleCallSql } from "@/lib/calls/visibility";

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
 * only non-private calls are counted.
 *
 * Plan (checked with EXPLAIN at 1,000 deals / 11,600 links, see docs/benchmarks/pages.md): aggregating
 * every link of the workspace to sort by last call took ~85 ms (11,600 Call lookups, and JIT kicked
 * in on the inflated cost); one index probe per deal for its newest visible call takes ~5 ms.
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
  const visible = viewer
    ? visibleCallSql({ workspaceId, userId: viewer.userId, role: viewer.role }, "c")
    : Prisma.sql`(c."workspaceId" = ${workspaceId} AND NOT c."isPrivate")`;
  type Row = Omit<DealListItem, "amount" | "callCount"> & { amount: Prisma.Decimal | null; callCount: bigint };
  // Inner query: the page of deals. The last visible call per deal is one probe of the
  // CallDealLink(dealId, callStartedAt DESC) index (newest first, first visible row wins), so sorting
  // 1,000+ deals by last call reads ~1 row per deal instead of aggregating every link.
  // Outer query: call counts for the page's rows only.
  const rowsQuery = db.$queryRaw<Row[]>`
    SELECT d.id, d.name, d."accountName", d.stage, d."isClosed", d.amount, d.currency, d."closeDate",
           u.name AS "ownerName", COALESCE(s."callCount", 0) AS "callCount", d."lastCallAt"
    FROM (
      SELECT d.*, (
        SELECT l."callStartedAt" FROM "CallDealLink" l JOIN "Call" c ON c.id = l."callId"
        WHERE l."dealId" = d.id AND ${visible}
        ORDER BY l."callStartedAt" DESC LIMIT 1
      ) AS "lastCallAt"
      FROM "Deal" d
      WHERE ${whereSql}
      ORDER BY ${ORDER[params.sort]}, d.id
      LIMIT ${DEALS_PAGE_SIZE} OFFSET ${offset}
    ) d
    LEFT JOIN "User" u ON u.id = d."ownerId"
    LEFT JOIN LATERAL (
      -- A meeting two recorders recorded counts once, as the deal's timeline lists it (lib/sync/meetings.ts).
      SELECT count(DISTINCT COALESCE(c."meetingId", c.id)) AS "callCount"
      FROM "CallDealLink" l JOIN "Call" c ON c.id = l."callId"
      WHERE l."dealId" = d.id AND ${visible}
    ) s ON true
    ORDER BY ${ORDER[params.sort]}, d.id`;

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
