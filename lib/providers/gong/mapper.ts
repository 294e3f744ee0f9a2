// Gong payloads -> canonical model.
import {
  type Affiliation,
  type CallDirection,
  type CanonicalCall,
  type CanonicalParticipant,
  type CanonicalSentence,
  type CanonicalTranscript,
  type ProviderUserRecord,
  normalizeCrmSystem,
  normalizeEmail,
  uniqueIds,
} from "../canonical";
import type { GongCallData, GongCallTranscript, GongUser } from "./schemas";
import type { z } from "zod";
import type { gongContextSchema } from "./schemas";
import { PROVIDER_SPECS } from "../registry";

/** Signed media URLs from /v2/calls/extensive are valid for 8 hours. */
export const GONG_MEDIA_TTL_MS = PROVIDER_SPECS.GONG.facts.recordingUrlTtlMs;

const DIRECTIONS: Record<string, CallDirection> = {
  inbound: "INBOUND",
  outbound: "OUTBOUND",
  conference: "CONFERENCE",
  unknown: "UNKNOWN",
};

const AFFILIATIONS: Record<string, Affiliation> = { internal: "INTERNAL", external: "EXTERNAL", unknown: "UNKNOWN" };

const DEAL_TYPES = new Set(["opportunity", "deal"]);
const ACCOUNT_TYPES = new Set(["account", "company"]);

type GongContext = z.infer<typeof gongContextSchema>;

export function mapGongCrm(contexts: GongContext[] | null | undefined) {
  let system: string | null = null;
  const dealIds: string[] = [];
  const accountIds: string[] = [];
  for (const ctx of contexts ?? []) {
    for (const obj of ctx.objects ?? []) {
      const type = obj.objectType?.toLowerCase() ?? "";
      if (!obj.objectId) continue;
      if (DEAL_TYPES.has(type)) dealIds.push(obj.objectId);
      else if (ACCOUNT_TYPES.has(type)) accountIds.push(obj.objectId);
      else continue;
      system ??= normalizeCrmSystem(ctx.system);
    }
  }
  return { system, dealIds: uniqueIds(dealIds), accountIds: uniqueIds(accountIds) };
}

export function mapGongUser(user: GongUser): ProviderUserRecord {
  const name = [user.firstName, user.lastName].filter(Boolean).join(" ").trim();
  return {
    providerUserId: user.id,
    email: normalizeEmail(user.emailAddress),
    name: name || null,
    title: user.title ?? null,
    active: user.active ?? true,
  };
}

export function mapGongCall(call: GongCallData, fetchedAt: Date): CanonicalCall {
  const md = call.metaData;
  const participants: CanonicalParticipant[] = (call.parties ?? []).map((p) => {
    const methods = (p.methods ?? []).map((m) => m.toLowerCase());
    return {
      speakerKey: p.speakerId ?? null,
      name: p.name ?? null,
      email: normalizeEmail(p.emailAddress),
      title: p.title ?? null,
      phone: p.phoneNumber ?? null,
      affiliation: AFFILIATIONS[p.affiliation?.toLowerCase() ?? ""] ?? "UNKNOWN",
      isInvitee: methods.includes("invitee"),
      // Gong lists "Attendee" for people who joined; a speaker certainly attended.
      isAttendee: methods.includes("attendee") || Boolean(p.speakerId),
      providerUserId: p.userId ?? null,
    };
  });
  const media = call.media;
  const hasMedia = Boolean(media?.audioUrl || media?.videoUrl);
  const keyPoints = (call.content?.keyPoints ?? []).map((k) => k.text ?? "").filter((t) => t.length > 0);
  const actionItems = (call.content?.pointsOfInterest?.actionItems ?? []).map((a) => a.snippet ?? "").filter((t) => t.length > 0);
  return {
    provider: "GONG",
    providerCallId: md.id,
    title: md.title?.trim() || "Untitled call",
    startedAt: new Date(md.started),
    durationSec: Math.max(0, Math.round(md.duration ?? 0)),
    direction: DIRECTIONS[md.direction?.toLowerCase() ?? ""] ?? "UNKNOWN",
    platform: md.system ?? null,
    language: md.language ?? null,
    isPrivate: md.isPrivate ?? false,
    providerUrl: md.url ?? null,
    summary: call.content?.brief ?? null,
    keyPoints: call.content ? keyPoints : null,
    actionItems: call.content ? actionItems : null,
    crm: mapGongCrm(call.context),
    recording: {
      audioUrl: media?.audioUrl ?? null,
      videoUrl: media?.videoUrl ?? null,
      expiresAt: hasMedia ? new Date(fetchedAt.getTime() + GONG_MEDIA_TTL_MS) : null,
    },
    participants,
    ownerProviderUserId: md.primaryUserId ?? null,
    // Gong says nothing about transcript readiness in the call listing.
    transcriptStatus: "PENDING",
    providerUpdatedAt: null,
  };
}

/** Monologues -> sentences, ordered by start time. Speaker ids join parties[].speakerId. */
export function mapGongTranscript(t: GongCallTranscript): CanonicalTranscript {
  const sentences: CanonicalSentence[] = [];
  for (const mono of t.transcript) {
    for (const s of mono.sentences) {
      sentences.push({
        speakerKey: mono.speakerId ?? null,
        startMs: Math.max(0, s.start),
        endMs: Math.max(s.start, s.end, 0),
        text: s.text,
      });
    }
  }
  sentences.sort((a, b) => a.startMs - b.startMs);
  return {
    providerCallId: t.callId,
    status: sentences.length > 0 ? "AVAILABLE" : "PENDING",
    sentences,
    details: null,
  };
}
