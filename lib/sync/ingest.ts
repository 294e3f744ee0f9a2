// Writes canonical calls and transcripts into the database, idempotently by provider call id: a retry,
// a duplicate event or an overlapping poll never duplicates a row. One page = a few statements.
import "server-only";
import { db, Prisma } from "@/lib/db";
import { groupMeetings } from "@/lib/sync/meetings";
import { normalizeEmail, type CanonicalCall, type CanonicalTranscript } from "@/lib/providers/canonical";

export interface IngestContext {
  workspaceId: string;
  integrationId: string;
  /** Workspace users by lower-case email. */
  usersByEmail: Map<string, string>;
  /** Workspace users by provider user id (ProviderUser.workspaceUserId). */
  usersByProviderUserId: Map<string, string>;
  /** Name and email of each workspace user (an owner standing in for a missing participant list). */
  userDetails?: Map<string, { email: string; name: string | null }>;
  /** The integration generation (connection) writing: stamped on every call (Call.syncGeneration). */
  generation: number;
}

export interface IngestResult {
  /** Calls kept (at least one workspace user among the participants). */
  kept: Array<{ id: string; providerCallId: string; transcriptStatus: string; inserted: boolean }>;
  added: number;
  updated: number;
  skipped: number;
}

/** `generation`: the connection the run works for (the integration's current one when not given). */
export async function loadIngestContext(workspaceId: string, integrationId: string, generation?: number): Promise<IngestContext> {
  const [members, providerUsers, integration] = await Promise.all([
    db.membership.findMany({ where: { workspaceId }, select: { user: { select: { id: true, email: true, name: true } } } }),
    db.providerUser.findMany({ where: { integrationId, workspaceUserId: { not: null } }, select: { providerUserId: true, workspaceUserId: true } }),
    generation === undefined ? db.integration.findUniqueOrThrow({ where: { id: integrationId }, select: { generation: true } }) : null,
  ]);
  return {
    workspaceId,
    integrationId,
    generation: generation ?? integration!.generation,
    usersByEmail: new Map(members.map((m) => [m.user.email.toLowerCase(), m.user.id])),
    usersByProviderUserId: new Map(providerUsers.map((p) => [p.providerUserId, p.workspaceUserId!])),
    userDetails: new Map(members.map((m) => [m.user.id, { email: m.user.email.toLowerCase(), name: m.user.name ?? null }])),
  };
}

/**
 * A call the provider lists without participants (Gong imported calls have no `parties`; a Salesloft
 * conversation whose /extensive answers 404 has only its list item) keeps its primary user / owner as
 * its one participant when that provider user is a workspace user; otherwise it stays without any (and
 * does not qualify).
 */
export function withOwnerAsParticipant(ctx: IngestContext, call: CanonicalCall): CanonicalCall {
  if (call.participants.length > 0 || !call.ownerProviderUserId) return call;
  const userId = ctx.usersByProviderUserId.get(call.ownerProviderUserId);
  if (!userId) return call;
  const user = ctx.userDetails?.get(userId);
  return {
    ...call,
    participants: [
      {
        speakerKey: null,
        name: user?.name ?? null,
        email: user?.email ?? null,
        title: null,
        phone: null,
        affiliation: "INTERNAL",
        isInvitee: false,
        isAttendee: true,
        providerUserId: call.ownerProviderUserId,
      },
    ],
  };
}

/**
 * The name a participant is shown by: the provider's, or, when the provider sends a workspace user with an
 * email only (Clari lists its users by email), that user's name in the workspace, never the raw email.
 */
function participantName(ctx: IngestContext, p: CanonicalCall["participants"][number]): string | null {
  if (p.name?.trim()) return p.name;
  const user = participantUser(ctx, p);
  return (user && ctx.userDetails?.get(user)?.name) || p.name || null;
}

function participantUser(ctx: IngestContext, p: CanonicalCall["participants"][number]): string | null {
  const email = normalizeEmail(p.email);
  return (email && ctx.usersByEmail.get(email)) || (p.providerUserId && ctx.usersByProviderUserId.get(p.providerUserId)) || null;
}

/** The syncing rule: a call is ingested only if a workspace user took part (matched by email). */
export function qualifies(ctx: IngestContext, call: CanonicalCall): boolean {
  return call.participants.some((p) => participantUser(ctx, p) !== null);
}

