// Clari Copilot payloads -> canonical model.
import {
  type CallDetailsPatch,
  type CanonicalCall,
  type CanonicalParticipant,
  type CanonicalTranscript,
  type ProviderUserRecord,
  type TranscriptStatus,
  normalizeCrmSystem,
  normalizeEmail,
} from "../canonical";
import { CLARI_DONE_STATUS, CLARI_TERMINAL_STATUSES, type ClariCall, type ClariCallDetails, type ClariUser } from "./schemas";
import { PROVIDER_SPECS } from "../registry";

/** Signed audio/video URLs are valid for 4 hours. */
export const CLARI_MEDIA_TTL_MS = PROVIDER_SPECS.CLARI.facts.recordingUrlTtlMs;

const MEETING_TYPES = new Set(["ZOOM", "GOOGLE_MEET", "MS_TEAMS", "GOTO_MEETING", "BLUE_JEANS"]);
const PLATFORM_NAMES: Record<string, string> = {
  ZOOM: "Zoom",
  GOOGLE_MEET: "Google Meet",
  MS_TEAMS: "Microsoft Teams",
  GOTO_MEETING: "GoTo Meeting",
  BLUE_JEANS: "BlueJeans",
  RECORDING: "Uploaded recording",
};

function platformName(type: string | null | undefined): string | null {
  if (!type) return null;
  return (
    PLATFORM_NAMES[type] ??
    type
      .toLowerCase()
      .split("_")
      .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
      .join(" ")
  );
}

export function clariTranscriptStatus(status: string | null | undefined): TranscriptStatus {
  if (status && CLARI_TERMINAL_STATUSES.has(status)) return "UNAVAILABLE";
  return "PENDING";
}

export function mapClariUser(u: ClariUser): ProviderUserRecord {
  return { providerUserId: u.id, email: normalizeEmail(u.email), name: u.name ?? null, title: u.role ?? null, active: true };
}

export function mapClariParticipants(c: ClariCall): CanonicalParticipant[] {
  const out: CanonicalParticipant[] = [];
  const index = new Map<string, CanonicalParticipant>();
  const key = (email: string | null, name: string | null | undefined) => (email ? `e:${email}` : name ? `n:${name}` : null);
  const add = (p: CanonicalParticipant, k: string | null) => {
    out.push(p);
    if (k) index.set(k, p);
  };
  for (const u of c.users ?? []) {
    const email = normalizeEmail(u.userEmail);
    add(
      {
        speakerKey: u.personId ?? null,
        name: null,
        email,
        title: null,
        phone: null,
        affiliation: "INTERNAL",
        isInvitee: true,
        isAttendee: false,
        providerUserId: u.userId ?? null,
      },
      key(email, null),
    );
  }
  for (const p of c.externalParticipants ?? []) {
    const email = normalizeEmail(p.email);
    const k = key(email, p.name);
    const existing = k ? index.get(k) : undefined;
    if (existing) {
      existing.isInvitee = true;
      existing.name ??= p.name ?? null;
      continue;
    }
    add(
      {
        speakerKey: p.personId ?? null,
        name: p.name ?? null,
        email,
        title: null,
        phone: p.phone ?? null,
        affiliation: "EXTERNAL",
        isInvitee: true,
        isAttendee: false,
        providerUserId: null,
      },
      k,
    );
  }
  for (const p of c.joinedParticipants ?? []) {
    const email = normalizeEmail(p.email);
    const k = key(email, p.name);
    const existing = k ? index.get(k) : undefined;
    if (existing) {
      existing.isAttendee = true;
      existing.name ??= p.name ?? null;
      existing.phone ??= p.phone ?? null;
      existing.speakerKey ??= p.personId ?? null;
      continue;
    }
    add(
      {
        speakerKey: p.personId ?? null,
        name: p.name ?? null,
        email,
        title: null,
        phone: p.phone ?? null,
        affiliation: "UNKNOWN",
        isInvitee: false,
        isAttendee: true,
        providerUserId: null,
      },
      k,
    );
  }
  return out;
}

export function mapClariCall(c: ClariCall, fetchedAt: Date): CanonicalCall {
  const crm = c.crm_info;
  const hasMedia = Boolean(c.audio_url || c.video_url);
  const organizer = (c.users ?? []).find((u) => u.isOrganizer) ?? (c.users ?? [])[0];
  return {
    provider: "CLARI",
    providerCallId: c.id,
    title: c.title?.trim() || "Untitled call",
    startedAt: new Date(c.time),
    durationSec: Math.max(0, Math.round(c.metrics?.call_duration ?? 0)),
    direction: c.type && MEETING_TYPES.has(c.type) ? "CONFERENCE" : "UNKNOWN",
    platform: platformName(c.type),
    language: null,
    // Listed with includePrivate=false: Clari's call object carries no privacy flag.
    isPrivate: false,
    providerUrl: c.call_review_page_url ?? null,
    summary: null,
    keyPoints: null,
    actionItems: null,
    crm: {
      system: crm?.deal_id || crm?.account_id ? normalizeCrmSystem(crm?.source_crm) : null,
      dealIds: crm?.deal_id ? [crm.deal_id] : [],
      accountIds: crm?.account_id ? [crm.account_id] : [],
    },
    recording: {
      audioUrl: c.audio_url ?? null,
      videoUrl: c.video_url ?? null,
      expiresAt: hasMedia ? new Date(fetchedAt.getTime() + CLARI_MEDIA_TTL_MS) : null,
    },
    participants: mapClariParticipants(c),
    ownerProviderUserId: organizer?.userId ?? null,
    transcriptStatus: clariTranscriptStatus(c.status),
    providerUpdatedAt: c.last_modified_time ? new Date(c.last_modified_time) : null,
  };
}

export function mapClariDetails(c: ClariCallDetails): CallDetailsPatch | null {
  if (!c.summary) return null;
  const actionItems = (c.summary.key_action_items ?? []).map((a) => a.action_item?.trim() ?? "").filter(Boolean);
  const keyPoints = (c.summary.topics_discussed ?? []).map((t) => [t.name, t.summary].filter(Boolean).join(": ").trim()).filter(Boolean);
  return { summary: c.summary.full_summary ?? null, keyPoints, actionItems };
}

/**
 * call-details -> transcript (float seconds -> ms) plus summary / action items. Final only at
 * POST_PROCESSING_DONE: before (PROCESSING, PROCESSED) the transcript or the summary may still be missing,
 * so it stays PENDING and is read again (a PROCESSED call has its transcript but not yet its summary).
 */
export function mapClariTranscript(c: ClariCallDetails): CanonicalTranscript {
  const items = c.transcript ?? [];
  const sentences = items
    .map((t) => {
      const startMs = Math.max(0, Math.round(t.start * 1000));
      return { speakerKey: t.personId ?? null, startMs, endMs: Math.max(startMs, Math.round(t.end * 1000)), text: t.text };
    })
    .sort((a, b) => a.startMs - b.startMs);
  // Without a status (trimmed data) the transcript is taken as final when it has sentences.
  const done = c.status ? c.status === CLARI_DONE_STATUS : sentences.length > 0;
  if (c.status && CLARI_TERMINAL_STATUSES.has(c.status)) return { providerCallId: c.id, status: "UNAVAILABLE", sentences: [], details: mapClariDetails(c) };
  if (!done) return { providerCallId: c.id, status: "PENDING", sentences: [], details: null };
  return { providerCallId: c.id, status: sentences.length > 0 ? "AVAILABLE" : "UNAVAILABLE", sentences, details: mapClariDetails(c) };
}
