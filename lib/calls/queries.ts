// Call reads for pages and route handlers. Every query is scoped by the viewer's workspace and the
// visibility rule of lib/calls/visibility.ts (private calls: participants and admins only). A call the
// viewer may not see is indistinguishable from one that does not exist: null.
import "server-only";
import { z } from "zod";
import { db, Prisma } from "@/lib/db";
import type { ProviderId } from "@/lib/providers/registry";
import { sqlText } from "@/lib/validation";
import { isId, visibleCall, visibleCallSql, visibleCallWhere, type Viewer, type VisibleCall } from "@/lib/calls/visibility";
import { buildSpeakers, groupTurns, type TranscriptData } from "@/lib/calls/transcript";

export type { Viewer } from "@/lib/calls/visibility";

export const TIMELINE_PAGE_SIZE = 20;
export const UNLINKED_PAGE_SIZE = 25;

// ---------------------------------------------------------------------------------------------
// Keyset cursors: "<ISO start time>|<call id>", base64url. Anything malformed means "first page".
// ---------------------------------------------------------------------------------------------

export type Cursor = { at: Date; id: string };

export function encodeCursor(c: Cursor): string {
  return Buffer.from(`${c.at.toISOString()}|${c.id}`).toString("base64url");
}

// A call's start time as encodeCursor writes it: four-digit years only. JavaScript also reads signed six-digit
// years (-271821 … +275760) and year 0, which PostgreSQL's timestamp cannot hold: a pasted cursor with one
// would be a database error (a 500), so it is malformed like any other.
const CURSOR_TIME = /^(\d{4})-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

export function decodeCursor(raw: string | null | undefined): Cursor | null {
  if (!raw || raw.length > 200) return null;
  const text = Buffer.from(raw, "base64url").toString("utf8");
  const [iso, id, extra] = text.split("|");
  if (extra !== undefined || !iso || !isId(id)) return null;
  const year = CURSOR_TIME.exec(iso)?.[1];
  if (!year || Number(year) < 1) return null;
  const at = new Date(iso);
  if (Number.isNaN(at.getTime()) || at.toISOString() !== iso) return null;
  return { at, id };
}

export const pageParamsSchema = z.object({
  before: z.string().max(200).optional().catch(undefined),
  after: z.string().max(200).optional().catch(undefined),
});
export type PageParams = { before?: string | null; after?: string | null; limit?: number };

/** Newest first. `before`: the page after this cursor (older calls); `after`: the page before it (newer). */
function keyset(params: PageParams, col: { at: Prisma.Sql; id: Prisma.Sql }) {
  const before = decodeCursor(params.before);
  const after = before ? null : decodeCursor(params.after);
  // Written as a range on the time column plus a tie-break, so the (…, time DESC) index drives the scan.
  const where = before
    ? Prisma.sql`${col.at} <= ${before.at} AND (${col.at} < ${before.at} OR ${col.id} < ${before.id})`
    : after
      ? Prisma.sql`${col.at} >= ${after.at} AND (${col.at} > ${after.at} OR ${col.id} > ${after.id})`
      : Prisma.sql`TRUE`;
  const order = after ? Prisma.sql`${col.at} ASC, ${col.id} ASC` : Prisma.sql`${col.at} DESC, ${col.id} DESC`;
  return { where, order, reversed: Boolean(after), cursorUsed: Boolean(before || after) };
}

function page<T extends { id: string; startedAt: Date }>(rows: T[], limit: number, k: { reversed: boolean; cursorUsed: boolean }) {
  const more = rows.length > limit;
  const items = rows.slice(0, limit);
  if (k.reversed) items.reverse();
  // Walking backwards: "more" means there are newer rows; forwards: older rows.
  const hasOlder = k.reversed ? k.cursorUsed : more;
  const hasNewer = k.reversed ? more : k.cursorUsed;
  const first = items[0];
  const last = items[items.length - 1];
  return {
    items,
    olderCursor: hasOlder && last ? encodeCursor({ at: last.startedAt, id: last.id }) : null,
    newerCursor: hasNewer && first ? encodeCursor({ at: first.startedAt, id: first.id }) : null,
  };
}

// ---------------------------------------------------------------------------------------------
// Participants, summarised for lists
// ---------------------------------------------------------------------------------------------

