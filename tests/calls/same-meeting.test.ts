// Issue 16 item 10: one meeting, two recorders. A Gong call and a Clari Copilot call of the same meeting (same
// participants, start within minutes) are one row on the deal timeline and on Unlinked, counted once, with both
// sources; each call's page links the other. Calls that only look alike (far apart in time, few shared people,
// the same provider) stay apart, and a call whose participants change leaves its meeting.
import { afterAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { searchCalls, searchTranscripts } from "@/lib/calls/search";
import { dealListParamsSchema, listDeals } from "@/lib/deals/queries";
import { countDealCalls, countUnlinkedCalls, getCall, listDealCalls, listUnlinkedCalls } from "@/lib/calls/queries";
import type { CanonicalCall } from "@/lib/providers/canonical";
import { ingestCalls, loadIngestContext, storeTranscripts } from "@/lib/sync/ingest";
import { linkCalls } from "@/lib/sync/linking";
import { canonicalCall, callsWorkspace, person, type CallsWorkspace } from "./fixture";

afterAll(() => db.$disconnect());

const at = (min: number) => new Date(Date.parse("2026-10-01T15:00:00Z") + min * 60_000);

/** The fixture's workspace with a Clari Copilot integration too; `clari(calls)` ingests and links like `ingest`. */
async function twoRecorders() {
  const w = await callsWorkspace();
  const integration = await db.integration.create({ data: { workspaceId: w.workspace.id, provider: "CLARI", status: "CONNECTED" } });
  const ctx = await loadIngestContext(w.workspace.id, integration.id);
  async function clari(calls: CanonicalCall[]) {
    const { kept } = await ingestCalls(
      ctx,
      calls.map((c) => ({ ...c, provider: "CLARI" as const, providerUrl: null })),
    );
    await linkCalls(
      w.workspace.id,
      kept.map((k) => k.id),
    );
    return Object.fromEntries(kept.map((k) => [k.providerCallId, k.id])) as Record<string, string>;
  }
  return { ...w, clari };
}

const titles = (rows: Array<{ title: string }>) => rows.map((r) => r.title).sort();

describe("same meeting, two recorders", () => {
  let w: CallsWorkspace & { clari: (calls: CanonicalCall[]) => Promise<Record<string, string>> };

  it("a deal's timeline shows the meeting once with both sources and counts it once; each call page links the other", async () => {
    w = await twoRecorders();
    const people = [person(w.admin.email, "INTERNAL", "s1"), person("grace@globex.example", "EXTERNAL", "s2")];
    const g = await w.ingest([canonicalCall("g-meet", people, { title: "Globex sync (Gong)", startedAt: at(0) })]);
    // Clari's bot joined two minutes later; Clari lists the buyer with an upper-case email.
    const c = await w.clari([
      canonicalCall("c-meet", [people[0]!, person("Grace@Globex.example", "EXTERNAL", "s2")], { title: "Globex sync (Clari)", startedAt: at(2) }),
    ]);
    const gong = g["g-meet"]!;
    const clari = c["c-meet"]!;

    const page = await listDealCalls(w.viewers.admin, w.dealA.id);
    expect(page.items).toHaveLength(1);
    const [row] = page.items;
    expect(row!.id).toBe([gong, clari].sort()[0]);
    const other = row!.id === gong ? { id: clari, provider: "CLARI" } : { id: gong, provider: "GONG" };
    expect(row!.alsoRecordedIn).toEqual([other]);
    expect(await countDealCalls(w.viewers.admin, w.dealA.id)).toBe(1);
    // The deals list counts it once too.
    const deals = await listDeals(w.workspace.id, dealListParamsSchema.parse({}), w.viewers.admin);
    expect(deals.items.find((d) => d.id === w.dealA.id)?.callCount).toBe(1);

    expect((await getCall(w.viewers.admin, gong))!.alsoRecordedIn).toEqual([{ id: clari, provider: "CLARI" }]);
    expect((await getCall(w.viewers.admin, clari))!.alsoRecordedIn).toEqual([{ id: gong, provider: "GONG" }]);
    const stored = await db.call.findMany({ where: { id: { in: [gong, clari] } }, select: { meetingId: true } });
    expect(stored[0]!.meetingId).toBeTruthy();
    expect(stored[1]!.meetingId).toBe(stored[0]!.meetingId);
  });

  it("Unlinked shows the meeting once with both sources and counts it once", async () => {
    const people = [person(w.admin.email, "INTERNAL", "s1"), person("ceo@nobody.example", "EXTERNAL", "s2"), person("cfo@nobody.example", "EXTERNAL", "s3")];
    const before = await countUnlinkedCalls(w.viewers.admin);
    await w.ingest([canonicalCall("g-loose", people, { title: "Nobody intro (Gong)", startedAt: at(-600) })]);
    // Clari missed one attendee: 3 of 3 vs 2 shared of 3 is still the same meeting (Jaccard 2/3).
    await w.clari([canonicalCall("c-loose", people.slice(0, 2), { title: "Nobody intro (Clari)", startedAt: at(-604) })]);

    const page = await listUnlinkedCalls(w.viewers.admin);
    const rows = page.items.filter((r) => r.title.startsWith("Nobody intro"));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.alsoRecordedIn).toHaveLength(1);
    expect(titles([rows[0]!, { title: rows[0]!.alsoRecordedIn[0]!.provider === "CLARI" ? "Nobody intro (Clari)" : "Nobody intro (Gong)" }])).toEqual([
      "Nobody intro (Clari)",
      "Nobody intro (Gong)",
    ]);
    expect(await countUnlinkedCalls(w.viewers.admin)).toBe(before + 1);
  });

  it("calls that only look alike stay two rows: far apart in time, one shared person, or the same provider", async () => {
    const me = person(w.admin.email, "INTERNAL", "s1");
    const a = person("ann@apart.example", "EXTERNAL", "s2");
    const b = person("bob@apart.example", "EXTERNAL", "s3");
    const before = await countUnlinkedCalls(w.viewers.admin);
    // 20 minutes apart.
    await w.ingest([canonicalCall("g-far", [me, a], { title: "Apart far (Gong)", startedAt: at(-1200) })]);
    await w.clari([canonicalCall("c-far", [me, a], { title: "Apart far (Clari)", startedAt: at(-1220) })]);
    // Same time, only the admin in common.
    await w.ingest([canonicalCall("g-few", [me, a], { title: "Apart few (Gong)", startedAt: at(-1400) })]);
    await w.clari([canonicalCall("c-few", [me, b], { title: "Apart few (Clari)", startedAt: at(-1400) })]);
    // Two Gong calls at once with the same people (back-to-back bookings): one recorder, two calls.
    await w.ingest([
      canonicalCall("g-same-1", [me, a, b], { title: "Apart same 1", startedAt: at(-1600) }),
      canonicalCall("g-same-2", [me, a, b], { title: "Apart same 2", startedAt: at(-1601) }),
    ]);
    const rows = (await listUnlinkedCalls(w.viewers.admin, { limit: 100 })).items.filter((r) => r.title.startsWith("Apart"));
    expect(titles(rows)).toEqual(["Apart far (Clari)", "Apart far (Gong)", "Apart few (Clari)", "Apart few (Gong)", "Apart same 1", "Apart same 2"]);
    expect(rows.every((r) => r.alsoRecordedIn.length === 0)).toBe(true);
    expect(await countUnlinkedCalls(w.viewers.admin)).toBe(before + 6);
  });

  it("a call whose participants change on a later sync leaves its meeting: both show again", async () => {
    const people = [person(w.admin.email, "INTERNAL", "s1"), person("dan@later.example", "EXTERNAL", "s2")];
    await w.ingest([canonicalCall("g-later", people, { title: "Later (Gong)", startedAt: at(-2000) })]);
    await w.clari([canonicalCall("c-later", people, { title: "Later (Clari)", startedAt: at(-2001) })]);
    const shown = async () => (await listUnlinkedCalls(w.viewers.admin, { limit: 100 })).items.filter((r) => r.title.startsWith("Later"));
    expect(await shown()).toHaveLength(1);
    await w.clari([canonicalCall("c-later", [people[0]!, person("eve@other.example", "EXTERNAL", "s2")], { title: "Later (Clari)", startedAt: at(-2001) })]);
    const rows = await shown();
    expect(titles(rows)).toEqual(["Later (Clari)", "Later (Gong)"]);
    expect(rows.every((r) => r.alsoRecordedIn.length === 0)).toBe(true);
  });

  it("a member who may not see the other recording (private) still sees the meeting once, without a link to it", async () => {
    const people = [person(w.admin.email, "INTERNAL", "s1"), person("pia@private.example", "EXTERNAL", "s2")];
    await w.ingest([canonicalCall("g-priv", people, { title: "Private pair (Gong)", startedAt: at(-3000) })]);
    await w.clari([canonicalCall("c-priv", people, { title: "Private pair (Clari)", startedAt: at(-3001), isPrivate: true })]);
    const forMember = (await listUnlinkedCalls(w.viewers.member, { limit: 100 })).items.filter((r) => r.title.startsWith("Private pair"));
    expect(forMember.map((r) => [r.title, r.alsoRecordedIn])).toEqual([["Private pair (Gong)", []]]);
    const forAdmin = (await listUnlinkedCalls(w.viewers.admin, { limit: 100 })).items.filter((r) => r.title.startsWith("Private pair"));
    expect(forAdmin).toHaveLength(1);
    expect(forAdmin[0]!.alsoRecordedIn).toHaveLength(1);
  });

  it("search lists the meeting once, by its first matching recording, for a word and for a phrase; a phrase only the other recording has still finds it", async () => {
    const people = [person(w.admin.email, "INTERNAL", "s1"), person("sam@search.example", "EXTERNAL", "s2")];
    const g = await w.ingest([canonicalCall("g-search", people, { title: "Search pair (Gong)", startedAt: at(-4000) })]);
    const c = await w.clari([canonicalCall("c-search", people, { title: "Search pair (Clari)", startedAt: at(-4001) })]);
    const line = (text: string) => ({ speakerKey: "s2", startMs: 1000, endMs: 2000, text });
    await storeTranscripts(w.workspace.id, "GONG", [
      { providerCallId: "g-search", status: "AVAILABLE", sentences: [line("The zeppelin procurement needs legal review.")], details: null },
    ]);
    await storeTranscripts(w.workspace.id, "CLARI", [
      {
        providerCallId: "c-search",
        status: "AVAILABLE",
        sentences: [line("The zeppelin procurement needs legal review."), line("Our walrus budget is approved.")],
        details: null,
      },
    ]);
    const first = [g["g-search"]!, c["c-search"]!].sort()[0]!;
    for (const q of ["zeppelin", '"zeppelin procurement"', "zeppelin legal"]) {
      const r = await searchTranscripts(w.viewers.admin, { q });
      expect({ q, calls: r.hits.map((h) => h.callId), total: r.total }).toEqual({ q, calls: [first], total: 1 });
    }
    // Only Clari's transcript has it: the Clari recording is the result.
    for (const q of ["walrus", '"walrus budget"']) {
      const r = await searchTranscripts(w.viewers.admin, { q });
      expect({ q, calls: r.hits.map((h) => h.callId), total: r.total }).toEqual({ q, calls: [c["c-search"]], total: 1 });
    }
    // The search page's grouped query too: one result, and the totals count that recording's sentences only.
    for (const [q, id] of [
      ["zeppelin", first],
      ['"zeppelin procurement"', first],
      ["zeppelin legal", first],
      ["walrus", c["c-search"]!],
    ] as const) {
      const r = await searchCalls(w.viewers.admin, { q });
      expect({ q, calls: r.calls.map((m) => m.callId), totalCalls: r.totalCalls, totalSentences: r.totalSentences }).toEqual({
        q,
        calls: [id],
        totalCalls: 1,
        totalSentences: 1,
      });
    }
  });
});
