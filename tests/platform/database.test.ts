import { afterAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";

describe("database", () => {
  afterAll(async () => {
    await db.$disconnect();
  });

  it("runs against the run's own migrated database", async () => {
    const url = new URL(process.env.DATABASE_URL!);
    expect(url.pathname === "/postgres" || url.pathname.startsWith("/callsync_test_")).toBe(true);
    const ws = await db.workspace.create({ data: { name: "T", slug: `t-${Date.now()}` } });
    expect((await db.workspace.findUniqueOrThrow({ where: { id: ws.id } })).name).toBe("T");
  });

  it("indexes transcript sentences for full-text search", async () => {
    const ws = await db.workspace.create({ data: { name: "FTS", slug: `fts-${Date.now()}` } });
    const call = await db.call.create({
      data: { workspaceId: ws.id, provider: "GONG", providerCallId: "1", title: "Pricing", startedAt: new Date() },
    });
    await db.transcriptSentence.createMany({
      data: [
        { callId: call.id, workspaceId: ws.id, idx: 0, startMs: 0, endMs: 1000, text: "Let us talk about the renewal pricing" },
        { callId: call.id, workspaceId: ws.id, idx: 1, startMs: 1000, endMs: 2000, text: "Security review is next week" },
      ],
    });
    const hits = await db.$queryRaw<Array<{ idx: number }>>`
      SELECT idx FROM "TranscriptSentence" WHERE "callId" = ${call.id} AND tsv @@ websearch_to_tsquery('english', 'prices')`;
    expect(hits.map((h) => h.idx)).toEqual([0]);
  });
});
