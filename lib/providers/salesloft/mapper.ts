// Salesloft payloads -> canonical model.
import {
  type Affiliation,
  type CanonicalCall,
  type CanonicalParticipant,
  type CanonicalTranscript,
  type CrmContext,
  type ProviderUserRecord,
  normalizeEmail,
} from "../canonical";
import type { SalesloftConversation, SalesloftConversationExtensive, SalesloftArtifactSentence, SalesloftUser } from "./schemas";

/** `started_recording_at` comes as epoch seconds on some rows and epoch ms on others. */
export function epochToDate(value: number): Date {
  return new Date(value < 1e11 ? value * 1000 : value);
}

export function mapSalesloftUser(u: SalesloftUser): ProviderUserRecord {
  const name = u.name?.trim() || [u.first_name, u.last_name].filter(Boolean).join(" ").trim();
  return {
    providerUserId: u.guid,
    email: normalizeEmail(u.email),
    name: name || null,
    title: u.job_role ?? null,
    active: u.active ?? true,
  };
}

const affiliation = (internal: boolean | null | undefined): Affiliation => (internal === true ? "INTERNAL" : internal === false ? "EXTERNAL" : "UNKNOWN");

function isExtensive(c: SalesloftConversation | SalesloftConversationExtensive): c is SalesloftConversationExtensive {
  return "attendees" in c || "invitees" in c || "owner_email" in c;
}

export function mapSalesloftParticipants(c: SalesloftConversationExtensive): CanonicalParticipant[] {
  const ownerEmail = normalizeEmail(c.owner_email);
  const out: CanonicalParticipant[] = [];
  const byEmail = new Map<string, CanonicalParticipant>();
  for (const a of c.attendees ?? []) {
    const email = normalizeEmail(a.email);
    const p: CanonicalParticipant = {
      speakerKey: a.id,
      name: a.full_name ?? null,
      email,
      title: null,
      phone: null,
      affiliation: affiliation(a.is_internal),
      isInvitee: false,
      isAttendee: true,
      providerUserId: email && email === ownerEmail ? (c.user_guid ?? null) : null,
    };
    out.push(p);
    if (email) byEmail.set(email, p);
  }
  for (const i of c.invitees ?? []) {
    const email = normalizeEmail(i.email);
    const existing = email ? byEmail.get(email) : undefined;
    if (existing) {
      existing.isInvitee = true;
      existing.name ??= i.full_name ?? null;
      continue;
    }
    const p: CanonicalParticipant = {
      speakerKey: null,
      name: i.full_name ?? null,
      email,
      title: null,
      phone: null,
      affiliation: email && email === ownerEmail ? "INTERNAL" : affiliation(i.is_internal),
      isInvitee: true,
      isAttendee: false,
      providerUserId: email && email === ownerEmail ? (c.user_guid ?? null) : null,
    };
    out.push(p);
    if (email) byEmail.set(email, p);
  }
  return out;
}

export function mapSalesloftConversation(c: SalesloftConversation | SalesloftConversationExtensive, crm: CrmContext, appUrl: string): CanonicalCall {
  const startedAt = typeof c.started_recording_at === "number" ? epochToDate(c.started_recording_at) : new Date(c.event_start_date ?? c.created_at);
  const ext = isExtensive(c) ? c : null;
  const actionItems = ext?.action_items?.items?.map((i) => (i.edited_text ?? i.original_text ?? "").trim()).filter((t) => t.length > 0);
  const keyPoints = ext?.key_moments?.items?.map((i) => (i.name ?? "").trim()).filter((t) => t.length > 0);
  return {
    provider: "SALESLOFT",
    providerCallId: c.id,
    title: c.title?.trim() || "Untitled conversation",
    startedAt,
    durationSec: Math.max(0, Math.round((c.duration ?? 0) / 1000)),
    // Dialer conversations carry a call record; the rest are recorded meetings.
    direction: c.call_id !== null && c.call_id !== undefined ? "UNKNOWN" : "CONFERENCE",
    platform: c.platform ?? null,
    language: c.language_code ?? null,
    isPrivate: false,
    // [I] Salesloft web app link for a conversation; the host is configurable.
    providerUrl: `${appUrl.replace(/\/+$/, "")}/app/conversations/${c.id}`,
    summary: ext?.summary?.text ?? null,
    keyPoints: keyPoints && keyPoints.length > 0 ? keyPoints : null,
    actionItems: actionItems ?? null,
    crm,
    recording: { audioUrl: null, videoUrl: null, expiresAt: null },
    participants: ext ? mapSalesloftParticipants(ext) : [],
    ownerProviderUserId: c.user_guid ?? null,
    transcriptStatus: "PENDING",
    providerUpdatedAt: Number.isNaN(Date.parse(c.updated_at)) ? null : new Date(c.updated_at),
  };
}

/** Sentences (float seconds) -> ms, ordered by order_number, then start time. */
export function mapSalesloftSentences(providerCallId: string, sentences: SalesloftArtifactSentence[]): CanonicalTranscript {
  const ordered = sentences.map((s, i) => ({ s, i })).sort((a, b) => (a.s.order_number ?? a.i) - (b.s.order_number ?? b.i) || a.s.start_time - b.s.start_time);
  return {
    providerCallId,
    status: ordered.length > 0 ? "AVAILABLE" : "PENDING",
    sentences: ordered.map(({ s }) => {
      const startMs = Math.max(0, Math.round(s.start_time * 1000));
      return {
        speakerKey: s.recording_attendee_id ?? null,
        startMs,
        endMs: Math.max(startMs, Math.round(s.end_time * 1000)),
        text: s.text,
      };
    }),
    details: null,
  };
}