const json = (v: unknown) => (v === null || v === undefined ? null : JSON.stringify(v));

export async function ingestCalls(ctx: IngestContext, calls: CanonicalCall[]): Promise<IngestResult> {
  // De-duplicate within the page (cursor paging may repeat a call across boundaries).
  const unique = [...new Map(calls.map((c) => [c.providerCallId, withOwnerAsParticipant(ctx, c)])).values()];
  const keep = unique.filter((c) => qualifies(ctx, c));
  const result: IngestResult = { kept: [], added: 0, updated: 0, skipped: unique.length - keep.length };
  if (keep.length === 0) return result;

  const values = keep.map(
    (c) => Prisma.sql`(
      gen_random_uuid()::text, ${ctx.workspaceId}, ${ctx.integrationId},
      ${c.provider}::"Provider", ${c.providerCallId}, ${c.title || "Untitled call"}, ${c.startedAt}, ${c.durationSec},
      ${c.direction}::"CallDirection", ${c.platform}, ${c.language}, ${c.isPrivate}, ${c.providerUrl},
      ${c.summary}, ${json(c.keyPoints)}::jsonb, ${json(c.actionItems)}::jsonb, ${c.crm.system},
      ${c.crm.dealIds}::text[], ${c.crm.accountIds}::text[], ${c.recording.audioUrl}, ${c.recording.videoUrl},
      ${c.recording.expiresAt}, ${c.transcriptStatus}::"TranscriptStatus", ${ctx.generation}::int, ${c.providerUpdatedAt}, now(), now())`,
  );

  const stored = await db.$transaction(async (tx) => {
    const rows = await tx.$queryRaw<Array<{ id: string; providerCallId: string; transcriptStatus: string; inserted: boolean }>>`
      INSERT INTO "Call" (id, "workspaceId", "integrationId", provider, "providerCallId", title, "startedAt", "durationSec",
        direction, platform, language, "isPrivate", "providerUrl", summary, "keyPoints", "actionItems", "crmSystem",
        "crmDealIds", "crmAccountIds", "audioUrl", "videoUrl", "recordingExpiresAt", "transcriptStatus", "syncGeneration", "providerUpdatedAt", "createdAt", "updatedAt")
      VALUES ${Prisma.join(values)}
      ON CONFLICT ("workspaceId", provider, "providerCallId") DO UPDATE SET
        "integrationId" = EXCLUDED."integrationId",
        -- Never back to an older connection (a late page of a run that was stopped).
        "syncGeneration" = GREATEST("Call"."syncGeneration", EXCLUDED."syncGeneration"),
        title = EXCLUDED.title, "startedAt" = EXCLUDED."startedAt", "durationSec" = EXCLUDED."durationSec",
        direction = EXCLUDED.direction, platform = EXCLUDED.platform, language = EXCLUDED.language,
        "isPrivate" = EXCLUDED."isPrivate", "providerUrl" = EXCLUDED."providerUrl",
        summary = COALESCE(EXCLUDED.summary, "Call".summary),
        "keyPoints" = COALESCE(EXCLUDED."keyPoints", "Call"."keyPoints"),
        "actionItems" = COALESCE(EXCLUDED."actionItems", "Call"."actionItems"),
        "crmSystem" = EXCLUDED."crmSystem", "crmDealIds" = EXCLUDED."crmDealIds", "crmAccountIds" = EXCLUDED."crmAccountIds",
        "audioUrl" = COALESCE(EXCLUDED."audioUrl", "Call"."audioUrl"),
        "videoUrl" = COALESCE(EXCLUDED."videoUrl", "Call"."videoUrl"),
        "recordingExpiresAt" = COALESCE(EXCLUDED."recordingExpiresAt", "Call"."recordingExpiresAt"),
        -- A transcript already stored stays; the listing only says whether one is expected.
        "transcriptStatus" = CASE WHEN "Call"."transcriptStatus" = 'AVAILABLE' THEN "Call"."transcriptStatus" ELSE EXCLUDED."transcriptStatus" END,
        "providerUpdatedAt" = EXCLUDED."providerUpdatedAt",
        "updatedAt" = now()
      RETURNING id, "providerCallId", "transcriptStatus"::text AS "transcriptStatus", (xmax = 0) AS inserted`;

    const byProviderId = new Map(rows.map((r) => [r.providerCallId, r]));
    const people = keep.flatMap((c) => c.participants.map((p, position) => ({ callId: byProviderId.get(c.providerCallId)!.id, p, position })));
    await tx.$executeRaw`DELETE FROM "CallParticipant" WHERE "callId" = ANY(${rows.map((r) => r.id)}::text[])`;
    // Column arrays through unnest: one statement whatever the page size, and none of the per-row
    // work the ORM's createMany does (which dominated the backfill's CPU profile).
    if (people.length > 0) {
      await tx.$executeRaw`
        INSERT INTO "CallParticipant" (id, "callId", "speakerKey", name, email, title, phone, affiliation, "isInvitee", "isAttendee", "userId", position)
        SELECT gen_random_uuid()::text, v."callId", v."speakerKey", v.name, v.email, v.title, v.phone, v.affiliation::"Affiliation", v."isInvitee", v."isAttendee", v."userId", v.position
        FROM unnest(
          ${people.map((x) => x.callId)}::text[], ${people.map((x) => x.p.speakerKey)}::text[], ${people.map((x) => participantName(ctx, x.p))}::text[],
          ${people.map((x) => normalizeEmail(x.p.email))}::text[], ${people.map((x) => x.p.title)}::text[], ${people.map((x) => x.p.phone)}::text[],
          ${people.map((x) => x.p.affiliation)}::text[], ${people.map((x) => x.p.isInvitee)}::boolean[], ${people.map((x) => x.p.isAttendee)}::boolean[],
          ${people.map((x) => participantUser(ctx, x.p))}::text[], ${people.map((x) => x.position)}::int[]
        ) AS v("callId", "speakerKey", name, email, title, phone, affiliation, "isInvitee", "isAttendee", "userId", position)`;
    }
    result.kept = rows;
    result.added = rows.filter((r) => r.inserted).length;
    result.updated = rows.length - result.added;
    return result;
  });
  // Another provider may have recorded the same meeting: after the commit, so its sync sees this one.
  await groupMeetings(
    ctx.workspaceId,
    stored.kept.map((r) => r.id),
  );
  return stored;
}

