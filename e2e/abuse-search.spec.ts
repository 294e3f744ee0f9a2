// Issue 15, item 7, against the production build: a tenant's search is bounded by its own workspace and
// each user's searches are limited per minute. Two throwaway workspaces (A and B) share a word in their
// transcripts; each also has words of its own.
//   [search] B's words, phrases, AND and exclusions never match A's transcripts (API and page)
//   [search] the 31st search in a minute is refused: 429 with Retry-After and a message saying when
import type pg from "pg";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { connectDb, createTenant, expectNoneOf, expectReadable, signedIn, word, type Tenant } from "./abuse-support";

let db: pg.Client;
let A: Tenant;
let B: Tenant;
let SHARED: string;

type Hit = { callId: string; callTitle: string; snippets: Array<{ headline: string }> };
type Result = { result: { searchable: boolean; totalCalls: number; totalSentences: number; calls: Hit[] } };

test.beforeAll(async () => {
  test.setTimeout(120_000);
  db = await connectDb();
  SHARED = word("zx");
  A = await createTenant(db, "Victim", SHARED);
  B = await createTenant(db, "Attacker", SHARED);
});

test.afterAll(async () => {
  await db?.end();
});

async function search(ctx: APIRequestContext, q: string): Promise<Result["result"]> {
  const res = await ctx.get(`/api/search?q=${encodeURIComponent(q)}`);
  const { result } = JSON.parse(await expectReadable(res, [200], `search ${q}`)) as Result;
  // The result echoes the query (which holds A's word): the hits are what must hold nothing of A.
  expectNoneOf(JSON.stringify(result.calls), A.markers, `B's search for ${q}`);
  return result;
}

test("[search] another tenant's transcript words never match, whatever the query form", async () => {
  const { ctx } = await signedIn(B.users.admin.email);
  const aMark = A.markers[0]!; // A's own word: its transcript says "The <shared> rollout for <mark> needs ..."
  expect(A.sentence).toContain(`rollout for ${aMark}`);
  // A's own word, alone, as a phrase, with AND, with OR and with an exclusion: nothing of A.
  for (const q of [aMark, `"rollout for ${aMark}"`, `${SHARED} ${aMark}`, `${aMark} or ${word("zz")}`, `${aMark} -${SHARED}`]) {
    expect((await search(ctx, q)).calls, q).toEqual([]);
  }
  // The word both said: only B's calls, under each form that starts from the sentence index.
  for (const q of [SHARED, `"${SHARED} rollout"`, `${SHARED} security review`, `${SHARED} -signature`, `${SHARED} review -${aMark}`]) {
    const r = await search(ctx, q);
    for (const h of r.calls) expect([B.callId, B.unlinkedCallId, B.privateCallId], `${q}: ${h.callTitle}`).toContain(h.callId);
  }
  expect((await search(ctx, `"${SHARED} rollout"`)).totalCalls).toBeGreaterThan(0);
  // The page shows the same.
  const page = await ctx.get(`/search?q=${encodeURIComponent(`"rollout for ${aMark}"`)}`);
  const html = await expectReadable(page, [200], "search page");
  expect(html).toContain("No matches for");
  for (const title of [A.callTitle, A.unlinkedCallTitle, A.privateCallTitle]) expect(html).not.toContain(title);
  await ctx.dispose();
});

test("[search] a user's 31st search in a minute is refused with when to retry, and nothing is searched", async () => {
  const { ctx } = await signedIn(A.users.member.email);
  for (let i = 0; i < 30; i++) {
    const res = await ctx.get(`/api/search?q=${encodeURIComponent(SHARED)}`);
    expect(res.status(), `search ${i + 1}`).toBe(200);
  }
  const refused = await ctx.get(`/api/search?q=${encodeURIComponent(SHARED)}`);
  const body = await expectReadable(refused, [429], "31st search");
  expect((JSON.parse(body) as { error: { message: string } }).error.message).toMatch(
    /^You have run 30 searches in the last minute\. Try again in (\d+ seconds?|1 minute)\.$/,
  );
  expect(Number(refused.headers()["retry-after"])).toBeGreaterThan(0);
  // The search page says the same, in place of results.
  const page = await ctx.get(`/search?q=${encodeURIComponent(SHARED)}`);
  const html = await expectReadable(page, [200], "search page, limited");
  expect(html).toContain("Too many searches");
  expect(html).toMatch(/You have run 30 searches in the last minute\. Try again in/);
  expect(html).not.toContain(A.callTitle);
  // Another user of the same workspace is not limited by it.
  const admin = (await signedIn(A.users.admin.email)).ctx;
  const ok = await admin.get(`/api/search?q=${encodeURIComponent(SHARED)}`);
  expect(ok.status()).toBe(200);
  expect(((await ok.json()) as Result).result.calls.map((h) => h.callId)).toContain(A.callId);
  await Promise.all([ctx.dispose(), admin.dispose()]);
});
