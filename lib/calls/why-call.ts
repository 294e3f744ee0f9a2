// "Why isn't my call here?" (issue 17, item 6). Takes a provider call link or id, or a date and a participant,
// and answers with ONE typed reason, from stored data first (Call, SkippedCallRecord, the integration), and
// only when the call is not stored, with one provider request (ProviderClient.lookupCall) through the shared
// limiter at interactive priority. Nothing is written.
// Reps may look up only calls they took part in. A stored call they were not on (private or not) takes the path
// of a call that is not stored: the same per-person limit, the same provider request, and the answer an unknown id
// gets ("not found among your calls", or "could not be asked" when the provider cannot be asked). So neither the
// answer, nor its HTTP status (429 past the limit), nor the provider round trip tells a rep that the call exists.
import "server-only";
import { RateLimiterPrisma, RateLimiterRes } from "rate-limiter-flexible";
import { waitText } from "@/lib/auth/throttle";
import { db } from "@/lib/db";
import { ProviderError, TooManyAttemptsError } from "@/lib/errors";
import { describeProvider } from "@/lib/providers";
import type { CallLookup } from "@/lib/providers/types";
import type { Provider } from "@/lib/generated/prisma/enums";
import { integrationClient } from "@/lib/sync/clients";
import { reportFailure } from "@/lib/sync/failures";
import type { Viewer } from "@/lib/calls/visibility";

export type Recorder = "GONG" | "SALESLOFT" | "CLARI";
const RECORDERS: readonly Recorder[] = ["GONG", "SALESLOFT", "CLARI"];

export type WhyCallQuery = { ref: string } | { date: string; participant: string };

export type CallRef = { provider: Recorder | null; providerCallId: string };

export type FoundCall = { id: string; title: string; startedAt: Date; provider: Recorder; isPrivate: boolean };
export type Person = { name: string | null; email: string | null };

export type WhyCallAnswer =
  /** Synced, and on this deal. */
  | { reason: "LINKED"; call: FoundCall; deal: { id: string; name: string }; transcript: "PENDING" | "AVAILABLE" | "UNAVAILABLE" }
  /** Synced, linked to no deal (the Unlinked calls list). */
  | { reason: "UNLINKED"; call: FoundCall; transcript: "PENDING" | "AVAILABLE" | "UNAVAILABLE" }
  /** Synced, but the provider has no transcript for it yet. */
  | { reason: "TRANSCRIPT_PENDING"; call: FoundCall; deal: { id: string; name: string } | null; transcriptLagMs: number }
  /** Several stored calls match a date + participant. */
  | { reason: "SEVERAL"; calls: FoundCall[] }
  /** Clari lists the entry with a status that says nothing was recorded; the sync leaves those out. */
  | { reason: "NOT_RECORDED"; provider: Recorder; status: string }
  /** The sync skipped the record: one field failed validation. */
  | { reason: "SKIPPED"; provider: Recorder; providerCallId: string; field: string; lastSeenAt: Date }
  /** The provider has it, but none of its participants is a workspace member: nobody's sync reads it. */
  | { reason: "NO_WORKSPACE_USER"; provider: Recorder; participants: Person[] }
  /** The provider has it with a member on it, and it is not stored yet: the next sync brings it. */
  | { reason: "NOT_SYNCED_YET"; provider: Recorder; nextSyncAt: Date | null }
  /** The provider does not list it (yet). */
  | { reason: "NOT_LISTED_YET"; provider: Recorder; callLagMs: number }
  /** The provider was not asked (not connected / no by-id read / it failed): what the stored data says. */
  | { reason: "NOT_CONNECTED"; provider: Recorder }
  | { reason: "CANNOT_CHECK"; provider: Recorder; reference: string | null }
  /** A rep: no call of theirs matches. Admin: nothing stored matches the date + participant. */
  | { reason: "NOT_FOUND_FOR_YOU" }
  | { reason: "NOT_FOUND"; participantIsMember: boolean; callLagMs: number | null };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const GONG_ID = /^\d{6,20}$/;
const SAFE_ID = /^[A-Za-z0-9_.:-]{1,128}$/;

/**
 * A provider call link or a bare id, as a person pastes it: Gong `https://<tenant>.app.gong.io/call?id=123`,
 * Salesloft `https://app.salesloft.com/app/conversations/<uuid>`, Clari Copilot call pages (`…/call/<id>`,
 * `…?id=<id>`). A bare id is Gong's when numeric; otherwise the provider is found from stored data. Null: not a
 * call link or id.
 */
