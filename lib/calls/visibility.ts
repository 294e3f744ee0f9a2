// Who may see which call: the ONE place the visibility rule is written down. Every call read (deal
// timeline, call page, transcript, search, unlinked list, counts) builds its filter here.
//   - Only calls of the viewer's workspace.
//   - Private calls (Call.isPrivate) only for their participants (CallParticipant.userId) and admins.
import "server-only";
import { db, Prisma } from "@/lib/db";
import { NotFoundError } from "@/lib/errors";
import type { Provider, TranscriptStatus } from "@/lib/generated/prisma/enums";

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
 *
 * Same rule, two shapes for the planner (measured in scripts/bench/pages.ts):
 *  - "probe" (default): EXISTS per private row via CallParticipant(callId). Right for queries that look at
 *    few calls, or run the predicate inside a correlated subquery (a hashed subplan there is rebuilt for
 *    every outer row: 1,000 deals x 4,000 participations took ~500 ms).
 *  - "hashed": IN (…) over the viewer's participations, built once as a hashed subplan via
 *    CallParticipant(userId). Right for scans over thousands of calls (search, unlinked calls); the EXISTS
 *    form is costed at ~20 per row there, which inflates plans past jit_above_cost.
 */
export function visibleCallSql(viewer: Viewer, alias = "c", shape: "probe" | "hashed" = "probe"): Prisma.Sql {
  const a = Prisma.raw(`"${alias.replace(/"/g, "")}"`);
  const ws = Prisma.sql`${a}."workspaceId" = ${viewer.workspaceId}`;
  if (viewer.role === "ADMIN") return ws;
  const participant =
    shape === "hashed"
      ? Prisma.sql`${a}.id IN (SELECT vp."callId" FROM "CallParticipant" vp WHERE vp."userId" = ${viewer.userId})`
      : Prisma.sql`EXISTS (SELECT 1 FROM "CallParticipant" vp WHERE vp."callId" = ${a}.id AND vp."userId" = ${viewer.userId})`;
  return Prisma.sql`(${ws} AND (NOT ${a}."isPrivate" OR ${participant}))`;
}

/** The same rule as a Prisma `where` on Call. */
export function visibleCallWhere(viewer: Viewer): Prisma.CallWhereInput {
  if (viewer.role === "ADMIN") return { workspaceId: viewer.workspaceId };
  return {
    workspaceId: viewer.workspaceId,
    OR: [{ isPrivate: false }, { participants: { some: { userId: viewer.userId } } }],
  };
}

/** A call as the route wrapper (withCall) loaded it: already checked to be visible to the viewer. */
export type VisibleCall = {
  id: string;
  workspaceId: string;
  provider: Provider;
  providerCallId: string;
  integrationId: string | null;
  transcriptStatus: TranscriptStatus;
};

const VISIBLE_CALL_SELECT = { id: true, workspaceId: true, provider: true, providerCallId: true, integrationId: true, transcriptStatus: true } as const;

/** The call, when the viewer may see it; null otherwise (another workspace, someone else's private call, a malformed id). */
export async function visibleCall(viewer: Viewer, callId: string): Promise<VisibleCall | null> {
  if (!isId(callId)) return null;
  return db.call.findFirst({ where: { id: callId, ...visibleCallWhere(viewer) }, select: VISIBLE_CALL_SELECT });
}

/** Same, for actions: NotFound "That call was not found." for every call the viewer may not see (no existence leak). */
export async function findVisibleCall(viewer: Viewer, callId: string): Promise<VisibleCall> {
  const call = await visibleCall(viewer, callId);
  if (!call) throw new NotFoundError("That call");
  return call;
}
