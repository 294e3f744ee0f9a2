import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createInMemoryCredentialStore } from "@/lib/providers/memory";
import type { CanonicalCall } from "@/lib/providers/canonical";
import type { CallPage, ListCallsParams, OAuthCredentials, ProviderClient } from "@/lib/providers/types";
import type { RunningSimulators, SimStats } from "@/dev/simulators";
import { NOW, clientFor, connectOAuth, connectedClient, consent, control, expectProviderError, startTestSimulators } from "./helpers";

let sims: RunningSimulators;
const FROM = new Date("2024-01-01T00:00:00Z");
// Seed 42, 40 calls per user, 8 provider users: calls started since FROM (measured, deterministic).
const N_CALLS = 318;
const EXPECTED_REQUESTS = 1 + 2 * Math.ceil(N_CALLS / 100);
const TO = new Date(NOW);

async function listAll(client: ProviderClient, params: Omit<ListCallsParams, "checkpoint">) {
  const calls: CanonicalCall[] = [];
  const pages: CallPage[] = [];
  let checkpoint: CallPage["checkpoint"] = null;
  do {
    const page = await client.listCalls({ ...params, checkpoint });
    pages.push(page);
    calls.push(...page.calls);
    checkpoint = page.checkpoint;
  } while (checkpoint);
  return { calls, pages };
}

const stats = async () => (await control(sims, "/stats", undefined, "GET")) as SimStats;
const expectedCalls = (from: Date, to: Date, ownerGongId?: string) =>
  sims.state.dataset.calls.filter(
    (c) =>
      sims.state.isVisible(c) &&
      c.startedAt >= from.getTime() &&
      c.startedAt < to.getTime() &&
      (!ownerGongId || sims.state.dataset.users[c.ownerIdx]!.gongId === ownerGongId),
  );

beforeAll(async () => {
  sims = await startTestSimulators();
});
afterAll(async () => {
  await sims.stop();
});
beforeEach(async () => {
  await control(sims, "/reset", { now: NOW });
});

describe("Gong OAuth", () => {
  it("consent Allow returns a single-use code whose token points at the tenant base URL", async () => {
    const client = clientFor("GONG", sims);
    const url = client.authorizationUrl({ state: "s1" });
    expect(url).toContain("/gong/oauth2/authorize?");
    const html = await (await fetch(url)).text();
    expect(html).toContain(">Allow</button>");
    expect(html).toContain(">Deny</button>");
    const back = await consent(url, "allow");
    expect(back.searchParams.get("state")).toBe("s1");
    const code = back.searchParams.get("code")!;
    const result = await client.exchangeCode({ code });
    expect(result.apiBaseUrl).toBe(`${sims.url}/gong-api/acme`);
    expect(result.tokenExpiresAt?.getTime()).toBe(Date.parse(NOW) + 86_400_000);
    // Codes work once.
    await expectProviderError(client.exchangeCode({ code }), "INVALID_CREDENTIALS");
  });

  it("Deny redirects back with error=access_denied and the state", async () => {
    const back = await consent(clientFor("GONG", sims).authorizationUrl({ state: "s2" }), "deny");
    expect(back.origin + back.pathname).toBe("http://localhost:3000/api/integrations/callback");
    expect(back.searchParams.get("error")).toBe("access_denied");
    expect(back.searchParams.get("state")).toBe("s2");
    expect(back.searchParams.get("code")).toBeNull();
  });

  it("codes expire after 10 minutes", async () => {
    const client = clientFor("GONG", sims);
    const back = await consent(client.authorizationUrl({ state: "s3" }), "allow");
    await control(sims, "/clock", { advanceMs: 10 * 60_000 + 1 });
    await expectProviderError(client.exchangeCode({ code: back.searchParams.get("code")! }), "INVALID_CREDENTIALS");
  });

  it("a wrong client secret is a CONFIG error", async () => {
    const client = clientFor("GONG", sims);
    const back = await consent(client.authorizationUrl({ state: "s4" }), "allow");
    const bad = clientFor("GONG", sims);
    Object.assign((bad as unknown as { config: { clientSecret: string } }).config, { clientSecret: "nope" });
    await expectProviderError(bad.exchangeCode({ code: back.searchParams.get("code")! }), "CONFIG");
  });
});

