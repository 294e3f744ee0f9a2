import { afterAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import type { CanonicalCall, CanonicalParticipant } from "@/lib/providers/canonical";
import { claimTranscripts, ingestCalls, loadIngestContext, releaseTranscripts, storeTranscripts } from "@/lib/sync/ingest";
import { linkCalls, relinkWorkspace, setManualLink } from "@/lib/sync/linking";
import { createWorkspace, uid } from "../support/db";

const person = (email: string | null, affiliation: CanonicalParticipant["affiliation"], speakerKey: string | null = null): CanonicalParticipant => ({
  speakerKey,
  name: email?.split("@")[0] ?? "Caller",
  email,
  title: null,
  phone: null,
  affiliation,
  isInvitee: true,
  isAttendee: true,
  providerUserId: null,
});

function call(id: string, participants: CanonicalParticipant[], extra: Partial<CanonicalCall> = {}): CanonicalCall {
  return {
    provider: "GONG",
    providerCallId: id,
    title: `Call ${id}`,
    startedAt: new Date("2026-10-01T15:00:00Z"),
    durationSec: 1800,
    direction: "CONFERENCE",
    platform: "Zoom",
    language: "eng",
    isPrivate: false,
    providerUrl: `https://x.app.gong.io/call?id=${id}`,
    summary: "Talked pricing",
    keyPoints: ["Budget approved"],
    actionItems: ["Send proposal"],
    crm: { system: null, dealIds: [], accountIds: [] },
    recording: { audioUrl: null, videoUrl: null, expiresAt: null },
    participants,
    ownerProviderUserId: null,
    transcriptStatus: "PENDING",
    providerUpdatedAt: null,
    ...extra,
  };
}

async function setup() {
  const { workspace, admin, member } = await createWorkspace();
  const integration = await db.integration.create({ data: { workspaceId: workspace.id, provider: "GONG", status: "CONNECTED" } });
  const mk = (name: string, extra: { crmDealId?: string; crmAccountId?: string; isClosed?: boolean; contacts?: string[] }) =>
    db.deal.create({
      data: {
        workspaceId: workspace.id,
        name,
        stage: extra.isClosed ? "Closed Lost" : "Discovery",
        isClosed: extra.isClosed ?? false,
        crmSource: "SALESFORCE",
        crmDealId: extra.crmDealId,
        crmAccountId: extra.crmAccountId,
        contacts: { create: (extra.contacts ?? []).map((email) => ({ workspaceId: workspace.id, name: email, email })) },
      },
    });
  return { workspace, admin, member, integration, mk };
}

describe("ingest", () => {
  afterAll(() => db.$disconnect());

  it("keeps only calls with a workspace user, and a second run changes nothing", async () => {
    const { workspace, admin, integration } = await setup();
    const ctx = await loadIngestContext(workspace.id, integration.id);
    const calls = [
      call("1", [person(admin.email.toUpperCase(), "INTERNAL", "s1"), person("buyer@globex.example", "EXTERNAL", "s2")]),
      call("2", [person("stranger@elsewhere.example", "INTERNAL"), person("buyer@globex.example", "EXTERNAL")]),
      call("3", [person(admin.email, "INTERNAL"), person(null, "UNKNOWN")]),
      call("1", [person(admin.email, "INTERNAL", "s1"), person("buyer@globex.example", "EXTERNAL", "s2")]), // repeated across a page boundary
    ];
    const first = await ingestCalls(ctx, calls);
    expect(first).toMatchObject({ added: 2, updated: 0, skipped: 1 });
    const second = await ingestCalls(ctx, calls);
    expect(second).toMatchObject({ added: 0, updated: 2 });
    const stored = await db.call.findMany({
      where: { workspaceId: workspace.id },
      include: { participants: { orderBy: { position: "asc" } } },
      orderBy: { providerCallId: "asc" },
    });
    expect(stored.map((c) => c.providerCallId)).toEqual(["1", "3"]);
    expect(stored[0]!.participants).toHaveLength(2);
    expect(stored[0]!.participants[0]).toMatchObject({ email: admin.email, userId: admin.id, affiliation: "INTERNAL", speakerKey: "s1" });
    expect(stored[0]).toMatchObject({ summary: "Talked pricing", actionItems: ["Send proposal"], platform: "Zoom" });
  });

  it("a workspace user the provider names by email only (Clari's users) is stored with their name, not the email", async () => {
    const { workspace, admin, integration } = await setup();
    await db.user.update({ where: { id: admin.id }, data: { name: "Alex Admin" } });
    const ctx = await loadIngestContext(workspace.id, integration.id);
    const emailOnly = { ...person(admin.email, "INTERNAL", "u1"), name: null };
    const unknownEmailOnly = { ...person("stranger@elsewhere.example", "EXTERNAL"), name: null };
    await ingestCalls(ctx, [call("n1", [emailOnly, unknownEmailOnly, person("buyer@globex.example", "EXTERNAL")], { provider: "CLARI" })]);
    const stored = await db.callParticipant.findMany({ where: { call: { workspaceId: workspace.id } }, orderBy: { position: "asc" } });
    expect(stored.map((p) => [p.email, p.name])).toEqual([
      [admin.email, "Alex Admin"],
      ["stranger@elsewhere.example", null],
      ["buyer@globex.example", "buyer"],
    ]);
  });

  it("stores transcripts once, keeps them when a later listing says pending, and applies details", async () => {
    const { workspace, admin, integration } = await setup();
    const ctx = await loadIngestContext(workspace.id, integration.id);
    await ingestCalls(ctx, [call("t1", [person(admin.email, "INTERNAL", "a")], { summary: null })]);
    const sentences = Array.from({ length: 2_500 }, (_, i) => ({
      speakerKey: i % 2 ? "a" : "b",
      startMs: i * 1000,
      endMs: i * 1000 + 900,
      text: `sentence ${i}`,
    }));
    const t = {
      providerCallId: "t1",
      status: "AVAILABLE" as const,
      sentences,
      details: { summary: "From details", keyPoints: null, actionItems: ["Follow up"] },
    };
    expect(await storeTranscripts(workspace.id, "GONG", [t])).toBe(1);
    expect(await storeTranscripts(workspace.id, "GONG", [t, { ...t, providerCallId: "unknown" }])).toBe(1);
    await ingestCalls(ctx, [call("t1", [person(admin.email, "INTERNAL", "a")], { summary: null, actionItems: null, transcriptStatus: "PENDING" })]);
    const stored = await db.call.findFirstOrThrow({ where: { workspaceId: workspace.id, providerCallId: "t1" } });
    expect(stored).toMatchObject({ transcriptStatus: "AVAILABLE", sentenceCount: 2_500, summary: "From details", actionItems: ["Follow up"] });
    expect(await db.transcriptSentence.count({ where: { callId: stored.id } })).toBe(2_500);
  });

  it("writes a batch of transcripts across several transactions, each call's sentences exactly once and in order", async () => {
    const { workspace, admin, integration } = await setup();
    const ctx = await loadIngestContext(workspace.id, integration.id);
    const ids = Array.from({ length: 12 }, (_, i) => `b${i}`);
    await ingestCalls(
      ctx,
      ids.map((id) => call(id, [person(admin.email, "INTERNAL", "a")], { summary: "Listed", keyPoints: ["kept"] })),
    );
    // 12 x 4,000 sentences is more than one write's worth, so the batch is split between calls.
    const sentences = (id: string) =>
      Array.from({ length: 4_000 }, (_, i) => ({ speakerKey: "a", startMs: i * 500, endMs: i * 500 - 1, text: `${id} says ${i}` }));
    const batch = ids.map((id, i) =>
      i === 11
        ? { providerCallId: id, status: "UNAVAILABLE" as const, sentences: [], details: null }
        : {
            providerCallId: id,
            status: "AVAILABLE" as const,
            sentences: sentences(id),
            details: i === 0 ? { summary: "New", keyPoints: null, actionItems: ["Call back"] } : null,
          },
    );
    expect(await storeTranscripts(workspace.id, "GONG", batch)).toBe(11);
    expect(await storeTranscripts(workspace.id, "GONG", batch)).toBe(11); // a retry rewrites, never duplicates
    const stored = await db.call.findMany({ where: { workspaceId: workspace.id }, orderBy: { providerCallId: "asc" } });
    const byId = new Map(stored.map((c) => [c.providerCallId, c]));
    expect(byId.get("b0")).toMatchObject({
      transcriptStatus: "AVAILABLE",
      sentenceCount: 4_000,
      summary: "New",
      keyPoints: ["kept"],
      actionItems: ["Call back"],
    });
    expect(byId.get("b5")).toMatchObject({ transcriptStatus: "AVAILABLE", sentenceCount: 4_000, summary: "Listed" });
    expect(byId.get("b11")).toMatchObject({ transcriptStatus: "UNAVAILABLE", sentenceCount: 0 });
    for (const c of stored) expect(c.transcriptFetchedAt).not.toBeNull();
    expect(await db.transcriptSentence.count({ where: { call: { workspaceId: workspace.id } } })).toBe(44_000);
    const b7 = await db.transcriptSentence.findMany({ where: { callId: byId.get("b7")!.id }, orderBy: { idx: "asc" }, take: 3 });
    expect(b7.map((s) => [s.idx, s.text, s.endMs >= s.startMs])).toEqual([
      [0, "b7 says 0", true],
      [1, "b7 says 1", true],
      [2, "b7 says 2", true],
    ]);
  });

  it("a transcript being fetched by one worker is left to it; own, released and lapsed claims can be taken", async () => {
    const { workspace, admin, integration } = await setup();
    const ctx = await loadIngestContext(workspace.id, integration.id);
    await ingestCalls(
      ctx,
      ["k1", "k2", "k3"].map((id) => call(id, [person(admin.email, "INTERNAL", "a")])),
    );
    const claim = (ids: string[], owner: string) => claimTranscripts(workspace.id, "GONG", ids, owner);
    expect(await claim(["k1", "k2"], "user:a")).toEqual(["k1", "k2"]);
    // Another user's page lists k1..k3 meanwhile: only k3 is its to fetch.
    expect(await claim(["k1", "k2", "k3"], "user:b")).toEqual(["k3"]);
    // A retried step of the first worker keeps its claims.
    expect(await claim(["k1"], "user:a")).toEqual(["k1"]);
    // Stored transcripts are no longer pending; a released one (fetch failed) is free again.
    await storeTranscripts(workspace.id, "GONG", [
      { providerCallId: "k1", status: "AVAILABLE", sentences: [{ speakerKey: "a", startMs: 0, endMs: 1, text: "hi" }], details: null },
    ]);
    await releaseTranscripts(workspace.id, "GONG", ["k1", "k2"], "user:a");
    expect(await claim(["k1", "k2"], "user:b")).toEqual(["k2"]);
    // A crashed worker's claim lapses.
    await db.call.updateMany({ where: { workspaceId: workspace.id, providerCallId: "k3" }, data: { transcriptClaimUntil: new Date(Date.now() - 1_000) } });
    expect(await claim(["k3"], "user:c")).toEqual(["k3"]);
    const rows = await db.call.findMany({ where: { workspaceId: workspace.id }, orderBy: { providerCallId: "asc" }, select: { transcriptClaimBy: true } });
    expect(rows.map((r) => r.transcriptClaimBy)).toEqual([null, "user:b", "user:c"]);
  });

  it("two pages storing the same transcripts at once both succeed and leave one copy", async () => {
    const { workspace, admin, integration } = await setup();
    const ctx = await loadIngestContext(workspace.id, integration.id);
    const ids = Array.from({ length: 6 }, (_, i) => `c${i}`);
    await ingestCalls(
      ctx,
      ids.map((id) => call(id, [person(admin.email, "INTERNAL", "a")])),
    );
    const batch = ids.map((id) => ({
      providerCallId: id,
      status: "AVAILABLE" as const,
      details: null,
      sentences: Array.from({ length: 3_000 }, (_, i) => ({ speakerKey: "a", startMs: i, endMs: i + 1, text: `${id} ${i}` })),
    }));
    // Different order in each, as two users' listings would have them.
    const results = await Promise.all([storeTranscripts(workspace.id, "GONG", batch), storeTranscripts(workspace.id, "GONG", [...batch].reverse())]);
    expect(results).toEqual([6, 6]);
    expect(await db.transcriptSentence.count({ where: { call: { workspaceId: workspace.id } } })).toBe(18_000);
  });
});

describe("deal linking", () => {
  it("prefers the CRM deal id, then the account (open deals first), then contact emails", async () => {
    const { workspace, admin, integration, mk } = await setup();
    const opp = await mk("By opportunity", { crmDealId: `006${uid()}`, crmAccountId: "001shared" });
    const closed = await mk("Closed on account", { crmAccountId: `001${uid()}`, isClosed: true });
    const open = await mk("Open on account", { crmAccountId: closed.crmAccountId! });
    const byMail = await mk("By contact", { contacts: ["cfo@initech.example"] });
    const ctx = await loadIngestContext(workspace.id, integration.id);
    const me = person(admin.email, "INTERNAL");
    const { kept } = await ingestCalls(ctx, [
      call("a", [me], { crm: { system: "SALESFORCE", dealIds: [opp.crmDealId!], accountIds: [closed.crmAccountId!] } }),
      call("b", [me], { crm: { system: "SALESFORCE", dealIds: ["006unknown"], accountIds: [closed.crmAccountId!] } }),
      call("c", [me, person("CFO@initech.example", "EXTERNAL")]),
      call("d", [me, person("nobody@nowhere.example", "EXTERNAL")]),
    ]);
    const summary = await linkCalls(
      workspace.id,
      kept.map((k) => k.id),
    );
    expect(summary.linked).toBe(3);
    const links = await db.callDealLink.findMany({ where: { workspaceId: workspace.id }, include: { call: true } });
    const byCall = Object.fromEntries(links.map((l) => [l.call.providerCallId, l]));
    expect(byCall.a).toMatchObject({ dealId: opp.id, source: "CRM_ID", matchedOn: opp.crmDealId });
    expect(byCall.b).toMatchObject({ dealId: open.id, source: "CRM_ID" });
    expect(byCall.c).toMatchObject({ dealId: byMail.id, source: "EMAIL", matchedOn: "cfo@initech.example" });
    expect(byCall.d).toBeUndefined();
    expect(
      (
        await linkCalls(
          workspace.id,
          kept.map((k) => k.id),
        )
      ).unchanged,
    ).toBe(3);
  });

  it("never overwrites a manual choice, including a manual unlink, and relinks when deals change", async () => {
    const { workspace, admin, integration, mk } = await setup();
    const a = await mk("A", { crmDealId: `006${uid()}` });
    const b = await mk("B", {});
    const ctx = await loadIngestContext(workspace.id, integration.id);
    const me = person(admin.email, "INTERNAL");
    const { kept } = await ingestCalls(ctx, [
      call("m1", [me], { crm: { system: "SALESFORCE", dealIds: [a.crmDealId!], accountIds: [] } }),
      call("m2", [me], { crm: { system: "SALESFORCE", dealIds: [a.crmDealId!], accountIds: [] } }),
      call("m3", [me], { crm: { system: "SALESFORCE", dealIds: ["006later"], accountIds: [] } }),
    ]);
    const ids = Object.fromEntries(kept.map((k) => [k.providerCallId, k.id]));
    await linkCalls(workspace.id, Object.values(ids));
    await setManualLink(workspace.id, ids.m1!, b.id, admin.id);
    await setManualLink(workspace.id, ids.m2!, null, admin.id);
    const again = await linkCalls(workspace.id, Object.values(ids));
    expect(again.manualKept).toBe(2);
    expect(await db.callDealLink.findUnique({ where: { callId: ids.m1! } })).toMatchObject({ dealId: b.id, source: "MANUAL", linkedById: admin.id });
    expect(await db.callDealLink.findUnique({ where: { callId: ids.m2! } })).toMatchObject({ dealId: null, source: "MANUAL" });
    expect(await db.callDealLink.findUnique({ where: { callId: ids.m3! } })).toBeNull();

    await db.deal.update({ where: { id: b.id }, data: { crmDealId: "006later" } });
    await relinkWorkspace(workspace.id);
    expect(await db.callDealLink.findUnique({ where: { callId: ids.m3! } })).toMatchObject({ dealId: b.id, source: "CRM_ID" });
  });

  it("refuses a manual link to another workspace's call or deal", async () => {
    const one = await setup();
    const two = await setup();
    const foreignDeal = await two.mk("Foreign", {});
    const ctx = await loadIngestContext(one.workspace.id, one.integration.id);
    const { kept } = await ingestCalls(ctx, [call("x", [person(one.admin.email, "INTERNAL")])]);
    expect(await setManualLink(one.workspace.id, kept[0]!.id, foreignDeal.id, one.admin.id)).toBeNull();
    expect(await setManualLink(two.workspace.id, kept[0]!.id, foreignDeal.id, two.admin.id)).toBeNull();
    expect(await db.callDealLink.count({ where: { callId: kept[0]!.id } })).toBe(0);
  });
});
