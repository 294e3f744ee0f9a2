// Clari Copilot API payloads (official spec: specs/clari-copilot-openapi.original.yml). Real lists
// omit unset keys, and use values outside the spec enums (type "RECORDING"), so enums are strings.
// No server-only: shared with contract tests.
import { z } from "zod";
import { PROVIDER_SPECS } from "../registry";

const str = z.string().nullish();
export const isoDateTime = z.string().refine((s) => !Number.isNaN(Date.parse(s)), { message: "expected an ISO-8601 date-time" });
/** dust's client accepts personId as string or number; so do we. */
const personId = z
  .union([z.number(), z.string()])
  .transform((v) => String(v))
  .nullish();

export const clariCallUserSchema = z.object({
  userId: str,
  userEmail: str,
  isOrganizer: z.boolean().nullish(),
  personId,
});

export const clariParticipantSchema = z.object({
  name: str,
  email: str,
  phone: str,
  personId,
});

export const clariCrmInfoSchema = z.object({
  source_crm: str,
  deal_id: str,
  account_id: str,
  contact_ids: z.array(z.string()).nullish(),
});

export const clariCallSchema = z.object({
  id: z.string().min(1),
  source_id: str,
  title: str,
  users: z.array(clariCallUserSchema).nullish(),
  externalParticipants: z.array(clariParticipantSchema).nullish(),
  joinedParticipants: z.array(clariParticipantSchema).nullish(),
  status: str,
  type: str,
  time: isoDateTime,
  last_modified_time: isoDateTime.nullish(),
  audio_url: str,
  video_url: str,
  disposition: str,
  deal_name: str,
  account_name: str,
  crm_info: clariCrmInfoSchema.nullish(),
  metrics: z.object({ call_duration: z.number().nullish() }).nullish(),
  call_review_page_url: str,
});
export type ClariCall = z.infer<typeof clariCallSchema>;

/** Timestamps in summaries: the spec says string, dust's schema says number. */
const looseTimestamp = z.union([z.string(), z.number()]).nullish();

export const clariTranscriptItemSchema = z.object({
  text: z.string(),
  /** Seconds (float). */
  start: z.number(),
  end: z.number(),
  personId,
});

export const clariCallDetailsSchema = clariCallSchema.extend({
  deal_stage_live: str,
  transcript: z.array(clariTranscriptItemSchema).nullish(),
  summary: z
    .object({
      full_summary: str,
      topics_discussed: z.array(z.object({ name: str, summary: str, start_timestamp: looseTimestamp, end_timestamp: looseTimestamp })).nullish(),
      key_action_items: z.array(z.object({ action_item: str, speaker_name: str, start_timestamp: looseTimestamp, end_timestamp: looseTimestamp })).nullish(),
    })
    .nullish(),
});
export type ClariCallDetails = z.infer<typeof clariCallDetailsSchema>;

export const clariPaginationSchema = z.object({
  matched: z.number().int().nullish(),
  hasMore: z.boolean().nullish(),
  /** Absent on the last page. */
  nextPageSkip: z.number().int().nullish(),
});

export const clariCallsResponseSchema = z.object({
  calls: z.array(clariCallSchema),
  pagination: clariPaginationSchema.nullish(),
});

/** The same page with each call left unparsed: the client validates calls one by one (a bad one is skipped). */
export const clariCallsPageSchema = clariCallsResponseSchema.extend({ calls: z.array(z.unknown()) });

export const clariCallDetailsResponseSchema = z.object({ call: clariCallDetailsSchema });

export const clariUserSchema = z.object({
  id: z.string().min(1),
  email: str,
  name: str,
  role: str,
  is_recording: z.boolean().nullish(),
  manager_id: str,
});
export type ClariUser = z.infer<typeof clariUserSchema>;

export const clariUsersResponseSchema = z.object({ users: z.array(clariUserSchema) });

/**
 * Clari Copilot lists every calendar meeting (official spec CallStatus; a captured listing carries
 * NO_DATA_INCALL next to POST_PROCESSING_DONE). Only these are recordings, i.e. calls: PROCESSING (recorded,
 * being transcribed), PROCESSED (transcript done, summary and action items still being made),
 * POST_PROCESSING_DONE (everything there), and the two processing errors (a recording without transcript).
 * The rest never become a call: SCHEDULED / INITIATED / INPROGRESS / WAITING_IN_QUEUE (not recorded yet: a
 * later status change lists it again, by modified time), and the never-recorded ones (NOBODY_JOINED_CALL,
 * NO_DATA_INCALL, CALL_DID_NOT_HAPPEN, BOTJOIN_DENIED, BOTJOIN_DISABLED, UNABLE_TO_JOIN, IGNORED_BY_USER,
 * ERROR_IN_RECORDING).
 */
export const CLARI_RECORDED_STATUSES = ["PROCESSING", "PROCESSED", "POST_PROCESSING_DONE", "ERROR_IN_TRANSCRIBE", "ERROR_IN_PROCESSING"] as const;
const RECORDED = new Set<string>(CLARI_RECORDED_STATUSES);
/** Only this status means summary and action items are final: before it, call-details is read again. */
export const CLARI_DONE_STATUS = "POST_PROCESSING_DONE";
/** Recorded, but the transcript will never come. */
export const CLARI_TERMINAL_STATUSES = new Set(["ERROR_IN_TRANSCRIBE", "ERROR_IN_PROCESSING"]);

/** A listed entry is a recording (a call to store). An entry without status is kept (trimmed data). */
export function isClariRecording(status: string | null | undefined): boolean {
  return !status || RECORDED.has(status);
}
/** Clari staff advise 25: larger pages hit the 6 MB response cap and fail with 502. */
export const CLARI_PAGE_SIZE = PROVIDER_SPECS.CLARI.facts.pageSize;
/** `skip` is capped at 10,000 by the API. */
export const CLARI_MAX_SKIP = 10_000;