export type ParticipantBrief = { name: string; affiliation: "INTERNAL" | "EXTERNAL" | "UNKNOWN" };

async function participantsByCall(callIds: string[]): Promise<Map<string, ParticipantBrief[]>> {
  const map = new Map<string, ParticipantBrief[]>();
  if (callIds.length === 0) return map;
  const rows = await db.callParticipant.findMany({
    where: { callId: { in: callIds } },
    select: { callId: true, name: true, email: true, phone: true, affiliation: true },
    orderBy: [{ callId: "asc" }, { position: "asc" }],
  });
  for (const r of rows) {
    const list = map.get(r.callId) ?? [];
    list.push({ name: r.name || r.email || r.phone || "Unnamed participant", affiliation: r.affiliation });
    map.set(r.callId, list);
  }
  return map;
}

/** First line of a summary, short enough for a list row. */
export function summaryLine(summary: string | null): string | null {
  if (!summary) return null;
  const flat = summary.replace(/\s+/g, " ").trim();
  if (!flat) return null;
  return flat.length > 180 ? `${flat.slice(0, 177).trimEnd()}…` : flat;
}

// ---------------------------------------------------------------------------------------------
// Deal timeline
// ---------------------------------------------------------------------------------------------

/** What a call row in any list shows: date, title, duration, provider, a summary line, participants. */
export type CallRow = {
  id: string;
  title: string;
  startedAt: Date;
  durationSec: number;
  provider: ProviderId;
  isPrivate: boolean;
  summary: string | null;
  participants: ParticipantBrief[];
  /** The same meeting's other recordings (another provider recorded it; lib/sync/meetings.ts) the viewer can see. */
  alsoRecordedIn: Array<{ id: string; provider: ProviderId }>;
};

type RawRow = Omit<CallRow, "participants" | "alsoRecordedIn"> & { meetingId: string | null };

/** The other visible recordings of each meeting, by call id. */
async function siblingsByCall(viewer: Viewer, rows: Array<{ id: string; meetingId: string | null }>) {
  const map = new Map<string, Array<{ id: string; provider: ProviderId }>>();
  const meetings = [...new Set(rows.map((r) => r.meetingId).filter((m): m is string => Boolean(m)))];
  if (meetings.length === 0) return map;
  const others = await db.$queryRaw<Array<{ id: string; provider: ProviderId; meetingId: string }>>`
    SELECT c.id, c.provider::text AS provider, c."meetingId" FROM "Call" c
    WHERE c."meetingId" = ANY(${meetings}::text[]) AND ${visibleCallSql(viewer, "c")}
    ORDER BY c."startedAt", c.id`;
  for (const r of rows) {
    if (!r.meetingId) continue;
    map.set(
      r.id,
      others.filter((o) => o.meetingId === r.meetingId && o.id !== r.id).map((o) => ({ id: o.id, provider: o.provider })),
    );
  }
  return map;
}

/**
 * A meeting two providers recorded is one row: a call is hidden when a recording of the same meeting with a
 * smaller id is in the same list (`inList`, on alias m) and visible to the viewer.
 */
function firstOfMeeting(viewer: Viewer, inList: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`(c."meetingId" IS NULL OR NOT EXISTS (
    SELECT 1 FROM "Call" m WHERE m."meetingId" = c."meetingId" AND m.id < c.id AND ${visibleCallSql(viewer, "m")} AND ${inList}))`;
}

/** Keyset page of rows, with one summary line and the participants of each call attached. */
async function callRowsPage<R extends RawRow>(viewer: Viewer, rows: R[], limit: number, k: { reversed: boolean; cursorUsed: boolean }) {
  const result = page(rows, limit, k);
  const [people, siblings] = await Promise.all([participantsByCall(result.items.map((r) => r.id)), siblingsByCall(viewer, result.items)]);
  return {
    ...result,
    items: result.items.map(({ meetingId: _meetingId, ...r }) => ({
      ...r,
      summary: summaryLine(r.summary),
      participants: people.get(r.id) ?? [],
      alsoRecordedIn: siblings.get(r.id) ?? [],
    })),
  };
}

export type TimelineCall = CallRow & {
  direction: string;
  source: "CRM_ID" | "EMAIL" | "MANUAL";
};

