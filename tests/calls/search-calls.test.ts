// Issue 17, item 2: search results grouped by call. Each call once (newest first, paged over calls), its
// best SNIPPETS_PER_CALL sentences, its true match count and first match, totals of calls and sentences
// that are both true, private calls only for their participants and admins, and the filters (provider,
// days in the viewer's zone, participant, deal) narrowing the calls.
import { afterAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { Prisma } from "@/lib/db";
import {
  callSearchStatement,
  CALL_COUNT_LIMIT,
  CANDIDATE_WALK_LIMIT,
  resolveFilters,
  searchCalls,
  SENTENCE_COUNT_LIMIT,
  SENTENCE_PROBE_LIMIT,
  totalText,
  WALK_PROBE,
  searchFiltersSchema,
  SEARCH_CALLS_PAGE_SIZE,
  SNIPPETS_PER_CALL,
  type SearchFilters,
} from "@/lib/calls/search";
import { zonedDayStart } from "@/lib/time-zones";
import { canonicalCall, callsWorkspace, person } from "./fixture";

afterAll(() => db.$disconnect());

const s = (speakerKey: string | null, sec: number, text: string) => ({ speakerKey, startMs: sec * 1000 + 250, endMs: sec * 1000 + 900, text });

async function data() {
  const w = await callsWorkspace();
  const crm = { system: "SALESFORCE", dealIds: [w.crmDealId], accountIds: [] };
  const ids = await w.ingest([
    canonicalCall(
      "many",
      [person(w.admin.email, "INTERNAL", "s1", { name: "Alex Admin" }), person("grace@globex.example", "EXTERNAL", "s2", { name: "Grace Buyer" })],
      { crm, title: "Globex budget deep dive", startedAt: new Date("2026-09-10T10:00:00Z") },
    ),
    canonicalCall("one", [person(w.admin.email, "INTERNAL", "s1", { name: "Alex Admin" })], {
      title: "Initech kickoff",
      startedAt: new Date("2026-09-12T23:30:00Z"),
    }),
    canonicalCall("private", [person(w.rep.email, "INTERNAL", "s1", { name: "Rita Rep" })], {
      isPrivate: true,
      title: "Private coaching",
      startedAt: new Date("2026-09-14T10:00:00Z"),
    }),
  ]);
  // Six budget sentences in one call; the later ones say "budget" more, so they rank best.
  await w.transcript("many", [
    s("s1", 0, "Welcome, let us talk about the budget."),
    s("s2", 10, "The budget approval takes six weeks."),
    s("s1", 20, "Nothing to see here."),
    s("s2", 30, "Budget, budget: the budget owner is our CFO."),
    s("s1", 40, "So the budget is set by the budget committee."),
    s("s2", 50, "One more budget remark."),
    s("s1", 60, "And a last budget question."),
  ]);
  await w.transcript("one", [s("s1", 5, "Our budget approval came through.")]);
  await w.transcript("private", [s("s1", 3, "My budget approval worry.")]);
  await db.callDealLink.upsert({
    where: { callId: ids.one! },
    create: { callId: ids.one!, dealId: w.dealB.id, workspaceId: w.workspace.id, source: "MANUAL", callStartedAt: new Date("2026-09-12T23:30:00Z") },
    update: { dealId: w.dealB.id },
  });
  return { w, ids };
}

describe("search grouped by call", () => {
  it("shows each call once with its best snippets, its true match count and first match, and true totals", async () => {
    const { w, ids } = await data();
    const r = await searchCalls(w.viewers.admin, { q: "budget" });
    expect(r.calls.map((c) => c.callId)).toEqual([ids.private, ids.one, ids.many]);
    expect(r).toMatchObject({ totalCalls: 3, totalSentences: 8, hasNext: false });
    const many = r.calls[2]!;
    expect(many).toMatchObject({ callTitle: "Globex budget deep dive", sentenceCount: 6, firstSecond: 0, deal: { id: w.dealA.id } });
    expect(many.snippets).toHaveLength(SNIPPETS_PER_CALL);
    // The best three (most "budget"s), shown in transcript order.
    // Ties among the one-"budget" sentences go to the earliest.
    expect(many.snippets.map((x) => x.second)).toEqual([0, 30, 40]);
    expect(many.snippets[1]).toMatchObject({ speaker: "Grace Buyer", speakerAffiliation: "EXTERNAL" });
    expect(many.snippets[1]!.headline).toContain("\u0001Budget\u0002");
    expect(r.calls[1]).toMatchObject({ sentenceCount: 1, firstSecond: 5, deal: { id: w.dealB.id, name: "Initech renewal" } });
    // AND / phrase path: the same grouping and totals from the sentence index.
    const and = await searchCalls(w.viewers.admin, { q: "budget approval" });
    expect(and.calls.map((c) => [c.callId, c.sentenceCount, c.snippets.length])).toEqual([
      [ids.private, 1, 1],
      [ids.one, 1, 1],
      [ids.many, 1, 1],
    ]);
    expect(and).toMatchObject({ totalCalls: 3, totalSentences: 3 });
  });

  it("keeps private calls to their participants and admins, in the list and in the totals", async () => {
    const { w, ids } = await data();
    for (const q of ["budget", "budget approval"]) {
      const member = await searchCalls(w.viewers.member, { q });
      expect(
        member.calls.map((c) => c.callId),
        q,
      ).toEqual([ids.one, ids.many]);
      expect(member.totalCalls).toBe(2);
      const rep = await searchCalls(w.viewers.rep, { q });
      expect(
        rep.calls.map((c) => c.callId),
        q,
      ).toContain(ids.private);
    }
    expect((await searchCalls(w.viewers.member, { q: "budget" })).totalSentences).toBe(7);
    const other = await callsWorkspace();
    expect((await searchCalls(other.viewers.admin, { q: "budget" })).calls).toEqual([]);
  });

  it("pages over calls, not sentences", async () => {
    const w = await callsWorkspace();
    const n = SEARCH_CALLS_PAGE_SIZE + 2;
    const keys = Array.from({ length: n }, (_, i) => `c${i}`);
    const ids = await w.ingest(
      keys.map((k, i) => canonicalCall(k, [person(w.admin.email, "INTERNAL", "s1")], { title: `Call ${i}`, startedAt: new Date(Date.UTC(2026, 8, 1 + i)) })),
    );
    for (const k of keys) await w.transcript(k, [s("s1", 1, "Renewal talk."), s("s1", 2, "More renewal talk.")]);
    const p1 = await searchCalls(w.viewers.admin, { q: "renewal" });
    const p2 = await searchCalls(w.viewers.admin, { q: "renewal", page: 2 });
    expect(p1).toMatchObject({ totalCalls: n, totalSentences: 2 * n, hasNext: true });
    expect(p1.calls).toHaveLength(SEARCH_CALLS_PAGE_SIZE);
    expect(p2).toMatchObject({ hasNext: false });
    expect([...p1.calls, ...p2.calls].map((c) => c.callId)).toEqual([...keys].reverse().map((k) => ids[k]));
  });

  it("filters by provider, days in the viewer's zone, participant and deal", async () => {
    const { w, ids } = await data();
    await db.call.update({ where: { id: ids.one! }, data: { provider: "SALESLOFT" } });
    const run = async (f: Partial<SearchFilters>, zone = "UTC", q = "budget") =>
      (await searchCalls(w.viewers.admin, { q }, resolveFilters(searchFiltersSchema.parse(f), zone))).calls.map((c) => c.callId);
    expect(await run({ provider: "salesloft" })).toEqual([ids.one]);
    expect(await run({ provider: "gong" })).toEqual([ids.private, ids.many]);
    expect(await run({ provider: "gong" }, "UTC", "budget approval")).toEqual([ids.private, ids.many]);
    // "one" starts 2026-09-12 23:30 UTC: Sep 12 in UTC, Sep 13 in Paris.
    expect(await run({ from: "2026-09-12", to: "2026-09-12" })).toEqual([ids.one]);
    expect(await run({ from: "2026-09-13", to: "2026-09-13" }, "Europe/Paris")).toEqual([ids.one]);
    expect(await run({ from: "2026-09-13", to: "2026-09-13" })).toEqual([]);
    expect(await run({ to: "2026-09-11" })).toEqual([ids.many]);
    expect(await run({ participant: "GRACE@globex" })).toEqual([ids.many]);
    expect(await run({ participant: "Rita" })).toEqual([ids.private]);
    expect(await run({ participant: "%" })).toEqual([]);
    expect(await run({ deal: w.dealB.id })).toEqual([ids.one]);
    expect(await run({ deal: w.dealB.id }, "UTC", "budget approval")).toEqual([ids.one]);
    expect(await run({ deal: w.dealA.id, participant: "alex" })).toEqual([ids.many]);
    const scoped = await searchCalls(w.viewers.admin, { q: "budget" }, { dealId: w.dealA.id });
    expect(scoped).toMatchObject({ totalCalls: 1, totalSentences: 6 });
    // A member never sees the private call, whatever the filter.
    expect((await searchCalls(w.viewers.member, { q: "budget" }, resolveFilters(searchFiltersSchema.parse({ participant: "Rita" }), "UTC"))).calls).toEqual([]);
  });

  it(`past ${SENTENCE_PROBE_LIMIT} matching sentences, the hashed join keeps grouping, visibility, totals and filters`, async () => {
    const w = await callsWorkspace();
    const ids = await w.ingest([
      canonicalCall("old", [person(w.admin.email, "INTERNAL", "s1")], { title: "Old call", startedAt: new Date("2026-09-01T10:00:00Z") }),
      canonicalCall("new", [person(w.admin.email, "INTERNAL", "s1")], { title: "New call", startedAt: new Date("2026-09-02T10:00:00Z") }),
      canonicalCall("private", [person(w.rep.email, "INTERNAL", "s1")], { isPrivate: true, startedAt: new Date("2026-09-03T10:00:00Z") }),
    ]);
    const many = SENTENCE_PROBE_LIMIT + 10;
    await w.transcript(
      "old",
      Array.from({ length: many }, (_, i) => s("s1", i, `Budget approval point number ${i}.`)),
    );
    await w.transcript("new", [s("s1", 7, "The budget approval came through.")]);
    await w.transcript("private", [s("s1", 0, "The budget approval is my secret worry.")]);
    const q = "budget approval";
    const [{ tree, full }] = await db.$queryRaw<Array<{ tree: string; full: string }>>`
      SELECT querytree(q) AS tree, q::text AS full FROM websearch_to_tsquery('english', ${q}) AS q`;
    const plan = (
      await db.$queryRaw<Array<{ "QUERY PLAN": string }>>(
        Prisma.sql`EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) ${callSearchStatement(w.viewers.member, q, { tree, full }, 1)}`,
      )
    )
      .map((r) => r["QUERY PLAN"])
      .join("\n");
    expect(plan).toMatch(/CTE Scan on visible_calls vc \(actual rows=2 loops=\d+\)/);
    // Past SENTENCE_COUNT_LIMIT the sentences are a lower bound; the calls (two candidates, both checked) are exact.
    const member = await searchCalls(w.viewers.member, { q });
    expect(member).toMatchObject({ totalCalls: 2, callsMore: false, totalSentences: SENTENCE_COUNT_LIMIT, sentencesMore: true });
    expect(member.calls.map((c) => [c.callId, c.sentenceCount, c.snippets.length, c.firstSecond])).toEqual([
      [ids.new, 1, 1, 7],
      [ids.old, many, SNIPPETS_PER_CALL, 0],
    ]);
    expect((await searchCalls(w.viewers.admin, { q })).totalCalls).toBe(3);
    const before = resolveFilters(searchFiltersSchema.parse({ to: "2026-09-01" }), "UTC");
    expect(await searchCalls(w.viewers.admin, { q }, before)).toMatchObject({ totalCalls: 1, totalSentences: SENTENCE_COUNT_LIMIT, sentencesMore: true });
    // A word: its calls exact from their word sets, its sentences counted up to the limit.
    expect(await searchCalls(w.viewers.admin, { q: "budget" })).toMatchObject({
      totalCalls: 3,
      callsMore: false,
      totalSentences: SENTENCE_COUNT_LIMIT,
      sentencesMore: true,
    });
    // Under the limit every count is exact.
    expect(await searchCalls(w.viewers.member, { q: "came" })).toMatchObject({ totalCalls: 1, callsMore: false, totalSentences: 1, sentencesMore: false });
  });

  it("refuses filters it cannot use, with a message", () => {
    const bad = (f: Record<string, string>) => {
      const r = searchFiltersSchema.safeParse(f);
      return r.success ? null : r.error.issues[0]!.message;
    };
    expect(bad({ provider: "zoom" })).toBe("Pick Gong, Salesloft or Clari Copilot.");
    expect(bad({ from: "2026-02-30" })).toBe("That date does not exist.");
    expect(bad({ from: "12/04/2026" })).toBe("Dates are written YYYY-MM-DD.");
    expect(bad({ from: "2026-09-12", to: "2026-09-01" })).toBe("The “from” date is after the “to” date.");
    expect(bad({ deal: "'; DROP" })).toBe("That deal was not found.");
    expect(bad({ participant: "x".repeat(201) })).toBe("A participant is at most 200 characters.");
    expect(searchFiltersSchema.parse({ provider: "", from: "", to: "", participant: "  ", deal: "" })).toEqual({});
  });

  it("turns a day in a zone into the instant it starts", () => {
    expect(zonedDayStart("2026-09-13", "Europe/Paris").toISOString()).toBe("2026-09-12T22:00:00.000Z");
    expect(zonedDayStart("2026-12-04", "America/New_York", 1).toISOString()).toBe("2026-12-05T05:00:00.000Z");
    expect(zonedDayStart("2026-03-08", "America/New_York").toISOString()).toBe("2026-03-08T05:00:00.000Z");
    expect(zonedDayStart("2026-03-09", "America/New_York").toISOString()).toBe("2026-03-09T04:00:00.000Z");
  });
});

// Issue 18, target 3: search on real-shaped transcripts stays bounded however common the words are. Calls are written
// in SQL here (hundreds of them, 30 sentences each), as the sync would store them.
async function bulkCalls(
  w: Awaited<ReturnType<typeof callsWorkspace>>,
  n: number,
  lines: (g: number) => string[],
  opts: { privateEvery?: number; prefix?: string } = {},
): Promise<string[]> {
  const prefix = opts.prefix ?? "bulk";
  const ids = Array.from({ length: n }, (_, g) => `${prefix}_${w.workspace.id}_${String(g).padStart(4, "0")}`);
  await db.$executeRaw`
    INSERT INTO "Call" (id, "workspaceId", provider, "providerCallId", title, "startedAt", "durationSec", "transcriptStatus", "isPrivate", "updatedAt")
    SELECT x.ids[g + 1], ${w.workspace.id}, 'GONG', ${prefix} || g, 'Bulk call ' || g, timestamptz '2026-06-01T00:00:00Z' + g * interval '1 hour', 600,
           'AVAILABLE', ${opts.privateEvery ?? 0} > 0 AND g % ${opts.privateEvery ?? 1} = 0, now()
    FROM (SELECT ${ids}::text[] AS ids) x, generate_series(0, ${n - 1}) g`;
  const texts = ids.map((_, g) => lines(g));
  await db.$executeRaw`
    INSERT INTO "TranscriptSentence" ("workspaceId", "callId", idx, "speakerKey", "startMs", "endMs", text)
    SELECT ${w.workspace.id}, (${ids}::text[])[1 + g], i - 1, 's1', i * 1000, i * 1000 + 900, (${JSON.stringify(texts)}::jsonb -> g ->> (i - 1))
    FROM generate_series(0, ${n - 1}) g, generate_series(1, jsonb_array_length(${JSON.stringify(texts)}::jsonb -> g)) i`;
  return ids;
}

describe("search on many calls", () => {
  it(`counts calls up to ${CALL_COUNT_LIMIT} and sentences up to ${SENTENCE_COUNT_LIMIT} when every call matches, newest first, pages past the count, private calls kept out`, async () => {
    const w = await callsWorkspace();
    const n = CALL_COUNT_LIMIT + 25;
    const filler = ["Thanks for joining.", "Let us look at the numbers.", "The team met last week."];
    // Every call: the AND words in one sentence twice, and filler; every 7th call is private to nobody here.
    const ids = await bulkCalls(
      w,
      n,
      (g) => [filler[g % 3]!, "The budget is approved for the second half.", filler[(g + 1) % 3]!, "Budget approved, finally."],
      {
        privateEvery: 7,
      },
    );
    const newestFirst = [...ids].reverse();
    const visibleToMember = newestFirst.filter((_, i) => (n - 1 - i) % 7 !== 0);
    for (const q of ["budget approved", '"budget is approved"', "budget approved -nothing"]) {
      const admin = await searchCalls(w.viewers.admin, { q });
      expect(admin, q).toMatchObject({ totalCalls: CALL_COUNT_LIMIT, callsMore: true, sentencesMore: true, hasNext: true });
      // The sentences of the calls counted (one past the count), up to the limit: a lower bound either way.
      const perCall = q.startsWith('"') ? 1 : 2;
      expect(admin.totalSentences, q).toBe(Math.min(SENTENCE_COUNT_LIMIT, perCall * (CALL_COUNT_LIMIT + 1)));
      expect(
        admin.calls.map((c) => c.callId),
        q,
      ).toEqual(newestFirst.slice(0, SEARCH_CALLS_PAGE_SIZE));
      expect(admin.calls[0]!.sentenceCount, q).toBe(perCall);
      const member = await searchCalls(w.viewers.member, { q });
      expect(
        member.calls.map((c) => c.callId),
        q,
      ).toEqual(visibleToMember.slice(0, SEARCH_CALLS_PAGE_SIZE));
    }
    // A page past the counted calls still lists the next calls in order, and the last page says there is no next.
    const lastPage = Math.ceil(n / SEARCH_CALLS_PAGE_SIZE);
    const deep = await searchCalls(w.viewers.admin, { q: "budget approved", page: lastPage - 1 });
    expect(deep.calls.map((c) => c.callId)).toEqual(newestFirst.slice((lastPage - 2) * SEARCH_CALLS_PAGE_SIZE, (lastPage - 1) * SEARCH_CALLS_PAGE_SIZE));
    expect(deep.hasNext).toBe(true);
    const last = await searchCalls(w.viewers.admin, { q: "budget approved", page: lastPage });
    expect(last.calls.map((c) => c.callId)).toEqual(newestFirst.slice((lastPage - 1) * SEARCH_CALLS_PAGE_SIZE));
    expect(last.hasNext).toBe(false);
    // Words: the calls are counted exactly (from their word sets), the sentences up to the limit.
    expect(await searchCalls(w.viewers.admin, { q: "budget" })).toMatchObject({ totalCalls: n, callsMore: false, totalSentences: 2 * n, sentencesMore: false });
    expect(await searchCalls(w.viewers.member, { q: "budget" })).toMatchObject({ totalCalls: visibleToMember.length, callsMore: false });
    // Few matching sentences: exact.
    expect(await searchCalls(w.viewers.admin, { q: "numbers budget" })).toMatchObject({ totalCalls: 0, calls: [] });
  });

  it("finds the few calls where common words meet in one sentence, with exact counts, when most candidates do not", async () => {
    const w = await callsWorkspace();
    const n = WALK_PROBE * 3;
    // Every call says "budget" and "approved", in different sentences; three old calls say them together.
    const together = new Set([5, 17, 40]);
    const ids = await bulkCalls(w, n, (g) => [
      "Budget talk first.",
      "Then something else.",
      together.has(g) ? "The budget was approved." : "It was approved later.",
    ]);
    const r = await searchCalls(w.viewers.admin, { q: "budget approved" });
    expect(r).toMatchObject({ totalCalls: 3, callsMore: false, totalSentences: 3, sentencesMore: false, hasNext: false });
    expect(r.calls.map((c) => c.callId)).toEqual([40, 17, 5].map((g) => ids[g]));
  });

  it(`checks at most ${CANDIDATE_WALK_LIMIT} candidates before falling back to the sentence index, and both agree`, async () => {
    const w = await callsWorkspace();
    const n = CANDIDATE_WALK_LIMIT + 60;
    // One call in nine has the words in one sentence: dense enough to walk, too sparse to fill the count in the walk.
    const ids = await bulkCalls(w, n, (g) => ["Budget first.", g % 9 === 0 ? "Budget approved today." : "Approved later."]);
    const expected = ids.filter((_, g) => g % 9 === 0).reverse();
    const r = await searchCalls(w.viewers.admin, { q: "budget approved" });
    expect(r).toMatchObject({ totalCalls: expected.length, callsMore: false, totalSentences: expected.length });
    expect(r.calls.map((c) => c.callId)).toEqual(expected.slice(0, SEARCH_CALLS_PAGE_SIZE));
  });

  it("says a bounded total as a lower bound", () => {
    expect(totalText(1, false, "call", "calls")).toBe("1 call");
    expect(totalText(1200, false, "call", "calls")).toBe("1,200 calls");
    expect(totalText(200, true, "call", "calls")).toBe("200+ calls");
    expect(totalText(500, true, "sentence", "sentences")).toBe("500+ sentences");
  });
});
