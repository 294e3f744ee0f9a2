// Writes canonical calls and transcripts into the database, idempotently by provider call id: a retry,
// a duplicate event or an overlapping poll never duplicates a row. One page = a few statements.
import "server-only";
import { db, Prisma } from "@/lib/db";
import { normalizeEmail, type CanonicalCall, type CanonicalTranscript } from "@/lib/providers/canonical";

export interface IngestContext {
  workspaceId: string;
  integrationId: string;
  /** Workspace users by lower-case email. */
  usersByEmail: Map<string, string>;
  /** Workspace users by provider user id (ProviderUser.workspaceUserId). */
  usersByProviderUserId: Map<string, string>;
}

export interface IngestResult {
  /** Calls kept (at least one workspace user among the participants). */
  kept: Array<{ id: string; providerCallId: string; transcriptStatus: string; inserted: boolean }>;
  added: number;
  updated: number;
  skipped: number;
}

export async function loadIngestContext(workspaceId: string, integrationId: string): Promise<IngestContext> {
  const [members, providerUsers] = await Promise.all([
    db.membership.findMany({ where: { workspaceId }, select: { user: { select: { id: true, email: true } } } }),
    db.providerUser.findMany({ where: { integrationId, workspaceUserId: { not: null } }, select: { providerUserId: true, workspaceUserId: true } }),
  ]);
  return {
    workspaceId,
    integrationId,
    usersByEmail: new Map(members.map((m) => [m.user.email.toLowerCase(), m.user.id])),
    usersByProviderUserId: new Map(providerUsers.map((p) => [p.providerUserId, p.workspaceUserId!])),
  };
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
  const unique = [...new Map(calls.map((c) => [c.providerCallId, c])).values()];
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
      ${c.recording.expiresAt}, ${c.transcriptStatus}::"TranscriptStatus", now(), now())`,
  );

  return db.$transaction(async (tx) => {
    const rows = await tx.$queryRaw<Array<{ id: string; providerCallId: string; transcriptStatus: string; inserted: boolean }>>`
      INSERT INTO "Call" (id, "workspaceId", "integrationId", provider, "providerCallId", title, "startedAt", "durationSec",
        direction, platform, language, "isPrivate", "providerUrl", summary, "keyPoints", "actionItems", "crmSystem",
        "crmDealIds", "crmAccountIds", "audioUrl", "videoUrl", "recordingExpiresAt", "transcriptStatus", "createdAt", "updatedAt")
      VALUES ${Prisma.join(values)}
      ON CONFLICT ("workspaceId", provider, "providerCallId") DO UPDATE SET
        "integrationId" = EXCLUDED."integrationId",
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
        "updatedAt" = now()
      RETURNING id, "providerCallId", "transcriptStatus"::text AS "transcriptStatus", (xmax = 0) AS inserted`;

    const byProviderId = new Map(rows.map((r) => [r.providerCallId, r]));
    await tx.callParticipant.deleteMany({ where: { callId: { in: rows.map((r) => r.id) } } });
    await tx.callParticipant.createMany({
      data: keep.flatMap((c) =>
        c.participants.map((p, position) => ({
          callId: byProviderId.get(c.providerCallId)!.id,
          speakerKey: p.speakerKey,
          name: p.name,
          email: normalizeEmail(p.email),
          title: p.title,
          phone: p.phone,
          affiliation: p.affiliation,
          isInvitee: p.isInvitee,
          isAttendee: p.isAttendee,
          userId: participantUser(ctx, p),
          position,
        })),
      ),
    });
    result.kept = rows;
    result.added = rows.filter((r) => r.inserted).length;
    result.updated = rows.length - result.added;
    return result;
  });
}

const SENTENCE_BATCH = 2_000;

/** Stores transcripts for calls of this workspace; returns how many became AVAILABLE. */
export async function storeTranscripts(workspaceId: string, provider: CanonicalCall["provider"], transcripts: CanonicalTranscript[]): Promise<number> {
  let stored = 0;
  for (const t of transcripts) {
    if (t.status === "PENDING") continue;
    const call = await db.call.findUnique({
      where: { workspaceId_provider_providerCallId: { workspaceId, provider, providerCallId: t.providerCallId } },
      select: { id: true },
    });
    if (!call) continue;
    await db.$transaction(async (tx) => {
      await tx.transcriptSentence.deleteMany({ where: { callId: call.id } });
      const sentences = t.status === "AVAILABLE" ? t.sentences : [];
      for (let i = 0; i < sentences.length; i += SENTENCE_BATCH) {
        await tx.transcriptSentence.createMany({
          data: sentences.slice(i, i + SENTENCE_BATCH).map((s, j) => ({
            callId: call.id,
            idx: i + j,
            speakerKey: s.speakerKey,
            startMs: s.startMs,
            endMs: Math.max(s.endMs, s.startMs),
            text: s.text,
          })),
        });
      }
      await tx.call.update({
        where: { id: call.id },
        data: {
          transcriptStatus: t.status,
          transcriptFetchedAt: new Date(),
          sentenceCount: sentences.length,
          ...(t.details
            ? {
                ...(t.details.summary !== null ? { summary: t.details.summary } : {}),
                ...(t.details.keyPoints !== null ? { keyPoints: t.details.keyPoints } : {}),
                ...(t.details.actionItems !== null ? { actionItems: t.details.actionItems } : {}),
              }
            : {}),
        },
      });
    });
    if (t.status === "AVAILABLE") stored++;
  }
  return stored;
}
