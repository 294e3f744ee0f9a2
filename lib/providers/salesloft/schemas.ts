// Salesloft API payloads (see provider-apis/NOTES.md §2). No server-only: shared with contract tests.
import { z } from "zod";

const str = z.string().nullish();
export const isoDateTime = z.string().refine((s) => !Number.isNaN(Date.parse(s)), { message: "expected an ISO-8601 date-time" });

/** Salesloft ids are integers on most objects and UUIDs on conversations; keep them as strings. */
const anyId = z.union([z.string().min(1), z.number()]).transform((v) => String(v));

export const salesloftRefSchema = z.object({ id: anyId, _href: str }).nullish();

export const salesloftPagingSchema = z.object({
  per_page: z.number().int().nullish(),
  current_page: z.number().int().nullish(),
  next_page: z.number().int().nullish(),
  prev_page: z.number().int().nullish(),
  total_pages: z.number().int().nullish(),
  total_count: z.number().int().nullish(),
});

export function salesloftList<T extends z.ZodType>(item: T) {
  return z.object({
    metadata: z
      .object({
        filtering: z.unknown().optional(),
        paging: salesloftPagingSchema.nullish(),
        sorting: z.unknown().optional(),
      })
      .nullish(),
    data: z.array(item),
  });
}

export function salesloftOne<T extends z.ZodType>(item: T) {
  return z.object({ data: item });
}

export const salesloftErrorSchema = z.union([z.object({ errors: z.record(z.string(), z.array(z.string())) }), z.object({ error: z.string() })]);

export const salesloftTokenResponseSchema = z.object({
  access_token: z.string().min(1),
  token_type: str,
  expires_in: z.number().nullish(),
  refresh_token: z.string().min(1),
  scope: str,
  created_at: z.number().nullish(),
});
export type SalesloftTokenResponse = z.infer<typeof salesloftTokenResponseSchema>;

export const salesloftUserSchema = z.object({
  id: anyId,
  guid: z.string().min(1),
  name: str,
  first_name: str,
  last_name: str,
  job_role: str,
  email: str,
  active: z.boolean().nullish(),
});
export type SalesloftUser = z.infer<typeof salesloftUserSchema>;

export const salesloftConversationSchema = z.object({
  id: z.string().min(1),
  title: str,
  /** Milliseconds. */
  duration: z.number().nullish(),
  platform: str,
  media_type: str,
  language_code: str,
  is_api: z.boolean().nullish(),
  organization_id: str,
  owner_id: str,
  user_guid: str,
  call_id: z.union([z.string(), z.number()]).nullish(),
  /** Epoch seconds on some rows, epoch milliseconds on others. */
  started_recording_at: z.number().nullish(),
  event_start_date: isoDateTime.nullish(),
  event_end_date: isoDateTime.nullish(),
  created_at: isoDateTime,
  updated_at: isoDateTime,
  account: salesloftRefSchema,
  person: salesloftRefSchema,
  recording: salesloftRefSchema,
  transcription: salesloftRefSchema,
  transcription_sentences: salesloftRefSchema,
  transcription_artifact: salesloftRefSchema,
});
export type SalesloftConversation = z.infer<typeof salesloftConversationSchema>;

export const salesloftAttendeeSchema = z.object({
  id: anyId,
  email: str,
  full_name: str,
  is_internal: z.boolean().nullish(),
});

export const salesloftInviteeSchema = z.object({
  email: str,
  full_name: str,
  is_internal: z.boolean().nullish(),
});

export const salesloftConversationExtensiveSchema = salesloftConversationSchema.extend({
  owner_email: str,
  opportunity: salesloftRefSchema,
  summary: z.object({ id: str, text: str, status: str, created_at: str }).nullish(),
  action_items: z
    .object({
      status: str,
      items: z.array(z.object({ id: str, original_text: str, edited_text: str })).nullish(),
    })
    .nullish(),
  key_moments: z.object({ status: str, items: z.array(z.object({ name: str })).nullish() }).nullish(),
  attendees: z.array(salesloftAttendeeSchema).nullish(),
  invitees: z.array(salesloftInviteeSchema).nullish(),
});
export type SalesloftConversationExtensive = z.infer<typeof salesloftConversationExtensiveSchema>;

