// The first import's lookups of stored accounts and contacts (lib/crm/sync.ts) probe the stored table by its
// unique key, whatever the planner's statistics say. During a first import Deal, CrmAccount and CrmContact grow
// from empty faster than autovacuum analyzes them; planned on "empty" tables, the anti join of the missing-ids
// query matched on workspace and CRM only and compared crmId row by row, reading every stored contact for each
// id a deal names: the 20,000-deal HubSpot import's contacts step ran for minutes per step and never finished
// (scripts/bench/crm-import.ts). Tables here are filled and never analyzed, as during an import.
import { afterAll, describe, expect, it } from "vitest";
import { db, Prisma } from "@/lib/db";
import { missingIdsStatement, wantedDealContacts } from "@/lib/crm/sync";
import { crmWorkspace } from "./harness";

afterAll(() => db.$disconnect());

async function plan(sql: Prisma.Sql): Promise<string> {
  const rows = await db.$queryRaw<Array<{ "QUERY PLAN": string }>>(Prisma.sql`EXPLAIN (COSTS OFF) ${sql}`);
  return rows.map((r) => r["QUERY PLAN"]).join("\n");
}

/** The plan reads `table` through its (workspaceId, crmSource, crmId) key with crmId in the index condition. */
const probesByKey = (table: "CrmContact" | "CrmAccount") =>
  new RegExp(`Index (Only )?Scan using "${table}_workspaceId_crmSource_crmId_key" on "${table}" \\w+\\s*\\n\\s*Index Cond: \\([^\\n]*"crmId" = `);

describe("first-import lookups of stored records", () => {
  it("probe CrmContact and CrmAccount by their key on unanalyzed tables, and find exactly the missing ids", async () => {
    const w = await crmWorkspace("HUBSPOT");
    const ws = w.workspace.id;
    // 2,000 deals naming 5 contacts (10,000 in all) and an account (1,000) each; the even ones already stored.
    await db.$executeRaw`
      INSERT INTO "Deal" (id, "workspaceId", "integrationId", "crmSource", "crmDealId", name, stage, "crmAccountId", "crmContactIds", "createdAt", "updatedAt")
      SELECT 'lp-' || g, ${ws}, ${w.integrationId}, 'HUBSPOT', 'd' || g, 'Deal ' || g, 'Open', 'a' || lpad((g % 1000)::text, 5, '0'),
        ARRAY(SELECT 'c' || lpad(((g * 5 + k) % 10000)::text, 5, '0') FROM generate_series(0, 4) k), now(), now()
      FROM generate_series(1, 2000) g`;
    await db.$executeRaw`
      INSERT INTO "CrmContact" (id, "workspaceId", "crmSource", "crmId", name, email, "createdAt", "updatedAt")
      SELECT 'lpc-' || g, ${ws}, 'HUBSPOT', 'c' || lpad(g::text, 5, '0'), 'Contact ' || g, 'c' || g || '@x.example', now(), now()
      FROM generate_series(0, 9999, 2) g`;
    await db.$executeRaw`
      INSERT INTO "CrmAccount" (id, "workspaceId", "crmSource", "crmId", name, "createdAt", "updatedAt")
      SELECT 'lpa-' || g, ${ws}, 'HUBSPOT', 'a' || lpad(g::text, 5, '0'), 'Account ' || g, now(), now()
      FROM generate_series(0, 999, 2) g`;
    const ctx = { workspaceId: ws, integrationId: w.integrationId };

    expect(await plan(missingIdsStatement(ctx, "contact", null))).toMatch(probesByKey("CrmContact"));
    expect(await plan(missingIdsStatement(ctx, "account", null))).toMatch(probesByKey("CrmAccount"));
    expect(await plan(wantedDealContacts(w.integrationId))).toMatch(probesByKey("CrmContact"));

    // What the steps ask the CRM for: every odd contact (all are named), in id order, 1,000 per step.
    const chunks: string[][] = [];
    for (let after: string | null = null; ;) {
      const ids: string[] = (await db.$queryRaw<Array<{ id: string }>>(missingIdsStatement(ctx, "contact", after))).map((r) => r.id);
      if (ids.length === 0) break;
      chunks.push(ids);
      after = ids.at(-1)!;
    }
    expect(chunks.map((c) => c.length)).toEqual([1000, 1000, 1000, 1000, 1000]);
    expect(chunks.flat()).toEqual(Array.from({ length: 5000 }, (_, i) => `c${String(i * 2 + 1).padStart(5, "0")}`));
    const accounts = await db.$queryRaw<Array<{ id: string }>>(missingIdsStatement(ctx, "account", null));
    expect(accounts.map((r) => r.id)).toEqual(Array.from({ length: 500 }, (_, i) => `a${String(i * 2 + 1).padStart(5, "0")}`));
  });
});
