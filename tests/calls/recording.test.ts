import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SIM_CLARI_CREDENTIALS, simulatorEnv, startSimulators, type RunningSimulators } from "@/dev/simulators";
import { db } from "@/lib/db";
import { ConflictError, NotFoundError, TooManyAttemptsError } from "@/lib/errors";
import { CALL_REFRESH_INTERVAL_MS, refreshRecording, USER_REFRESHES_PER_MINUTE } from "@/lib/calls/recording";
import { findVisibleCall } from "@/lib/calls/visibility";
import { describeProvider } from "@/lib/providers";
import { sealCredentials } from "@/lib/sync/credentials";
import { bucketStart } from "@/lib/sync/rate-limiter";
import { createWorkspace } from "../support/db";
import { canonicalCall, callsWorkspace, person } from "./fixture";

afterAll(() => db.$disconnect());

describe("fresh recording links", () => {
  it("says clearly when the integration is disconnected or needs reconnecting, and changes nothing", async () => {
    const w = await callsWorkspace();
    const expired = new Date(Date.now() - 60_000);
    const ids = await w.ingest([
      canonicalCall("r", [person(w.admin.email, "INTERNAL")], { recording: { audioUrl: "https://r/old.mp3", videoUrl: null, expiresAt: expired } }),
    ]);
    await db.integration.update({ where: { id: w.integration.id }, data: { status: "DISCONNECTED" } });
    const e = await findVisibleCall(w.viewers.admin, ids.r!)
      .then(refreshRecording)
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ConflictError);
    expect((e as Error).message).toBe(
      "The Gong integration is disconnected, so a fresh recording link cannot be fetched. Open the call in Gong instead, or ask an admin to reconnect Gong.",
    );
    await db.integration.update({ where: { id: w.integration.id }, data: { status: "RECONNECT_REQUIRED" } });
    await expect(findVisibleCall(w.viewers.admin, ids.r!).then(refreshRecording)).rejects.toThrow("The Gong integration needs to be reconnected");
    expect(await db.call.findUniqueOrThrow({ where: { id: ids.r! } })).toMatchObject({ audioUrl: "https://r/old.mp3", recordingExpiresAt: expired });
  });

  it("a connected integration without stored credentials asks for a reconnect; another workspace's call is not found", async () => {
    const w = await callsWorkspace();
    const other = await callsWorkspace();
    const ids = await w.ingest([canonicalCall("r", [person(w.admin.email, "INTERNAL")])]);
    await expect(findVisibleCall(w.viewers.admin, ids.r!).then(refreshRecording)).rejects.toThrow("Gong no longer accepts this workspace's connection");
    await expect(findVisibleCall(other.viewers.admin, ids.r!).then(refreshRecording)).rejects.toBeInstanceOf(NotFoundError);
  });
});

// ---------------------------------------------------------------------------------------------------
// Reps cannot spend the provider quota (issue 15, item 8): against the Clari Copilot simulator, counting
// the requests it receives.
// ---------------------------------------------------------------------------------------------------

let sims: RunningSimulators;
beforeAll(async () => {
  sims = await startSimulators({ port: 0 });
});
afterAll(() => sims?.stop());

const apiRequests = () => sims.state.stats.snapshot().clari.apiRequests;

/** A workspace with a Clari integration connected to the simulator, and `n` of the simulator's calls stored with `link`. */
async function clariWorkspace(n: number, link: { audioUrl: string | null; expiresAt: Date | null }) {
  const { workspace, admin, member } = await createWorkspace("Quota");
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
  const simCalls = sims.state.dataset.calls.filter((c) => sims.state.isVisible(c)).slice(0, n);
  const calls = [];
  for (const c of simCalls) {
    calls.push(
      await db.call.create({
        data: {
          workspaceId: workspace.id,
          integrationId: integration.id,
          provider: "CLARI",
          providerCallId: sims.state.clariId(c),
          title: `Call ${c.idx}`,
          startedAt: new Date("2026-10-01T15:00:00Z"),
          audioUrl: link.audioUrl,
          recordingExpiresAt: link.expiresAt,
        },
        select: { id: true, workspaceId: true, provider: true, providerCallId: true, integrationId: true },
      }),
    );
  }
  return { workspace, admin, member, integration, calls };
}

