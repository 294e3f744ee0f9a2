// One meeting, two recorders (issue 16 item 10). When two connected providers recorded the same meeting,
// their calls share a Call.meetingId, so lists (lib/calls/queries.ts, lib/calls/search.ts) show the meeting
// once with every source.
//
// Two calls are the same meeting when they are of the same workspace, of different providers, start within
// MEETING_START_WINDOW_MIN minutes of each other and their participants' email sets overlap strongly: at least
// MEETING_MIN_SHARED_EMAILS emails in common and a Jaccard index (shared / union) of at least
// MEETING_MIN_JACCARD. Grouping is recomputed for every call a sync writes, so a call whose start or
// participants changed joins or leaves its meeting on the next sync.
import "server-only";
import { randomUUID } from "node:crypto";
import { db, hasSqlState, type Prisma } from "@/lib/db";

export const MEETING_START_WINDOW_MIN = 5;
export const MEETING_MIN_SHARED_EMAILS = 2;
export const MEETING_MIN_JACCARD = 0.5;

/**
 * The workspace's call lock, held to the end of transaction `tx`. Grouping updates calls of several providers
 * at once, in no fixed order; a transaction that deletes many calls (a purge batch, a re-scan's removals)
 * locks them in no fixed order either. Both take this lock first, so they queue instead of deadlocking.
 */
export async function lockWorkspaceCalls(tx: Prisma.TransactionClient, workspaceId: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`meetings:${workspaceId}`}))`;
}

/**
 * Recomputes the meeting of each given call (ids of calls just written). Runs after the calls' own
 * transaction committed, under a per-workspace lock, so two providers' syncs writing the two recordings at
 * the same moment still see each other's call.
 */
export async function groupMeetings(workspaceId: string, callIds: string[]): Promise<void> {
  if (callIds.length === 0) return;
  // Another provider's ingest may hold some of these calls' rows while it writes them, in its own order:
  // PostgreSQL then picks one transaction of the two to abort (deadlock_detected). When it picks this one,
  // grouping is simply done again (it is idempotent); the ingest, never blocked by us for long, goes on.
  for (let attempt = 1; ; attempt++) {
    try {
      return await groupOnce(workspaceId, callIds);
    } catch (error) {
      if (attempt >= MEETING_DEADLOCK_ATTEMPTS || !hasSqlState(error, "40P01")) throw error;
    }
  }
}

const MEETING_DEADLOCK_ATTEMPTS = 4;

async function groupOnce(workspaceId: string, callIds: string[]): Promise<void> {
  await db.$transaction(async (tx) => {
    await lockWorkspaceCalls(tx, workspaceId);
    // Pairs (written call, other provider's call) that pass the rule. Emails are stored normalised (lower case).
    const pairs = await tx.$queryRaw<Array<{ callId: string; otherId: string }>>`
      SELECT c.id AS "callId", o.id AS "otherId"
      FROM "Call" c
      JOIN "Call" o ON o."workspaceId" = c."workspaceId" AND o.provider <> c.provider
        AND o."startedAt" BETWEEN c."startedAt" - make_interval(mins => ${MEETING_START_WINDOW_MIN}::int)
                              AND c."startedAt" + make_interval(mins => ${MEETING_START_WINDOW_MIN}::int)
      CROSS JOIN LATERAL (
        SELECT
          (SELECT count(DISTINCT a.email) FROM "CallParticipant" a WHERE a."callId" = c.id AND a.email IS NOT NULL) AS na,
          (SELECT count(DISTINCT b.email) FROM "CallParticipant" b WHERE b."callId" = o.id AND b.email IS NOT NULL) AS nb,
          (SELECT count(DISTINCT a.email) FROM "CallParticipant" a
             JOIN "CallParticipant" b ON b."callId" = o.id AND b.email = a.email
           WHERE a."callId" = c.id AND a.email IS NOT NULL) AS shared
      ) s
      WHERE c."workspaceId" = ${workspaceId} AND c.id = ANY(${callIds}::text[])
        AND s.shared >= ${MEETING_MIN_SHARED_EMAILS}
        AND s.shared >= ${MEETING_MIN_JACCARD}::float8 * (s.na + s.nb - s.shared)`;

    // Connected groups of the written calls and their matches.
    const parent = new Map<string, string>();
    const find = (x: string): string => {
      let r = x;
      while (parent.get(r) !== undefined && parent.get(r) !== r) r = parent.get(r)!;
      parent.set(x, r);
      return r;
    };
    const union = (a: string, b: string) => {
      if (!parent.has(a)) parent.set(a, a);
      if (!parent.has(b)) parent.set(b, b);
      const ra = find(a);
      const rb = find(b);
      if (ra !== rb) parent.set(ra < rb ? rb : ra, ra < rb ? ra : rb);
    };
    for (const p of pairs) union(p.callId, p.otherId);

    const members = [...parent.keys()];
    const current = members.length ? await tx.call.findMany({ where: { workspaceId, id: { in: members } }, select: { id: true, meetingId: true } }) : [];
    const meetingOf = new Map(current.map((c) => [c.id, c.meetingId]));
    const groups = new Map<string, string[]>();
    for (const id of members) groups.set(find(id), [...(groups.get(find(id)) ?? []), id]);
    for (const ids of groups.values()) {
      // Keep an id the group already has (links shared earlier stay stable); the smallest when several.
      const existing = ids
        .map((id) => meetingOf.get(id))
        .filter((m): m is string => Boolean(m))
        .sort()[0];
      const meetingId = existing ?? randomUUID();
      // Only the calls whose meeting changes: the others' rows are not locked at all.
      await tx.call.updateMany({ where: { workspaceId, id: { in: ids }, OR: [{ meetingId: null }, { NOT: { meetingId } }] }, data: { meetingId } });
    }
    // A written call that matches nobody any more leaves its meeting.
    const alone = callIds.filter((id) => !parent.has(id));
    if (alone.length) await tx.call.updateMany({ where: { workspaceId, id: { in: alone }, NOT: { meetingId: null } }, data: { meetingId: null } });
  });
}
