// A purge reads fresh planner statistics before its first batch (lib/sync/engine.ts preparePurge). Each call it
// deletes cascades to its sentences through the ("callId", "workspaceId") foreign key; on statistics older than a
// tenant's freshly written calls, PostgreSQL planned that lookup as a scan of the tenant's whole search index
// ("workspaceId", tsv): the fault suite's purge of 30,000 such calls took 1.6 s a batch of 500 and ran past its
// 10-minute test timeout in a loaded CI run (2026-12-07). Planned on fresh statistics, the lookup takes the
// call's own index.
import { afterAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { preparePurge } from "@/lib/sync/engine";
import { createWorkspace } from "../support/db";

const created: string[] = [];
afterAll(async () => {
  await db.workspace.deleteMany({ where: { id: { in: created } } });
});

describe("purge planning", () => {
  it("analyzes the tables it deletes from, so a cascade finds a call's sentences by the call's own index", async () => {
    const { workspace } = await createWorkspace("PurgePlan");
    created.push(workspace.id);
    const integration = await db.integration.create({ data: { workspaceId: workspace.id, provider: "CLARI", status: "PURGING" } });
    const n = 3_000;
    await db.$executeRaw`
      INSERT INTO "Call" (id, "workspaceId", "integrationId", provider, "providerCallId", title, "startedAt", "durationSec", "transcriptStatus", "updatedAt")
      SELECT ${workspace.id} || '-purge-' || g, ${workspace.id}, ${integration.id}, 'CLARI', 'purge-' || g, 'Call ' || g, now() - g * interval '1 minute', 600, 'AVAILABLE', now()
      FROM generate_series(1, ${n}::int) g`;
    await db.$executeRaw`
      INSERT INTO "TranscriptSentence" ("callId", idx, "startMs", "endMs", text)
      SELECT ${workspace.id} || '-purge-' || g, i, i * 1000, i * 1000 + 900, 'Sentence ' || i || ' about pricing'
      FROM generate_series(1, ${n}::int) g, generate_series(0, 1) i`;
    const before = await lastAnalyze();
    await preparePurge();
    const after = await lastAnalyze();
    expect(after, "TranscriptSentence analyzed by the purge").not.toBeNull();
    if (before) expect(after!.getTime()).toBeGreaterThan(before.getTime());
    // The statement the cascade runs for each deleted call, as a prepared (generic) plan like the foreign key's own.
    const plan = await db.$transaction(async (tx) => {
      await tx.$executeRawUnsafe(`SET LOCAL plan_cache_mode = force_generic_plan`);
      await tx.$executeRawUnsafe(`PREPARE cascade_lookup(text, text) AS DELETE FROM ONLY "TranscriptSentence" WHERE $1 = "callId" AND $2 = "workspaceId"`);
      const rows = await tx.$queryRawUnsafe<Array<{ "QUERY PLAN": string }>>(`EXPLAIN (COSTS OFF) EXECUTE cascade_lookup('x', 'y')`);
      await tx.$executeRawUnsafe(`DEALLOCATE cascade_lookup`);
      return rows.map((r) => r["QUERY PLAN"]).join("\n");
    });
    expect(plan).toContain("TranscriptSentence_callId_idx_key");
    expect(plan).not.toContain("workspaceId_tsv");
  });
});

async function lastAnalyze(): Promise<Date | null> {
  const [row] = await db.$queryRaw<Array<{ at: Date | null }>>`SELECT last_analyze AS at FROM pg_stat_user_tables WHERE relname = 'TranscriptSentence'`;
  return row?.at ?? null;
}
