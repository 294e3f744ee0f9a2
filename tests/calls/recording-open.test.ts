import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";

// Issue 17, item 3: the open route (GET /api/calls/<id>/recording/open) against the Clari Copilot
// simulator, whose signed media URLs answer 403 once expired (or once POST /__sim/media/expire revoked
// them). The session comes from next-auth (mocked); everything after it is real.
const sessionUser = vi.hoisted(() => ({ id: undefined as string | undefined }));
vi.mock("next-auth", async (orig) => ({
  ...(await orig<typeof import("next-auth")>()),
  getServerSession: async () => (sessionUser.id ? { user: { id: sessionUser.id } } : null),
}));
vi.mock("react", async (orig) => ({ ...(await orig<typeof import("react")>()), cache: <T>(fn: T) => fn }));

const { SIM_CLARI_CREDENTIALS, simulatorEnv, startSimulators } = await import("@/dev/simulators");
const { db } = await import("@/lib/db");
const { sealCredentials } = await import("@/lib/sync/credentials");
const { GET } = await import("@/app/api/calls/[callId]/recording/open/route");
const { RECORDING_MIN_VALIDITY_MS } = await import("@/lib/calls/recording");
const { createWorkspace } = await import("../support/db");
const { callsWorkspace, canonicalCall, person } = await import("./fixture");

type Sims = Awaited<ReturnType<typeof startSimulators>>;
let sims: Sims;
beforeAll(async () => {
  sims = await startSimulators({ port: 0 });
});
afterAll(async () => {
  await sims?.stop();
  await db.$disconnect();
});
beforeEach(() => {
  sessionUser.id = undefined;
});
afterEach(async () => {
  sims.state.mediaRevokedUpTo = null;
  sims.state.faults.clear();
});

const apiRequests = () => sims.state.stats.snapshot().clari.apiRequests;
const open = (callId: string, query = "") =>
  GET(new Request(`http://test/api/calls/${callId}/recording/open${query}`), { params: Promise.resolve({ callId }) });
const appUrl = () => new URL(process.env.APP_URL!).origin;

/** A Clari integration on the simulator and one of its calls, stored with `link` (a URL the simulator signs, by default). */
async function clariCall(link: { audioUrl?: string | null; expiresAt: Date | null }) {
  const { workspace, admin, member } = await createWorkspace("Open");
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
  const c = sims.state.dataset.calls.find((x) => sims.state.isVisible(x))!;
  const providerCallId = sims.state.clariId(c);
  const audioUrl = link.audioUrl === undefined ? sims.state.mediaUrl("clari", providerCallId, "audio", 4 * 3_600_000) : link.audioUrl;
  const call = await db.call.create({
    data: {
      workspaceId: workspace.id,
      integrationId: integration.id,
      provider: "CLARI",
      providerCallId,
      title: "Clari call",
      startedAt: new Date("2026-10-01T15:00:00Z"),
      audioUrl,
      recordingExpiresAt: link.expiresAt,
    },
  });
  return { workspace, admin, member, call, audioUrl };
}

const stored = (id: string) => db.call.findUniqueOrThrow({ where: { id }, select: { audioUrl: true, recordingExpiresAt: true } });

