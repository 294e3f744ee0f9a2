import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DEMO_DEALS } from "@/lib/demo/data";
import type { CanonicalCall } from "@/lib/providers/canonical";
import { createInMemoryCredentialStore } from "@/lib/providers/memory";
import type { CallPage } from "@/lib/providers/types";
import { SIM_CLARI_CREDENTIALS, type RunningSimulators, type SimStats } from "@/dev/simulators";
import { NOW, clientFor, control, expectProviderError, startTestSimulators } from "./helpers";

let sims: RunningSimulators;
const FROM = new Date("2020-01-01T00:00:00Z");
const TO = new Date(Date.parse(NOW) + 1);
const creds = { kind: "apiKey" as const, ...SIM_CLARI_CREDENTIALS };
const stats = async () => (await control(sims, "/stats", undefined, "GET")) as SimStats;
const client = () => clientFor("CLARI", sims, { credentials: createInMemoryCredentialStore(creds) });
const raw = (query: string) => fetch(`${sims.url}/clari-api/calls?${query}`, { headers: { "x-api-key": creds.apiKey, "x-api-password": creds.apiSecret } });

beforeAll(async () => {
  sims = await startTestSimulators({ callsPerUser: 20 });
});
afterAll(async () => {
  await sims.stop();
});
beforeEach(async () => {
  await control(sims, "/reset", { now: NOW });
});

describe("Clari Copilot", () => {
  it("verifies credentials on connect; anything else is INVALID_CREDENTIALS", async () => {
    const c = clientFor("CLARI", sims);
    const ok = await c.verifyCredentials(creds);
    expect(ok.credentials).toEqual(creds);
    await expectProviderError(c.verifyCredentials({ ...creds, apiSecret: "wrong" }), "INVALID_CREDENTIALS");
    await expectProviderError(c.verifyCredentials({ ...creds, apiKey: "" }), "INVALID_CREDENTIALS");
    const bad = await fetch(`${sims.url}/clari-api/users`, { headers: { "x-api-key": "nope" } });
    expect(bad.status).toBe(401);
  });

  it("answers 502 for pages over 25 and 400 outside the documented ranges", async () => {
    expect((await raw("limit=26")).status).toBe(502);
    expect((await raw("limit=101")).status).toBe(400);
    expect((await raw("skip=10001")).status).toBe(400);
    expect((await raw("limit=25")).status).toBe(200);
    const { matched } = ((await (await raw("limit=25")).json()) as { pagination: { matched: number } }).pagination;
    const last = (await (await raw(`limit=25&skip=${matched - 5}`)).json()) as { pagination: { hasMore: boolean; nextPageSkip?: number } };
    expect(last.pagination.hasMore).toBe(false);
    expect("nextPageSkip" in last.pagination).toBe(false);
  });

  it("pages 25 at a time on modified time to the end, skipping private calls", async () => {
    const c = client();
    const calls: CanonicalCall[] = [];
    let checkpoint: CallPage["checkpoint"] = null;
    let pages = 0;
    do {
      const page = await c.listCalls({ from: FROM, to: TO, checkpoint });
      expect(page.calls.length).toBeLessThanOrEqual(25);
      calls.push(...page.calls);
      checkpoint = page.checkpoint;
      pages++;
    } while (checkpoint);
    const expected = sims.state.dataset.calls.filter((x) => sims.state.isVisible(x) && !x.isPrivate);
    expect(calls.length).toBe(expected.length);
    expect(new Set(calls.map((x) => x.providerCallId)).size).toBe(calls.length);
    expect(pages).toBe(Math.ceil(expected.length / 25));
    const withCrm = calls.find((x) => x.crm.dealIds.length > 0)!;
    const sim = sims.state.callByClariId(withCrm.providerCallId)!;
    expect(withCrm.crm.dealIds).toEqual([DEMO_DEALS[sim.crmDealIdx!]!.crmDealId]);
    expect(withCrm.crm.system).toMatch(/^(SALESFORCE|HUBSPOT)$/);
    expect(withCrm.participants.some((p) => p.affiliation === "INTERNAL" && p.providerUserId)).toBe(true);
  });

  it("filters one user's calls by email", async () => {
    const c = client();
    const page = await c.listCalls({ from: FROM, to: TO, user: { providerUserId: "x", email: "rep5@acme.test" } });
    expect(page.calls.length).toBeGreaterThan(0);
    expect(page.calls.every((x) => x.participants.some((p) => p.email === "rep5@acme.test"))).toBe(true);
  });

  it("fetches transcript, summary and action items from call-details (seconds -> ms)", async () => {
    const c = client();
    const sim = sims.state.dataset.calls.find((x) => sims.state.transcriptReady(x) && !x.isPrivate)!;
    const [t] = await c.fetchTranscripts([sims.state.clariId(sim)]);
    expect(t!.status).toBe("AVAILABLE");
    expect(t!.details?.summary).toContain(sim.title);
    expect(t!.details?.actionItems?.length).toBeGreaterThan(0);
    expect(t!.sentences[0]!.startMs).toBeGreaterThanOrEqual(500);
    expect(t!.sentences.every((s) => Number.isInteger(s.startMs))).toBe(true);
    const added = (await control(sims, "/calls", { ownerEmail: "rep1@acme.test" })) as { clari: string };
    const [pending, missing] = await c.fetchTranscripts([added.clari, "00000000-0000-4000-8000-000000000000"]);
    expect(pending!.status).toBe("PENDING");
    expect(missing!.status).toBe("UNAVAILABLE");
    const rec = await c.fetchRecording(sims.state.clariId(sim));
    expect(rec.expiresAt?.getTime()).toBe(Date.parse(NOW) + 4 * 3_600_000);
  });

  it("recovers from injected 429 and 500; persistent 401 is AUTH_REVOKED", async () => {
    const c = client();
    await control(sims, "/faults", [
      { provider: "clari", kind: "429", count: 1, endpoint: "GET /calls" },
      { provider: "clari", kind: "500", count: 1, endpoint: "GET /calls" },
    ]);
    const page = await c.listCalls({ from: FROM, to: TO });
    expect(page.calls.length).toBe(25);
    const s = await stats();
    expect(s.clari.byEndpoint["GET /calls"]!.byStatus).toEqual({ "200": 1, "429": 1, "500": 1 });
    await control(sims, "/reset", { now: NOW, clari: { apiSecret: "rotated" } });
    await expectProviderError(c.listUsers(), "AUTH_REVOKED");
  });
});
