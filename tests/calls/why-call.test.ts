// "Why isn't my call here?" (issue 17, item 6): one typed reason per lookup, from stored data first, else ONE
// request to the provider (counted at the Clari Copilot simulator), and reps learn nothing about calls they
// were not on.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SIM_CLARI_CREDENTIALS, simulatorEnv, startSimulators, type RunningSimulators } from "@/dev/simulators";
import { db } from "@/lib/db";
import { TooManyAttemptsError } from "@/lib/errors";
import { explainCall, parseCallRef, USER_LOOKUPS_PER_MINUTE } from "@/lib/calls/why-call";
import { describeProvider } from "@/lib/providers";
import { sealCredentials } from "@/lib/sync/credentials";
import { configFor, connectOAuth } from "../providers/helpers";
import { canonicalCall, callsWorkspace, person } from "./fixture";

afterAll(() => db.$disconnect());

describe("parseCallRef", () => {
  it("reads Gong, Salesloft and Clari Copilot links and bare ids; anything else is no call", () => {
    expect(parseCallRef("https://us-49467.app.gong.io/call?id=7782342274025937895")).toEqual({ provider: "GONG", providerCallId: "7782342274025937895" });
    expect(parseCallRef(" https://app.gong.io/call?id=123456 ")).toEqual({ provider: "GONG", providerCallId: "123456" });
    expect(parseCallRef("https://app.salesloft.com/app/conversations/0b3c6f6e-1f7e-4a59-9d0c-8c1b3b0a7e11")).toEqual({
      provider: "SALESLOFT",
      providerCallId: "0b3c6f6e-1f7e-4a59-9d0c-8c1b3b0a7e11",
    });
    expect(parseCallRef("https://copilot.clari.com/call/abc-123")).toEqual({ provider: "CLARI", providerCallId: "abc-123" });
    expect(parseCallRef("7782342274025937895")).toEqual({ provider: "GONG", providerCallId: "7782342274025937895" });
    expect(parseCallRef("0b3c6f6e-1f7e-4a59-9d0c-8c1b3b0a7e11")).toEqual({ provider: null, providerCallId: "0b3c6f6e-1f7e-4a59-9d0c-8c1b3b0a7e11" });
    expect(parseCallRef("https://app.gong.io/call?id=<script>")).toBeNull();
    expect(parseCallRef("not a call id!")).toBeNull();
    expect(parseCallRef("")).toBeNull();
  });
});