describe("Gong calls and transcripts", () => {
  it("pages calls to the end with the cursor in the body, and resumes from a checkpoint", async () => {
    const { client } = await connectedClient("GONG", sims);
    const { calls, pages } = await listAll(client, { from: FROM, to: TO });
    const expected = expectedCalls(FROM, TO);
    expect(expected.length).toBeGreaterThan(200);
    expect(calls.map((c) => c.providerCallId).sort()).toEqual(expected.map((c) => sims.state.gongCallId(c)).sort());
    expect(pages.length).toBe(Math.ceil(expected.length / 100));
    expect(pages.slice(0, -1).every((p) => p.calls.length === 100)).toBe(true);

    // A second worker resumes from the first page's checkpoint.
    const other = clientFor("GONG", sims, { credentials: createInMemoryCredentialStore(await connectOAuth("GONG", sims)) });
    const resumed = await other.listCalls({ from: FROM, to: TO, checkpoint: pages[0]!.checkpoint });
    expect(resumed.calls.map((c) => c.providerCallId)).toEqual(pages[1]!.calls.map((c) => c.providerCallId));
  });

  it("maps calls to the canonical model with participants, CRM context and media", async () => {
    const { client } = await connectedClient("GONG", sims);
    const { calls } = await listAll(client, { from: FROM, to: TO });
    const withCrm = calls.filter((c) => c.crm.dealIds.length > 0);
    expect(withCrm.length / calls.length).toBeGreaterThan(0.5);
    const sample = withCrm[0]!;
    const sim = sims.state.callByGongId(sample.providerCallId)!;
    expect(sample.startedAt.getTime()).toBe(sim.startedAt);
    expect(sample.durationSec).toBe(sim.durationSec);
    expect(sample.crm.system).toMatch(/^(SALESFORCE|HUBSPOT)$/);
    expect(sample.participants.length).toBe(sim.participants.length);
    expect(sample.participants.every((p) => p.email === p.email?.toLowerCase())).toBe(true);
    expect(sample.participants.some((p) => p.affiliation === "INTERNAL" && p.providerUserId)).toBe(true);
    expect(sample.recording.audioUrl).toContain("/media/gong/");
    expect(sample.recording.expiresAt?.getTime()).toBe(Date.parse(NOW) + 8 * 3_600_000);
    expect(calls.some((c) => c.isPrivate)).toBe(true);
    expect(calls.every((c) => ["INBOUND", "OUTBOUND", "CONFERENCE", "UNKNOWN"].includes(c.direction))).toBe(true);
  });

  it("treats the 404 'No calls found' of an empty window as an empty last page", async () => {
    const { client } = await connectedClient("GONG", sims);
    const page = await client.listCalls({ from: new Date("2010-01-01T00:00:00Z"), to: new Date("2010-02-01T00:00:00Z") });
    expect(page).toEqual({ calls: [], checkpoint: null });
    expect((await stats()).gong.byEndpoint["POST /v2/calls/extensive"]!.byStatus["404"]).toBe(1);
  });

  it("lists one user's calls with primaryUserIds", async () => {
    const { client } = await connectedClient("GONG", sims);
    const users = await client.listUsers();
    const rep1 = users.find((u) => u.email === "rep1@acme.test")!;
    const { calls } = await listAll(client, { from: FROM, to: TO, user: { providerUserId: rep1.providerUserId } });
    expect(calls.length).toBe(expectedCalls(FROM, TO, rep1.providerUserId).length);
    expect(calls.every((c) => c.ownerProviderUserId === rep1.providerUserId)).toBe(true);
  });

  it("fetches N calls with transcripts in 1 + 2 x ceil(N/100) requests", async () => {
    const client = clientFor("GONG", sims, { credentials: createInMemoryCredentialStore(await connectOAuth("GONG", sims)) });
    const users = await client.listUsers();
    expect(users.map((u) => u.email)).toContain("admin@acme.test");
    let n = 0;
    let available = 0;
    let sentences = 0;
    let checkpoint: CallPage["checkpoint"] = null;
    do {
      const page = await client.listCalls({ from: FROM, to: TO, checkpoint });
      const transcripts = await client.fetchTranscripts(page.calls.map((c) => c.providerCallId));
      for (const t of transcripts) {
        const sim = sims.state.callByGongId(t.providerCallId)!;
        expect(t.status).toBe(sims.state.transcriptReady(sim) ? "AVAILABLE" : "PENDING");
        if (t.status === "AVAILABLE") available++;
        sentences += t.sentences.length;
      }
      n += page.calls.length;
      checkpoint = page.checkpoint;
    } while (checkpoint);
    const s = await stats();
    expect(n).toBe(expectedCalls(FROM, TO).length);
    expect(n).toBe(N_CALLS);
    expect(s.gong.apiRequests).toBe(1 + 2 * Math.ceil(n / 100));
    expect(s.gong.apiRequests).toBe(EXPECTED_REQUESTS);
    expect(s.gong.byEndpoint["POST /v2/calls/transcript"]!.total).toBe(Math.ceil(n / 100));
    expect(available).toBeGreaterThan(n * 0.9);
    expect(sentences).toBeGreaterThan(available * 10);
  });

  it("keeps the request count at 2 x ceil(N/100) + 1 for 10,000+ calls", async () => {
    await control(sims, "/reset", { now: NOW, callsPerUser: 1_300 });
    const client = clientFor("GONG", sims, { credentials: createInMemoryCredentialStore(await connectOAuth("GONG", sims)) });
    await client.listUsers();
    let n = 0;
    let checkpoint: CallPage["checkpoint"] = null;
    do {
      const page = await client.listCalls({ from: new Date(0), to: TO, checkpoint });
      await client.fetchTranscripts(page.calls.map((c) => c.providerCallId));
      n += page.calls.length;
      checkpoint = page.checkpoint;
    } while (checkpoint);
    expect(n).toBeGreaterThanOrEqual(10_000);
    expect((await stats()).gong.apiRequests).toBe(1 + 2 * Math.ceil(n / 100));
  }, 60_000);

  it("joins transcript speakers to parties and reports not-ready transcripts as PENDING", async () => {
    const { client } = await connectedClient("GONG", sims);
    const added = (await control(sims, "/calls", { ownerEmail: "rep2@acme.test", durationSec: 600 })) as { gong: string };
    const page = await client.listCalls({ from: new Date(Date.parse(NOW) - 3_600_000), to: new Date(Date.parse(NOW) + 1) });
    const call = page.calls.find((c) => c.providerCallId === added.gong)!;
    expect(call).toBeTruthy();
    const [pending] = await client.fetchTranscripts([added.gong]);
    expect(pending!.status).toBe("PENDING");
    await control(sims, "/transcripts/ready", { callId: added.gong });
    const [ready] = await client.fetchTranscripts([added.gong]);
    expect(ready!.status).toBe("AVAILABLE");
    const speakerKeys = new Set(call.participants.map((p) => p.speakerKey).filter(Boolean));
    expect(ready!.sentences.every((s) => speakerKeys.has(s.speakerKey))).toBe(true);
    expect(ready!.sentences.every((s, i, a) => i === 0 || a[i - 1]!.startMs <= s.startMs)).toBe(true);
    expect(ready!.sentences.at(-1)!.endMs).toBeLessThanOrEqual(600_000);
  });

  it("fetches fresh recording URLs that expire after 8 hours", async () => {
    const { client } = await connectedClient("GONG", sims);
    const id = sims.state.gongCallId(sims.state.dataset.calls[3]!);
    const rec = await client.fetchRecording(id);
    expect(rec.expiresAt?.getTime()).toBe(Date.parse(NOW) + 8 * 3_600_000);
    expect((await fetch(rec.audioUrl!)).status).toBe(200);
    await control(sims, "/clock", { advanceMs: 8 * 3_600_000 + 1000 });
    expect((await fetch(rec.audioUrl!)).status).toBe(403);
  });

  it("restarts the window when a cursor has expired", async () => {
    const { client, store } = await connectedClient("GONG", sims);
    const first = await client.listCalls({ from: FROM, to: TO });
    await control(sims, "/clock", { advanceMs: 2 * 3_600_000 });
    // Keep the token valid across the clock jump.
    const creds = (await store.get()) as OAuthCredentials;
    await store.update({ ...creds, expiresAt: new Date(Date.parse(NOW) + 86_400_000).toISOString() });
    const again = await client.listCalls({ from: FROM, to: TO, checkpoint: first.checkpoint });
    expect(again.calls.map((c) => c.providerCallId)).toEqual(first.calls.map((c) => c.providerCallId));
    expect((await stats()).gong.byEndpoint["POST /v2/calls/extensive"]!.byStatus["400"]).toBe(1);
  });
});

