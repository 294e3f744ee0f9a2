// End to end below the runtime: crm-core's run steps (inngest/functions/crm-run.ts) with the real
// SalesforceClient and its database credential store against the Salesforce simulator. A first import
// brings the demo org's deals with accounts and contact roles; a stage change, a new contact role and a
// deletion made in the simulator show up in the next run. The request count is reported.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { simulatorEnv, type RunningSimulators } from "@/dev/simulators";
import { demoOpportunityId, sfId18 } from "@/dev/simulators/providers/salesforce";
import { runCrmSteps } from "@/inngest/functions/crm-run";
import { db } from "@/lib/db";
import { acquireCrmLease, type CrmStepDeps } from "@/lib/crm/sync";
import { getCrmClient } from "@/lib/providers/crm";
import { newCodeVerifier } from "@/lib/providers/oauth";
import { crmSpec } from "@/lib/providers/registry";
import { unlimitedGate } from "@/lib/providers/memory";
import type { OAuthCredentials, ProviderClientConfig } from "@/lib/providers/types";
import { dbCredentialStore, sealCredentials } from "@/lib/sync/credentials";
import { createWorkspace } from "../support/db";
import { FAST_RETRY, NOW, REDIRECT_URI, consent, control, simNow, startTestSimulators } from "./helpers";

let sims: RunningSimulators;
beforeAll(async () => {
  sims = await startTestSimulators();
});
afterAll(async () => {
  await sims.stop();
});
beforeEach(async () => {
  await control(sims, "/reset", { now: NOW });
});

function config(apiBaseUrl = ""): ProviderClientConfig {
  const env = simulatorEnv(sims.url);
  const names = crmSpec("SALESFORCE").env;
  return {
    apiBaseUrl,
    oauthBaseUrl: env[names.oauthBaseUrl],
    clientId: env[names.clientId],
    clientSecret: env[names.clientSecret],
    redirectUri: REDIRECT_URI,
    apiHosts: [env[names.apiHosts!]!],
  };
}

async function connectedIntegration() {
  const client = getCrmClient("SALESFORCE", config(), { gate: unlimitedGate, retry: FAST_RETRY, now: simNow(sims) });
  const verifier = newCodeVerifier();
  const back = await consent(client.authorizationUrl({ state: "st", codeVerifier: verifier }), "allow");
  const creds = (await client.exchangeCode({ code: back.searchParams.get("code")!, codeVerifier: verifier })).credentials as OAuthCredentials;
  const { workspace } = await createWorkspace("Sfsync");
  const row = await db.integration.create({
    data: { workspaceId: workspace.id, provider: "SALESFORCE", status: "SYNCING", apiBaseUrl: creds.apiBaseUrl, oauthBaseUrl: config().oauthBaseUrl },
  });
  await db.integration.update({ where: { id: row.id }, data: { credentialsEnc: sealCredentials(row.id, creds) } });
  return { integrationId: row.id, workspaceId: workspace.id };
}

const deps: CrmStepDeps = {
  clients: (integration) =>
    getCrmClient("SALESFORCE", config(integration.apiBaseUrl ?? ""), {
      gate: unlimitedGate,
      retry: FAST_RETRY,
      now: simNow(sims),
      credentials: dbCredentialStore(integration.id, "SALESFORCE"),
    }),
};
const step = { run: <T>(_id: string, fn: () => Promise<T>) => fn(), sleep: async () => undefined };

async function run(integrationId: string, kind: "BACKFILL" | "POLL") {
  const lease = await acquireCrmLease(integrationId, kind, null, new Date(sims.state.now()));
  expect(lease).not.toBeNull();
  const { generation } = await db.integration.findUniqueOrThrow({ where: { id: integrationId }, select: { generation: true } });
  const before = sims.state.stats.snapshot().salesforce.apiRequests;
  const out = await runCrmSteps(step, { integrationId, generation, runId: lease!.runId }, deps);
  return { ...out, requests: sims.state.stats.snapshot().salesforce.apiRequests - before };
}

const sf = (path: string, body: unknown) =>
  fetch(`${sims.url}/__sim/salesforce${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

describe("Salesforce through the CRM run steps", () => {
  it("first import, then a stage change, a new contact role and a deletion arrive with the next run", async () => {
    const { integrationId, workspaceId } = await connectedIntegration();
    const first = await run(integrationId, "BACKFILL");
    expect(first.cancelled).toBe(false);
    const deals = await db.deal.findMany({ where: { workspaceId }, select: { crmDealId: true, name: true, stage: true, amount: true, crmContactIds: true } });
    expect(deals).toHaveLength(25);
    expect(deals.every((d) => d.crmDealId?.length === 18)).toBe(true);
    expect(deals.find((d) => d.amount === null)?.name).toContain("Zorg");
    console.log(`[salesforce] first import through the run steps: ${deals.length} deals, ${first.requests} API requests`);

    await control(sims, "/clock", { advanceMs: 60_000 });
    await sf("/opportunities/stage", { id: demoOpportunityId(2), stage: "Closed Won" });
    await sf("/contact-roles", { opportunityId: demoOpportunityId(5), contactId: sfId18("003Dn00000C0100") });
    await sf("/records/delete", { id: demoOpportunityId(6) });
    await control(sims, "/clock", { advanceMs: 60_000 });
    const second = await run(integrationId, "POLL");
    expect(second.cancelled).toBe(false);
    const after = await db.deal.findMany({ where: { workspaceId }, select: { crmDealId: true, stage: true, crmContactIds: true } });
    expect(after.find((d) => d.crmDealId === demoOpportunityId(2))?.stage).toBe("Closed Won");
    expect(after.find((d) => d.crmDealId === demoOpportunityId(5))?.crmContactIds).toContain(sfId18("003Dn00000C0100"));
    expect(after.some((d) => d.crmDealId === demoOpportunityId(6))).toBe(false);
    console.log(`[salesforce] incremental run through the run steps: ${second.requests} API requests`);
  });
});
