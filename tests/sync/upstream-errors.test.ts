import { randomUUID } from "node:crypto";
// Members never see upstream error bodies; reps cannot spend the provider quota (issue 15, items 10 and 8).
// - redactSecrets: tokens, Authorization, API keys and refresh tokens in bodies and URLs never reach the log;
// - a provider 500 whose body is HTML with a marker and secret-looking strings, from the simulator: what
//   is stored (UserSync.error, SyncRun.error) and what is answered (API JSON) is the failure table's
//   message with a reference id; the log line carries the same reference and the detail, redacted;
// - the shared limiter gives interactive requests at most INTERACTIVE_SHARE of what remains of a calendar quota.
import { NonRetriableError, serializeError, StepError } from "inngest";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { SIM_CLARI_CREDENTIALS, simulatorEnv, startSimulators, type RunningSimulators } from "@/dev/simulators";
import { providerCall } from "@/inngest/functions/provider-step";
import { refreshRecording } from "@/lib/calls/recording";
import { db } from "@/lib/db";
import { ProviderError, UpstreamError } from "@/lib/errors";
import { errorResponse } from "@/lib/http";
import { DEFAULT_RETRY } from "@/lib/providers/http";
import type { GateAcquire, RateLimitPolicy } from "@/lib/providers/types";
import { REDACTED, redactSecrets } from "@/lib/redact";
import { integrationClient } from "@/lib/sync/clients";
import { sealCredentials } from "@/lib/sync/credentials";
import { finishRun, markUserFailed, startRun } from "@/lib/sync/engine";
import { failureOf } from "@/lib/sync/failures";
import { INTERACTIVE_SHARE, SharedRateLimiter } from "@/lib/sync/rate-limiter";
import { createWorkspace } from "../support/db";

const SECRETS = ["rt-SECRET-4711", "sk-live-SECRET-0815", "at-SECRET-1234", "hunter2-SECRET", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"];

describe("redactSecrets", () => {
  it.each([
    [
      '{"error":"boom","access_token":"at-SECRET-1234","refresh_token": "rt-SECRET-4711"}',
      '{"error":"boom","access_token":"[REDACTED]","refresh_token": "[REDACTED]"}',
    ],
    ['{"nested":{"api_key":"sk-live-SECRET-0815","token":12345}}', '{"nested":{"api_key":"[REDACTED]","token":[REDACTED]}}'],
    ["Authorization: Bearer at-SECRET-1234", "Authorization: [REDACTED]"],
    ["X-Api-Key: sk-live-SECRET-0815, X-Api-Password: hunter2-SECRET", "X-Api-Key: [REDACTED], X-Api-Password: [REDACTED]"],
    ["sent Bearer at-SECRET-1234 to the API", "sent Bearer [REDACTED] to the API"],
    ["GET https://api.example/v2/calls?access_token=at-SECRET-1234&page=2", "GET https://api.example/v2/calls?access_token=[REDACTED]&page=2"],
    [
      "grant_type=refresh_token&refresh_token=rt-SECRET-4711&client_secret=hunter2-SECRET",
      "grant_type=refresh_token&refresh_token=[REDACTED]&client_secret=[REDACTED]",
    ],
    ["<pre>refresh_token=rt-SECRET-4711</pre>", "<pre>refresh_token=[REDACTED]</pre>"],
    ["POST https://user:hunter2-SECRET@api.example/token", "POST https://[REDACTED]@api.example/token"],
    ["id token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl here", "id token [REDACTED] here"],
    ['"{\\"refresh_token\\":\\"rt-SECRET-4711\\"}"', '"{\\"refresh_token\\":\\"[REDACTED]\\"}"'],
  ])("%s", (input, expected) => {
    expect(redactSecrets(input)).toBe(expected);
  });

  it("keeps ordinary words, puts the text on one line (no forged log lines) and caps the length", () => {
    expect(redactSecrets("the token expired; reset the password")).toBe("the token expired; reset the password");
    expect(redactSecrets("<html>\n[failure] ref=R-FAKE\r\n</html>")).toBe("<html> [failure] ref=R-FAKE </html>");
    expect(redactSecrets("x".repeat(5_000), 100)).toHaveLength(101);
    expect(REDACTED).toBe("[REDACTED]");
  });
});

// -------------------------------------------------------------------------------------------------

const MARKER = "UPSTREAM-MARKER-7f3a";
const BODY = `<!doctype html><html><body><h1>${MARKER}</h1><pre>refresh_token=rt-SECRET-4711 Authorization: Bearer sk-live-SECRET-0815 {"access_token":"at-SECRET-1234"}</pre></body></html>`;

let sims: RunningSimulators;
const retry = { ...DEFAULT_RETRY };
let logged: string[] = [];
beforeAll(async () => {
  sims = await startSimulators({ port: 0 });
  // Fewer, faster retries of the 500 (the client's own backoff is not what is tested here).
  Object.assign(DEFAULT_RETRY, { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 });
});
afterAll(async () => {
  Object.assign(DEFAULT_RETRY, retry);
  await sims?.stop();
  await db.$disconnect();
});
afterEach(() => {
  sims.state.faults.clear();
  vi.restoreAllMocks();
  logged = [];
});
const captureLog = () => vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => void logged.push(args.map(String).join(" ")));

