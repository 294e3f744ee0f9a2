// Issue 15, item 7: a tenant's search costs what its own data costs. Sentences carry their call's
// workspace, the AND/phrase path reads the workspace-bounded index, a search past its statement_timeout
// says how to narrow it, and each user's searches are limited per minute.
import { afterAll, describe, expect, it } from "vitest";
import { db, Prisma } from "@/lib/db";
import {
  consumeSearch,
  searchAsUser,
  searchStatement,
  searchTranscripts,
  SEARCHES_PER_MINUTE,
  SEARCH_PAGE_SIZE,
  SENTENCE_PROBE_LIMIT,
} from "@/lib/calls/search";
import type { Viewer } from "@/lib/calls/visibility";
import { SearchTooSlowError, TooManyAttemptsError } from "@/lib/errors";
import { canonicalCall, callsWorkspace, person } from "./fixture";

afterAll(() => db.$disconnect());

const s = (sec: number, text: string) => ({ speakerKey: "s1", startMs: sec * 1000, endMs: sec * 1000 + 900, text });

async function tenant(word: string) {
  const w = await callsWorkspace();
  const ids = await w.ingest([canonicalCall("c1", [person(w.admin.email, "INTERNAL", "s1")], { title: `${word} call` })]);
  await w.transcript("c1", [s(0, `The security review covers ${word} pricing.`), s(5, "Budget approval takes six weeks.")]);
  return { w, callId: ids.c1 };
}

async function plan(sql: string, params: unknown[]): Promise<string> {
  // Small test tables would be read whole; with sequential scans off the planner shows what it would use at size.
  return db.$transaction(async (tx) => {
    await tx.$executeRawUnsafe("SET LOCAL enable_seqscan = off");
    const rows = await tx.$queryRawUnsafe<Array<{ "QUERY PLAN": string }>>(`EXPLAIN (COSTS OFF) ${sql}`, ...params);
    return rows.map((r) => r["QUERY PLAN"]).join("\n");
  });
}