describe("fresh recording links do not spend the provider's quota", () => {
  it("a stored link that is still valid is handed to every rep without asking the provider", async () => {
    const expiresAt = new Date(Date.now() + 3 * 3_600_000);
    const w = await clariWorkspace(1, { audioUrl: "https://media.example/stored.mp3", expiresAt });
    const before = apiRequests();
    const first = await refreshRecording(w.calls[0]!, w.admin.id);
    const second = await refreshRecording(w.calls[0]!, w.member.id);
    expect(first).toEqual({ audioUrl: "https://media.example/stored.mp3", videoUrl: null, expiresAt, cached: true });
    expect(second).toEqual(first);
    expect(apiRequests() - before).toBe(0);
  });

  it("an expired link is fetched once; the second rep clicking the same call reuses it", async () => {
    const w = await clariWorkspace(1, { audioUrl: "https://media.example/old.mp3", expiresAt: new Date(Date.now() - 60_000) });
    const before = apiRequests();
    const first = await refreshRecording(w.calls[0]!, w.admin.id);
    expect(first.cached).toBe(false);
    expect(first.audioUrl).not.toBe("https://media.example/old.mp3");
    expect(first.expiresAt!.getTime()).toBeGreaterThan(Date.now() + 3 * 3_600_000);
    expect(apiRequests() - before).toBe(1);
    const second = await refreshRecording(w.calls[0]!, w.member.id);
    expect(second).toEqual({ ...first, cached: true });
    expect(apiRequests() - before).toBe(1);
    // Stored with its expiry: what the call page renders.
    expect(await db.call.findUniqueOrThrow({ where: { id: w.calls[0]!.id }, select: { audioUrl: true, recordingExpiresAt: true } })).toEqual({
      audioUrl: first.audioUrl,
      recordingExpiresAt: first.expiresAt,
    });
  });

  it("a call's link is fetched at most once per interval unless it expired: a second click says when to try again", async () => {
    const w = await clariWorkspace(1, { audioUrl: null, expiresAt: null });
    // Asked a minute ago; the provider gave no playable link (none stored).
    const before = apiRequests();
    const now = new Date();
    await db.call.update({ where: { id: w.calls[0]!.id }, data: { recordingFetchedAt: new Date(now.getTime() - 60_000) } });
    const e = await refreshRecording(w.calls[0]!, w.member.id, now).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TooManyAttemptsError);
    expect((e as TooManyAttemptsError).message).toMatch(
      /^A fresh link for this call was just requested from Clari Copilot\. Try again after \w{3} \d+, \d{4}, \d\d:\d\d [AP]M UTC/,
    );
    expect((e as TooManyAttemptsError).retryAfterSeconds).toBe(9 * 60);
    expect(apiRequests() - before).toBe(0);
    // Once the interval has passed, it is fetched again.
    await refreshRecording(w.calls[0]!, w.member.id, new Date(now.getTime() + CALL_REFRESH_INTERVAL_MS));
    expect(apiRequests() - before).toBe(1);
  });

  it(`a rep fetches at most ${USER_REFRESHES_PER_MINUTE} links a minute; the next is a 429 that says when to retry`, async () => {
    const w = await clariWorkspace(USER_REFRESHES_PER_MINUTE + 1, { audioUrl: "https://media.example/old.mp3", expiresAt: new Date(Date.now() - 60_000) });
    const before = apiRequests();
    for (const c of w.calls.slice(0, USER_REFRESHES_PER_MINUTE)) await refreshRecording(c, w.member.id);
    expect(apiRequests() - before).toBe(USER_REFRESHES_PER_MINUTE);
    const e = await refreshRecording(w.calls[USER_REFRESHES_PER_MINUTE]!, w.member.id).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TooManyAttemptsError);
    expect((e as Error).message).toMatch(
      new RegExp(
        `^You asked for ${USER_REFRESHES_PER_MINUTE} fresh recording links in the last minute\\. Try again in (\\d+ seconds?|1 minute), or open the call in Clari Copilot\\.$`,
      ),
    );
    expect(apiRequests() - before).toBe(USER_REFRESHES_PER_MINUTE);
    // Another rep is not held back by it.
    await refreshRecording(w.calls[USER_REFRESHES_PER_MINUTE]!, w.admin.id);
    expect(apiRequests() - before).toBe(USER_REFRESHES_PER_MINUTE + 1);
  });

  it("interactive requests get a bounded share of what remains of the quota: then links pause until it resets", async () => {
    const w = await clariWorkspace(1, { audioUrl: null, expiresAt: new Date(Date.now() - 60_000) });
    const week = describeProvider("CLARI").rateLimit.windows.find((x) => x.align === "utcWeekSunday")!;
    const bucket = bucketStart(week, Date.now());
    // Background sync has used all but 50 of the week's quota: reps may use 10% of those (5); 5 are used.
    await db.providerRateLimit.create({
      data: { integrationId: w.integration.id, state: { windows: [null, { bucket, used: week.limit - 45, interactive: 5 }] } },
    });
    const before = apiRequests();
    const e = await refreshRecording(w.calls[0]!, w.member.id).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TooManyAttemptsError);
    // The call page shows times in UTC (components/ui/format.ts): the week's quota resets Sunday 00:00 UTC.
    const resets = new Date(bucket + 7 * 86_400_000);
    expect(resets.getUTCDay()).toBe(0);
    const shown = new Intl.DateTimeFormat("en-US", {
      year: "numeric",
      month: "short",
      day: "numeric",
      hour: "2-digit",
      minute: "2-digit",
      timeZone: "UTC",
      timeZoneName: "short",
    }).format(resets);
    expect(shown).toMatch(/12:00 AM UTC$/);
    expect((e as Error).message).toBe(
      `Recording links are paused to keep syncing within Clari Copilot's weekly limit; try again after ${shown}. You can open the call in Clari Copilot meanwhile.`,
    );
    expect((e as TooManyAttemptsError).retryAfterSeconds).toBeGreaterThan(0);
    expect(apiRequests() - before).toBe(0);
    // The refused click does not hold the call back: the stored claim was released.
    expect((await db.call.findUniqueOrThrow({ where: { id: w.calls[0]!.id } })).recordingFetchedAt).toBeNull();
  });
});