// For firstOfMeeting: the other recording (alias m) is on the same deal.
const onDeal = (dealId: string) => Prisma.sql`EXISTS (SELECT 1 FROM "CallDealLink" ml WHERE ml."callId" = m.id AND ml."dealId" = ${dealId})`;

/** One page of a deal's calls, newest first, keyset-paginated on CallDealLink(dealId, callStartedAt DESC). */
export async function listDealCalls(viewer: Viewer, dealId: string, params: PageParams = {}) {
  const limit = Math.min(Math.max(params.limit ?? TIMELINE_PAGE_SIZE, 1), 100);
  if (!isId(dealId)) return { items: [] as TimelineCall[], olderCursor: null, newerCursor: null };
  const k = keyset(params, { at: Prisma.sql`l."callStartedAt"`, id: Prisma.sql`l."callId"` });
  const rows = await db.$queryRaw<Array<RawRow & Pick<TimelineCall, "direction" | "source">>>`
    SELECT c.id, c.title, c."startedAt", c."durationSec", c.provider::text AS provider, c.direction::text AS direction,
           c."isPrivate", left(c.summary, 400) AS summary, l.source::text AS source, c."meetingId"
    FROM "CallDealLink" l
    JOIN "Call" c ON c.id = l."callId"
    WHERE l."dealId" = ${dealId} AND l."workspaceId" = ${viewer.workspaceId} AND ${visibleCallSql(viewer, "c")}
      AND ${firstOfMeeting(viewer, onDeal(dealId))} AND ${k.where}
    ORDER BY ${k.order}
    LIMIT ${limit + 1}`;
  return callRowsPage(viewer, rows, limit, k);
}

/**
 * Meetings on a deal that the viewer can see (private calls of others are not counted for members): two
 * recordings of one meeting count once, as the timeline shows them.
 */
export async function countDealCalls(viewer: Viewer, dealId: string): Promise<number> {
  if (!isId(dealId)) return 0;
  const [row] = await db.$queryRaw<Array<{ n: bigint }>>`
    SELECT count(*) AS n FROM "CallDealLink" l JOIN "Call" c ON c.id = l."callId"
    WHERE l."dealId" = ${dealId} AND l."workspaceId" = ${viewer.workspaceId} AND ${visibleCallSql(viewer, "c")}
      AND ${firstOfMeeting(viewer, onDeal(dealId))}`;
  return Number(row?.n ?? 0);
}

// ---------------------------------------------------------------------------------------------
// Call page
// ---------------------------------------------------------------------------------------------

export type RecordingState =
  { state: "valid"; audioUrl: string | null; videoUrl: string | null; expiresAt: Date } | { state: "expired"; expiresAt: Date | null } | { state: "none" };

/** Recording links are shown only while valid; an expired or unknown expiry never reaches the browser. */
export function recordingState(c: { audioUrl: string | null; videoUrl: string | null; recordingExpiresAt: Date | null }, now = new Date()): RecordingState {
  if (!c.audioUrl && !c.videoUrl) return c.recordingExpiresAt ? { state: "expired", expiresAt: c.recordingExpiresAt } : { state: "none" };
  if (c.recordingExpiresAt && c.recordingExpiresAt.getTime() > now.getTime()) {
    return { state: "valid", audioUrl: c.audioUrl, videoUrl: c.videoUrl, expiresAt: c.recordingExpiresAt };
  }
  return { state: "expired", expiresAt: c.recordingExpiresAt };
}

const jsonStrings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string" && x.trim() !== "") : []);

