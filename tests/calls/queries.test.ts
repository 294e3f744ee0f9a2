import { afterAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import {
  countDealCalls,
  countUnlinkedCalls,
  decodeCursor,
  encodeCursor,
  getCall,
  getTranscript,
  listDealCalls,
  listUnlinkedCalls,
  searchDealOptions,
} from "@/lib/calls/queries";
import { dealListParamsSchema, listDeals } from "@/lib/deals/queries";
import { canonicalCall, callsWorkspace, person, type CallsWorkspace } from "./fixture";

afterAll(() => db.$disconnect());

const HOUR = 3_600_000;
const base = Date.parse("2026-09-01T12:00:00Z");

/** 45 calls on deal A (two share a start time), 3 on deal B, 2 unlinked; the admin took part in all. */
async function timelineData(w: CallsWorkspace) {
  const me = person(w.admin.email, "INTERNAL", "s1");
  const crm = { system: "SALESFORCE", dealIds: [w.crmDealId], accountIds: [] };
  const onA = Array.from({ length: 45 }, (_, i) =>
    canonicalCall(`a${i}`, [me, person("grace@globex.example", "EXTERNAL", "s2")], {
      crm,
      // a43 and a44 start at the same instant: the keyset tie-break (call id) must keep both.
      startedAt: new Date(base + Math.min(i, 43) * HOUR),
      summary: `Summary of call ${i}.\nSecond line.`,
    }),
  );
  const onB = Array.from({ length: 3 }, (_, i) => canonicalCall(`b${i}`, [me], { startedAt: new Date(base + i * HOUR) }));
  const loose = [canonicalCall("u0", [me], { startedAt: new Date(base - HOUR) }), canonicalCall("u1", [me], { startedAt: new Date(base - 2 * HOUR) })];
  const ids = await w.ingest([...onA, ...onB, ...loose]);
  for (let i = 0; i < 3; i++)
    await db.callDealLink.create({
      data: { workspaceId: w.workspace.id, callId: ids[`b${i}`]!, dealId: w.dealB.id, source: "MANUAL", callStartedAt: new Date(base + i * HOUR) },
    });
  // Expected timeline order for deal A: newest first, ties by call id descending.
  const expected = onA
    .map((c) => ({ id: ids[c.providerCallId]!, at: c.startedAt.getTime() }))
    .sort((x, y) => y.at - x.at || (x.id < y.id ? 1 : -1))
    .map((x) => x.id);
  return { ids, expected };
}

/** Three calls on deal A: public, private without the member (rep took part), private with the member. */
async function privacyData(w: CallsWorkspace) {
  const crm = { system: "SALESFORCE", dealIds: [w.crmDealId], accountIds: [] };
  const ids = await w.ingest([
    canonicalCall("pub", [person(w.admin.email, "INTERNAL", "s1")], { crm, startedAt: new Date(base + 3 * HOUR) }),
    canonicalCall("privRep", [person(w.rep.email, "INTERNAL", "s1")], { crm, isPrivate: true, startedAt: new Date(base + 2 * HOUR) }),
    canonicalCall("privMember", [person(w.member.email, "INTERNAL", "s1")], { crm, isPrivate: true, startedAt: new Date(base + HOUR) }),
    canonicalCall("privLoose", [person(w.rep.email, "INTERNAL", "s1")], { isPrivate: true, startedAt: new Date(base) }),
  ]);
  return ids;
}

describe("deal timeline", () => {
  it("pages newest first with keyset cursors, both directions, without gaps or repeats", async () => {
    const w = await callsWorkspace();
    const { expected } = await timelineData(w);
    const v = w.viewers.admin;
    const p1 = await listDealCalls(v, w.dealA.id);
    const p2 = await listDealCalls(v, w.dealA.id, { before: p1.olderCursor });
    const p3 = await listDealCalls(v, w.dealA.id, { before: p2.olderCursor });
    expect(p1.items).toHaveLength(20);
    expect(p3.items).toHaveLength(5);
    expect([...p1.items, ...p2.items, ...p3.items].map((c) => c.id)).toEqual(expected);
    expect(p1.newerCursor).toBeNull();
    expect(p3.olderCursor).toBeNull();
    // Back from page 3 to page 2, then to page 1.
    const back2 = await listDealCalls(v, w.dealA.id, { after: p3.newerCursor });
    expect(back2.items.map((c) => c.id)).toEqual(p2.items.map((c) => c.id));
    const back1 = await listDealCalls(v, w.dealA.id, { after: back2.newerCursor });
    expect(back1.items.map((c) => c.id)).toEqual(p1.items.map((c) => c.id));
    expect(back1.newerCursor).toBeNull();
    expect(await countDealCalls(v, w.dealA.id)).toBe(45);
    expect(await countDealCalls(v, w.dealB.id)).toBe(3);
  });

  it("carries what a row shows: provider, duration, link source, one summary line, participants by side", async () => {
    const w = await callsWorkspace();
    await timelineData(w);
    // a43/a44 share the newest start time; a42 is third.
    const first = (await listDealCalls(w.viewers.admin, w.dealA.id, { limit: 3 })).items[2];
    expect(first).toMatchObject({ title: "Call a42", provider: "GONG", durationSec: 1800, source: "CRM_ID", summary: "Summary of call 42. Second line." });
    expect(first!.participants).toEqual([
      { name: w.admin.email.split("@")[0], affiliation: "INTERNAL" },
      { name: "grace", affiliation: "EXTERNAL" },
    ]);
  });

  it("a malformed cursor means the first page; another workspace's deal has no calls", async () => {
    const w = await callsWorkspace();
    const other = await callsWorkspace();
    const { expected } = await timelineData(w);
    const bad = await listDealCalls(w.viewers.admin, w.dealA.id, { before: "not-a-cursor" });
    expect(bad.items[0]!.id).toBe(expected[0]);
    expect(decodeCursor(encodeCursor({ at: new Date(base), id: "abcdefgh12" }))).toEqual({ at: new Date(base), id: "abcdefgh12" });
    expect(decodeCursor(Buffer.from("2026-01-01T00:00:00.000Z|'; drop").toString("base64url"))).toBeNull();
    expect((await listDealCalls(other.viewers.admin, w.dealA.id)).items).toEqual([]);
    expect(await countDealCalls(other.viewers.admin, w.dealA.id)).toBe(0);
  });

  it("a cursor whose time JavaScript reads but PostgreSQL cannot store is the first page, not a database error", async () => {
    const w = await callsWorkspace();
    const { expected } = await timelineData(w);
    for (const iso of ["-271821-04-20T00:00:00.000Z", "+275760-09-13T00:00:00.000Z", "0000-01-01T00:00:00.000Z", "-004714-01-01T00:00:00.000Z"]) {
      const cursor = Buffer.from(`${iso}|abcdefgh12`).toString("base64url");
      expect(decodeCursor(cursor), iso).toBeNull();
      expect((await listDealCalls(w.viewers.admin, w.dealA.id, { before: cursor })).items[0]!.id, iso).toBe(expected[0]);
      expect((await listDealCalls(w.viewers.admin, w.dealA.id, { after: cursor })).items[0]!.id, iso).toBe(expected[0]);
    }
  });
});

describe("private calls", () => {
  it("are visible to participants and admins only, on every read and count", async () => {
    const w = await callsWorkspace();
    const ids = await privacyData(w);
    const timeline = async (who: keyof CallsWorkspace["viewers"]) => (await listDealCalls(w.viewers[who], w.dealA.id)).items.map((c) => c.id);
    expect(await timeline("admin")).toEqual([ids.pub, ids.privRep, ids.privMember]);
    expect(await timeline("member")).toEqual([ids.pub, ids.privMember]);
    expect(await timeline("rep")).toEqual([ids.pub, ids.privRep]);
    expect(await countDealCalls(w.viewers.admin, w.dealA.id)).toBe(3);
    expect(await countDealCalls(w.viewers.member, w.dealA.id)).toBe(2);

    // Call page and transcript.
    expect(await getCall(w.viewers.member, ids.privRep!)).toBeNull();
    expect(await getTranscript(w.viewers.member, ids.privRep!)).toBeNull();
    expect((await getCall(w.viewers.rep, ids.privRep!))?.isPrivate).toBe(true);
    expect(await getTranscript(w.viewers.rep, ids.privRep!)).not.toBeNull();
    expect((await getCall(w.viewers.admin, ids.privRep!))?.id).toBe(ids.privRep);

    // Unlinked list and its count.
    const unlinked = async (who: keyof CallsWorkspace["viewers"]) => (await listUnlinkedCalls(w.viewers[who])).items.map((c) => c.id);
    expect(await unlinked("admin")).toEqual([ids.privLoose]);
    expect(await unlinked("member")).toEqual([]);
    expect(await countUnlinkedCalls(w.viewers.member)).toBe(0);
    expect(await countUnlinkedCalls(w.viewers.rep)).toBe(1);

    // Deal list counts.
    const dealCount = async (who: keyof CallsWorkspace["viewers"]) => {
      const list = await listDeals(w.workspace.id, dealListParamsSchema.parse({}), w.viewers[who]);
      return list.items.find((d) => d.id === w.dealA.id)?.callCount;
    };
    expect(await dealCount("admin")).toBe(3);
    expect(await dealCount("member")).toBe(2);
    const byName = await listDeals(w.workspace.id, dealListParamsSchema.parse({ sort: "name" }), w.viewers.member);
    expect(byName.items.find((d) => d.id === w.dealA.id)?.callCount).toBe(2);
    // No viewer: only non-private calls are counted.
    expect((await listDeals(w.workspace.id, dealListParamsSchema.parse({}))).items.find((d) => d.id === w.dealA.id)?.callCount).toBe(1);
  });
});

describe("call page", () => {
  it("returns metadata, participants grouped Internal / External / Unknown, and how the deal was linked", async () => {
    const w = await callsWorkspace();
    const ids = await w.ingest([
      canonicalCall(
        "c1",
        [
          person(w.admin.email, "INTERNAL", "s1", { title: "AE", phone: "+1 555 0100" }),
          person("grace@globex.example", "EXTERNAL", "s2", { isInvitee: true, isAttendee: false }),
          person(null, "UNKNOWN", "s3", { name: "Dial-in", phone: "+1 555 0199" }),
        ],
        { summary: "Pricing talk", actionItems: ["Send proposal", 42, ""] as unknown as string[], keyPoints: ["Budget approved"] },
      ),
    ]);
    const call = await getCall(w.viewers.member, ids.c1!);
    expect(call).toMatchObject({ title: "Call c1", platform: "Zoom", language: "eng", direction: "CONFERENCE", isPrivate: false, summary: "Pricing talk" });
    expect(call!.actionItems).toEqual(["Send proposal"]);
    expect(call!.keyPoints).toEqual(["Budget approved"]);
    expect(call!.participants.internal.map((p) => [p.email, p.title, p.phone])).toEqual([[w.admin.email, "AE", "+1 555 0100"]]);
    expect(call!.participants.external.map((p) => [p.email, p.isInvitee, p.isAttendee])).toEqual([["grace@globex.example", true, false]]);
    expect(call!.participants.unknown.map((p) => p.name)).toEqual(["Dial-in"]);
    expect(call!.dealLink).toMatchObject({ source: "EMAIL", matchedOn: "grace@globex.example", deal: { id: w.dealA.id, name: "Globex expansion" } });
    expect(call!.integrationStatus).toBe("CONNECTED");
  });

  it("shows recording links only while they are valid", async () => {
    const w = await callsWorkspace();
    const now = new Date("2026-10-02T12:00:00Z");
    const ids = await w.ingest([
      canonicalCall("fresh", [person(w.admin.email, "INTERNAL")], {
        recording: { audioUrl: "https://r/a.mp3", videoUrl: null, expiresAt: new Date(now.getTime() + HOUR) },
      }),
      canonicalCall("stale", [person(w.admin.email, "INTERNAL")], {
        recording: { audioUrl: "https://r/b.mp3", videoUrl: "https://r/b.mp4", expiresAt: new Date(now.getTime() - 1) },
      }),
      canonicalCall("none", [person(w.admin.email, "INTERNAL")]),
    ]);
    expect((await getCall(w.viewers.admin, ids.fresh!, now))!.recording).toEqual({
      state: "valid",
      audioUrl: "https://r/a.mp3",
      videoUrl: null,
      expiresAt: new Date(now.getTime() + HOUR),
    });
    const stale = (await getCall(w.viewers.admin, ids.stale!, now))!.recording;
    expect(stale).toEqual({ state: "expired", expiresAt: new Date(now.getTime() - 1) });
    expect(JSON.stringify(stale)).not.toContain("https://r/b");
    expect((await getCall(w.viewers.admin, ids.none!, now))!.recording).toEqual({ state: "none" });
  });

  it("another workspace's call id, or garbage, is not found", async () => {
    const w = await callsWorkspace();
    const other = await callsWorkspace();
    const ids = await w.ingest([canonicalCall("x", [person(w.admin.email, "INTERNAL")])]);
    expect(await getCall(w.viewers.admin, ids.x!)).not.toBeNull();
    expect(await getCall(other.viewers.admin, ids.x!)).toBeNull();
    expect(await getTranscript(other.viewers.admin, ids.x!)).toBeNull();
    expect(await getCall(w.viewers.admin, "../../etc/passwd")).toBeNull();
    expect(await getCall(w.viewers.admin, "")).toBeNull();
  });
});

describe("transcript", () => {
  it("attributes speakers by speakerKey, numbers unknown speakers, and groups consecutive sentences into turns", async () => {
    const w = await callsWorkspace();
    await w.ingest([
      canonicalCall("t", [
        person(w.admin.email, "INTERNAL", "s1", { name: "Alex Admin" }),
        person("grace@globex.example", "EXTERNAL", "s2", { name: "Grace Buyer" }),
      ]),
    ]);
    const s = (speakerKey: string | null, sec: number, text: string) => ({ speakerKey, startMs: sec * 1000, endMs: sec * 1000 + 900, text });
    await w.transcript("t", [
      s("s1", 0, "Hi Grace."),
      s("s1", 2, "Thanks for joining."),
      s("s2", 5, "Happy to."),
      s("zz", 9, "Hello, I am new."),
      s("s2", 3600, "An hour in."),
      s("yy", 3700, "Me too."),
      s("zz", 3720, "Back again."),
      s(null, 3725, "Static."),
    ]);
    const id = (await db.call.findFirstOrThrow({ where: { workspaceId: w.workspace.id, providerCallId: "t" } })).id;
    const t = await getTranscript(w.viewers.member, id);
    expect(t!.status).toBe("AVAILABLE");
    expect(t!.speakers.map((x) => [x.label, x.affiliation, x.known])).toEqual([
      ["Alex Admin", "INTERNAL", true],
      ["Grace Buyer", "EXTERNAL", true],
      ["Speaker 1", "UNKNOWN", false],
      ["Speaker 2", "UNKNOWN", false],
      ["Unknown speaker", "UNKNOWN", false],
    ]);
    expect(t!.turns).toEqual([
      {
        speaker: 0,
        startMs: 0,
        sentences: [
          [0, "Hi Grace."],
          [2000, "Thanks for joining."],
        ],
      },
      { speaker: 1, startMs: 5000, sentences: [[5000, "Happy to."]] },
      { speaker: 2, startMs: 9000, sentences: [[9000, "Hello, I am new."]] },
      { speaker: 1, startMs: 3_600_000, sentences: [[3_600_000, "An hour in."]] },
      { speaker: 3, startMs: 3_700_000, sentences: [[3_700_000, "Me too."]] },
      { speaker: 2, startMs: 3_720_000, sentences: [[3_720_000, "Back again."]] },
      { speaker: 4, startMs: 3_725_000, sentences: [[3_725_000, "Static."]] },
    ]);
  });

  it("is empty but present while the transcript is pending", async () => {
    const w = await callsWorkspace();
    const ids = await w.ingest([canonicalCall("p", [person(w.admin.email, "INTERNAL")])]);
    expect(await getTranscript(w.viewers.admin, ids.p!)).toEqual({ status: "PENDING", speakers: [], turns: [] });
  });
});

describe("unlinked calls", () => {
  it("lists calls with no deal (no link, manual unlink, deleted deal), newest first, paginated", async () => {
    const w = await callsWorkspace();
    const { ids } = await timelineData(w);
    // A manual unlink and a link whose deal was deleted also count as unlinked.
    await db.callDealLink.update({ where: { callId: ids.a0! }, data: { dealId: null, source: "MANUAL", linkedById: w.member.id } });
    await db.deal.delete({ where: { id: w.dealB.id } });
    const all = await listUnlinkedCalls(w.viewers.admin, { limit: 100 });
    // b0..b2 (deal deleted) start at base + 0..2 h, a0 at base, u0/u1 before.
    const tied = [ids.a0!, ids.b0!].sort().reverse(); // same start time: call id descending
    expect(all.items.map((c) => c.id)).toEqual([ids.b2, ids.b1, ...tied, ids.u0, ids.u1]);
    expect(new Set(all.items.map((c) => c.id))).toEqual(new Set([ids.a0, ids.b0, ids.b1, ids.b2, ids.u0, ids.u1]));
    const times = all.items.map((c) => c.startedAt.getTime());
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(all.items.find((c) => c.id === ids.a0)).toMatchObject({ unlinkedBy: "Member" });
    expect(all.items.find((c) => c.id === ids.u0)).toMatchObject({ unlinkedBy: null });
    expect(await countUnlinkedCalls(w.viewers.admin)).toBe(6);
    const p1 = await listUnlinkedCalls(w.viewers.admin, { limit: 4 });
    const p2 = await listUnlinkedCalls(w.viewers.admin, { limit: 4, before: p1.olderCursor });
    expect([...p1.items, ...p2.items].map((c) => c.id)).toEqual(all.items.map((c) => c.id));
    expect(p2.olderCursor).toBeNull();
  });
});

describe("deal picker", () => {
  it("finds deals of the workspace by name or account, open deals first", async () => {
    const w = await callsWorkspace();
    const other = await callsWorkspace();
    await db.deal.create({ data: { workspaceId: w.workspace.id, name: "Globex closed", stage: "Closed Lost", isClosed: true, accountName: "Globex" } });
    const found = await searchDealOptions(w.viewers.member, "GLOBEX");
    expect(found.map((d) => d.name)).toEqual(["Globex expansion", "Globex closed"]);
    expect((await searchDealOptions(other.viewers.member, "globex")).map((d) => d.id)).not.toContain(w.dealA.id);
    expect((await searchDealOptions(w.viewers.member, "")).length).toBe(3);
  });
});