export const salesloftTranscriptionSchema = z.object({
  id: z.string().min(1),
  language_code: str,
  created_at: str,
  updated_at: str,
  conversation: salesloftRefSchema,
});

export const salesloftSentenceSchema = z.object({
  /** The transcription id, repeated on every sentence (not unique). */
  id: str,
  /** Float seconds. */
  start_time: z.number(),
  end_time: z.number(),
  order_number: z.number().int().nullish(),
  recording_attendee_id: z.union([z.string(), z.number()]).transform(String).nullish(),
  text: z.string(),
  conversation: salesloftRefSchema,
});
export type SalesloftSentence = z.infer<typeof salesloftSentenceSchema>;

/**
 * GET /v2/transcriptions/{id}/artifact (developer.salesloft.com "Fetch a Transcription Artifact"): a signed
 * URL to the whole transcription as one JSON file. 403 without the "Download Conversations" role permission.
 */
export const salesloftArtifactSchema = z.object({
  id: anyId,
  /** "Signed Url to transcription artifact"; may be missing (not documented as required): sentences then. */
  url: str,
  content_type: str,
  language_code: str,
  conversation: salesloftRefSchema,
});
/** One sentence in the artifact file: the fields GET /v2/transcriptions/{id}/sentences has. */
export const salesloftArtifactSentenceSchema = salesloftSentenceSchema.pick({
  start_time: true,
  end_time: true,
  order_number: true,
  recording_attendee_id: true,
  text: true,
});
export type SalesloftArtifactSentence = z.infer<typeof salesloftArtifactSentenceSchema>;
/**
 * The artifact file. Its layout is not documented (only `content_type: application/json`): read as the
 * transcription's sentences, `{sentences: [...]}` or a bare array; anything else is not used (the client
 * falls back to the sentences endpoint).
 */
export const salesloftArtifactFileSchema = z
  .union([z.object({ sentences: z.array(salesloftArtifactSentenceSchema) }), z.array(salesloftArtifactSentenceSchema)])
  .transform((f) => (Array.isArray(f) ? f : f.sentences));

export const salesloftOpportunitySchema = z.object({
  id: anyId,
  name: str,
  crm_id: str,
  crm_type: str,
  account_crm_id: str,
  account: salesloftRefSchema,
});

export const salesloftAccountSchema = z.object({
  id: anyId,
  name: str,
  domain: str,
  crm_id: str,
  crm_type: str,
});

/** GET /v2/conversations/{id}/recording: a redirect to the signed URL, or JSON data.url. */
export const salesloftRecordingSchema = z.union([z.object({ location: z.string().min(1) }), z.object({ data: z.object({ url: z.string().min(1) }) })]);

export const salesloftUsersResponseSchema = salesloftList(salesloftUserSchema);
export const salesloftConversationsResponseSchema = salesloftList(salesloftConversationSchema);
export const salesloftConversationResponseSchema = salesloftOne(salesloftConversationSchema);
export const salesloftConversationExtensiveResponseSchema = salesloftOne(salesloftConversationExtensiveSchema);
/** The same bodies with each conversation left unparsed: the client validates them one by one (a bad one is skipped). */
export const salesloftConversationsPageSchema = salesloftList(z.unknown());
export const salesloftConversationExtensivePageSchema = salesloftOne(z.unknown());
export const salesloftTranscriptionsResponseSchema = salesloftList(salesloftTranscriptionSchema);
export const salesloftSentencesResponseSchema = salesloftList(salesloftSentenceSchema);
export const salesloftArtifactResponseSchema = salesloftOne(salesloftArtifactSchema);
export const salesloftOpportunityResponseSchema = salesloftOne(salesloftOpportunitySchema);
export const salesloftAccountResponseSchema = salesloftOne(salesloftAccountSchema);

/** Documented surcharge for deep pages (developers.salesloft.com rate-limits). */
export function salesloftPageCost(page: number): number {
  if (page <= 100) return 1;
  if (page <= 150) return 3;
  if (page <= 250) return 8;
  if (page <= 500) return 10;
  return 30;
}
