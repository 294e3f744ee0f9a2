// Who may see which call: the ONE place the visibility rule is written down. Every call read (deal
// timeline, call page, transcript, search, unlinked list, counts) builds its filter here.
//   - Only calls of the viewer's workspace.
//   - Private calls (Call.isPrivate) only for their participants (CallParticipant.userId) and admins.
import "server-only";
import { Prisma } from "@/lib/db";

export type Viewer = {
  workspaceId: string;
  userId: string;
  role: "ADMIN" | "MEMBER";
};

/** Ids of calls/deals are cuids or uuids: anything else is "not found" without touching the database. */
export const ID_PATTERN = /^[A-Za-z0-9_-]{8,64}$/;
export const isId = (v: unknown): v is string => typeof v === "string" && ID_PATTERN.test(v);

/**
 * SQL predicate over a "Call" row aliased `alias`: true when the viewer may see the call.
 * Includes the workspace check, so a query that forgets its own workspace filter still cannot leak.
 */
export function visibleCallSql(viewer: Viewer, alias = "c"): Prisma.Sql {
  const a = Prisma.raw(`"${alias.replace(/"/g, "")}"`);
  const ws = Prisma.sql`${a}."workspaceId" = ${viewer.workspaceId}`;
  if (viewer.role === "ADMIN") return ws;
  return Prisma.sql`(${ws} AND (NOT ${a}."isPrivate" OR EXISTS (
    SELECT 1 FROM "CallParticipant" vp WHERE vp."callId" = ${a}.id AND vp."userId" = ${viewer.userId})))`;
}

/** The same rule as a Prisma `where` on Call. */
export function visibleCallWhere(viewer: Viewer): Prisma.CallWhereInput {
  if (viewer.role === "ADMIN") return { workspaceId: viewer.workspaceId };
  return {
    workspaceId: viewer.workspaceId,
    OR: [{ isPrivate: false }, { participants: { some: { userId: viewer.userId } } }],
  };
}