export async function getCall(viewer: Viewer, callId: string, now = new Date()) {
  if (!isId(callId)) return null;
  const call = await db.call.findFirst({
    where: { id: callId, ...visibleCallWhere(viewer) },
    select: {
      id: true,
      provider: true,
      providerCallId: true,
      title: true,
      startedAt: true,
      durationSec: true,
      direction: true,
      platform: true,
      language: true,
      isPrivate: true,
      providerUrl: true,
      summary: true,
      keyPoints: true,
      actionItems: true,
      audioUrl: true,
      videoUrl: true,
      recordingExpiresAt: true,
      transcriptStatus: true,
      sentenceCount: true,
      meetingId: true,
      integration: { select: { status: true } },
      participants: {
        orderBy: { position: "asc" },
        select: { id: true, name: true, email: true, title: true, phone: true, affiliation: true, isInvitee: true, isAttendee: true, userId: true },
      },
      dealLink: {
        select: {
          source: true,
          matchedOn: true,
          updatedAt: true,
          linkedBy: { select: { name: true, email: true } },
          deal: { select: { id: true, name: true, accountName: true, stage: true, isClosed: true } },
        },
      },
    },
  });
  if (!call) return null;
  const { audioUrl, videoUrl, recordingExpiresAt, participants, integration, keyPoints, actionItems, meetingId, ...rest } = call;
  const siblings = await siblingsByCall(viewer, [{ id: call.id, meetingId }]);
  return {
    ...rest,
    alsoRecordedIn: siblings.get(call.id) ?? [],
    keyPoints: jsonStrings(keyPoints),
    actionItems: jsonStrings(actionItems),
    integrationStatus: integration?.status ?? null,
    recording: recordingState({ audioUrl, videoUrl, recordingExpiresAt }, now),
    participants: {
      internal: participants.filter((p) => p.affiliation === "INTERNAL"),
      external: participants.filter((p) => p.affiliation === "EXTERNAL"),
      unknown: participants.filter((p) => p.affiliation === "UNKNOWN"),
    },
    dealLink: call.dealLink
      ? {
          source: call.dealLink.source,
          matchedOn: call.dealLink.matchedOn,
          updatedAt: call.dealLink.updatedAt,
          linkedBy: call.dealLink.linkedBy ? (call.dealLink.linkedBy.name ?? call.dealLink.linkedBy.email) : null,
          deal: call.dealLink.deal,
        }
      : null,
  };
}
export type CallDetail = NonNullable<Awaited<ReturnType<typeof getCall>>>;

// ---------------------------------------------------------------------------------------------
// Transcript
// ---------------------------------------------------------------------------------------------

/** The whole transcript, speaker-attributed and grouped into turns; null when the viewer may not see the call. */
export async function getTranscript(viewer: Viewer, callId: string): Promise<TranscriptData | null> {
  const call = await visibleCall(viewer, callId);
  return call ? transcriptOf(call) : null;
}

/** The transcript of a call already loaded through the visibility rule (withCall); compact enough to ship as JSON. */
export async function transcriptOf(call: Pick<VisibleCall, "id" | "transcriptStatus">): Promise<TranscriptData> {
  const [participants, sentences] = await Promise.all([
    db.callParticipant.findMany({
      where: { callId: call.id },
      select: { speakerKey: true, name: true, email: true, affiliation: true },
      orderBy: { position: "asc" },
    }),
    db.$queryRaw<Array<{ speakerKey: string | null; startMs: number; text: string }>>`
      SELECT "speakerKey", "startMs", text FROM "TranscriptSentence" WHERE "callId" = ${call.id} ORDER BY idx`,
  ]);
  const speakers = buildSpeakers(
    sentences.map((s) => s.speakerKey),
    participants,
  );
  return { status: call.transcriptStatus, speakers: speakers.list, turns: groupTurns(sentences, speakers.indexOf) };
}

// ---------------------------------------------------------------------------------------------
// Unlinked calls
// ---------------------------------------------------------------------------------------------

export type UnlinkedCall = CallRow & {
  /** Set when a person unlinked it by hand. */
  unlinkedBy: string | null;
  unlinkedAt: Date | null;
  /** Set when a person dismissed it (lib/calls/triage.ts). */
  dismissedBy: string | null;
  dismissedAt: Date | null;
};

// No link row, or a link without a deal (unlinked by hand, or its deal was deleted in the CRM).
const NO_DEAL = Prisma.sql`NOT EXISTS (SELECT 1 FROM "CallDealLink" ul WHERE ul."callId" = c.id AND ul."dealId" IS NOT NULL)`;
// Unlinked calls: on no deal and not dismissed by a person. Dismissed ones are listed apart (scope.dismissed).
const UNLINKED = Prisma.sql`c."dismissedAt" IS NULL AND ${NO_DEAL}`;
const DISMISSED = Prisma.sql`c."dismissedAt" IS NOT NULL AND ${NO_DEAL}`;
// The same, for the other recording of a meeting (alias m, firstOfMeeting).
const NO_DEAL_M = Prisma.sql`NOT EXISTS (SELECT 1 FROM "CallDealLink" ul WHERE ul."callId" = m.id AND ul."dealId" IS NOT NULL)`;
const UNLINKED_M = Prisma.sql`m."dismissedAt" IS NULL AND ${NO_DEAL_M}`;
const DISMISSED_M = Prisma.sql`m."dismissedAt" IS NOT NULL AND ${NO_DEAL_M}`;

