// Issue 14 item 5: the demo workspace's deals come from the HubSpot simulator through the real path. The
// seed writes no deals; the demo start's connect (lib/demo/crm.ts, behind /api/dev/demo-crm) runs the
// product's HubSpot connect and OAuth callback code against the simulator, and its first import brings the
// demo deals with the HubSpot ids and contact emails the recorders' simulated calls carry.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NextRequest } from "next/server";
import type { RunningSimulators } from "@/dev/simulators";
import { simulatorEnv } from "@/dev/simulators";
import { DEMO_DEALS } from "@/lib/demo/data";
import { startTestSimulators } from "../providers/helpers";
import { createScratchDatabase, type ScratchDatabase } from "../../scripts/lib/database";

const KEY = "demo-setup-key-for-this-test-0123456789";
let sims: RunningSimulators;
// A database of its own: the demo workspace is one per database, and other files (the sync harness) seed it and
// give it fixture deals in the run's shared database meanwhile.
let scratch: ScratchDatabase | null = null;
const runDatabase = process.env.DATABASE_URL;
beforeAll(async () => {
  if (process.env.TEST_DATABASE_EMBEDDED === "1") delete process.env.DATABASE_URL;
  try {
    scratch = await createScratchDatabase("callsync_democrm");
  } finally {
    if (runDatabase !== undefined) process.env.DATABASE_URL = runDatabase;
  }
  process.env.DATABASE_URL = scratch.url;
  const now = new Date().toISOString();
  sims = await startTestSimulators({ now, anchor: now, limits: { hubspot: { per10s: 100_000, searchPerSecond: 100_000, perDay: null } } });
  Object.assign(process.env, simulatorEnv(sims.url), { DEMO_SETUP_KEY: KEY });
}, 60_000);
afterAll(async () => {
  await sims?.stop();
  const { db } = await import("@/lib/db");
  await db.$disconnect();
  process.env.DATABASE_URL = runDatabase;
  await scratch?.drop();
});

describe("the demo workspace's CRM", () => {
  it("is seeded without deals, then connecting HubSpot imports the demo deals with the ids and contacts calls carry", async () => {
    const { db } = await import("@/lib/db");
    const { seedDemo } = await import("@/prisma/seed");
    const { connectDemoCrm, demoCrmState } = await import("@/lib/demo/crm");
    const { runCrmSteps } = await import("@/inngest/functions/crm-run");
    const { testStep } = await import("./harness");
    type Sent = { name: string; data: { integrationId: string; generation: number; runId: string } };

    const { workspaceId } = await seedDemo(db);
    expect(await db.deal.count({ where: { workspaceId } })).toBe(0);
    expect(await demoCrmState()).toMatchObject({ status: "not_connected", deals: 0 });

    const sent: Sent[] = [];
    const send = async (e: unknown) => void sent.push(...((Array.isArray(e) ? e : [e]) as Sent[]));
    const started = await connectDemoCrm(send);
    expect(started.status).toBe("importing");
    expect(sent.map((e) => e.name)).toEqual(["callsync/crm.import-requested"]);
    const integration = await db.integration.findUniqueOrThrow({ where: { workspaceId_provider: { workspaceId, provider: "HUBSPOT" } } });
    expect(integration.accountId).toBe(String(((await (await fetch(`${sims.url}/__sim/hubspot/portal`)).json()) as { hubId: number }).hubId));
    // The consent went through the simulator's token endpoint: the connection holds its credentials.
    expect(integration.credentialsEnc).toBeTruthy();

    const result = await runCrmSteps(testStep(), sent[0]!.data);
    expect(result.cancelled).toBe(false);
    const state = await demoCrmState();
    expect(state.status).toBe("connected");

    const deals = await db.deal.findMany({ where: { workspaceId }, include: { contacts: true, owner: { select: { email: true } } } });
    expect(state.deals).toBe(deals.length);
    expect(deals.every((d) => d.crmSource === "HUBSPOT" && d.integrationId === integration.id)).toBe(true);
    for (const demo of DEMO_DEALS) {
      // The recorders' simulated calls name these ids (dev/simulators/data.ts reads DEMO_DEALS' crmDealId).
      const stored = deals.find((d) => d.crmDealId === demo.crmDealId);
      expect(stored, demo.name).toBeTruthy();
      expect(stored).toMatchObject({
        name: demo.name,
        accountName: demo.accountName,
        stage: demo.stage,
        isClosed: demo.isClosed,
        crmAccountId: demo.crmAccountId,
      });
      expect(stored!.owner?.email).toBe(demo.ownerEmail);
      expect(stored!.contacts.map((c) => c.email).sort()).toEqual(demo.contacts.map((c) => c.email).sort());
    }

    // A second demo start leaves the connection as it is.
    const again = await connectDemoCrm(send);
    expect(again.status).toBe("connected");
    expect(sent).toHaveLength(1);
  });

  it("answers only the demo start's key", async () => {
    const { GET } = await import("@/app/api/dev/demo-crm/route");
    const url = "http://localhost:3000/api/dev/demo-crm";
    expect((await GET(new NextRequest(url))).status).toBe(404);
    expect((await GET(new NextRequest(url, { headers: { "x-demo-setup-key": `${KEY}x` } }))).status).toBe(404);
    const ok = await GET(new NextRequest(url, { headers: { "x-demo-setup-key": KEY } }));
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { status: string }).status).toBe("connected");
  });
});
