// Fresh recording links on demand. Provider recording URLs are signed and short-lived (Gong 8 h,
// Clari 4 h); we never re-host them, we ask the provider again — through the shared rate limiter with
// "interactive" priority, because a person is waiting. Reps must not be able to spend the provider's
// quota by clicking, so:
// - a link is stored with its expiry and handed to everyone who asks while it is valid (no request);
// - a call's link is fetched at most once per CALL_REFRESH_INTERVAL_MS unless the stored one expired
//   (an atomic claim on Call.recordingFetchedAt: two reps clicking at once make one request);
// - a person fetches at most USER_REFRESHES_PER_MINUTE links per minute (shared counter in PostgreSQL);
// - the shared limiter gives interactive requests a bounded share of what remains of the daily (weekly)
//   quota (lib/sync/rate-limiter.ts INTERACTIVE_SHARE); past it links pause until the quota resets.
// Every refusal is a 429 that says when to try again. Provider failures are the failure table's message
// with a reference id; the provider's detail only reaches the server log (redacted), under that id.
import "server-only";
import { RateLimiterPrisma, RateLimiterRes } from "rate-limiter-flexible";
import { waitText } from "@/lib/auth/throttle";
import { db } from "@/lib/db";
import { ConflictError, ProviderError, TooManyAttemptsError, UpstreamError } from "@/lib/errors";
import { integrationClient } from "@/lib/sync/clients";
import { reportFailure } from "@/lib/sync/failures";
import { DEFAULT_TIME_ZONE, formatDateTime } from "@/lib/time-zones";
import { PROVIDER_NAMES } from "@/lib/calls/provider-names";
import type { VisibleCall } from "@/lib/calls/visibility";
import type { RecordingMedia } from "@/lib/calls/recording-links";

export type FreshRecording = { audioUrl: string | null; videoUrl: string | null; expiresAt: Date | null; cached: boolean };

const USABLE = new Set(["CONNECTED", "SYNCING"]);

/** A stored link with less than this left is not handed out as fresh (the person needs time to play it). */
export const RECORDING_MIN_VALIDITY_MS = 5 * 60_000;
/** A call's link is asked for at most once per this interval, unless the stored one has expired. */
export const CALL_REFRESH_INTERVAL_MS = 10 * 60_000;
/** An expired link may be asked for again after this long (a request in flight, or one that just failed). */
export const CALL_REFRESH_IN_FLIGHT_MS = 30_000;
/** Fresh links one person may fetch from the provider per minute (cached links do not count). */
export const USER_REFRESHES_PER_MINUTE = 5;

const globalForLimiter = globalThis as unknown as { __callsyncRecordingLimiter?: RateLimiterPrisma };

/** Per-person counter (rate-limiter-flexible's Prisma store on the throttle table, its own key prefix). */
function userLimiter(): RateLimiterPrisma {
  globalForLimiter.__callsyncRecordingLimiter ??= new RateLimiterPrisma({
    storeClient: db,
    tableName: "loginThrottle",
    keyPrefix: "recording-user",
    points: USER_REFRESHES_PER_MINUTE,
    duration: 60,
    clearExpiredByTimeout: true,
  });
  return globalForLimiter.__callsyncRecordingLimiter;
}

/**
 * For a call already loaded through the visibility rule (withCall, or findVisibleCall): only its stored
 * link and its integration are read here. `userId`: who asks (the per-person limit).
 */