describe("stored calls", () => {
  it("synced and linked to a deal, by link or id; the transcript not ready yet; unlinked", async () => {
    const w = await callsWorkspace();
    const ids = await w.ingest([
      canonicalCall("4400001", [person(w.admin.email, "INTERNAL"), person("grace@globex.example", "EXTERNAL")]),
      canonicalCall("4400002", [person(w.admin.email, "INTERNAL"), person("grace@globex.example", "EXTERNAL")]),
      canonicalCall("4400003", [person(w.admin.email, "INTERNAL"), person("nobody@else.example", "EXTERNAL")]),
    ]);
    await w.transcript("4400001", [{ speakerKey: null, startMs: 0, endMs: 1000, text: "Hello" }]);
    await w.transcript("4400003", [{ speakerKey: null, startMs: 0, endMs: 1000, text: "Hello" }]);

    const linked = await explainCall(w.viewers.admin, { ref: "https://us-1.app.gong.io/call?id=4400001" });
    expect(linked).toMatchObject({ reason: "LINKED", call: { id: ids["4400001"], title: "Call 4400001" }, deal: { id: w.dealA.id, name: "Globex expansion" } });
    expect(await explainCall(w.viewers.admin, { ref: "4400001" })).toMatchObject({ reason: "LINKED" });
    expect(await explainCall(w.viewers.admin, { ref: "4400002" })).toMatchObject({
      reason: "TRANSCRIPT_PENDING",
      deal: { id: w.dealA.id },
      transcriptLagMs: describeProvider("GONG").transcriptLagMs,
    });
    expect(await explainCall(w.viewers.admin, { ref: "4400003" })).toMatchObject({ reason: "UNLINKED", call: { id: ids["4400003"] } });
    // By day and participant (stored calls only).
    expect(await explainCall(w.viewers.admin, { date: "2026-10-01", participant: "Nobody@Else.example" })).toMatchObject({ reason: "UNLINKED" });
    expect(await explainCall(w.viewers.admin, { date: "2026-10-01", participant: "grace@globex.example" })).toMatchObject({ reason: "SEVERAL" });
    expect(await explainCall(w.viewers.admin, { date: "2026-10-05", participant: "grace@globex.example" })).toEqual({
      reason: "NOT_FOUND",
      participantIsMember: false,
      callLagMs: null,
    });
  });

  it("a rep learns only about calls they were on: another's call, private or not, answers as a call that does not exist", async () => {
    const w = await callsWorkspace();
    await w.ingest([
      canonicalCall("4500001", [person(w.rep.email, "INTERNAL"), person("grace@globex.example", "EXTERNAL")]),
      canonicalCall("4500002", [person(w.member.email, "INTERNAL"), person("grace@globex.example", "EXTERNAL")]),
      canonicalCall("4500003", [person(w.member.email, "INTERNAL")], { isPrivate: true }),
    ]);
    expect(await explainCall(w.viewers.rep, { ref: "4500001" })).toMatchObject({ reason: "TRANSCRIPT_PENDING", deal: { id: w.dealA.id } });
    // The fixture's Gong has no credentials: an id it does not store cannot be checked, and the rep's answer
    // for a stored call of others (private or not) is that same answer, by id or by its link.
    const unknown = await explainCall(w.viewers.rep, { ref: "4599999" });
    expect(unknown).toEqual({ reason: "CANNOT_CHECK", provider: "GONG", reference: expect.any(String) });
    const sameAsUnknown = { ...unknown, reference: expect.any(String) };
    expect(await explainCall(w.viewers.rep, { ref: "4500002" })).toEqual(sameAsUnknown);
    expect(await explainCall(w.viewers.rep, { ref: "4500003" })).toEqual(sameAsUnknown);
    expect(await explainCall(w.viewers.rep, { ref: "https://app.gong.io/call?id=4500003" })).toEqual(sameAsUnknown);
    expect(await explainCall(w.viewers.member, { ref: "4500003" })).toMatchObject({ reason: "TRANSCRIPT_PENDING", call: { isPrivate: true } });
    expect(await explainCall(w.viewers.admin, { ref: "4500003" })).toMatchObject({ reason: "TRANSCRIPT_PENDING", call: { isPrivate: true } });
    // By day: the rep's own call only.
    expect(await explainCall(w.viewers.rep, { date: "2026-10-01", participant: "grace@globex.example" })).toMatchObject({ reason: "TRANSCRIPT_PENDING" });
    expect(await explainCall(w.viewers.rep, { date: "2026-10-01", participant: w.member.email })).toEqual({ reason: "NOT_FOUND_FOR_YOU" });
    // Another workspace's call is nobody's here.
    const other = await callsWorkspace();
    // (its Gong is connected without credentials here, so Gong could not be asked).
    expect(await explainCall(other.viewers.admin, { ref: "4500001" })).toEqual({ reason: "CANNOT_CHECK", provider: "GONG", reference: expect.any(String) });
  });

  it("a record the sync skipped names the field, without asking the provider", async () => {
    const w = await callsWorkspace();
    await db.skippedCallRecord.create({
      data: { integrationId: w.integration.id, providerCallId: "4600001", field: "metaData.started", message: "Invalid date" },
    });
    // The fixture's integration has no credentials: a provider request would fail, so this is stored data only.
    expect(await explainCall(w.viewers.admin, { ref: "https://app.gong.io/call?id=4600001" })).toMatchObject({
      reason: "SKIPPED",
      provider: "GONG",
      providerCallId: "4600001",
      field: "metaData.started",
    });
  });
});

// ---------------------------------------------------------------------------------------------------
// Calls that are not stored: one call-details request to the Clari Copilot simulator.
// ---------------------------------------------------------------------------------------------------

let sims: RunningSimulators;
beforeAll(async () => {
  sims = await startSimulators({ port: 0 });
});
afterAll(() => sims?.stop());

const apiRequests = () => sims.state.stats.snapshot().clari.apiRequests;

