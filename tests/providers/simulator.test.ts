// The simulators' own behaviour (control API, dataset, OAuth pages) and the in-memory gate/store.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DEMO_DEALS, DEMO_UNMATCHED_PROVIDER_USERS, DEMO_USERS } from "@/lib/demo/data";
import { createInMemoryCredentialStore, createInMemoryGate } from "@/lib/providers/memory";
import { describeProvider } from "@/lib/providers";
import { simulatorEnv, type RunningSimulators, type SimStats } from "@/dev/simulators";
import { NOW, clientFor, connectOAuth, control, startTestSimulators } from "./helpers";

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

describe("simulator dataset", () => {
  it("is deterministic per seed and uses the demo users, deals and contacts", async () => {
    const a = sims.state.dataset;
    const ids = a.calls.slice(0, 5).map((c) => [sims.state.gongCallId(c), c.title, c.startedAt]);
    await control(sims, "/reset", { now: NOW });
    expect(sims.state.dataset.calls.slice(0, 5).map((c) => [sims.state.gongCallId(c), c.title, c.startedAt])).toEqual(ids);
    const users = sims.state.dataset.users.map((u) => u.email);
    expect(users).toEqual([...DEMO_USERS, ...DEMO_UNMATCHED_PROVIDER_USERS].map((u) => u.email));
    const calls = sims.state.dataset.calls;
    const share = (f: (c: (typeof calls)[number]) => boolean) => calls.filter(f).length / calls.length;
    expect(share((c) => c.crmDealIdx !== null)).toBeGreaterThan(0.55);
    expect(share((c) => c.crmDealIdx === null && c.contactDealIdx !== null)).toBeGreaterThan(0.05);
    expect(share((c) => c.isPrivate)).toBeGreaterThan(0);
    expect(calls.every((c) => c.participants.length >= 2 && c.participants.length <= 10)).toBe(true);
    expect(calls.every((c) => c.durationSec >= 120 && c.durationSec <= 90 * 60)).toBe(true);
    const contacts = new Set(DEMO_DEALS.flatMap((d) => d.contacts.map((x) => x.email)));
    const withContacts = calls.filter((c) => c.crmDealIdx === null && c.contactDealIdx !== null);
    expect(withContacts.every((c) => c.participants.some((p) => contacts.has(p.person.email)))).toBe(true);
    const span = Math.max(...calls.map((c) => c.startedAt)) - Math.min(...calls.map((c) => c.startedAt));
    expect(span).toBeGreaterThan(600 * 86_400_000);
    expect(/^\d{19}$/.test(sims.state.gongCallId(calls[0]!))).toBe(true);
  });

  it("a different seed or size gives a different dataset", async () => {
    await control(sims, "/reset", { now: NOW, seed: 7, callsPerUser: 5 });
    expect(sims.state.dataset.calls.length).toBe(40);
    await control(sims, "/reset", { now: NOW });
    expect(sims.state.dataset.calls.length).toBe(320);
  });

  it("transcripts become ready after the configured delay relative to the call end", async () => {
    await control(sims, "/reset", { now: NOW, transcriptDelayMs: 3_600_000 });
    const added = (await control(sims, "/calls", { ownerEmail: "rep1@acme.test", durationSec: 600 })) as { index: number };
    const call = sims.state.dataset.calls[added.index]!;
    expect(sims.state.isVisible(call)).toBe(true);
    expect(sims.state.transcriptReady(call)).toBe(false);
    await control(sims, "/clock", { advanceMs: 3_600_000 });
    expect(sims.state.transcriptReady(call)).toBe(true);
  });
});