export async function refreshRecording(
  call: Pick<VisibleCall, "id" | "workspaceId" | "provider" | "providerCallId" | "integrationId">,
  userId?: string,
  now: Date = new Date(),
  /** The viewer's zone, for the times in refusal messages. */
  timeZone: string = DEFAULT_TIME_ZONE,
): Promise<FreshRecording> {
  const stored = await db.call.findUniqueOrThrow({
    where: { id: call.id },
    select: { audioUrl: true, videoUrl: true, recordingExpiresAt: true, recordingFetchedAt: true },
  });
  // 1. A stored link that is still good: everyone gets it, the provider is not asked.
  if ((stored.audioUrl || stored.videoUrl) && stored.recordingExpiresAt && stored.recordingExpiresAt.getTime() - now.getTime() > RECORDING_MIN_VALIDITY_MS) {
    return { audioUrl: stored.audioUrl, videoUrl: stored.videoUrl, expiresAt: stored.recordingExpiresAt, cached: true };
  }

  const integration = call.integrationId
    ? await db.integration.findFirst({
        where: { id: call.integrationId, workspaceId: call.workspaceId },
        select: { id: true, provider: true, apiBaseUrl: true, status: true },
      })
    : null;
  const name = PROVIDER_NAMES[call.provider];
  if (!integration || !USABLE.has(integration.status)) {
    const why = integration?.status === "RECONNECT_REQUIRED" ? "needs to be reconnected" : "is disconnected";
    throw new ConflictError(
      `The ${name} integration ${why}, so a fresh recording link cannot be fetched. Open the call in ${name} instead, or ask an admin to reconnect ${name}.`,
    );
  }

  // 2. The person's own limit (counted only when the provider would be asked).
  const userKey = userId ?? `call:${call.id}`;
  try {
    await userLimiter().consume(userKey, 1);
  } catch (e) {
    if (!(e instanceof RateLimiterRes)) throw e;
    const seconds = Math.max(1, Math.ceil(e.msBeforeNext / 1000));
    throw new TooManyAttemptsError(
      `You asked for ${USER_REFRESHES_PER_MINUTE} fresh recording links in the last minute. Try again in ${waitText(seconds)}, or open the call in ${name}.`,
      seconds,
    );
  }

  // 3. The call's limit: claim the refresh (one request per call per interval; an expired link sooner).
  const claimed = await db.call.updateMany({
    where: {
      id: call.id,
      OR: [
        { recordingFetchedAt: null },
        { recordingFetchedAt: { lt: new Date(now.getTime() - CALL_REFRESH_INTERVAL_MS) } },
        { recordingExpiresAt: { lte: now }, recordingFetchedAt: { lt: new Date(now.getTime() - CALL_REFRESH_IN_FLIGHT_MS) } },
      ],
    },
    data: { recordingFetchedAt: now },
  });
  if (claimed.count === 0) {
    await userLimiter()
      .reward(userKey, 1)
      .catch(() => undefined);
    const fetchedAt = stored.recordingFetchedAt ?? now;
    // A link that still plays (less than the margin left) is better than none.
    if ((stored.audioUrl || stored.videoUrl) && stored.recordingExpiresAt && stored.recordingExpiresAt > now) {
      return { audioUrl: stored.audioUrl, videoUrl: stored.videoUrl, expiresAt: stored.recordingExpiresAt, cached: true };
    }
    const expired = stored.recordingExpiresAt !== null && stored.recordingExpiresAt <= now;
    const next = new Date(fetchedAt.getTime() + (expired ? CALL_REFRESH_IN_FLIGHT_MS : CALL_REFRESH_INTERVAL_MS));
    const seconds = Math.max(1, Math.ceil((next.getTime() - now.getTime()) / 1000));
    throw new TooManyAttemptsError(
      `A fresh link for this call was just requested from ${name}. Try again after ${formatDateTime(next, timeZone)}, or open the call in ${name}.`,
      seconds,
    );
  }

  // 4. The provider, through the shared limiter (interactive share of the quota).
  const client = integrationClient(integration, { priority: "interactive" });
  let recording;
  try {
    recording = await client.fetchRecording(call.providerCallId);
  } catch (error) {
    // Failed: the next click may try again (a NOT_FOUND stays claimed: asking again will not help).
    if (!(error instanceof ProviderError && error.kind === "NOT_FOUND")) {
      await db.call.updateMany({ where: { id: call.id, recordingFetchedAt: now }, data: { recordingFetchedAt: stored.recordingFetchedAt } });
    }
    throw recordingFailure(call.provider, name, error, now, timeZone);
  }
  await db.call.update({
    where: { id: call.id },
    data: { audioUrl: recording.audioUrl, videoUrl: recording.videoUrl, recordingExpiresAt: recording.expiresAt, recordingFetchedAt: now },
  });
  return { audioUrl: recording.audioUrl, videoUrl: recording.videoUrl, expiresAt: recording.expiresAt, cached: false };
}

/** What the person is told when the provider did not give a link (never the provider's own text). */
function recordingFailure(provider: VisibleCall["provider"], name: string, error: unknown, now: Date, timeZone: string): Error {
  if (error instanceof ProviderError && error.quota) {
    const seconds = Math.max(1, Math.ceil((error.quota.resetsAt.getTime() - now.getTime()) / 1000));
    return new TooManyAttemptsError(
      `Recording links are paused to keep syncing within ${name}'s ${error.quota.window} limit; try again after ${formatDateTime(error.quota.resetsAt, timeZone)}. You can open the call in ${name} meanwhile.`,
      seconds,
    );
  }
  if (error instanceof ProviderError && error.kind === "RATE_LIMITED") {
    const seconds = Math.max(1, Math.ceil((error.retryAfterMs ?? 60_000) / 1000));
    return new TooManyAttemptsError(`${name} is busy right now (rate limit). Try again in ${waitText(seconds)}.`, seconds);
  }
  if (error instanceof ProviderError) {
    const { reference } = reportFailure(provider, error, "recording link failed");
    const ref = ` Reference: ${reference}.`;
    // Revoked, or the stored credentials no longer decrypt: either way only a reconnect helps.
    if (error.kind === "AUTH_REVOKED" || error.kind === "CREDENTIALS_UNREADABLE") {
      return new ConflictError(`${name} no longer accepts this workspace's connection. Ask an admin to reconnect ${name}, or open the call in ${name}.${ref}`);
    }
    if (error.kind === "NOT_FOUND") return new ConflictError(`${name} has no recording for this call.${ref}`);
    return new UpstreamError(
      `${name} could not give a fresh recording link right now. Try again in a few minutes, or open the call in ${name}.${ref}`,
      reference,
    );
  }
  // Not a provider error: the route's wrapper logs it and answers with its own reference.
  return error instanceof Error ? error : new Error(String(error));
}

