// Contract tests: every fixture in tests/fixtures/provider-apis (copied from provider-apis/, see
// SOURCES.md there) goes through the clients' schemas and mappers, and the simulators' responses
// pass the very same schemas.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { ProviderError } from "@/lib/errors";
import { canonicalCallSchema, canonicalTranscriptSchema, providerUserSchema } from "@/lib/providers/canonical";
import * as clari from "@/lib/providers/clari/schemas";
import { mapClariCall, mapClariTranscript, mapClariUser } from "@/lib/providers/clari/mapper";
import * as gong from "@/lib/providers/gong/schemas";
import { mapGongCall, mapGongTranscript, mapGongUser } from "@/lib/providers/gong/mapper";
import { parsePayload } from "@/lib/providers/parse";
import * as sl from "@/lib/providers/salesloft/schemas";
import { mapSalesloftConversation, mapSalesloftSentences, mapSalesloftUser } from "@/lib/providers/salesloft/mapper";
import type { RunningSimulators } from "@/dev/simulators";
import { NOW, connectOAuth, startTestSimulators } from "./helpers";

const ROOT = path.resolve(import.meta.dirname, "../fixtures/provider-apis");
const AT = new Date("2026-01-01T00:00:00Z");
const noCrm = { system: null, dealIds: [], accountIds: [] };

type Check = (data: unknown) => void;
interface Contract {
  schema: z.ZodType;
  /** Runs the mapper(s) on the parsed payload; results must satisfy the canonical schemas. */
  map?: (parsed: never) => void;
  /** Documented reason the fixture cannot parse, and the field we expect to be named. */
  expectFailure?: { field: string; why: string };
  check?: Check;
}

const gongUserEnvelope = z.object({ requestId: z.string().nullish(), user: gong.gongUserSchema });
const gongCallEnvelope = z.object({ requestId: z.string().nullish(), call: gong.gongCallMetaDataSchema });
const anyList = sl.salesloftList(z.object({ id: z.union([z.string(), z.number()]) }));

