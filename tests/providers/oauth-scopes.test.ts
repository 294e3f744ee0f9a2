// Issue 16.9: the authorize URL asks for exactly the scopes the client needs. The client is run through
// everything it does (users, a backfill page, transcripts, a recording link) against the simulator; the
// endpoints the simulator saw are mapped to the scope each provider documents for them, and that set
// must equal the `scope` parameter of the authorization URL: nothing missing, nothing extra.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningSimulators, SimStats } from "@/dev/simulators";
import { clientFor, connectedClient, control, startTestSimulators } from "./helpers";

/**
 * Scope per endpoint, as the providers document it. Gong: the official OpenAPI states one per operation
 * (../shared/provider-apis/NOTES.md 1.1); exposedFields.media also needs api:calls:read:media-url.
 * Salesloft: developers.salesloft.com scopes (conversations, recordings and transcriptions are the
 * Conversations API: conversations:read; users are team data: team:read).
 */
const DOCUMENTED: Record<"GONG" | "SALESLOFT", Record<string, string[]>> = {
  GONG: {
    "GET /v2/users": ["api:users:read"],
    "POST /v2/users/extensive": ["api:users:read"],
    "GET /v2/calls": ["api:calls:read:basic"],
    "GET /v2/calls/:id": ["api:calls:read:basic"],
    // Callsync asks for media (recording links) on /calls/extensive.
    "POST /v2/calls/extensive": ["api:calls:read:extensive", "api:calls:read:media-url"],
    "POST /v2/calls/transcript": ["api:calls:read:transcript"],
  },
  SALESLOFT: {
    "GET /v2/users": ["team:read"],
    "GET /v2/conversations": ["conversations:read"],
    "GET /v2/conversations/:id": ["conversations:read"],
    "GET /v2/conversations/:id/extensive": ["conversations:read"],
    "GET /v2/conversations/:id/recording": ["conversations:read"],
    "GET /v2/transcriptions": ["conversations:read"],
    "GET /v2/transcriptions/:id/sentences": ["conversations:read"],
    "GET /v2/transcriptions/:id/artifact": ["conversations:read"],
    // The artifact's signed file: no token, so no scope.
    "GET (signed transcription artifact URL)": [],
    "GET /v2/opportunities/:id": ["opportunities:read"],
    "GET /v2/accounts/:id": ["accounts:read"],
  },
};

let sims: RunningSimulators;
beforeAll(async () => {
  sims = await startTestSimulators({ callsPerUser: 6 });
});
afterAll(async () => {
  await sims.stop();
});

describe.each(["GONG", "SALESLOFT"] as const)("%s OAuth scopes", (provider) => {
  it("requests exactly the scopes of the endpoints the client calls", async () => {
    await control(sims, "/reset", {});
    const { client } = await connectedClient(provider, sims);
    const users = await client.listUsers();
    expect(users.length).toBeGreaterThan(0);
    const page = await client.listCalls({ from: new Date("2000-01-01T00:00:00Z"), to: new Date(sims.state.now() + 1), checkpoint: null });
    expect(page.calls.length).toBeGreaterThan(0);
    const ids = page.calls.slice(0, 3).map((c) => c.providerCallId);
    await client.fetchTranscripts(ids);
    await client.fetchRecording(ids[0]!);

    const stats = (await control(sims, "/stats", undefined, "GET")) as SimStats;
    const slug = provider === "GONG" ? "gong" : "salesloft";
    const called = Object.keys(stats[slug].byEndpoint).filter((e) => !/oauth|token|authorize/i.test(e));
    for (const e of called) expect(DOCUMENTED[provider], `documented scope for ${e}`).toHaveProperty([e]);
    const needed = [...new Set(called.flatMap((e) => DOCUMENTED[provider][e] ?? []))].sort();

    const url = new URL(clientFor(provider, sims).authorizationUrl({ state: "s" }));
    const requested = (url.searchParams.get("scope") ?? "").split(" ").filter(Boolean).sort();
    expect(requested).toEqual(needed);
  });
});
