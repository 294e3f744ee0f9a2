import { afterAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { headlineParts, searchTranscripts, SEARCH_PAGE_SIZE } from "@/lib/calls/search";
import { canonicalCall, callsWorkspace, person } from "./fixture";

afterAll(() => db.$disconnect());

const s = (speakerKey: string | null, sec: number, text: string) => ({ speakerKey, startMs: sec * 1000 + 250, endMs: sec * 1000 + 900, text });

async function searchData() {
  const w = await callsWorkspace();
  const crm = { system: "SALESFORCE", dealIds: [w.crmDealId], accountIds: [] };
  const ids = await w.ingest([
    canonicalCall(
      "pricing",
      [person(w.admin.email, "INTERNAL", "s1", { name: "Alex Admin" }), person("grace@globex.example", "EXTERNAL", "s2", { name: "Grace Buyer" })],
      {
        crm,
        title: "Globex pricing review",
        startedAt: new Date("2026-09-10T10:00:00Z"),
      },
    ),
    canonicalCall("private", [person(w.rep.email, "INTERNAL", "s1", { name: "Rita Rep" })], {
      isPrivate: true,
      title: "Private coaching",
      startedAt: new Date("2026-09-11T10:00:00Z"),
    }),
    canonicalCall("anon", [person(w.admin.email, "INTERNAL", "s1")], { title: "Anonymous speakers", startedAt: new Date("2026-09-09T10:00:00Z") }),
  ]);
  await w.transcript("pricing", [
    s("s1", 0, "Welcome everyone."),
    s("s2", 61, "Our budget approval process takes about six weeks."),
    s("s1", 75, "Understood, we can adapt the rollout plan."),
  ]);
  await w.transcript("private", [s("s1", 12, "The budget approval is my secret worry.")]);
  await w.transcript("anon", [s("x9", 1, "Hello there."), s("x7", 5, "The budget approval came through.")]);
  return { w, ids };
}

describe("transcript search", () => {
  it("finds a phrase with the call, date, deal, speaker, moment and highlighted sentence", async () => {
    const { w, ids } = await searchData();
    const r = await searchTranscripts(w.viewers.member, { q: '"approval process"' });
    expect(r.searchable).toBe(true);
    expect(r.total).toBe(1);
    expect(r.hits).toHaveLength(1);
    expect(r.hits[0]).toMatchObject({
      callId: ids.pricing,
      callTitle: "Globex pricing review",
      startedAt: new Date("2026-09-10T10:00:00Z"),
      speaker: "Grace Buyer",
      speakerAffiliation: "EXTERNAL",
      second: 61,
      deal: { id: w.dealA.id, name: "Globex expansion" },
    });
    expect(headlineParts(r.hits[0]!.headline)).toEqual([
      { text: "Our budget ", hit: false },
      { text: "approval", hit: true },
      { text: " ", hit: false },
      { text: "process", hit: true },
      { text: " takes about six weeks.", hit: false },
    ]);
  });

  it("respects private calls and workspaces, newest call first, and labels unknown speakers like the transcript", async () => {
    const { w, ids } = await searchData();
    const other = await callsWorkspace();
    const calls = async (v: (typeof w.viewers)[keyof typeof w.viewers]) => (await searchTranscripts(v, { q: "budget approval" })).hits.map((h) => h.callId);
    expect(await calls(w.viewers.admin)).toEqual([ids.private, ids.pricing, ids.anon]);
    expect(await calls(w.viewers.rep)).toEqual([ids.private, ids.pricing, ids.anon]);
    expect(await calls(w.viewers.member)).toEqual([ids.pricing, ids.anon]);
    // One word: the calls that use it are the calls that match, so they are counted.
    expect((await searchTranscripts(w.viewers.member, { q: "budget" })).total).toBe(2);
    expect((await searchTranscripts(w.viewers.admin, { q: "budget" })).total).toBe(3);
    expect(await calls(other.viewers.admin)).toEqual([]);
    const anon = (await searchTranscripts(w.viewers.admin, { q: "came through" })).hits[0]!;
    // x9 speaks first in that call, so x7 is "Speaker 2" in the transcript viewer too.
    expect(anon).toMatchObject({ callId: ids.anon, speaker: "Speaker 2", deal: null, second: 5 });
  });

  it("understands web-search syntax and says when a query has nothing to search", async () => {
    const { w, ids } = await searchData();
    expect((await searchTranscripts(w.viewers.admin, { q: "budget -secret" })).hits.map((h) => h.callId)).toEqual([ids.pricing, ids.anon]);
    expect((await searchTranscripts(w.viewers.admin, { q: "rollout or welcome" })).hits.map((h) => h.second)).toEqual([0, 75]);
    const stop = await searchTranscripts(w.viewers.admin, { q: "the and of" });
    expect(stop).toMatchObject({ searchable: false, hits: [], total: 0 });
    expect((await searchTranscripts(w.viewers.admin, { q: "   " })).searchable).toBe(false);
    // Hostile input is just text.
    expect((await searchTranscripts(w.viewers.admin, { q: '\'); DROP TABLE "Call"; --' })).hits).toEqual([]);
    expect(await db.call.count({ where: { workspaceId: w.workspace.id } })).toBe(3);
  });

  it("a call that has all the words, but no sentence that does, is no match", async () => {
    const { w, ids } = await searchData();
    // "budget" and "rollout" are both in the pricing call, in different sentences.
    expect(await searchTranscripts(w.viewers.admin, { q: "budget rollout" })).toMatchObject({ hits: [], total: 0 });
    expect(await searchTranscripts(w.viewers.admin, { q: '"process approval"' })).toMatchObject({ hits: [], total: 0 });
    expect((await searchTranscripts(w.viewers.admin, { q: "budget or rollout" })).hits.map((h) => [h.callId, h.second])).toEqual([
      [ids.private, 12],
      [ids.pricing, 61],
      [ids.pricing, 75],
      [ids.anon, 5],
    ]);
    // Only an exclusion: nothing an index can find.
    expect((await searchTranscripts(w.viewers.admin, { q: "-budget" })).searchable).toBe(false);
  });

  it("finds sentences however they were written, and forgets deleted ones (the call's word set follows its sentences)", async () => {
    const { w, ids } = await searchData();
    await db.$executeRaw`INSERT INTO "TranscriptSentence" ("callId", idx, "speakerKey", "startMs", "endMs", text)
      VALUES (${ids.anon}, 10, 'x9', 9000, 9500, 'A wholly unexpected kangaroo appears.')`;
    expect((await searchTranscripts(w.viewers.admin, { q: "kangaroo" })).hits.map((h) => [h.callId, h.second])).toEqual([[ids.anon, 9]]);
    await db.$executeRaw`UPDATE "TranscriptSentence" SET text = 'A wholly unexpected wallaby appears.' WHERE "callId" = ${ids.anon} AND idx = 10`;
    expect(await searchTranscripts(w.viewers.admin, { q: "kangaroo" })).toMatchObject({ hits: [], total: 0 });
    expect((await searchTranscripts(w.viewers.admin, { q: "wallaby" })).total).toBe(1);
    await db.transcriptSentence.deleteMany({ where: { callId: ids.anon, idx: 10 } });
    expect(await searchTranscripts(w.viewers.admin, { q: "wallaby" })).toMatchObject({ hits: [], total: 0 });
    expect((await searchTranscripts(w.viewers.admin, { q: "came through" })).hits.map((h) => h.callId)).toEqual([ids.anon]);
  });

  it("paginates", async () => {
    const w = await callsWorkspace();
    await w.ingest([canonicalCall("many", [person(w.admin.email, "INTERNAL", "s1")])]);
    await w.transcript(
      "many",
      Array.from({ length: SEARCH_PAGE_SIZE + 5 }, (_, i) => s("s1", i * 10, `Renewal point number ${i}.`)),
    );
    const p1 = await searchTranscripts(w.viewers.admin, { q: "renewal" });
    const p2 = await searchTranscripts(w.viewers.admin, { q: "renewal", page: 2 });
    expect(p1).toMatchObject({ total: 1, hasNext: true });
    expect(p2.hasNext).toBe(false);
    expect([...p1.hits, ...p2.hits].map((h) => h.second)).toEqual(Array.from({ length: SEARCH_PAGE_SIZE + 5 }, (_, i) => i * 10));
  });
});
