// Deal reads for pages. Every query is scoped by workspaceId; a deal of another workspace is "not found".
import "server-only";
import { z } from "zod";
import { db, Prisma } from "@/lib/db";
import { visibleCallSql } from "@/lib/calls/visibility";

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
  lastCall: Prisma.sql`s."lastCallAt" ASC NULLS FIRST`,
  "-lastCall": Prisma.sql`s."lastCallAt" DESC NULLS LAST`,
};

/**
 * Deals of a workspace, filtered, sorted and paginated, with the number of calls and the last call date.
 * Counts respect call visibility: a member does not count other people's private calls; without a viewer
 * only non-private calls are counted.
 *
 * Plan (checked with EXPLAIN at 1,000 deals / 12,000 calls): sorting by last call needs every deal's
 * stats, so they are aggregated once per workspace (one hash join) instead of a lateral per deal; the
 * other sorts page the deals first (index on (workspaceId, name) for name) and compute stats for the
 * 25 rows of the page only.
 */
export async function listDeals(workspaceId: string, params: DealListParams, viewer?: { userId: string; role: "ADMIN" | "MEMBER" }) {
  const where: Prisma.Sql[] = [Prisma.sql`d."workspaceId" = ${workspaceId}`];
  if (params.q) {
    const like = `%${params.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    where.push(Prisma.sql`(d.name ILIKE ${like} OR d."accountName" ILIKE ${like})`);
  }
  if (params.stage) where.push(Prisma.sql`d.stage = ${params.stage}`);
  if (params.owner) where.push(Prisma.sql`d."ownerId" = ${params.owner}`);
  const whereSql = Prisma.join(where, " AND ");
  const offset = (params.page - 1) * DEALS_PAGE_SIZE;
  const visible = viewer
    ? visibleCallSql({ workspaceId, userId: viewer.userId, role: viewer.role }, "c")
    : Prisma.sql`(c."workspaceId" = ${workspaceId} AND NOT c."isPrivate")`;
  const byLastCall = params.sort === "lastCall" || params.sort === "-lastCall";

  type Row = Omit<DealListItem, "amount" | "callCount"> & { amount: Prisma.Decimal | null; callCount: bigint };
  const rowsQuery = byLastCall
    ? db.$queryRaw<Row[]>`
      WITH s AS (
        SELECT l."dealId", count(*) AS "callCount", max(l."callStartedAt") AS "lastCallAt"
        FROM "CallDealLink" l JOIN "Call" c ON c.id = l."callId"
        WHERE l."workspaceId" = ${workspaceId} AND l."dealId" IS NOT NULL AND ${visible}
        GROUP BY l."dealId"
      )
      SELECT d.id, d.name, d."accountName", d.stage, d."isClosed", d.amount, d.currency, d."closeDate",
             u.name AS "ownerName", COALESCE(s."callCount", 0) AS "callCount", s."lastCallAt"
      FROM "Deal" d
      LEFT JOIN s ON s."dealId" = d.id
      LEFT JOIN "User" u ON u.id = d."ownerId"
      WHERE ${whereSql}
      ORDER BY ${ORDER[params.sort]}, d.id
      LIMIT ${DEALS_PAGE_SIZE} OFFSET ${offset}`
    : db.$queryRaw<Row[]>`
      SELECT d.id, d.name, d."accountName", d.stage, d."isClosed", d.amount, d.currency, d."closeDate",
             u.name AS "ownerName", COALESCE(s."callCount", 0) AS "callCount", s."lastCallAt"
      FROM (SELECT d.* FROM "Deal" d WHERE ${whereSql} ORDER BY ${ORDER[params.sort]}, d.id LIMIT ${DEALS_PAGE_SIZE} OFFSET ${offset}) d
      LEFT JOIN "User" u ON u.id = d."ownerId"
      LEFT JOIN LATERAL (
        SELECT count(*) AS "callCount", max(l."callStartedAt") AS "lastCallAt"
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
  if (!/^[a-z0-9]{10,40}$/i.test(dealId)) return null;
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