const CONTRACTS: Record<string, Contract> = {
  "gong/calls_extensive_last_page_metaData_only.amp-labs.json": {
    schema: gong.gongCallsExtensiveResponseSchema,
    expectFailure: { field: "calls.0.metaData.started", why: "the author trimmed the call fields; a call without a start time cannot be synced" },
  },
  "gong/calls_extensive_page_with_cursor_metaData_only.amp-labs.json": {
    schema: gong.gongCallsExtensiveResponseSchema,
    expectFailure: { field: "calls.0.metaData.started", why: "trimmed capture" },
  },
  "gong/calls_list_GET_v2_calls_page_with_cursor.amp-labs.json": {
    schema: gong.gongCallsListResponseSchema,
    expectFailure: { field: "calls.0.started", why: "trimmed capture" },
  },
  "gong/derived/call_GET_v2_calls_id.spec-examples.json": { schema: gongCallEnvelope },
  "gong/derived/calls_extensive_POST_v2_calls_extensive.spec-examples.json": {
    schema: gong.gongCallsExtensiveResponseSchema,
    map: (p: z.infer<typeof gong.gongCallsExtensiveResponseSchema>) => {
      const call = canonicalCallSchema.parse(mapGongCall(p.calls[0]!, AT));
      expect(call.crm).toEqual({ system: "SALESFORCE", dealIds: ["0013601230sV7grAAC"], accountIds: [] });
      expect(call.participants[0]).toMatchObject({
        speakerKey: "6432345678555530067",
        email: "test@test.com",
        affiliation: "INTERNAL",
        isInvitee: true,
        providerUserId: "234599484848423",
      });
      expect(call.actionItems).toEqual(["And I'll send you an invite with a link that you can use at that time as well."]);
      expect(call.direction).toBe("INBOUND");
      expect(call.startedAt.toISOString()).toBe("2018-02-17T10:30:00.000Z");
      expect(p.records.cursor).toBeTruthy();
    },
  },
  "gong/derived/calls_list_GET_v2_calls.spec-examples.json": { schema: gong.gongCallsListResponseSchema },
  "gong/derived/error_generic.spec-examples.json": { schema: gong.gongErrorSchema },
  "gong/derived/oauth_token_response_generate-customer-token.field-skeleton.json": { schema: gong.gongTokenResponseSchema },
  "gong/derived/request_POST_v2_calls_extensive.spec-examples.json": { schema: gong.gongExtensiveRequestSchema },
  "gong/derived/request_POST_v2_calls_transcript.spec-examples.json": { schema: gong.gongTranscriptRequestSchema },
  "gong/derived/transcript_POST_v2_calls_transcript.spec-examples.json": {
    schema: gong.gongTranscriptResponseSchema,
    map: (p: z.infer<typeof gong.gongTranscriptResponseSchema>) => {
      const t = canonicalTranscriptSchema.parse(mapGongTranscript(p.callTranscripts[0]!));
      expect(t.sentences).toEqual([
        { speakerKey: "6432345678555530067", startMs: 460230, endMs: 462343, text: "No wait, I think we should check that out first." },
      ]);
    },
  },
  "gong/derived/users_list_GET_v2_users.spec-examples.json": {
    schema: gong.gongUsersResponseSchema,
    map: (p: z.infer<typeof gong.gongUsersResponseSchema>) => expect(providerUserSchema.parse(mapGongUser(p.users[0]!)).name).toBe("Jon Snow"),
  },
  "gong/error_400_validation_POST_v2_calls.amp-labs.json": { schema: gong.gongErrorSchema },
  "gong/error_404_call_id_not_found_GET_v2_calls_id.nango.json": { schema: gong.gongErrorSchema },
  "gong/error_404_no_calls_found_GET_v2_calls.nango.json": {
    schema: gong.gongErrorSchema,
    check: (d) => expect((d as { errors: string[] }).errors).toEqual([gong.GONG_NO_CALLS_MESSAGE]),
  },
  "gong/error_404_no_calls_found_POST_v2_calls_transcript.nango.json": {
    schema: gong.gongErrorSchema,
    check: (d) => expect((d as { errors: string[] }).errors).toEqual([gong.GONG_NO_CALLS_MESSAGE]),
  },
  "gong/transcript_POST_v2_calls_transcript_spec_example.amp-labs.json": {
    schema: gong.gongTranscriptResponseSchema,
    expectFailure: { field: "callTranscripts.0.callId", why: "the fixture misspells callId as callid (see SOURCES.md)" },
  },
  "gong/user_GET_v2_users_id.nango.json": { schema: gongUserEnvelope },
  "gong/users_extensive_POST_v2_users_extensive.nango.json": { schema: gong.gongUsersResponseSchema },
  "gong/users_list_GET_v2_users.amp-labs-synthetic.json": {
    schema: gong.gongUsersResponseSchema,
    map: (p: z.infer<typeof gong.gongUsersResponseSchema>) => p.users.forEach((u) => providerUserSchema.parse(mapGongUser(u))),
  },
  "gong/users_list_GET_v2_users.nango.json": {
    schema: gong.gongUsersResponseSchema,
    map: (p: z.infer<typeof gong.gongUsersResponseSchema>) => {
      const users = p.users.map(mapGongUser);
      expect(users.every((u) => u.email === u.email?.toLowerCase())).toBe(true);
      expect(p.records.cursor ?? null).toBeNull();
    },
  },
  "gong/webhook_automation_rule_callData_extensive_shape.amp-labs.json": {
    schema: z.object({ callData: gong.gongCallDataSchema }),
    map: (p: { callData: z.infer<typeof gong.gongCallDataSchema> }) => {
      const call = canonicalCallSchema.parse(mapGongCall(p.callData, AT));
      expect(call.participants.map((x) => [x.affiliation, x.speakerKey, x.isAttendee])).toEqual([
        ["UNKNOWN", "1733377625204635858", true],
        ["INTERNAL", null, true],
      ]);
      expect(call.crm).toEqual(noCrm);
    },
  },
  "salesloft/derived/conversation_extensive_GET_v2_conversations_id_extensive.field-skeleton.json": {
    schema: sl.salesloftConversationExtensiveResponseSchema,
    map: (p: z.infer<typeof sl.salesloftConversationExtensiveResponseSchema>) => {
      const call = canonicalCallSchema.parse(mapSalesloftConversation(p.data, noCrm, "https://app.salesloft.com"));
      expect(call.durationSec).toBe(1800);
      expect(call.startedAt.toISOString()).toBe("2022-10-25T16:00:30.000Z"); // epoch ms
      expect(call.participants.map((x) => [x.email, x.isAttendee, x.isInvitee, x.affiliation])).toEqual([
        ["rep@example.com", true, false, "INTERNAL"],
        ["buyer@customer.com", false, true, "UNKNOWN"],
      ]);
    },
  },
  "salesloft/derived/conversations_list_GET_v2_conversations.field-skeleton.json": {
    schema: sl.salesloftConversationsResponseSchema,
    map: (p: z.infer<typeof sl.salesloftConversationsResponseSchema>) => {
      const call = canonicalCallSchema.parse(mapSalesloftConversation(p.data[0]!, noCrm, "https://app.salesloft.com"));
      expect(call.startedAt.toISOString()).toBe("2024-11-15T20:11:41.000Z"); // epoch seconds
    },
  },
  "salesloft/derived/oauth_token_response.field-skeleton.json": { schema: sl.salesloftTokenResponseSchema },
  "salesloft/derived/transcription_sentences_GET_v2_transcriptions_id_sentences.field-skeleton.json": {
    schema: sl.salesloftSentencesResponseSchema,
    map: (p: z.infer<typeof sl.salesloftSentencesResponseSchema>) => {
      const t = canonicalTranscriptSchema.parse(mapSalesloftSentences("conv", p.data));
      expect(t.sentences.map((s) => [s.startMs, s.endMs])).toEqual([
        [480, 3120],
        [3500, 7020],
      ]);
    },
  },
  "salesloft/derived/transcriptions_list_GET_v2_transcriptions.field-skeleton.json": { schema: sl.salesloftTranscriptionsResponseSchema },
  "salesloft/error_422_shape_signals.amp-labs.json": { schema: sl.salesloftErrorSchema },
  "salesloft/list_envelope_empty_page.amp-labs.json": { schema: anyList },
  "salesloft/list_envelope_first_page_paging.amp-labs.json": {
    schema: anyList,
    check: (d) => expect((d as { metadata: { paging: { next_page: number } } }).metadata.paging.next_page).toBe(2),
  },
  "salesloft/list_envelope_last_page_paging.amp-labs.json": { schema: anyList },
  "salesloft/users_list_GET_v2_users.amp-labs.json": {
    schema: sl.salesloftUsersResponseSchema,
    map: (p: z.infer<typeof sl.salesloftUsersResponseSchema>) =>
      expect(providerUserSchema.parse(mapSalesloftUser(p.data[0]!))).toEqual({
        providerUserId: "0863ed13-7120-479b-8650-206a3679e2fb",
        email: "somebody@withampersand.com",
        name: "Int User",
        title: null,
        active: true,
      }),
  },
  "clari/calls_list_full.amp-labs.json": {
    schema: clari.clariCallsResponseSchema,
    map: (p: z.infer<typeof clari.clariCallsResponseSchema>) => {
      const calls = p.calls.map((c) => canonicalCallSchema.parse(mapClariCall(c, AT)));
      expect(calls[0]!.platform).toBe("Uploaded recording"); // type RECORDING, outside the spec enum
      expect(calls[0]!.participants[0]).toMatchObject({ speakerKey: "0", email: "integration.user+clari@withampersand.com", affiliation: "INTERNAL" });
      // NO_DATA_INCALL: a calendar meeting nothing was recorded of; the client does not keep it as a call.
      expect(p.calls.map((c) => clari.isClariRecording(c.status))).toEqual([true, false, true]);
      expect(calls[2]!.durationSec).toBe(104);
    },
  },
  "clari/calls_list_page1_with_pagination_hasMore.amp-labs.json": {
    schema: clari.clariCallsResponseSchema,
    check: (d) => expect((d as { pagination: { nextPageSkip: number } }).pagination.nextPageSkip).toBe(1),
  },
  "clari/calls_list_page2_last.amp-labs.json": { schema: clari.clariCallsResponseSchema },
  "clari/derived/call_details_GET_call-details.schema-skeleton.json": {
    schema: clari.clariCallDetailsResponseSchema,
    expectFailure: { field: "call.time", why: 'schema skeleton with "<string>" placeholders' },
  },
  "clari/derived/calls_list_GET_calls.schema-skeleton.json": {
    schema: clari.clariCallsResponseSchema,
    expectFailure: { field: "calls.0.time", why: 'schema skeleton with "<string>" placeholders' },
  },
  "clari/derived/deal_GET_get-deal.schema-skeleton.json": {
    // Not consumed: crm_info on the call already carries the CRM ids, so no /get-deal lookups.
    schema: z.object({ crm_id: z.string(), account_crm_id: z.string() }),
  },
  "clari/derived/users_GET_users.schema-skeleton.json": { schema: clari.clariUsersResponseSchema },
  "clari/users_list_GET_users.amp-labs.json": {
    schema: clari.clariUsersResponseSchema,
    map: (p: z.infer<typeof clari.clariUsersResponseSchema>) =>
      expect(providerUserSchema.parse(mapClariUser(p.users[0]!)).email).toBe("integration.user+clari@withampersand.com"),
  },
};