describe("tenant-bounded search", () => {
  it("stores each sentence with its call's workspace, however it is written", async () => {
    const a = await tenant("aardvark");
    const b = await tenant("bonobo");
    // Through the sync engine (lib/sync/ingest.ts) ...
    const rows = await db.$queryRaw<Array<{ callId: string; workspaceId: string }>>`
      SELECT "callId", "workspaceId" FROM "TranscriptSentence" WHERE "callId" IN (${a.callId}, ${b.callId}) ORDER BY "callId", idx`;
    expect(rows).toHaveLength(4);
    for (const r of rows) expect(r.workspaceId).toBe(r.callId === a.callId ? a.w.workspace.id : b.w.workspace.id);
    // ... and by any insert that leaves it out (filled from the call).
    await db.$executeRaw`INSERT INTO "TranscriptSentence" ("callId", idx, "speakerKey", "startMs", "endMs", text)
      VALUES (${a.callId}, 9, 's1', 9000, 9500, 'A late sentence.')`;
    const [late] = await db.$queryRaw<Array<{ workspaceId: string }>>`
      SELECT "workspaceId" FROM "TranscriptSentence" WHERE "callId" = ${a.callId} AND idx = 9`;
    expect(late?.workspaceId).toBe(a.w.workspace.id);
    // A sentence cannot claim another workspace than its call's.
    await expect(
      db.$executeRaw`INSERT INTO "TranscriptSentence" ("workspaceId", "callId", idx, "speakerKey", "startMs", "endMs", text)
        VALUES (${b.w.workspace.id}, ${a.callId}, 10, 's1', 9000, 9500, 'Forged.')`,
    ).rejects.toThrow();
    expect(await db.transcriptSentence.count({ where: { callId: a.callId } })).toBe(3);
  });

  it("another tenant's transcript words never match", async () => {
    const a = await tenant("aardvark");
    const b = await tenant("bonobo");
    expect((await searchTranscripts(a.w.viewers.admin, { q: "bonobo" })).hits).toEqual([]);
    expect((await searchTranscripts(a.w.viewers.admin, { q: '"bonobo pricing"' })).hits).toEqual([]);
    expect((await searchTranscripts(b.w.viewers.admin, { q: '"bonobo pricing"' })).hits.map((h) => h.callId)).toEqual([b.callId]);
    expect((await searchTranscripts(a.w.viewers.admin, { q: "security review -bonobo" })).hits.map((h) => h.callId)).toEqual([a.callId]);
  });

  it("AND, phrase and exclusion searches read only the caller's workspace from the sentence index", async () => {
    const a = await tenant("aardvark");
    // The sentence query of lib/calls/search.ts's AND/phrase path, as it is sent.
    const sentenceSql = `SELECT s.id FROM "TranscriptSentence" s WHERE s."workspaceId" = $1 AND s.tsv @@ websearch_to_tsquery('english', $2)`;
    for (const q of ["security review", '"security review"', "security -budget"]) {
      const p = await plan(sentenceSql, [a.w.workspace.id, q]);
      // One index condition holds both: rows of other workspaces are never fetched to be filtered out.
      expect(p).toMatch(/Bitmap Index Scan on "TranscriptSentence_workspaceId_tsv_idx"/);
      expect(p).toMatch(/Index Cond: \(\("workspaceId" = .+\) AND \(tsv @@ /);
      expect(p).not.toMatch(/Filter: .*workspaceId/);
    }
    // The word path: candidate calls come from an index bounded by the workspace (at size the
    // (workspaceId, transcriptLexemes) GIN; on these few rows the planner may take the workspace btree).
    const words = await plan(`SELECT c.id FROM "Call" c WHERE c."workspaceId" = $1 AND c."transcriptLexemes" @@ $2::tsquery`, [a.w.workspace.id, "'secur'"]);
    expect(words).toMatch(/Index Cond: \(+"workspaceId" = /);
  });

  it(`past ${SENTENCE_PROBE_LIMIT} matching sentences, the join with the tenant's visible calls (read once) keeps visibility, order, totals and pages`, async () => {
    const w = await callsWorkspace();
    const ids = await w.ingest([
      canonicalCall("old", [person(w.admin.email, "INTERNAL", "s1")], { title: "Old call", startedAt: new Date("2026-09-01T10:00:00Z") }),
      canonicalCall("new", [person(w.admin.email, "INTERNAL", "s1")], { title: "New call", startedAt: new Date("2026-09-02T10:00:00Z") }),
      canonicalCall("private", [person(w.rep.email, "INTERNAL", "s1")], { isPrivate: true, startedAt: new Date("2026-09-03T10:00:00Z") }),
    ]);
    const many = SENTENCE_PROBE_LIMIT + 10;
    await w.transcript(
      "old",
      Array.from({ length: many }, (_, i) => s(i, `Budget approval point number ${i}.`)),
    );
    await w.transcript("new", [s(0, "The budget approval came through.")]);
    await w.transcript("private", [s(0, "The budget approval is my secret worry.")]);
    // Another tenant's matches count for nothing.
    const other = await tenant("budget approval");
    const q = "budget approval";

    // Which join ran: past the limit the visible calls are read once and the probes (c_2) never run;
    // below it, the reverse.
    const analyze = async (viewer: Viewer, query: string) => {
      const [{ tree, full }] = await db.$queryRaw<Array<{ tree: string; full: string }>>`
        SELECT querytree(q) AS tree, q::text AS full FROM websearch_to_tsquery('english', ${query}) AS q`;
      const sql = searchStatement(viewer, query, { tree, full }, 1);
      const rows = await db.$queryRaw<Array<{ "QUERY PLAN": string }>>(Prisma.sql`EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) ${sql}`);
      return rows.map((r) => r["QUERY PLAN"]).join("\n");
    };
    const big = await analyze(w.viewers.member, q);
    expect(big).toMatch(/CTE Scan on visible_calls vc \(actual rows=2 loops=\d+\)/);
    expect(big).toMatch(/ on "Call" c_2 \(never executed\)/);
    const small = await analyze(w.viewers.member, '"approval came"');
    expect(small).toMatch(/CTE Scan on visible_calls vc \(never executed\)/);
    expect(small).toMatch(/ on "Call" c_2 \(actual rows=1 loops=1\)/);

    const oldHits = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => [ids.old, from + i]);
    const page = async (viewer: Viewer, p = 1) => {
      const r = await searchTranscripts(viewer, { q, page: p });
      return { total: r.total, hasNext: r.hasNext, hits: r.hits.map((h) => [h.callId, h.second]) };
    };
    // Newest call first, sentences in order; the private call only for its participant and admins.
    expect(await page(w.viewers.admin)).toEqual({
      total: 3,
      hasNext: true,
      hits: [[ids.private, 0], [ids.new, 0], ...oldHits(0, SEARCH_PAGE_SIZE - 2)],
    });
    expect(await page(w.viewers.rep)).toEqual(await page(w.viewers.admin));
    expect(await page(w.viewers.member)).toEqual({ total: 2, hasNext: true, hits: [[ids.new, 0], ...oldHits(0, SEARCH_PAGE_SIZE - 1)] });
    expect(await page(w.viewers.member, 2)).toEqual({
      total: 2,
      hasNext: true,
      hits: oldHits(SEARCH_PAGE_SIZE - 1, 2 * SEARCH_PAGE_SIZE - 1),
    });
    const first = (await searchTranscripts(w.viewers.member, { q })).hits[1]!;
    expect(first).toMatchObject({ callTitle: "Old call", isPrivate: false, speaker: expect.any(String) });
    expect(first.headline).toContain("\u0001Budget\u0002");
    expect((await searchTranscripts(other.w.viewers.admin, { q })).total).toBe(1);
  });

  it("a search past its statement_timeout says how to narrow it", async () => {
    const a = await tenant("aardvark");
    // Enough matching sentences that the AND search cannot finish within 1 ms.
    await db.$executeRaw`INSERT INTO "TranscriptSentence" ("callId", idx, "speakerKey", "startMs", "endMs", text)
      SELECT ${a.callId}, 100 + g, 's1', g * 1000, g * 1000 + 900, 'Another security review point number ' || g FROM generate_series(1, 20000) g`;
    const slow = searchTranscripts(a.w.viewers.admin, { q: "security review" }, { timeoutMs: 1 });
    await expect(slow).rejects.toBeInstanceOf(SearchTooSlowError);
    await expect(slow).rejects.toThrow("The search took too long; narrow it with more words or a deal");
    // The default limit leaves the same search alone.
    expect((await searchTranscripts(a.w.viewers.admin, { q: "security review" })).total).toBe(1);
  });

  it(`limits each user to ${SEARCHES_PER_MINUTE} searches a minute and says when to retry`, async () => {
    const a = await tenant("aardvark");
    for (let i = 0; i < SEARCHES_PER_MINUTE; i++) await consumeSearch(a.w.viewers.member);
    const refused = searchAsUser(a.w.viewers.member, { q: "security" });
    await expect(refused).rejects.toBeInstanceOf(TooManyAttemptsError);
    await expect(refused).rejects.toThrow(/^You have run 30 searches in the last minute\. Try again in (\d+ seconds?|1 minute)\.$/);
    await expect(refused).rejects.toMatchObject({ retryAfterSeconds: expect.any(Number) });
    // Another user of the same workspace still searches.
    expect((await searchAsUser(a.w.viewers.admin, { q: "security" })).total).toBe(1);
  });
});