/** Sentences written per transaction: a few calls' transcripts, a few MB of parameters. */
const SENTENCES_PER_WRITE = 20_000;

/**
 * Stores transcripts for calls of this workspace; returns how many became AVAILABLE. Transcripts are
 * grouped into a few transactions (delete old sentences, insert new ones, update the calls), each call's
 * transcript replaced atomically, so a retry rewrites rather than duplicates.
 */
export async function storeTranscripts(workspaceId: string, provider: CanonicalCall["provider"], transcripts: CanonicalTranscript[]): Promise<number> {
  const ready = [...new Map(transcripts.filter((t) => t.status !== "PENDING").map((t) => [t.providerCallId, t])).values()];
  if (ready.length === 0) return 0;
  const calls = await db.call.findMany({
    where: { workspaceId, provider, providerCallId: { in: ready.map((t) => t.providerCallId) } },
    select: { id: true, providerCallId: true },
  });
  const idOf = new Map(calls.map((c) => [c.providerCallId, c.id]));
  const known = ready.filter((t) => idOf.has(t.providerCallId));

  const groups: Array<typeof known> = [];
  let size = Infinity;
  for (const t of known) {
    const n = t.status === "AVAILABLE" ? t.sentences.length : 0;
    if (size + n > SENTENCES_PER_WRITE && size > 0) {
      groups.push([]);
      size = 0;
    }
    groups.at(-1)!.push(t);
    size += n;
  }

  let stored = 0;
  for (const group of groups) {
    const ids = group.map((t) => idOf.get(t.providerCallId)!);
    const sentences = group.flatMap((t, g) => (t.status === "AVAILABLE" ? t.sentences.map((s, idx) => ({ callId: ids[g]!, idx, s })) : []));
    const details = group.map((t) => t.details);
    await db.$transaction([
      // Two users' pages can carry the same call (Clari lists by participant): lock the calls, in id
      // order, so a concurrent write of the same transcript waits and then replaces it.
      db.$queryRaw`SELECT id FROM "Call" WHERE id = ANY(${ids}::text[]) ORDER BY id FOR UPDATE`,
      db.$executeRaw`DELETE FROM "TranscriptSentence" WHERE "callId" = ANY(${ids}::text[])`,
      ...(sentences.length > 0
        ? [
            db.$executeRaw`
              INSERT INTO "TranscriptSentence" ("workspaceId", "callId", idx, "speakerKey", "startMs", "endMs", text)
              SELECT ${workspaceId}::text, u.* FROM unnest(
                ${sentences.map((x) => x.callId)}::text[], ${sentences.map((x) => x.idx)}::int[],
                ${sentences.map((x) => x.s.speakerKey)}::text[], ${sentences.map((x) => x.s.startMs)}::int[],
                ${sentences.map((x) => Math.max(x.s.endMs, x.s.startMs))}::int[], ${sentences.map((x) => x.s.text)}::text[]
              ) AS u`,
          ]
        : []),
      // Summary, key points and action items from the transcript call only replace what they have.
      db.$executeRaw`
        UPDATE "Call" AS c SET
          "transcriptStatus" = v.status::"TranscriptStatus",
          "transcriptFetchedAt" = now(),
          "sentenceCount" = v.n,
          summary = COALESCE(v.summary, c.summary),
          "keyPoints" = COALESCE(v."keyPoints"::jsonb, c."keyPoints"),
          "actionItems" = COALESCE(v."actionItems"::jsonb, c."actionItems"),
          "updatedAt" = now()
        FROM unnest(
          ${ids}::text[], ${group.map((t) => t.status)}::text[],
          ${group.map((t) => (t.status === "AVAILABLE" ? t.sentences.length : 0))}::int[],
          ${details.map((d) => d?.summary ?? null)}::text[],
          ${details.map((d) => json(d?.keyPoints ?? null))}::text[],
          ${details.map((d) => json(d?.actionItems ?? null))}::text[]
        ) AS v(id, status, n, summary, "keyPoints", "actionItems")
        WHERE c.id = v.id`,
    ]);
    stored += group.filter((t) => t.status === "AVAILABLE").length;
  }
  return stored;
}

