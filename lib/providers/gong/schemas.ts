// Gong API payloads (official spec: /work/shared/provider-apis/specs/gong-openapi.json). Lenient on
// fields we do not use, strict on the ones the canonical model needs. No server-only: the contract
// tests parse simulator responses with these too.
import { z } from "zod";

export const isoDateTime = z.string().refine((s) => !Number.isNaN(Date.parse(s)), { message: "expected an ISO-8601 date-time" });

const str = z.string().nullish();

export const gongRecordsSchema = z.object({
  totalRecords: z.number().int().nullish(),
  currentPageSize: z.number().int().nullish(),
  currentPageNumber: z.number().int().nullish(),
  /** Present only when more pages exist. */
  cursor: z.string().nullish(),
});

export const gongErrorSchema = z.object({
  requestId: z.string().nullish(),
  errors: z.array(z.string()),
});

export const gongTokenResponseSchema = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1),
  expires_in: z.number(),
  // Required on the code exchange, may be absent on a refresh (then the stored one stays): OAuthClient checks both.
  api_base_url_for_customer: z.string().nullish(),
  scope: str,
  token_type: str,
});
export type GongTokenResponse = z.infer<typeof gongTokenResponseSchema>;

export const gongUserSchema = z.object({
  id: z.string(),
  emailAddress: str,
  firstName: str,
  lastName: str,
  title: str,
  phoneNumber: str,
  active: z.boolean().nullish(),
  created: isoDateTime.nullish(),
});
export type GongUser = z.infer<typeof gongUserSchema>;

export const gongUsersResponseSchema = z.object({
  requestId: z.string().nullish(),
  records: gongRecordsSchema,
  users: z.array(gongUserSchema),
});

const contextFieldSchema = z.object({ name: z.string(), value: z.unknown() });

export const gongContextObjectSchema = z.object({
  objectType: str,
  objectId: str,
  fields: z.array(contextFieldSchema).nullish(),
  timing: str,
});

export const gongContextSchema = z.object({
  system: str,
  objects: z.array(gongContextObjectSchema).nullish(),
});

export const gongCallMetaDataSchema = z.object({
  id: z.string().min(1),
  url: str,
  title: str,
  scheduled: isoDateTime.nullish(),
  started: isoDateTime,
  duration: z.number().nullish(),
  primaryUserId: str,
  direction: str,
  system: str,
  scope: str,
  media: str,
  language: str,
  workspaceId: str,
  isPrivate: z.boolean().nullish(),
  meetingUrl: str,
  calendarEventId: str,
});

export const gongPartySchema = z.object({
  id: str,
  emailAddress: str,
  name: str,
  title: str,
  userId: str,
  speakerId: str,
  context: z.array(gongContextSchema).nullish(),
  affiliation: str,
  phoneNumber: str,
  methods: z.array(z.string()).nullish(),
});
export type GongParty = z.infer<typeof gongPartySchema>;

export const gongContentSchema = z.object({
  brief: str,
  keyPoints: z.array(z.object({ text: str })).nullish(),
  pointsOfInterest: z
    .object({
      actionItems: z
        .array(
          z.object({
            snippetStartTime: z.number().nullish(),
            snippetEndTime: z.number().nullish(),
            speakerID: str,
            snippet: str,
          }),
        )
        .nullish(),
    })
    .nullish(),
});

export const gongMediaSchema = z.object({ audioUrl: str, videoUrl: str });

export const gongCallDataSchema = z.object({
  metaData: gongCallMetaDataSchema,
  context: z.array(gongContextSchema).nullish(),
  parties: z.array(gongPartySchema).nullish(),
  content: gongContentSchema.nullish(),
  media: gongMediaSchema.nullish(),
});
export type GongCallData = z.infer<typeof gongCallDataSchema>;

export const gongCallsExtensiveResponseSchema = z.object({
  requestId: z.string().nullish(),
  records: gongRecordsSchema,
  calls: z.array(gongCallDataSchema),
});

/** The same page with each call left unparsed: the client validates calls one by one (a bad one is skipped). */
export const gongCallsExtensivePageSchema = gongCallsExtensiveResponseSchema.extend({ calls: z.array(z.unknown()) });

/** GET /v2/calls (basic data, not used by the sync but part of the contract tests). */
export const gongCallsListResponseSchema = z.object({
  requestId: z.string().nullish(),
  records: gongRecordsSchema,
  calls: z.array(gongCallMetaDataSchema),
});

export const gongSentenceSchema = z.object({
  start: z.number().int(),
  end: z.number().int(),
  text: z.string(),
});

export const gongMonologueSchema = z.object({
  speakerId: str,
  topic: str,
  sentences: z.array(gongSentenceSchema),
});

export const gongCallTranscriptSchema = z.object({
  callId: z.string().min(1),
  transcript: z.array(gongMonologueSchema),
});
export type GongCallTranscript = z.infer<typeof gongCallTranscriptSchema>;

export const gongTranscriptResponseSchema = z.object({
  requestId: z.string().nullish(),
  records: gongRecordsSchema,
  callTranscripts: z.array(gongCallTranscriptSchema),
});

/** Request bodies (the simulator validates what clients send with these). */
export const gongCallsFilterSchema = z.object({
  fromDateTime: isoDateTime.nullish(),
  toDateTime: isoDateTime.nullish(),
  workspaceId: str,
  callIds: z.array(z.string()).nullish(),
  primaryUserIds: z.array(z.string()).nullish(),
});

export const gongExtensiveRequestSchema = z.object({
  cursor: z.string().nullish(),
  filter: gongCallsFilterSchema,
  contentSelector: z
    .object({
      context: z.enum(["None", "Basic", "Extended"]).nullish(),
      contextTiming: z.array(z.enum(["Now", "TimeOfCall"])).nullish(),
      exposedFields: z
        .object({
          parties: z.boolean().nullish(),
          content: z.record(z.string(), z.boolean()).nullish(),
          interaction: z.record(z.string(), z.boolean()).nullish(),
          collaboration: z.record(z.string(), z.boolean()).nullish(),
          media: z.boolean().nullish(),
        })
        .nullish(),
    })
    .nullish(),
});
export type GongExtensiveRequest = z.infer<typeof gongExtensiveRequestSchema>;

export const gongTranscriptRequestSchema = z.object({
  cursor: z.string().nullish(),
  filter: gongCallsFilterSchema,
});

/** Gong's documented "empty result" 404 message. */
export const GONG_NO_CALLS_MESSAGE = "No calls found corresponding to the provided filters";
export const GONG_NO_USERS_MESSAGE = "No users found corresponding to the provided filters";