// ---------------------------------------------------------------------------------------------------
// Opening a recording (issue 17, item 3). The Audio / Video / "Open at 12:34" links go through
// GET /api/calls/<id>/recording/open, never straight to the provider's signed URL: at click time the
// stored link is used while it is not near expiry (else a fresh one is fetched, one provider request
// through the shared limiter, refreshRecording above), and a stored link is checked first (one ranged GET
// of its first byte to the provider's media host, which is not the provider's API and not its quota). A
// signed URL that answers 403/404/410 is expired whatever its stored expiry says: it is marked expired and
// a fresh one fetched. Whatever fails, the person lands on the call page saying so, with "Get a fresh link".
// ---------------------------------------------------------------------------------------------------

/** Why an open did not reach the media: the call page's message (a code in its URL, never free text). */
export type OpenFailure = "expired" | "busy" | "unavailable";

export type OpenResult = { ok: true; url: string; fresh: boolean } | { ok: false; reason: OpenFailure };

/** How long the click-time check of a stored link may take before the link is handed out unchecked. */
export const MEDIA_CHECK_TIMEOUT_MS = 4_000;

/** "expired" for a signed URL the media host refuses; "ok" when it serves it, or when it cannot be asked. */
export async function checkMediaUrl(url: string): Promise<"ok" | "expired"> {
  try {
    const res = await fetch(url, { method: "GET", headers: { Range: "bytes=0-0" }, redirect: "follow", signal: AbortSignal.timeout(MEDIA_CHECK_TIMEOUT_MS) });
    await res.body?.cancel().catch(() => undefined);
    return res.status === 403 || res.status === 404 || res.status === 410 ? "expired" : "ok";
  } catch {
    // Unreachable from the server is not proof it is unreachable from the browser: let the person try.
    return "ok";
  }
}

const pick = (r: FreshRecording, media: RecordingMedia) => (media === "video" ? (r.videoUrl ?? r.audioUrl) : (r.audioUrl ?? r.videoUrl));

/** `at`: seconds from the start; media URLs take it as an HTML5 media fragment (#t=SECONDS). */
export const atMoment = (url: string, at: number | null) => (at !== null && at > 0 ? `${url.split("#")[0]}#t=${Math.floor(at)}` : url);

export async function openRecording(
  call: Pick<VisibleCall, "id" | "workspaceId" | "provider" | "providerCallId" | "integrationId">,
  userId: string,
  media: RecordingMedia,
  at: number | null,
  now: Date = new Date(),
  check: (url: string) => Promise<"ok" | "expired"> = checkMediaUrl,
): Promise<OpenResult> {
  const failed = (e: unknown, expired: boolean): OpenResult => {
    if (e instanceof TooManyAttemptsError) return { ok: false, reason: expired ? "expired" : "busy" };
    if (e instanceof ProviderError || e instanceof UpstreamError || e instanceof ConflictError)
      return { ok: false, reason: expired ? "expired" : "unavailable" };
    throw e;
  };
  let rec: FreshRecording;
  try {
    rec = await refreshRecording(call, userId, now);
  } catch (e) {
    const stored = await db.call.findUnique({ where: { id: call.id }, select: { recordingExpiresAt: true } });
    return failed(e, stored?.recordingExpiresAt ? stored.recordingExpiresAt <= now : false);
  }
  let url = pick(rec, media);
  if (!url) return { ok: false, reason: "unavailable" };
  if (!rec.cached) return { ok: true, url: atMoment(url, at), fresh: true };
  if ((await check(url)) === "ok") return { ok: true, url: atMoment(url, at), fresh: false };

  // The provider refuses the stored link: expired early. Say so in the row, then fetch a fresh one.
  await db.call.updateMany({
    where: { id: call.id, audioUrl: rec.audioUrl, videoUrl: rec.videoUrl },
    data: { recordingExpiresAt: now },
  });
  try {
    rec = await refreshRecording(call, userId, now);
  } catch (e) {
    return failed(e, true);
  }
  url = pick(rec, media);
  if (!url || rec.cached) return { ok: false, reason: "expired" };
  return { ok: true, url: atMoment(url, at), fresh: true };
}