export function parseCallRef(input: string): CallRef | null {
  const text = input.trim();
  if (!text) return null;
  if (/^https?:\/\//i.test(text)) {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      return null;
    }
    const host = url.hostname.toLowerCase();
    const segments = url.pathname.split("/").filter(Boolean);
    const last = segments[segments.length - 1] ?? "";
    if (host === "gong.io" || host.endsWith(".gong.io")) {
      const id = url.searchParams.get("id") ?? "";
      return GONG_ID.test(id) ? { provider: "GONG", providerCallId: id } : null;
    }
    if (host === "salesloft.com" || host.endsWith(".salesloft.com")) {
      const i = segments.indexOf("conversations");
      const id = i >= 0 ? (segments[i + 1] ?? "") : "";
      return SAFE_ID.test(id) ? { provider: "SALESLOFT", providerCallId: id } : null;
    }
    if (host === "clari.com" || host.endsWith(".clari.com") || segments.includes("__call")) {
      const id = url.searchParams.get("id") ?? last;
      return SAFE_ID.test(id) ? { provider: "CLARI", providerCallId: id } : null;
    }
    // Another host (a simulator, a custom domain): the id is the `id` parameter or the last path segment.
    const id = url.searchParams.get("id") ?? last;
    return SAFE_ID.test(id) ? { provider: null, providerCallId: id } : null;
  }
  if (GONG_ID.test(text)) return { provider: "GONG", providerCallId: text };
  return SAFE_ID.test(text) ? { provider: null, providerCallId: text } : null;
}

const CALL_SELECT = {
  id: true,
  title: true,
  startedAt: true,
  provider: true,
  isPrivate: true,
  transcriptStatus: true,
  integrationId: true,
  dealLink: { select: { deal: { select: { id: true, name: true } } } },
} as const;

type StoredCall = {
  id: string;
  title: string;
  startedAt: Date;
  provider: Provider;
  isPrivate: boolean;
  transcriptStatus: "PENDING" | "AVAILABLE" | "UNAVAILABLE";
  dealLink: { deal: { id: string; name: string } | null } | null;
};

const found = (c: StoredCall): FoundCall => ({ id: c.id, title: c.title, startedAt: c.startedAt, provider: c.provider as Recorder, isPrivate: c.isPrivate });

function storedAnswer(c: StoredCall): WhyCallAnswer {
  const deal = c.dealLink?.deal ?? null;
  if (c.transcriptStatus === "PENDING") {
    return { reason: "TRANSCRIPT_PENDING", call: found(c), deal, transcriptLagMs: describeProvider(c.provider as Recorder).transcriptLagMs };
  }
  if (deal) return { reason: "LINKED", call: found(c), deal, transcript: c.transcriptStatus };
  return { reason: "UNLINKED", call: found(c), transcript: c.transcriptStatus };
}

async function tookPart(callId: string, userId: string): Promise<boolean> {
  return (await db.callParticipant.count({ where: { callId, userId } })) > 0;
}

export type WhyCallOptions = { now?: Date };

/** Lookups one person may send to a provider per minute (answers from stored data do not count). */
export const USER_LOOKUPS_PER_MINUTE = 10;

const globalForLimiter = globalThis as unknown as { __callsyncWhyCallLimiter?: RateLimiterPrisma };

/** Per-person counter (rate-limiter-flexible's Prisma store on the throttle table, its own key prefix). */
function userLimiter(): RateLimiterPrisma {
  globalForLimiter.__callsyncWhyCallLimiter ??= new RateLimiterPrisma({
    storeClient: db,
    tableName: "loginThrottle",
    keyPrefix: "why-call-user",
    points: USER_LOOKUPS_PER_MINUTE,
    duration: 60,
    clearExpiredByTimeout: true,
  });
  return globalForLimiter.__callsyncWhyCallLimiter;
}