describe("opening a recording at click time", () => {
  it("a stored link the provider still serves: a 303 to it at the moment asked for, no provider API request", async () => {
    const w = await clariCall({ expiresAt: new Date(Date.now() + 3 * 3_600_000) });
    sessionUser.id = w.member.id;
    const before = apiRequests();
    const res = await open(w.call.id, "?media=audio&t=754");
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`${w.audioUrl}#t=754`);
    expect(apiRequests() - before).toBe(0);
    // The media it sends the person to plays.
    expect((await fetch(res.headers.get("location")!)).status).toBe(200);
  });

  it("a stored link near its expiry: one fresh link from the provider, stored, and the person sent to it", async () => {
    const w = await clariCall({ expiresAt: new Date(Date.now() + RECORDING_MIN_VALIDITY_MS - 60_000) });
    sessionUser.id = w.member.id;
    const before = apiRequests();
    const res = await open(w.call.id);
    expect(res.status).toBe(303);
    const location = res.headers.get("location")!;
    expect(location).not.toBe(w.audioUrl);
    expect(apiRequests() - before).toBe(1);
    expect((await fetch(location)).status).toBe(200);
    const row = await stored(w.call.id);
    expect(row.audioUrl).toBe(location);
    expect(row.recordingExpiresAt!.getTime()).toBeGreaterThan(Date.now() + 3 * 3_600_000);
  });

  it("a stored link that should still be valid but the provider answers 403: marked expired, one fresh link, which plays", async () => {
    const w = await clariCall({ expiresAt: new Date(Date.now() + 3 * 3_600_000) });
    expect((await fetch(w.audioUrl!)).status).toBe(200);
    sims.state.mediaRevokedUpTo = sims.state.mediaSerial; // the simulator's POST /__sim/media/expire
    expect((await fetch(w.audioUrl!)).status).toBe(403);
    sessionUser.id = w.member.id;
    const before = apiRequests();
    const res = await open(w.call.id, "?t=60");
    expect(res.status).toBe(303);
    const location = res.headers.get("location")!;
    expect(location).toMatch(/#t=60$/);
    expect(location.split("#")[0]).not.toBe(w.audioUrl);
    expect(apiRequests() - before).toBe(1);
    expect((await fetch(location)).status).toBe(200);
  });

  it("403 and no fresh link to be had: back to the call page saying the link expired, never the provider's error page", async () => {
    const w = await clariCall({ expiresAt: new Date(Date.now() + 3 * 3_600_000) });
    sims.state.mediaRevokedUpTo = sims.state.mediaSerial;
    sims.state.faults.add({ provider: "clari", kind: "server_error" });
    sessionUser.id = w.member.id;
    const before = apiRequests();
    const res = await open(w.call.id, "?media=video&t=90");
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`${appUrl()}/calls/${w.call.id}?recording=expired&media=video&t=90`);
    expect(apiRequests() - before).toBeGreaterThanOrEqual(1);
    sims.state.faults.clear();
    // Stored as expired now (the page says "Link expired"), and the next click may fetch again.
    const row = await stored(w.call.id);
    expect(row.recordingExpiresAt!.getTime()).toBeLessThanOrEqual(Date.now());
    const again = await open(w.call.id);
    expect(again.status).toBe(303);
    expect((await fetch(again.headers.get("location")!)).status).toBe(200);
  });

  it("a call with no link and a provider that is down: back to the call page ('could not be opened')", async () => {
    const w = await clariCall({ audioUrl: null, expiresAt: null });
    sims.state.faults.add({ provider: "clari", kind: "server_error" });
    sessionUser.id = w.admin.id;
    const res = await open(w.call.id);
    expect(res.headers.get("location")).toBe(`${appUrl()}/calls/${w.call.id}?recording=unavailable&media=audio`);
  });

  it("private calls: a rep who was not on it gets a 404 and no request is made; the rep on it is sent to the media", async () => {
    const w = await callsWorkspace();
    const url = sims.state.mediaUrl("gong", "p1", "audio", 3_600_000);
    const ids = await w.ingest([
      canonicalCall("p1", [person(w.rep.email, "INTERNAL")], {
        isPrivate: true,
        recording: { audioUrl: url, videoUrl: null, expiresAt: new Date(Date.now() + 3_600_000) },
      }),
    ]);
    expect((await open(ids.p1!)).status).toBe(401);
    sessionUser.id = w.member.id;
    const res = await open(ids.p1!);
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { message: string } }).error.message).toBe("That call was not found.");
    sessionUser.id = w.rep.id;
    const ok = await open(ids.p1!);
    expect(ok.status).toBe(303);
    expect(ok.headers.get("location")).toBe(url);
  });
});