async function clariIntegration() {
  const { workspace, admin } = await createWorkspace("Upstream");
  // Row-bound credentials (lib/secrets.ts): the id is chosen before the row exists.
  const integrationId = randomUUID();
  const integration = await db.integration.create({
    data: {
      workspaceId: workspace.id,
      provider: "CLARI",
      status: "CONNECTED",
      apiBaseUrl: simulatorEnv(sims.url).CLARI_API_BASE_URL,
      id: integrationId,
      credentialsEnc: sealCredentials(integrationId, { kind: "apiKey", ...SIM_CLARI_CREDENTIALS }),
    },
  });
  return { workspace, admin, integration };
}

function expectClean(text: string) {
  expect(text).not.toContain(MARKER);
  expect(text).not.toMatch(/<html|<pre|<h1/i);
  for (const s of SECRETS) expect(text).not.toContain(s);
}

/** The SDK's round trip of a failed step (as in tests/integrations/failures.test.ts). */
function throughTheSdk(thrown: unknown) {
  const wire = JSON.parse(JSON.stringify(serializeError(thrown)));
  return JSON.parse(JSON.stringify(serializeError(new StepError("page-0", wire))));
}

describe("a provider 500 with an HTML body and secret-looking strings", () => {
  it("the recording-link answer is the classified message and a reference; the log has the detail under it, redacted", async () => {
    const { admin, integration, workspace } = await clariIntegration();
    const simCall = sims.state.dataset.calls.find((c) => sims.state.isVisible(c))!;
    const call = await db.call.create({
      data: {
        workspaceId: workspace.id,
        integrationId: integration.id,
        provider: "CLARI",
        providerCallId: sims.state.clariId(simCall),
        title: "x",
        startedAt: new Date(),
      },
      select: { id: true, workspaceId: true, provider: true, providerCallId: true, integrationId: true },
    });
    sims.state.faults.add({ provider: "clari", kind: "server_error", endpoint: "GET /call-details", body: BODY });
    captureLog();
    const error = await refreshRecording(call, admin.id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    const res = errorResponse(error);
    expect(res.status).toBe(502);
    const json = await res.json();
    const reference = (error as UpstreamError).reference;
    expect(json).toEqual({
      error: {
        code: "UPSTREAM",
        message: `Clari Copilot could not give a fresh recording link right now. Try again in a few minutes, or open the call in Clari Copilot. Reference: ${reference}.`,
        reference,
      },
    });
    expectClean(JSON.stringify(json));
    // The server log: the same reference, the status and the marker (the detail), no secret.
    const line = logged.find((l) => l.includes(reference))!;
    expect(line).toContain("status 500");
    expect(line).toContain(MARKER);
    for (const s of SECRETS) expect(line).not.toContain(s);
    expect(line).toContain(REDACTED);
  });

  it("a ProviderError answered by any route is the table's message and a reference, never its own text", async () => {
    captureLog();
    const raw = new ProviderError("TRANSIENT", "Gong", `Gong POST /v2/calls/extensive failed with 500 after 4 attempts: ${BODY}`, { status: 500 });
    const json = await errorResponse(raw).json();
    expect(json.error.message).toBe(
      `Gong answered with an error (HTTP 500, temporary). Retry this user; if it keeps failing, Gong may be having problems. Reference: ${json.error.reference}.`,
    );
    expectClean(JSON.stringify(json));
    expect(logged.some((l) => l.includes(json.error.reference) && l.includes(MARKER))).toBe(true);
    for (const l of logged) for (const s of SECRETS) expect(l).not.toContain(s);
  });

  it("a failed sync step stores the classified message and a reference on the user and the run (the runtime's error carries no body either)", async () => {
    const { integration } = await clariIntegration();
    const pu = await db.providerUser.create({ data: { integrationId: integration.id, providerUserId: "u-1", email: "u1@test.local" } });
    const us = await db.userSync.create({ data: { integrationId: integration.id, providerUserId: pu.id, status: "IN_PROGRESS" } });
    const run = await startRun(integration.id, "BACKFILL", {});
    const simCall = sims.state.dataset.calls.find((c) => sims.state.isVisible(c))!;
    sims.state.faults.add({ provider: "clari", kind: "server_error", endpoint: "GET /call-details", body: BODY });
    captureLog();
    const client = integrationClient(integration, { priority: "backfill" });
    const step = { run: async <T>(_id: string, fn: () => Promise<T>) => fn(), sleep: async () => undefined };
    const thrown = await providerCall(step, "page-0", "CLARI", () => client.fetchRecording(sims.state.clariId(simCall))).catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(Error);
    expect(thrown).not.toBeInstanceOf(NonRetriableError);
    // What the runtime stores of the failed step, and what reaches onFailure.
    const arrived = throughTheSdk(thrown);
    expectClean(JSON.stringify(arrived));
    const failure = failureOf(arrived);
    await markUserFailed(us.id, failure);
    await finishRun(run.id, "FAILED", failure.message);

    const reference = /Reference: (R-[0-9A-F]{10})\.$/.exec(failure.message)?.[1];
    expect(reference).toBeDefined();
    const stored = await db.userSync.findUniqueOrThrow({ where: { id: us.id } });
    expect(stored).toMatchObject({
      status: "FAILED",
      errorCode: "TRANSIENT",
      error: `Clari Copilot answered with an error (HTTP 500, temporary). Retry this user; if it keeps failing, Clari Copilot may be having problems. Reference: ${reference}.`,
    });
    expect((await db.syncRun.findUniqueOrThrow({ where: { id: run.id } })).error).toBe(stored.error);
    expectClean(JSON.stringify(stored));
    const line = logged.find((l) => l.includes(reference!))!;
    expect(line).toContain("status 500");
    expect(line).toContain(MARKER);
    for (const s of SECRETS) expect(line).not.toContain(s);
  });
});

// -------------------------------------------------------------------------------------------------

describe("the interactive share of a calendar quota", () => {
  const policy: RateLimitPolicy = {
    unit: "request",
    windows: [
      { limit: 10_000, windowMs: 1_000, align: "rolling" },
      { limit: 1_000, windowMs: 86_400_000, align: "utcDay" },
    ],
    headers: { retryAfter: "retry-after" },
  };
  const req = (priority: GateAcquire["priority"]): GateAcquire => ({ provider: "GONG", endpoint: "POST /v2/calls/extensive", cost: 1, priority });
  const at = Date.parse("2026-12-03T10:00:00Z");

  async function gate(backgroundUsed: number, interactiveUsed = 0) {
    const { workspace } = await createWorkspace("Share");
    const { id } = await db.integration.create({ data: { workspaceId: workspace.id, provider: "GONG", status: "CONNECTED" } });
    const bucket = Date.parse("2026-12-03T00:00:00Z");
    await db.providerRateLimit.create({
      data: { integrationId: id, state: { windows: [null, { bucket, used: backgroundUsed + interactiveUsed, interactive: interactiveUsed }] } },
    });
    // A clock at 10:00 UTC that runs (the rolling window paces on it).
    const offset = at - Date.now();
    return { id, gate: new SharedRateLimiter(id, policy, { now: () => Date.now() + offset, maxWaitMs: 1_000 }) };
  }

  it(`interactive requests may use ${INTERACTIVE_SHARE * 100}% of what background work left today, then are refused until midnight UTC`, async () => {
    const { id, gate: g } = await gate(600);
    for (let i = 0; i < 40; i++) await g.acquire(req("interactive")); // 10% of the 400 left
    const e = await g.acquire(req("interactive")).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ProviderError);
    expect(e).toMatchObject({ kind: "RATE_LIMITED", quota: { window: "daily", resetsAt: new Date("2026-12-04T00:00:00Z") } });
    expect((e as ProviderError).retryAfterMs).toBeGreaterThan(14 * 3_600_000 - 60_000);
    // Background sync keeps the rest: polling still runs up to its own share (97% of 1,000).
    for (let i = 0; i < 970 - 640; i++) await g.acquire(req("poll"));
    expect(await g.acquire(req("poll")).catch((x: unknown) => (x as ProviderError).quota ?? (x as ProviderError).kind)).toBe("RATE_LIMITED");
    const state = (await db.providerRateLimit.findUniqueOrThrow({ where: { integrationId: id } })).state as {
      windows: Array<{ used: number; interactive: number } | null>;
    };
    expect(state.windows[1]).toMatchObject({ used: 970, interactive: 40 });
  });

  it("the share shrinks as background work uses the quota: clicking can never spend most of it", async () => {
    const { gate: g } = await gate(990, 0);
    await g.acquire(req("interactive")); // 10% of the 10 left
    expect(await g.acquire(req("interactive")).catch((x: unknown) => (x as ProviderError).quota?.window)).toBe("daily");
    const { gate: g2 } = await gate(0, 100);
    // 100 used interactively of 1,000 left: the share (100) is spent.
    expect(await g2.acquire(req("interactive")).catch((x: unknown) => (x as ProviderError).quota?.window)).toBe("daily");
  });
});