async function clariWorkspace() {
  const w = await callsWorkspace();
  const integrationId = randomUUID();
  await db.integration.create({
    data: {
      id: integrationId,
      workspaceId: w.workspace.id,
      provider: "CLARI",
      status: "CONNECTED",
      apiBaseUrl: simulatorEnv(sims.url).CLARI_API_BASE_URL,
      credentialsEnc: sealCredentials(integrationId, { kind: "apiKey", ...SIM_CLARI_CREDENTIALS }),
    },
  });
  return w;
}

describe("calls the workspace does not store, asked of the provider once", () => {
  it("a meeting Clari lists as not recorded", async () => {
    const w = await clariWorkspace();
    const meeting = sims.state.dataset.meetings.find((m) => m.call.startedAt < Date.now() - 86_400_000 && m.status !== "SCHEDULED")!;
    const id = sims.state.clariId(meeting.call);
    const before = apiRequests();
    const answer = await explainCall(w.viewers.admin, { ref: id });
    expect(answer).toEqual({ reason: "NOT_RECORDED", provider: "CLARI", status: meeting.status });
    expect(apiRequests() - before).toBe(1);
  });

  it("a recording none of whose participants is a member lists them (admin); a rep is told nothing", async () => {
    const w = await clariWorkspace();
    const call = sims.state.dataset.calls.find((c) => sims.state.isVisible(c) && c.startedAt < Date.now() - 86_400_000)!;
    const id = sims.state.clariId(call);
    const before = apiRequests();
    const answer = await explainCall(w.viewers.admin, { ref: `${sims.url}/clari-api/__call/${id}` });
    expect(answer.reason).toBe("NO_WORKSPACE_USER");
    const owner = sims.state.dataset.users[call.ownerIdx]!;
    expect(answer.reason === "NO_WORKSPACE_USER" && answer.participants.map((p) => p.email)).toContain(owner.email);
    expect(apiRequests() - before).toBe(1);
    expect(await explainCall(w.viewers.rep, { ref: id })).toEqual({ reason: "NOT_FOUND_FOR_YOU" });
    // Nothing was stored by either lookup.
    expect(await db.call.count({ where: { workspaceId: w.workspace.id } })).toBe(0);
  });

  it("an id Clari does not list (yet): its typical delay, after one request", async () => {
    const w = await clariWorkspace();
    const before = apiRequests();
    expect(await explainCall(w.viewers.admin, { ref: randomUUID() })).toEqual({
      reason: "NOT_LISTED_YET",
      provider: "CLARI",
      callLagMs: describeProvider("CLARI").callLagMs,
    });
    expect(apiRequests() - before).toBe(1);
    // Through the shared limiter: the integration's request counter holds that one request.
    const clari = await db.integration.findFirstOrThrow({ where: { workspaceId: w.workspace.id, provider: "CLARI" } });
    const counted = await db.providerRequestCount.aggregate({ where: { integrationId: clari.id }, _sum: { requests: true } });
    expect(counted._sum.requests).toBe(1);
    expect(await explainCall(w.viewers.rep, { ref: randomUUID() })).toEqual({ reason: "NOT_FOUND_FOR_YOU" });
  });

  it("a rep and a stored private call they were not on: the answer, the provider request and the limit are those of an unknown id", async () => {
    const w = await clariWorkspace();
    const clari = await db.integration.findFirstOrThrow({ where: { workspaceId: w.workspace.id, provider: "CLARI" } });
    const call = sims.state.dataset.calls.find((c) => sims.state.isVisible(c) && c.startedAt < Date.now() - 86_400_000)!;
    const id = sims.state.clariId(call);
    await db.call.create({
      data: {
        workspaceId: w.workspace.id,
        integrationId: clari.id,
        provider: "CLARI",
        providerCallId: id,
        title: "Board prep",
        startedAt: new Date(call.startedAt),
        isPrivate: true,
        providerUrl: `https://copilot.clari.com/call/${id}`,
        participants: { create: [{ email: w.member.email, userId: w.member.id, affiliation: "INTERNAL" }] },
      },
    });
    // Admin and the member on it: the precise answer.
    expect(await explainCall(w.viewers.admin, { ref: id })).toMatchObject({ reason: "TRANSCRIPT_PENDING", call: { title: "Board prep", isPrivate: true } });
    expect(await explainCall(w.viewers.member, { ref: id })).toMatchObject({ reason: "TRANSCRIPT_PENDING", call: { isPrivate: true } });

    let before = apiRequests();
    const unknown = await explainCall(w.viewers.rep, { ref: randomUUID() });
    const unknownRequests = apiRequests() - before;
    before = apiRequests();
    const hidden = await explainCall(w.viewers.rep, { ref: id });
    const hiddenRequests = apiRequests() - before;
    expect(unknown).toEqual({ reason: "NOT_FOUND_FOR_YOU" });
    expect(hidden).toEqual(unknown);
    expect(await explainCall(w.viewers.rep, { ref: `https://copilot.clari.com/call/${id}` })).toEqual(unknown);
    expect(unknownRequests).toBe(1);
    expect(hiddenRequests).toBe(unknownRequests);

    // Both count against the rep's lookups per minute; past the limit both are refused alike.
    for (let i = 3; i < USER_LOOKUPS_PER_MINUTE; i++) await explainCall(w.viewers.rep, { ref: randomUUID() });
    const refusedUnknown = await explainCall(w.viewers.rep, { ref: randomUUID() }).catch((x: unknown) => x);
    const refusedHidden = await explainCall(w.viewers.rep, { ref: id }).catch((x: unknown) => x);
    expect(refusedUnknown).toBeInstanceOf(TooManyAttemptsError);
    expect(refusedHidden).toBeInstanceOf(TooManyAttemptsError);
    expect((refusedHidden as Error).message).toBe((refusedUnknown as Error).message);
  });

  it("a person's provider lookups are limited per minute; the one past the limit asks nothing", async () => {
    const w = await clariWorkspace();
    for (let i = 0; i < USER_LOOKUPS_PER_MINUTE; i++) await explainCall(w.viewers.admin, { ref: randomUUID() });
    const before = apiRequests();
    const e = await explainCall(w.viewers.admin, { ref: randomUUID() }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TooManyAttemptsError);
    expect((e as Error).message).toMatch(new RegExp(`^You looked up ${USER_LOOKUPS_PER_MINUTE} calls in the last minute\\. Try again in `));
    expect(apiRequests() - before).toBe(0);
    // Answers from stored data do not count.
    await w.ingest([canonicalCall("4700001", [person(w.admin.email, "INTERNAL")])]);
    expect(await explainCall(w.viewers.admin, { ref: "4700001" })).toMatchObject({ reason: "TRANSCRIPT_PENDING" });
  });
});