/** How long a transcript claim holds without being released (a crashed worker's claims lapse). */
export const TRANSCRIPT_CLAIM_MS = 60_000;

/**
 * Claims the still-pending transcripts among `providerCallIds` for `owner`, returning the ones it got.
 * A call another worker is fetching right now is left to it: two users' pages that list the same call
 * (Clari lists by participant) fetch its transcript once. The owner's own claims (a retried step) and
 * lapsed claims are taken over.
 */
export async function claimTranscripts(workspaceId: string, provider: CanonicalCall["provider"], providerCallIds: string[], owner: string): Promise<string[]> {
  if (providerCallIds.length === 0) return [];
  const rows = await db.$queryRaw<Array<{ providerCallId: string }>>`
    UPDATE "Call" SET "transcriptClaimBy" = ${owner}, "transcriptClaimUntil" = now() + make_interval(secs => ${TRANSCRIPT_CLAIM_MS / 1000})
    WHERE "workspaceId" = ${workspaceId} AND provider = ${provider}::"Provider" AND "providerCallId" = ANY(${providerCallIds}::text[])
      AND "transcriptStatus" = 'PENDING'
      AND ("transcriptClaimBy" IS NULL OR "transcriptClaimBy" = ${owner} OR "transcriptClaimUntil" < now())
    RETURNING "providerCallId"`;
  const got = new Set(rows.map((r) => r.providerCallId));
  return providerCallIds.filter((id) => got.has(id));
}

/** Releases `owner`'s claims (after storing, or after a failure so another worker may try). */
export async function releaseTranscripts(workspaceId: string, provider: CanonicalCall["provider"], providerCallIds: string[], owner: string): Promise<void> {
  if (providerCallIds.length === 0) return;
  await db.$executeRaw`
    UPDATE "Call" SET "transcriptClaimBy" = NULL, "transcriptClaimUntil" = NULL
    WHERE "workspaceId" = ${workspaceId} AND provider = ${provider}::"Provider" AND "providerCallId" = ANY(${providerCallIds}::text[])
      AND "transcriptClaimBy" = ${owner}`;
}