/** Which unlinked calls: the dismissed ones instead, and/or an extra predicate over "Call" c (customer / internal, lib/calls/triage.ts). */
export type UnlinkedScope = { dismissed?: boolean; where?: Prisma.Sql };
const scopeSql = (scope: UnlinkedScope) => Prisma.sql`${scope.dismissed ? DISMISSED : UNLINKED} AND ${scope.where ?? Prisma.sql`TRUE`}`;

export async function listUnlinkedCalls(viewer: Viewer, params: PageParams = {}, scope: UnlinkedScope = {}) {
  const limit = Math.min(Math.max(params.limit ?? UNLINKED_PAGE_SIZE, 1), 100);
  const k = keyset(params, { at: Prisma.sql`c."startedAt"`, id: Prisma.sql`c.id` });
  const rows = await db.$queryRaw<Array<RawRow & Pick<UnlinkedCall, "unlinkedBy" | "unlinkedAt" | "dismissedBy" | "dismissedAt">>>`
    SELECT c.id, c.title, c."startedAt", c."durationSec", c.provider::text AS provider, c."isPrivate",
           left(c.summary, 400) AS summary, c."meetingId",
           CASE WHEN l.source = 'MANUAL' THEN COALESCE(u.name, u.email) END AS "unlinkedBy",
           CASE WHEN l.source = 'MANUAL' THEN l."updatedAt" END AS "unlinkedAt",
           COALESCE(du.name, du.email) AS "dismissedBy", c."dismissedAt"
    FROM "Call" c
    LEFT JOIN "CallDealLink" l ON l."callId" = c.id
    LEFT JOIN "User" u ON u.id = l."linkedById"
    LEFT JOIN "User" du ON du.id = c."dismissedById"
    WHERE c."workspaceId" = ${viewer.workspaceId} AND ${visibleCallSql(viewer, "c", "hashed")} AND ${scopeSql(scope)}
      AND ${firstOfMeeting(viewer, scope.dismissed ? DISMISSED_M : UNLINKED_M)} AND ${k.where}
    ORDER BY ${k.order}
    LIMIT ${limit + 1}`;
  return callRowsPage(viewer, rows, limit, k);
}

export async function countUnlinkedCalls(viewer: Viewer, scope: UnlinkedScope = {}): Promise<number> {
  const [row] = await db.$queryRaw<Array<{ n: bigint }>>`
    SELECT count(*) AS n FROM "Call" c
    WHERE c."workspaceId" = ${viewer.workspaceId} AND ${visibleCallSql(viewer, "c", "hashed")} AND ${scopeSql(scope)}
      AND ${firstOfMeeting(viewer, scope.dismissed ? DISMISSED_M : UNLINKED_M)}`;
  return Number(row?.n ?? 0);
}

// ---------------------------------------------------------------------------------------------
// Deal picker (move a call to another deal)
// ---------------------------------------------------------------------------------------------

export type DealOption = { id: string; name: string; accountName: string | null; stage: string; isClosed: boolean };

export async function searchDealOptions(viewer: Viewer, q: string, limit = 20): Promise<DealOption[]> {
  const term = sqlText(q).trim().slice(0, 200);
  const where: Prisma.DealWhereInput = { workspaceId: viewer.workspaceId };
  if (term) where.OR = [{ name: { contains: term, mode: "insensitive" } }, { accountName: { contains: term, mode: "insensitive" } }];
  return db.deal.findMany({
    where,
    select: { id: true, name: true, accountName: true, stage: true, isClosed: true },
    orderBy: [{ isClosed: "asc" }, { name: "asc" }, { id: "asc" }],
    take: Math.min(Math.max(limit, 1), 50),
  });
}
