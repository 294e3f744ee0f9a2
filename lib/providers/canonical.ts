// The one call model every provider maps to. Field names match prisma/schema.prisma (Call,
// CallParticipant, TranscriptSentence) so the sync engine writes it straight into the database.
// No server-only import: tests and tools may validate canonical payloads too.
import { z } from "zod";
import { PROVIDER_IDS, type ProviderId } from "./registry";

// Which providers exist is the registry's to say.
export const PROVIDERS = PROVIDER_IDS;
export const providerIdSchema = z.enum(PROVIDER_IDS);
export type { ProviderId };

export const callDirectionSchema = z.enum(["INBOUND", "OUTBOUND", "CONFERENCE", "UNKNOWN"]);
export type CallDirection = z.infer<typeof callDirectionSchema>;

export const affiliationSchema = z.enum(["INTERNAL", "EXTERNAL", "UNKNOWN"]);
export type Affiliation = z.infer<typeof affiliationSchema>;

/** PENDING: not ready yet (ask again later); AVAILABLE: sentences delivered; UNAVAILABLE: never will be. */
export const transcriptStatusSchema = z.enum(["PENDING", "AVAILABLE", "UNAVAILABLE"]);
export type TranscriptStatus = z.infer<typeof transcriptStatusSchema>;

export const canonicalParticipantSchema = z.object({
  /** Provider speaker id; joins transcript sentences. Null when the person never spoke. */
  speakerKey: z.string().nullable(),
  name: z.string().nullable(),
  /** Always lower-case. */
  email: z.string().nullable(),
  title: z.string().nullable(),
  phone: z.string().nullable(),
  affiliation: affiliationSchema,
  isInvitee: z.boolean(),
  isAttendee: z.boolean(),
  /** Id of the person as a user of the provider (same id space as listUsers()), when known. */
  providerUserId: z.string().nullable(),
});
export type CanonicalParticipant = z.infer<typeof canonicalParticipantSchema>;

export const canonicalSentenceSchema = z.object({
  speakerKey: z.string().nullable(),
  startMs: z.number().int().nonnegative(),
  endMs: z.number().int().nonnegative(),
  text: z.string(),
});
export type CanonicalSentence = z.infer<typeof canonicalSentenceSchema>;

export const crmContextSchema = z.object({
  /** "SALESFORCE", "HUBSPOT", another upper-case CRM name, or null when the call has no CRM context. */
  system: z.string().nullable(),
  dealIds: z.array(z.string()),
  accountIds: z.array(z.string()),
});
export type CrmContext = z.infer<typeof crmContextSchema>;

export const recordingSchema = z.object({
  audioUrl: z.string().nullable(),
  videoUrl: z.string().nullable(),
  /** When the signed URLs stop working (Gong 8 h, Clari 4 h after they were fetched); null if unknown. */
  expiresAt: z.date().nullable(),
});
export type Recording = z.infer<typeof recordingSchema>;

export const canonicalCallSchema = z.object({
  provider: providerIdSchema,
  providerCallId: z.string().min(1),
  title: z.string(),
  startedAt: z.date(),
  durationSec: z.number().int().nonnegative(),
  direction: callDirectionSchema,
  /** Conferencing or telephony system, e.g. "Zoom", "Google Meet", "Dialer". */
  platform: z.string().nullable(),
  language: z.string().nullable(),
  isPrivate: z.boolean(),
  providerUrl: z.string().nullable(),
  summary: z.string().nullable(),
  keyPoints: z.array(z.string()).nullable(),
  actionItems: z.array(z.string()).nullable(),
  crm: crmContextSchema,
  recording: recordingSchema,
  participants: z.array(canonicalParticipantSchema),
  /** Provider user who hosted / owns the call (same id space as listUsers()). */
  ownerProviderUserId: z.string().nullable(),
  /** What the listing already says about the transcript: PENDING means "ask fetchTranscripts later". */
  transcriptStatus: transcriptStatusSchema,
  /**
   * Provider's own change marker (updated/modified time) when it has one: stored with the call, so that a poll
   * whose overlap lists the call again at the same version spends no further request on it (ListCallsParams.storedAt).
   */
  providerUpdatedAt: z.date().nullable(),
});
export type CanonicalCall = z.infer<typeof canonicalCallSchema>;

/** Call fields some providers deliver only together with the transcript (e.g. Clari call-details). */
export const callDetailsPatchSchema = z.object({
  summary: z.string().nullable(),
  keyPoints: z.array(z.string()).nullable(),
  actionItems: z.array(z.string()).nullable(),
});
export type CallDetailsPatch = z.infer<typeof callDetailsPatchSchema>;

export const canonicalTranscriptSchema = z.object({
  providerCallId: z.string(),
  status: transcriptStatusSchema,
  /** Ordered by startMs; empty unless status is AVAILABLE. */
  sentences: z.array(canonicalSentenceSchema),
  /** Present when the provider returns summary/action items with the transcript; apply to the call. */
  details: callDetailsPatchSchema.nullable(),
});
export type CanonicalTranscript = z.infer<typeof canonicalTranscriptSchema>;

export const providerUserSchema = z.object({
  providerUserId: z.string(),
  email: z.string().nullable(),
  name: z.string().nullable(),
  title: z.string().nullable(),
  active: z.boolean(),
});
export type ProviderUserRecord = z.infer<typeof providerUserSchema>;

/** Lower-cases and trims an email; empty strings become null. */
export function normalizeEmail(email: string | null | undefined): string | null {
  const e = email?.trim().toLowerCase();
  return e ? e : null;
}

/** Maps provider CRM names ("Salesforce", "hubspot", "HubSpot") to the upper-case form used in Call.crmSystem. */
export function normalizeCrmSystem(system: string | null | undefined): string | null {
  const s = system?.trim();
  if (!s) return null;
  const key = s.toLowerCase().replace(/[^a-z]/g, "");
  if (key === "salesforce" || key === "sfdc") return "SALESFORCE";
  if (key === "hubspot") return "HUBSPOT";
  if (key.startsWith("microsoftdynamic") || key === "dynamics") return "DYNAMICS";
  return s.toUpperCase();
}

const uniq = (xs: string[]) => [...new Set(xs.filter((x) => x.length > 0))];
export const uniqueIds = uniq;
