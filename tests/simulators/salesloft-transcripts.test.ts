// Issue 18 target 2: the Salesloft simulator serves transcripts as the docs describe them, so the client's
// request count per transcript is measured against the API's real limits: GET /v2/transcriptions/:id/sentences
// pages of at most 100 (per_page "in the range [1, 100]. Defaults to 25"), cost 1 per request up to page 100
// (developers.salesloft.com rate-limits), and GET /v2/transcriptions/:id/artifact ("Fetch a Transcription
// Artifact": a signed URL to the whole transcript as one JSON file; 403 without the "Download Conversations"
// role permission). The file is fetched outside the API: no token, no cost.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { RunningSimulators, SimStats } from "@/dev/simulators";
import { transcriptFor } from "@/dev/simulators/data";
import { NOW, connectOAuth, control, startTestSimulators } from "../providers/helpers";

let sims: RunningSimulators;
let token: string;
const get = (path: string) => fetch(`${sims.url}/salesloft-api${path}`, { headers: { authorization: `Bearer ${token}` } });
const stats = async () => ((await control(sims, "/stats", undefined, "GET")) as SimStats).salesloft;

beforeAll(async () => {
  sims = await startTestSimulators({ callsPerUser: 10 });
});
afterAll(async () => {
  await sims.stop();
});
beforeEach(async () => {
  // A day-long window, so the budget does not roll over between two requests of one test.
  await control(sims, "/reset", { now: NOW, limits: { salesloft: { costPerWindow: 1_000, windowMs: 86_400_000 } } });
  token = (await connectOAuth("SALESLOFT", sims)).accessToken;
});

function longCall() {
  const c = sims.state.dataset.calls.find(
    (x) => sims.state.isVisible(x) && sims.state.transcriptReady(x) && transcriptFor(sims.state.config.seed, x).length > 250,
  )!;
  expect(c).toBeTruthy();
  return { c, tid: sims.state.salesloftTranscriptionId(c), n: transcriptFor(sims.state.config.seed, c).length };
}

describe("Salesloft simulator: transcripts", () => {
  it("sentences come at most 100 per page, one cost unit each; per_page 101 is refused", async () => {
    const { tid, n } = longCall();
    const full = await get(`/v2/transcriptions/${tid}/sentences?per_page=100&page=1`);
    expect(full.headers.get("x-ratelimit-endpoint-cost")).toBe("1");
    const body = (await full.json()) as { data: unknown[]; metadata: { paging: { next_page: number | null } } };
    expect(body.data).toHaveLength(100);
    expect(body.metadata.paging.next_page).toBe(2);
    const last = (await (await get(`/v2/transcriptions/${tid}/sentences?per_page=100&page=${Math.ceil(n / 100)}`)).json()) as typeof body;
    expect(last.data).toHaveLength(n - 100 * (Math.ceil(n / 100) - 1));
    expect(last.metadata.paging.next_page).toBeNull();
    expect((await get(`/v2/transcriptions/${tid}/sentences?per_page=101&page=1`)).status).toBe(422);
    // The documented default page size.
    expect(((await (await get(`/v2/transcriptions/${tid}/sentences`)).json()) as typeof body).data).toHaveLength(25);
  });

  it("the artifact is one request of cost 1; its signed file holds every sentence, fetched without token or cost", async () => {
    const { c, tid, n } = longCall();
    const res = await get(`/v2/transcriptions/${tid}/artifact`);
    expect(res.status).toBe(200);
    expect(res.headers.get("x-ratelimit-endpoint-cost")).toBe("1");
    const remaining = Number(res.headers.get("x-ratelimit-remaining-minute"));
    const { data } = (await res.json()) as { data: { id: string; url: string; content_type: string; conversation: { id: string } } };
    expect(data).toMatchObject({ id: tid, content_type: "application/json", conversation: { id: sims.state.salesloftId(c) } });

    const before = await stats();
    const file = await fetch(data.url);
    expect(file.status).toBe(200);
    const { sentences } = (await file.json()) as { sentences: Array<{ text: string; start_time: number; recording_attendee_id: string }> };
    expect(sentences).toHaveLength(n);
    // Same rows as the sentences endpoint (less the per-row id and conversation).
    const page1 = (await (await get(`/v2/transcriptions/${tid}/sentences?per_page=100&page=1`)).json()) as { data: Array<Record<string, unknown>> };
    expect(sentences.slice(0, 100)).toEqual(page1.data.map(({ id: _id, conversation: _c, ...row }) => row));
    const after = await stats();
    expect(after.apiRequests - before.apiRequests).toBe(1); // the sentences page only
    expect(after.byEndpoint["GET (signed transcription artifact URL)"]?.total).toBe(1);
    // The download spent nothing from the budget: the next API request shows one unit less than before it.
    const next = await get("/v2/users?page=1&per_page=1");
    expect(Number(next.headers.get("x-ratelimit-remaining-minute"))).toBe(remaining - 2);
  });

  it("without the Download Conversations permission the artifact is 403; the sentences still answer", async () => {
    const { tid } = longCall();
    await control(sims, "/salesloft/downloads", { allowed: false });
    const res = await get(`/v2/transcriptions/${tid}/artifact`);
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ error: "Download Conversations role permission required" });
    expect((await get(`/v2/transcriptions/${tid}/sentences?per_page=100`)).status).toBe(200);
  });

  it("an expired artifact URL is 403 like the recording URLs", async () => {
    const { tid } = longCall();
    const { data } = (await (await get(`/v2/transcriptions/${tid}/artifact`)).json()) as { data: { url: string } };
    await control(sims, "/media/expire", {});
    expect((await fetch(data.url)).status).toBe(403);
  });
});