/** The one answer for a lookup. `viewer.role` MEMBER: only the viewer's own calls are explained. */
export async function explainCall(viewer: Viewer, query: WhyCallQuery, options: WhyCallOptions = {}): Promise<WhyCallAnswer> {
  const now = options.now ?? new Date();
  if ("date" in query) return explainByDate(viewer, query.date, query.participant.trim().toLowerCase(), now);
  const ref = parseCallRef(query.ref);
  if (!ref) return { reason: "NOT_FOUND_FOR_YOU" };
  const isRep = viewer.role !== "ADMIN";

  // 1. Stored: by provider id (any recorder when the link does not say which), or by the stored link itself.
  const stored = await db.call.findFirst({
    where: {
      workspaceId: viewer.workspaceId,
      OR: [
        { providerCallId: ref.providerCallId, ...(ref.provider ? { provider: ref.provider } : {}) },
        ...(/^https?:\/\//i.test(query.ref.trim()) ? [{ providerUrl: query.ref.trim() }] : []),
      ],
    },
    select: CALL_SELECT,
  });
  // A rep and a stored call they were not on: the lookup goes on as for a call not stored (same limit, same provider
  // request), and ends "not found among your calls" whatever the provider says.
  const hidden = stored !== null && isRep && !(await tookPart(stored.id, viewer.userId));
  if (stored && !hidden) return storedAnswer(stored);

  // 2. Which recorder to ask: the link's, or the one connected recorder whose ids look like this one (a bare UUID
  //    asks Clari Copilot when Salesloft is connected too: one request; a Salesloft link names Salesloft).
  const integrations = await db.integration.findMany({
    where: { workspaceId: viewer.workspaceId, provider: { in: ref.provider ? [ref.provider] : [...RECORDERS] } },
    select: { id: true, provider: true, apiBaseUrl: true, status: true, nextSyncAt: true },
  });
  const candidates = integrations.filter((i) => ref.provider || (UUID.test(ref.providerCallId) ? i.provider !== "GONG" : true));
  const integration =
    candidates.find((i) => ["CONNECTED", "SYNCING"].includes(i.status) && i.provider !== "SALESLOFT") ??
    candidates.find((i) => ["CONNECTED", "SYNCING"].includes(i.status)) ??
    candidates[0];
  const provider = (integration?.provider ?? ref.provider) as Recorder | null;
  if (!integration || !provider) return isRep ? { reason: "NOT_FOUND_FOR_YOU" } : { reason: "NOT_CONNECTED", provider: provider ?? "GONG" };

  // 3. Skipped at ingest (stored as such): the field at fault. Reps: only when the lookup shows them on it.
  const skipped = await db.skippedCallRecord.findUnique({
    where: { integrationId_providerCallId: { integrationId: integration.id, providerCallId: ref.providerCallId } },
    select: { field: true, lastSeenAt: true },
  });
  if (skipped && !isRep) return { reason: "SKIPPED", provider, providerCallId: ref.providerCallId, field: skipped.field, lastSeenAt: skipped.lastSeenAt };

  // 4. One request to the provider, through the shared limiter (interactive priority).
  if (!["CONNECTED", "SYNCING"].includes(integration.status)) return isRep ? { reason: "NOT_FOUND_FOR_YOU" } : { reason: "NOT_CONNECTED", provider };
  const client = integrationClient(integration, { priority: "interactive" });
  if (!client.lookupCall) return isRep ? { reason: "NOT_FOUND_FOR_YOU" } : { reason: "CANNOT_CHECK", provider, reference: null };
  // A person cannot spend the provider's quota by looking up: a few provider lookups a minute each.
  try {
    await userLimiter().consume(viewer.userId, 1);
  } catch (e) {
    if (!(e instanceof RateLimiterRes)) throw e;
    const seconds = Math.max(1, Math.ceil(e.msBeforeNext / 1000));
    throw new TooManyAttemptsError(`You looked up ${USER_LOOKUPS_PER_MINUTE} calls in the last minute. Try again in ${waitText(seconds)}.`, seconds);
  }
  let lookup: CallLookup | null;
  try {
    lookup = await client.lookupCall(ref.providerCallId, { priority: "interactive" });
  } catch (error) {
    if (error instanceof ProviderError && error.kind === "NOT_FOUND") lookup = null;
    else {
      const reference = error instanceof ProviderError ? reportFailure(provider, error, "call lookup failed").reference : null;
      if (!(error instanceof ProviderError)) throw error;
      return { reason: "CANNOT_CHECK", provider, reference };
    }
  }
  const lag = describeProvider(provider).callLagMs;
  if (!lookup) return isRep ? { reason: "NOT_FOUND_FOR_YOU" } : { reason: "NOT_LISTED_YET", provider, callLagMs: lag };

  // Who is on it: the provider's participants, matched to members by email or by their provider user (the
  // integration's ProviderUser linked to a member), as the sync matches them (lib/sync/ingest.ts).
  const listed = lookup.call?.participants ?? [];
  let participants: Person[] = listed.map((p) => ({ name: p.name, email: p.email }));
  // Listed without participants (a Salesloft conversation whose /extensive answers 404, a Gong import): its owner
  // is its one participant when that provider user is known, as the sync reads it.
  const ownerOnly = lookup.call && listed.length === 0 ? lookup.call.ownerProviderUserId : null;
  const providerUserIds = [...new Set([...listed.map((p) => p.providerUserId), ownerOnly].filter((id): id is string => Boolean(id)))];
  const providerUsers = providerUserIds.length
    ? await db.providerUser.findMany({
        where: { integrationId: integration.id, providerUserId: { in: providerUserIds } },
        select: { providerUserId: true, email: true, name: true, workspaceUserId: true },
      })
    : [];
  const owner = ownerOnly ? providerUsers.find((u) => u.providerUserId === ownerOnly) : undefined;
  if (owner) participants = [{ name: owner.name, email: owner.email }];
  const emails = [...new Set(participants.map((p) => p.email?.toLowerCase()).filter((e): e is string => Boolean(e)))];
  const linked = providerUsers.map((u) => u.workspaceUserId).filter((id): id is string => Boolean(id));
  const members =
    emails.length || linked.length
      ? await db.user.findMany({
          where: {
            OR: [{ email: { in: emails } }, { id: { in: linked } }],
            memberships: { some: { workspaceId: viewer.workspaceId, status: "ACTIVE" } },
          },
          select: { id: true },
        })
      : [];
  // A stored call of others, or (not a recording, no participants read) a call of others: nothing about it.
  if (hidden || (isRep && !members.some((m) => m.id === viewer.userId))) return { reason: "NOT_FOUND_FOR_YOU" };
  if (!lookup.recorded) return { reason: "NOT_RECORDED", provider, status: lookup.status ?? "not recorded" };
  if (skipped) return { reason: "SKIPPED", provider, providerCallId: ref.providerCallId, field: skipped.field, lastSeenAt: skipped.lastSeenAt };
  if (lookup.invalidField) return { reason: "SKIPPED", provider, providerCallId: ref.providerCallId, field: lookup.invalidField, lastSeenAt: now };
  if (members.length === 0) return { reason: "NO_WORKSPACE_USER", provider, participants };
  return { reason: "NOT_SYNCED_YET", provider, nextSyncAt: integration.nextSyncAt };
}

/** Date + participant: stored calls only (a listing by date would be many requests). */
async function explainByDate(viewer: Viewer, date: string, participant: string, now: Date): Promise<WhyCallAnswer> {
  const day = new Date(`${date}T00:00:00Z`);
  // The day in any zone: from 14 h before UTC midnight to 14 h after the next.
  const from = new Date(day.getTime() - 14 * 3_600_000);
  const to = new Date(day.getTime() + 38 * 3_600_000);
  const isRep = viewer.role !== "ADMIN";
  const calls = await db.call.findMany({
    where: {
      workspaceId: viewer.workspaceId,
      startedAt: { gte: from, lt: to },
      participants: { some: { email: participant } },
      ...(isRep ? { AND: [{ participants: { some: { userId: viewer.userId } } }] } : {}),
    },
    select: CALL_SELECT,
    orderBy: { startedAt: "asc" },
    take: 10,
  });
  if (calls.length === 1) return storedAnswer(calls[0]!);
  if (calls.length > 1) return { reason: "SEVERAL", calls: calls.map(found) };
  if (isRep) return { reason: "NOT_FOUND_FOR_YOU" };
  const member = await db.user.count({ where: { email: participant, memberships: { some: { workspaceId: viewer.workspaceId, status: "ACTIVE" } } } });
  const connected = await db.integration.findMany({
    where: { workspaceId: viewer.workspaceId, provider: { in: [...RECORDERS] }, status: { in: ["CONNECTED", "SYNCING"] } },
    select: { provider: true },
  });
  const lags = connected.map((i) => describeProvider(i.provider as Recorder).callLagMs);
  const lag = lags.length ? Math.max(...lags) : null;
  // Recent enough that the provider may not list it yet.
  const recent = lag !== null && now.getTime() - to.getTime() < lag;
  return { reason: "NOT_FOUND", participantIsMember: member > 0, callLagMs: recent ? lag : null };
}