describe("simulator control API and OAuth pages", () => {
  it("counts requests per provider, endpoint and status, and reset clears them", async () => {
    const creds = await connectOAuth("GONG", sims);
    await fetch(`${sims.url}/gong-api/acme/v2/users`, { headers: { authorization: `Bearer ${creds.accessToken}` } });
    await fetch(`${sims.url}/gong-api/acme/v2/users`, { headers: { authorization: "Bearer nope" } });
    await fetch(`${sims.url}/gong-api/other-tenant/v2/users`, { headers: { authorization: `Bearer ${creds.accessToken}` } });
    const s = (await control(sims, "/stats", undefined, "GET")) as SimStats;
    expect(s.gong.byEndpoint["GET /v2/users"]).toEqual({ total: 3, byStatus: { "200": 1, "403": 2 } });
    expect(s.gong.byEndpoint["POST /oauth2/generate-customer-token"]!.total).toBe(1);
    expect(s.gong.apiRequests).toBe(3);
    await control(sims, "/reset", {});
    expect(((await control(sims, "/stats", undefined, "GET")) as SimStats).gong.total).toBe(0);
    // Tokens are gone after a reset.
    expect((await fetch(`${sims.url}/gong-api/acme/v2/users`, { headers: { authorization: `Bearer ${creds.accessToken}` } })).status).toBe(403);
  });

  it("serves accessible consent pages and rejects unknown clients", async () => {
    const html = await (await fetch(clientFor("SALESLOFT", sims).authorizationUrl({ state: "x<y" }))).text();
    expect(html).toContain('<html lang="en">');
    expect(html).toMatch(/<h1 id="consent-title">Authorize Callsync<\/h1>/);
    expect(html).toContain('aria-labelledby="consent-title"');
    expect(html).toContain('value="x&lt;y"');
    const bad = await fetch(`${sims.url}/gong/oauth2/authorize?client_id=unknown&response_type=code&redirect_uri=http://x/cb`);
    expect(bad.status).toBe(400);
  });

  it("access tokens expire with the simulated clock (Gong 1 day by default, configurable)", async () => {
    await control(sims, "/reset", { now: NOW, gongTokenTtlSec: 60 });
    const creds = await connectOAuth("GONG", sims);
    const call = () => fetch(`${sims.url}/gong-api/acme/v2/users`, { headers: { authorization: `Bearer ${creds.accessToken}` } });
    expect((await call()).status).toBe(200);
    await control(sims, "/clock", { advanceMs: 61_000 });
    expect((await call()).status).toBe(403);
  });

  it("lists faults and documents its env for the app", async () => {
    await control(sims, "/faults", { provider: "clari", kind: "500", count: 2, endpoint: "GET /calls" });
    const faults = (await control(sims, "/faults", undefined, "GET")) as Array<{ kind: string; remaining: number }>;
    expect(faults).toMatchObject([{ kind: "server_error", remaining: 2 }]);
    const env = simulatorEnv("http://127.0.0.1:4010");
    // The CRMs' (HUBSPOT_*, SALESFORCE_*) are checked in tests/crm/registry.test.ts.
    const recorders = Object.fromEntries(Object.entries(env).filter(([k]) => !k.startsWith("HUBSPOT_") && !k.startsWith("SALESFORCE_")));
    expect(recorders).toEqual({
      GONG_OAUTH_BASE_URL: "http://127.0.0.1:4010/gong",
      GONG_API_BASE_URL: "http://127.0.0.1:4010/gong-api/acme",
      GONG_CLIENT_ID: "sim-gong-client",
      GONG_CLIENT_SECRET: "sim-gong-secret",
      GONG_API_HOSTS: "http://127.0.0.1:4010",
      SALESLOFT_OAUTH_BASE_URL: "http://127.0.0.1:4010/salesloft",
      SALESLOFT_API_BASE_URL: "http://127.0.0.1:4010/salesloft-api",
      SALESLOFT_CLIENT_ID: "sim-salesloft-client",
      SALESLOFT_CLIENT_SECRET: "sim-salesloft-secret",
      CLARI_API_BASE_URL: "http://127.0.0.1:4010/clari-api",
    });
  });
});

describe("in-memory RequestGate and CredentialStore", () => {
  it("the gate paces to the provider policy without real sleeps", async () => {
    let t = 1_000_000;
    const slept: number[] = [];
    const gate = createInMemoryGate(describeProvider("GONG").rateLimit, {
      now: () => t,
      sleep: async (ms) => {
        slept.push(ms);
        t += ms;
      },
    });
    for (let i = 0; i < 7; i++) await gate.acquire({ provider: "GONG", endpoint: "x", cost: 1, priority: "backfill" });
    // 3 per rolling second: 7 requests need two waits of ~1 s.
    expect(slept.length).toBe(2);
    expect(t - 1_000_000).toBeGreaterThanOrEqual(2_000);
    gate.report({ provider: "GONG", endpoint: "x", cost: 1, status: 429, headers: new Headers(), retryAfterMs: 5_000 });
    const before = t;
    await gate.acquire({ provider: "GONG", endpoint: "x", cost: 1, priority: "poll" });
    expect(t - before).toBeGreaterThanOrEqual(5_000);
    expect(gate.stats.throttled).toBe(1);
  });

  it("the gate charges Salesloft cost units", async () => {
    let t = 0;
    const gate = createInMemoryGate(describeProvider("SALESLOFT").rateLimit, { now: () => t, sleep: async (ms) => void (t += ms) });
    await gate.acquire({ provider: "SALESLOFT", endpoint: "x", cost: 590, priority: "backfill" });
    await gate.acquire({ provider: "SALESLOFT", endpoint: "x", cost: 10, priority: "backfill" });
    expect(t).toBe(0);
    await gate.acquire({ provider: "SALESLOFT", endpoint: "x", cost: 30, priority: "backfill" });
    expect(t).toBeGreaterThanOrEqual(60_000);
  });

  it("withRefreshLock serializes callers", async () => {
    const store = createInMemoryCredentialStore({ kind: "apiKey", apiKey: "k", apiSecret: "s" });
    const order: string[] = [];
    let release!: () => void;
    const gateOpen = new Promise<void>((r) => (release = r));
    const first = store.withRefreshLock(async () => {
      order.push("first:start");
      await gateOpen;
      order.push("first:end");
    });
    const second = store.withRefreshLock(async () => {
      order.push("second");
    });
    await Promise.resolve();
    expect(order).toEqual(["first:start"]);
    release();
    await Promise.all([first, second]);
    expect(order).toEqual(["first:start", "first:end", "second"]);
  });
});
