// End to end below the browser (issue 14): connect HubSpot through its simulator (consent, the OAuth callback's
// completion, the first import's run), import with the real HubspotClient, the database credential store and
// the shared rate limiter, then link calls by CRM id and by contact email. Env must point at the simulator
// before any app module is read, so the app side is imported dynamically.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningSimulators } from "@/dev/simulators";
import { simulatorEnv } from "@/dev/simulators";
import { consent, control, startTestSimulators } from "../providers/helpers";

let sims: RunningSimulators;
beforeAll(async () => {
  // The simulator's clock is the real one: the sync's windows are real times.
  const now = new Date().toISOString();
  sims = await startTestSimulators({ now, anchor: now, limits: { hubspot: { per10s: 100_000, searchPerSecond: 100_000, perDay: null } } });
  Object.assign(process.env, simulatorEnv(sims.url));
});
afterAll(async () => {
  await sims?.stop();
});

describe("HubSpot, connected through its simulator", () => {
  it("connects, imports the demo deals with contacts and owners, and calls link by CRM id and by email", async () => {
    const { db } = await import("@/lib/db");
    const { startCrmOAuth, completeAnyOAuth } = await import("@/lib/crm/connect");
    const { linkCalls } = await import("@/lib/sync/linking");
    const { hubspotDealId, DEMO_DEALS } = await import("@/lib/demo/data");
    const { runCrmSteps } = await import("@/inngest/functions/crm-run");
    const { createWorkspace } = await import("../support/db");
    const { testStep } = await import("./harness");
    type Sent = { name: string; data: { integrationId: string; generation: number; runId: string } };

    const w = await createWorkspace("HubSpotE2E");
    const sent: Sent[] = [];
    const send = async (e: unknown) => void sent.push(...((Array.isArray(e) ? e : [e]) as Sent[]));
    const actor = { workspaceId: w.workspace.id, userId: w.admin.id, send };

    const { state, authorizationUrl, browserNonce } = await startCrmOAuth(actor, "HUBSPOT", {});
    expect(new URL(authorizationUrl).searchParams.get("code_challenge")).toBeTruthy();
    const back = await consent(authorizationUrl, "allow");
    const done = await completeAnyOAuth(
      { state: back.searchParams.get("state"), code: back.searchParams.get("code") },
      { userId: w.admin.id, browserNonce },
      send,
    );
    expect(done.outcome).toBe("ok");
    expect(state).toBe(back.searchParams.get("state"));
    const integration = await db.integration.findFirstOrThrow({ where: { workspaceId: w.workspace.id, provider: "HUBSPOT" } });
    expect(integration).toMatchObject({ status: "SYNCING" });
    expect(integration.accountId).toBeTruthy();
    expect(sent.map((e) => e.name)).toEqual(["callsync/crm.import-requested"]);

    const result = await runCrmSteps(testStep(), sent[0]!.data);
    expect(result.cancelled).toBe(false);
    expect(result.relink).toBe(true);
    const after = await db.integration.findUniqueOrThrow({ where: { id: integration.id } });
    expect(after.status).toBe("CONNECTED");

    const deals = await db.deal.findMany({ where: { workspaceId: w.workspace.id }, include: { contacts: true } });
    expect(deals.length).toBeGreaterThan(0);
    expect(deals.every((d) => d.integrationId === integration.id && d.crmSource === "HUBSPOT")).toBe(true);
    expect(deals.some((d) => d.contacts.length > 0)).toBe(true);
    const run = await db.syncRun.findFirstOrThrow({ where: { integrationId: integration.id, kind: "BACKFILL" } });
    expect(run).toMatchObject({ status: "SUCCEEDED" });
    expect(run.requestsUsed).toBeGreaterThan(0);
    expect(await db.providerRequestCount.count({ where: { integrationId: integration.id } })).toBeGreaterThan(0);

    // A call carrying the first demo deal's HubSpot id, and one whose only clue is a contact's email.
    const first = deals.find((d) => d.crmDealId === hubspotDealId(1));
    expect(first?.name).toBe(DEMO_DEALS[0]!.name);
    const withContact = deals.find((d) => d.contacts.length > 0)!;
    const byId = await db.call.create({
      data: {
        workspaceId: w.workspace.id,
        provider: "GONG",
        providerCallId: `e2e-1-${integration.id}`,
        title: "By id",
        startedAt: new Date(),
        crmDealIds: [hubspotDealId(1)],
      },
    });
    const byEmail = await db.call.create({
      data: {
        workspaceId: w.workspace.id,
        provider: "GONG",
        providerCallId: `e2e-2-${integration.id}`,
        title: "By email",
        startedAt: new Date(),
        participants: { create: [{ email: withContact.contacts[0]!.email, affiliation: "EXTERNAL" }] },
      },
    });
    await linkCalls(w.workspace.id, [byId.id, byEmail.id]);
    const links = await db.callDealLink.findMany({ where: { workspaceId: w.workspace.id } });
    expect(links.find((l) => l.callId === byId.id)).toMatchObject({ dealId: first!.id, source: "CRM_ID" });
    expect(links.find((l) => l.callId === byEmail.id)?.source).toBe("EMAIL");

    // A stage change and a deletion made in the CRM show up after a sync (Sync now's run).
    const { acquireCrmLease } = await import("@/lib/crm/sync");
    const second = deals.find((d) => d.crmDealId === hubspotDealId(2))!;
    await control(sims, `/hubspot/deals/${hubspotDealId(2)}/stage`, { stage: "Closed won" });
    await control(sims, `/hubspot/deals/${hubspotDealId(1)}/archive`, {});
    await new Promise((r) => setTimeout(r, 5));
    const lease = await acquireCrmLease(integration.id, "MANUAL", w.admin.id);
    const synced = await runCrmSteps(testStep(), { integrationId: integration.id, generation: after.generation, runId: lease!.runId });
    expect(synced.cancelled).toBe(false);
    expect(await db.deal.findUniqueOrThrow({ where: { id: second.id } })).toMatchObject({ stage: "Closed Won", isClosed: true, isWon: true });
    expect(await db.deal.findUnique({ where: { id: first!.id } })).toBeNull();
    expect(await db.callDealLink.findUnique({ where: { callId: byId.id } })).toBeNull();
  });
});