// ---------------------------------------------------------------------------------------------------
// Salesloft: GET /v2/conversations/{id}/extensive (the plain object only when that answers 404), at the simulator.
// ---------------------------------------------------------------------------------------------------

const salesloftRequests = () => sims.state.stats.snapshot().salesloft.apiRequests;
const NEXT_SYNC = new Date("2026-12-07T18:00:00Z");

async function salesloftWorkspace() {
  const w = await callsWorkspace();
  const credentials = await connectOAuth("SALESLOFT", sims);
  const integrationId = randomUUID();
  const integration = await db.integration.create({
    data: {
      id: integrationId,
      workspaceId: w.workspace.id,
      provider: "SALESLOFT",
      status: "CONNECTED",
      apiBaseUrl: configFor("SALESLOFT", sims).apiBaseUrl,
      credentialsEnc: sealCredentials(integrationId, credentials),
      nextSyncAt: NEXT_SYNC,
    },
  });
  return { ...w, salesloft: integration };
}

const conversationLink = (id: string) => `https://app.salesloft.com/app/conversations/${id}`;
const oldEnough = () => sims.state.dataset.calls.filter((c) => sims.state.isVisible(c) && c.startedAt < Date.now() - 86_400_000);

describe("Salesloft calls the workspace does not store", () => {
  it("a conversation with no member on it lists its attendees and invitees (admin) after one request through the shared limiter; a rep is told nothing", async () => {
    const w = await salesloftWorkspace();
    const call = oldEnough().find((c) => !c.salesloftNoExtensive)!;
    const id = sims.state.salesloftId(call);
    const before = salesloftRequests();
    const answer = await explainCall(w.viewers.admin, { ref: conversationLink(id) });
    expect(salesloftRequests() - before).toBe(1);
    expect(answer.reason).toBe("NO_WORKSPACE_USER");
    const expected = [...new Set(call.participants.filter((p) => p.attendee || p.invitee).map((p) => p.person.email.toLowerCase()))].sort();
    expect(answer.reason === "NO_WORKSPACE_USER" && [...new Set(answer.participants.map((p) => p.email))].sort()).toEqual(expected);
    // Counted at the shared limiter: one request, one cost unit.
    const counted = await db.providerRequestCount.aggregate({ where: { integrationId: w.salesloft.id }, _sum: { requests: true, cost: true } });
    expect(counted._sum).toEqual({ requests: 1, cost: 1 });
    // A bare conversation id (no Gong id, no other UUID recorder connected) asks Salesloft too.
    expect(await explainCall(w.viewers.admin, { ref: id })).toMatchObject({ reason: "NO_WORKSPACE_USER", provider: "SALESLOFT" });
    expect(await explainCall(w.viewers.rep, { ref: conversationLink(id) })).toEqual({ reason: "NOT_FOUND_FOR_YOU" });
    expect(await db.call.count({ where: { workspaceId: w.workspace.id } })).toBe(0);
  });

  it("its owner is a member (by the Salesloft user the sync matched): not synced yet, with the next sync, for the admin and that rep", async () => {
    const w = await salesloftWorkspace();
    const call = oldEnough().find((c) => !c.salesloftNoExtensive)!;
    const owner = sims.state.dataset.users[call.ownerIdx]!;
    await db.providerUser.create({
      data: { integrationId: w.salesloft.id, providerUserId: owner.salesloftGuid, email: owner.email.toLowerCase(), workspaceUserId: w.rep.id },
    });
    const id = sims.state.salesloftId(call);
    expect(await explainCall(w.viewers.rep, { ref: conversationLink(id) })).toEqual({ reason: "NOT_SYNCED_YET", provider: "SALESLOFT", nextSyncAt: NEXT_SYNC });
    expect(await explainCall(w.viewers.admin, { ref: conversationLink(id) })).toEqual({
      reason: "NOT_SYNCED_YET",
      provider: "SALESLOFT",
      nextSyncAt: NEXT_SYNC,
    });
    // Another rep: nothing about it.
    expect(await explainCall(w.viewers.member, { ref: conversationLink(id) })).toEqual({ reason: "NOT_FOUND_FOR_YOU" });
  });

  it("/extensive answers 404: the plain conversation's owner is who it belongs to (two requests)", async () => {
    const w = await salesloftWorkspace();
    const call = oldEnough().find((c) => c.salesloftNoExtensive)!;
    expect(call, "the simulator has a conversation without /extensive").toBeTruthy();
    const owner = sims.state.dataset.users[call.ownerIdx]!;
    const id = sims.state.salesloftId(call);
    // The owner is a Salesloft user no member is matched to: the admin reads who it is, with Invite.
    const providerUser = await db.providerUser.create({
      data: { integrationId: w.salesloft.id, providerUserId: owner.salesloftGuid, email: owner.email.toLowerCase(), name: owner.name },
    });
    const before = salesloftRequests();
    expect(await explainCall(w.viewers.admin, { ref: conversationLink(id) })).toEqual({
      reason: "NO_WORKSPACE_USER",
      provider: "SALESLOFT",
      participants: [{ name: owner.name, email: owner.email.toLowerCase() }],
    });
    expect(salesloftRequests() - before).toBe(2);
    // Matched to the rep: theirs, not synced yet.
    await db.providerUser.update({ where: { id: providerUser.id }, data: { workspaceUserId: w.rep.id } });
    expect(await explainCall(w.viewers.rep, { ref: conversationLink(id) })).toEqual({ reason: "NOT_SYNCED_YET", provider: "SALESLOFT", nextSyncAt: NEXT_SYNC });
  });

  it("an id Salesloft does not have: not listed yet, with Salesloft's typical delay (was: could not be asked)", async () => {
    const w = await salesloftWorkspace();
    expect(await explainCall(w.viewers.admin, { ref: conversationLink(randomUUID()) })).toEqual({
      reason: "NOT_LISTED_YET",
      provider: "SALESLOFT",
      callLagMs: describeProvider("SALESLOFT").callLagMs,
    });
    expect(await explainCall(w.viewers.rep, { ref: conversationLink(randomUUID()) })).toEqual({ reason: "NOT_FOUND_FOR_YOU" });
  });
});