describe("Gong auth, limits and faults", () => {
  it("two workers hitting an expired token spend the single-use refresh token once", async () => {
    const creds = await connectOAuth("GONG", sims);
    // Client-side expiry: both workers refresh proactively.
    const store = createInMemoryCredentialStore({ ...creds, expiresAt: new Date(Date.parse(NOW) - 1000).toISOString() });
    const a = clientFor("GONG", sims, { credentials: store });
    const b = clientFor("GONG", sims, { credentials: store });
    const [ua, ub] = await Promise.all([a.listUsers(), b.listUsers()]);
    expect(ua.length).toBe(8);
    expect(ub.length).toBe(8);
    const s = await stats();
    expect(s.gong.refreshes).toBe(1);
    const now = (await store.get()) as OAuthCredentials;
    expect(now.accessToken).not.toBe(creds.accessToken);
    expect(now.refreshToken).not.toBe(creds.refreshToken);
    // The old refresh token is spent: using it again is invalid_grant -> AUTH_REVOKED.
    const stale = clientFor("GONG", sims, { credentials: createInMemoryCredentialStore(creds) });
    await expectProviderError(stale.refreshCredentials(), "AUTH_REVOKED");
  });

  it("a 401 from the API triggers one shared refresh for concurrent callers", async () => {
    const creds = await connectOAuth("GONG", sims);
    const store = createInMemoryCredentialStore(creds);
    await control(sims, "/tokens/expire", {});
    const clients = [1, 2, 3].map(() => clientFor("GONG", sims, { credentials: store }));
    const results = await Promise.all(clients.map((c) => c.listCalls({ from: FROM, to: TO })));
    expect(results.every((r) => r.calls.length === 100)).toBe(true);
    const s = await stats();
    expect(s.gong.refreshes).toBe(1);
    expect(s.gong.byEndpoint["POST /v2/calls/extensive"]!.byStatus["401"]).toBe(3);
  });

  it("honours Retry-After on 429 and then succeeds", async () => {
    const { client } = await connectedClient("GONG", sims);
    await control(sims, "/faults", { provider: "gong", kind: "429", count: 1, endpoint: "GET /v2/users", retryAfterSec: 1 });
    const started = Date.now();
    const users = await client.listUsers();
    expect(users.length).toBe(8);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect((await stats()).gong.throttled).toBe(1);
  });

  it("gives up with RATE_LIMITED (and the wait) when 429s persist or the wait is too long", async () => {
    const { client } = await connectedClient("GONG", sims);
    await control(sims, "/faults", { provider: "gong", kind: "429", endpoint: "GET /v2/users", retryAfterSec: 120 });
    const err = await expectProviderError(client.listUsers(), "RATE_LIMITED");
    expect(err.retryAfterMs).toBe(120_000);
    await control(sims, "/faults", undefined, "DELETE");
    await control(sims, "/faults", { provider: "gong", kind: "429", endpoint: "GET /v2/users", retryAfterSec: 0 });
    await expectProviderError(client.listUsers(), "RATE_LIMITED");
    expect((await stats()).gong.byEndpoint["GET /v2/users"]!.byStatus["429"]).toBe(1 + 4);
  });

  it("the simulator enforces 3 requests/s per company with 429 + Retry-After; the default gate never trips it", async () => {
    await control(sims, "/limits", { gong: { perSecond: 3 } });
    const creds = await connectOAuth("GONG", sims);
    // Default gate (from describe()) paces to 3/s: no 429 at all.
    const paced = clientFor("GONG", sims, { credentials: createInMemoryCredentialStore(creds), gate: undefined });
    await Promise.all([1, 2, 3, 4, 5].map(() => paced.listUsers()));
    expect((await stats()).gong.throttled).toBe(0);
    // Without pacing the simulator throttles, and the client waits out Retry-After.
    const raw = await fetch(`${sims.url}/gong-api/acme/v2/users`, { headers: { authorization: `Bearer ${creds.accessToken}` } });
    const burst = await Promise.all(
      [1, 2, 3, 4].map(() => fetch(`${sims.url}/gong-api/acme/v2/users`, { headers: { authorization: `Bearer ${creds.accessToken}` } })),
    );
    const limited = [raw, ...burst].find((r) => r.status === 429)!;
    expect(limited).toBeTruthy();
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(((await limited.json()) as { errors: string[] }).errors.length).toBe(1);
  });

  it("retries 5xx with backoff, then fails TRANSIENT", async () => {
    const { client } = await connectedClient("GONG", sims);
    await control(sims, "/faults", { provider: "gong", kind: "500", count: 2, endpoint: "/v2/calls/extensive" });
    const page = await client.listCalls({ from: FROM, to: TO });
    expect(page.calls.length).toBe(100);
    await control(sims, "/faults", { provider: "gong", kind: "500", endpoint: "/v2/calls/extensive" });
    await expectProviderError(client.listCalls({ from: FROM, to: TO }), "TRANSIENT");
    expect((await stats()).gong.byEndpoint["POST /v2/calls/extensive"]!.byStatus["500"]).toBe(2 + 3);
  });

  it("retries a hung request after the client timeout", async () => {
    const { client } = await connectedClient("GONG", sims, { retry: { timeoutMs: 150, baseDelayMs: 5, maxDelayMs: 10, maxAttempts: 3 } });
    await control(sims, "/faults", { provider: "gong", kind: "timeout", count: 1, hangMs: 600, endpoint: "GET /v2/users" });
    expect((await client.listUsers()).length).toBe(8);
  });

  it("a revoked token is AUTH_REVOKED after exactly one refresh attempt", async () => {
    const { client } = await connectedClient("GONG", sims);
    await control(sims, "/faults", { provider: "gong", kind: "revoked" });
    const err = await expectProviderError(client.listCalls({ from: FROM, to: TO }), "AUTH_REVOKED");
    expect(err.status).toBe(401);
    expect((await stats()).gong.refreshes).toBe(1);
  });

  it("invalid_grant on refresh is AUTH_REVOKED", async () => {
    const { client } = await connectedClient("GONG", sims);
    await control(sims, "/faults", { provider: "gong", kind: "invalid_grant", count: 1 });
    await control(sims, "/tokens/expire", {});
    await expectProviderError(client.listUsers(), "AUTH_REVOKED");
  });

  it("a malformed page is INVALID_RESPONSE naming the field", async () => {
    const { client } = await connectedClient("GONG", sims);
    await control(sims, "/faults", { provider: "gong", kind: "malformed", count: 1, endpoint: "POST /v2/calls/extensive" });
    const err = await expectProviderError(client.listCalls({ from: FROM, to: TO }), "INVALID_RESPONSE");
    expect(err.field).toBe("records.totalRecords");
    expect(err.message).toContain("records.totalRecords");
  });

  it("one malformed call is skipped with its id and field; the rest of the page and its cursor arrive (issue 16, item 5)", async () => {
    const { client } = await connectedClient("GONG", sims);
    const clean = await client.listCalls({ from: FROM, to: TO });
    const victim = clean.calls[1]!.providerCallId;
    await control(sims, "/faults", { provider: "gong", kind: "malformed", count: 1, callId: victim });
    const page = await client.listCalls({ from: FROM, to: TO });
    expect(page.calls.map((c) => c.providerCallId)).toEqual(clean.calls.map((c) => c.providerCallId).filter((id) => id !== victim));
    expect(page.skipped).toEqual([{ providerCallId: victim, field: "metaData.started", message: expect.stringContaining("expected string") }]);
    expect(page.checkpoint).toEqual(clean.checkpoint === null ? null : { provider: "GONG", v: 1, state: { cursor: expect.any(String) } });
  });

  it("faults can target one provider user: only that user's backfill fails", async () => {
    const { client } = await connectedClient("GONG", sims);
    const users = await client.listUsers();
    const rep1 = users.find((u) => u.email === "rep1@acme.test")!;
    const rep2 = users.find((u) => u.email === "rep2@acme.test")!;
    await control(sims, "/faults", { provider: "gong", kind: "500", providerUserId: rep1.providerUserId });
    await expectProviderError(client.listCalls({ from: FROM, to: TO, user: { providerUserId: rep1.providerUserId } }), "TRANSIENT");
    const ok = await client.listCalls({ from: FROM, to: TO, user: { providerUserId: rep2.providerUserId } });
    expect(ok.calls.length).toBeGreaterThan(0);
  });

  it("an aborted signal stops in-flight work", async () => {
    const controller = new AbortController();
    const { client } = await connectedClient("GONG", sims, { signal: controller.signal });
    await control(sims, "/faults", { provider: "gong", kind: "timeout", count: 1, hangMs: 2_000, endpoint: "GET /v2/users" });
    const started = Date.now();
    const pending = client.listUsers();
    setTimeout(() => controller.abort(new Error("disconnected")), 50);
    await expect(pending).rejects.toThrow("disconnected");
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it("late-arriving calls show up in a later poll of an overlapping window", async () => {
    const { client } = await connectedClient("GONG", sims);
    const from = new Date(Date.parse(NOW) - 6 * 3_600_000);
    const before = await client.listCalls({ from, to: new Date(Date.parse(NOW) + 1) });
    const added = (await control(sims, "/calls", {
      ownerEmail: "rep3@acme.test",
      startedAt: new Date(Date.parse(NOW) - 4 * 3_600_000).toISOString(),
      durationSec: 1800,
    })) as { gong: string };
    const after = await client.listCalls({ from, to: new Date(Date.parse(NOW) + 1) });
    expect(before.calls.map((c) => c.providerCallId)).not.toContain(added.gong);
    expect(after.calls.map((c) => c.providerCallId)).toContain(added.gong);
  });
});