function fixtureFiles(dir = ROOT, prefix = ""): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    // specs/: the official OpenAPI documents, checked by openapi-contract.test.ts.
    if (statSync(full).isDirectory()) return prefix === "" && name === "specs" ? [] : fixtureFiles(full, `${prefix}${name}/`);
    return name.endsWith(".json") ? [`${prefix}${name}`] : [];
  });
}

describe("captured and derived fixtures", () => {
  it("every fixture has a contract (none silently skipped), and SOURCES.md sits alongside", () => {
    expect(fixtureFiles().sort()).toEqual(Object.keys(CONTRACTS).sort());
    expect(readFileSync(path.join(ROOT, "SOURCES.md"), "utf8")).toContain("Fixture sources");
  });

  for (const [file, contract] of Object.entries(CONTRACTS)) {
    it(file, () => {
      const data: unknown = JSON.parse(readFileSync(path.join(ROOT, file), "utf8"));
      if (contract.expectFailure) {
        let err: unknown;
        try {
          parsePayload("fixture", file, contract.schema, data);
        } catch (e) {
          err = e;
        }
        expect(err, contract.expectFailure.why).toBeInstanceOf(ProviderError);
        expect((err as ProviderError).kind).toBe("INVALID_RESPONSE");
        expect((err as ProviderError).field).toBe(contract.expectFailure.field);
        return;
      }
      const parsed = parsePayload("fixture", file, contract.schema, data);
      contract.map?.(parsed as never);
      contract.check?.(data);
    });
  }
});

describe("simulator responses pass the same schemas", () => {
  let sims: RunningSimulators;
  beforeAll(async () => {
    sims = await startTestSimulators({ callsPerUser: 15 });
  });
  afterAll(async () => {
    await sims.stop();
  });

  async function get(url: string, init: RequestInit = {}) {
    const res = await fetch(url, init);
    expect(res.status, url).toBeLessThan(400);
    return res.json() as Promise<unknown>;
  }

  it("Gong", async () => {
    const token = await connectOAuth("GONG", sims);
    gong.gongTokenResponseSchema.parse({
      ...token,
      access_token: token.accessToken,
      refresh_token: token.refreshToken,
      expires_in: 1,
      api_base_url_for_customer: token.apiBaseUrl,
    });
    const headers = { authorization: `Bearer ${token.accessToken}`, "content-type": "application/json" };
    const base = `${sims.url}/gong-api/acme`;
    parsePayload("sim", "users", gong.gongUsersResponseSchema, await get(`${base}/v2/users`, { headers }));
    const body = {
      filter: { fromDateTime: "2020-01-01T00:00:00Z", toDateTime: NOW },
      contentSelector: {
        context: "Extended",
        exposedFields: { parties: true, content: { brief: true, keyPoints: true, pointsOfInterest: true }, media: true },
      },
    };
    const ext = parsePayload(
      "sim",
      "extensive",
      gong.gongCallsExtensiveResponseSchema,
      await get(`${base}/v2/calls/extensive`, { method: "POST", headers, body: JSON.stringify(body) }),
    );
    ext.calls.forEach((c) => canonicalCallSchema.parse(mapGongCall(c, AT)));
    const ids = ext.calls.map((c) => c.metaData.id);
    const tr = parsePayload(
      "sim",
      "transcript",
      gong.gongTranscriptResponseSchema,
      await get(`${base}/v2/calls/transcript`, { method: "POST", headers, body: JSON.stringify({ filter: { callIds: ids } }) }),
    );
    tr.callTranscripts.forEach((t) => canonicalTranscriptSchema.parse(mapGongTranscript(t)));
    parsePayload(
      "sim",
      "calls",
      gong.gongCallsListResponseSchema,
      await get(`${base}/v2/calls?fromDateTime=2020-01-01T00:00:00Z&toDateTime=${NOW}`, { headers }),
    );
    parsePayload("sim", "call", gongCallEnvelope, await get(`${base}/v2/calls/${ids[0]}`, { headers }));
    const empty = await fetch(`${base}/v2/calls/extensive`, {
      method: "POST",
      headers,
      body: JSON.stringify({ filter: { fromDateTime: "2001-01-01T00:00:00Z", toDateTime: "2001-02-01T00:00:00Z" } }),
    });
    expect(empty.status).toBe(404);
    expect(gong.gongErrorSchema.parse(await empty.json()).errors).toEqual([gong.GONG_NO_CALLS_MESSAGE]);
  });

  it("Salesloft", async () => {
    const token = await connectOAuth("SALESLOFT", sims);
    const headers = { authorization: `Bearer ${token.accessToken}` };
    const base = `${sims.url}/salesloft-api/v2`;
    parsePayload("sim", "users", sl.salesloftUsersResponseSchema, await get(`${base}/users?per_page=100`, { headers })).data.forEach((u) =>
      providerUserSchema.parse(mapSalesloftUser(u)),
    );
    const list = parsePayload(
      "sim",
      "conversations",
      sl.salesloftConversationsResponseSchema,
      await get(`${base}/conversations?per_page=100&sort_by=updated_at&sort_direction=ASC`, { headers }),
    );
    const conv = list.data.find((c) => c.transcription)!;
    const ext = parsePayload(
      "sim",
      "extensive",
      sl.salesloftConversationExtensiveResponseSchema,
      await get(`${base}/conversations/${conv.id}/extensive`, { headers }),
    );
    canonicalCallSchema.parse(mapSalesloftConversation(ext.data, noCrm, "https://app.salesloft.com"));
    const sentences = parsePayload(
      "sim",
      "sentences",
      sl.salesloftSentencesResponseSchema,
      await get(`${base}/transcriptions/${conv.transcription!.id}/sentences?per_page=100`, { headers }),
    );
    canonicalTranscriptSchema.parse(mapSalesloftSentences(conv.id, sentences.data));
    parsePayload("sim", "transcriptions", sl.salesloftTranscriptionsResponseSchema, await get(`${base}/transcriptions?per_page=10`, { headers }));
    if (ext.data.opportunity)
      parsePayload("sim", "opportunity", sl.salesloftOpportunityResponseSchema, await get(`${base}/opportunities/${ext.data.opportunity.id}`, { headers }));
    parsePayload("sim", "account", sl.salesloftAccountResponseSchema, await get(`${base}/accounts/2000`, { headers }));
    const bad = await fetch(`${base}/conversations?per_page=500`, { headers });
    expect(bad.status).toBe(422);
    sl.salesloftErrorSchema.parse(await bad.json());
  });

  it("Clari Copilot", async () => {
    const headers = { "x-api-key": "sim-clari-key", "x-api-password": "sim-clari-secret" };
    const base = `${sims.url}/clari-api`;
    parsePayload("sim", "users", clari.clariUsersResponseSchema, await get(`${base}/users`, { headers }));
    const calls = parsePayload("sim", "calls", clari.clariCallsResponseSchema, await get(`${base}/calls?limit=25&includeAudio=true`, { headers }));
    calls.calls.forEach((c) => canonicalCallSchema.parse(mapClariCall(c, AT)));
    const details = parsePayload(
      "sim",
      "details",
      clari.clariCallDetailsResponseSchema,
      await get(`${base}/call-details?id=${calls.calls[0]!.id}`, { headers }),
    );
    canonicalTranscriptSchema.parse(mapClariTranscript(details.call));
  });
});
