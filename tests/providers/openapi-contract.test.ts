// The Gong and Clari Copilot simulators held to the providers' own contract: every response body they give
// (success, empty result and error statuses) is validated against the official OpenAPI specs (copied into
// tests/fixtures/provider-apis/specs/ from ../shared/provider-apis/specs/, see SOURCES.md) with
// openapi-backend's response validator (ajv underneath). The clients are held to the same specs by their
// own tests, so neither side is checked against the other. And the simulators import none of the clients'
// code: no schema, mapper or cost function of lib/providers/<provider>/, directly or through another file.
import { readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { OpenAPIBackend, type Document } from "openapi-backend";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { SIM_CLARI_CREDENTIALS, type RunningSimulators } from "@/dev/simulators";
import { NOW, connectOAuth, control, startTestSimulators } from "./helpers";

const REPO = path.resolve(import.meta.dirname, "../..");
const SPECS = path.join(REPO, "tests/fixtures/provider-apis/specs");

/**
 * openapi-backend keys its validators by operationId; Clari's spec has none, so each operation without
 * one gets "<METHOD> <path>" (the spec file itself stays as published).
 */
function withOperationIds(doc: Document): Document {
  for (const [p, item] of Object.entries(doc.paths ?? {})) {
    for (const [method, op] of Object.entries(item as Record<string, { operationId?: string }>)) {
      if (op && typeof op === "object" && ["get", "post", "put", "patch", "delete"].includes(method)) op.operationId ??= `${method.toUpperCase()} ${p}`;
    }
  }
  return doc;
}

/**
 * Clari's spec writes `type: float` (not an OpenAPI type; ajv refuses the whole schema): read as `number`,
 * which is what it means. Nothing else in the published text is changed.
 */
function fixInvalidTypes(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(fixInvalidTypes);
  if (!node || typeof node !== "object") return;
  const o = node as Record<string, unknown>;
  if (o.type === "float" || o.type === "double") o.type = "number";
  for (const v of Object.values(o)) fixInvalidTypes(v);
}

/**
 * Both providers answer null for unset fields their specs type as plain strings (captured traffic:
 * fixtures/gong/users_list_GET_v2_users.nango.json has `trustedEmailAddress: null`, `managerId: null`;
 * fixtures/clari/calls_list_full.amp-labs.json has `audio_url: null`), so a null is read as "not set": the
 * key is dropped before validation (a required field that is null then fails as missing).
 */
function dropNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(dropNulls);
  if (!v || typeof v !== "object") return v;
  return Object.fromEntries(Object.entries(v as Record<string, unknown>).flatMap(([k, x]) => (x === null ? [] : [[k, dropNulls(x)]])));
}

/**
 * Gong's ContextField / CrmPartyContextField `value` is typed `object` with the example "Gong Inc." (a Java
 * Object rendered as `type: object`): any JSON value, as dust's codec reads it (string, number, array, null).
 */
function anyContextValue(doc: Document): void {
  const schemas = (doc.components?.schemas ?? {}) as Record<string, { properties?: Record<string, Record<string, unknown>> }>;
  for (const name of ["ContextField", "CrmPartyContextField"]) {
    const value = schemas[name]?.properties?.value;
    if (value) delete value.type;
  }
}

async function backend(file: string, apiRoot: string) {
  const raw = readFileSync(path.join(SPECS, file), "utf8");
  const parsed = (file.endsWith(".json") ? JSON.parse(raw) : parseYaml(raw)) as Document;
  fixInvalidTypes(parsed);
  anyContextValue(parsed);
  const definition = withOperationIds(parsed);
  // quick: the published Gong spec does not itself pass the OpenAPI 3.0 meta-schema (e.g. `example` beside
  // `$ref` in ErrorResponse), so its own conformance is not checked; the responses are, with every schema.
  const api = new OpenAPIBackend({ definition, apiRoot, validate: true, quick: true, strict: true });
  await api.init();
  return api;
}

let sims: RunningSimulators;
let gong: OpenAPIBackend;
let clari: OpenAPIBackend;
let gongToken: string;

beforeAll(async () => {
  sims = await startTestSimulators({ callsPerUser: 25 });
  await control(sims, "/reset", { now: NOW });
  [gong, clari] = await Promise.all([backend("gong-openapi.json", "/"), backend("clari-copilot-openapi.original.yml", "/")]);
  gongToken = (await connectOAuth("GONG", sims)).accessToken;
}, 60_000);
afterAll(async () => {
  await sims?.stop();
});

type Checked = { operation: string; status: number };
const checked: Checked[] = [];

/** Sends the request to the simulator and validates the body against the spec's response for that operation and status. */
async function expectConforms(api: OpenAPIBackend, operationId: string, url: string, init: RequestInit, status: number) {
  const res = await fetch(url, init);
  expect(res.status, `${operationId} ${url}`).toBe(status);
  const body = (await res.json()) as unknown;
  const result = api.validateResponse(dropNulls(body), operationId, status);
  expect(result.errors ?? [], `${operationId} ${status}: ${JSON.stringify(result.errors?.slice(0, 3))}`).toEqual([]);
  checked.push({ operation: operationId, status });
  return body;
}

const gongApi = (p: string) => `${sims.url}/gong-api/acme${p}`;
const gongInit = (body?: unknown, token = gongToken): RequestInit => ({
  method: body === undefined ? "GET" : "POST",
  headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
  body: body === undefined ? undefined : JSON.stringify(body),
});
const FULL_SELECTOR = {
  context: "Extended",
  contextTiming: ["Now", "TimeOfCall"],
  exposedFields: {
    parties: true,
    content: {
      brief: true,
      keyPoints: true,
      pointsOfInterest: true,
      topics: true,
      trackers: true,
      structure: true,
      outline: true,
      highlights: true,
      callOutcome: true,
    },
    interaction: { speakers: true, questions: true, personInteractionStats: true, video: true },
    collaboration: { publicComments: true },
    media: true,
  },
};
const WINDOW = { fromDateTime: "2020-01-01T00:00:00Z", toDateTime: NOW };

describe("Gong simulator vs the official Gong OpenAPI", () => {
  it("users, calls, call by id: success bodies", async () => {
    await expectConforms(gong, "listUsers", gongApi("/v2/users"), gongInit(), 200);
    const list = (await expectConforms(gong, "listCalls", gongApi(`/v2/calls?fromDateTime=${WINDOW.fromDateTime}&toDateTime=${NOW}`), gongInit(), 200)) as {
      calls: Array<{ id: string }>;
    };
    await expectConforms(gong, "getCall", gongApi(`/v2/calls/${list.calls[0]!.id}`), gongInit(), 200);
  });

  it("extensive calls with every field asked for, every page (imported calls without parties, late CRM context included)", async () => {
    let cursor: string | undefined;
    let pages = 0;
    let withoutParties = 0;
    do {
      const body = (await expectConforms(
        gong,
        "listCallsExtensive",
        gongApi("/v2/calls/extensive"),
        gongInit({ ...(cursor ? { cursor } : {}), filter: WINDOW, contentSelector: FULL_SELECTOR }),
        200,
      )) as { records: { cursor?: string }; calls: Array<{ parties?: unknown[] }> };
      withoutParties += body.calls.filter((c) => c.parties === undefined).length;
      cursor = body.records.cursor;
      pages++;
    } while (cursor);
    expect(pages).toBeGreaterThan(1);
    expect(withoutParties, "imported calls come without parties").toBeGreaterThan(0);
  });

  it("transcripts of many calls in one request", async () => {
    const ids = sims.state.dataset.calls
      .filter((c) => sims.state.transcriptReady(c))
      .slice(0, 20)
      .map((c) => sims.state.gongCallId(c));
    await expectConforms(gong, "getCallTranscripts", gongApi("/v2/calls/transcript"), gongInit({ filter: { callIds: ids } }), 200);
  });

  it("errors: empty window 404, unknown call 404, malformed filter 400, bad token 401 / 403, 429", async () => {
    const empty = { filter: { fromDateTime: "2011-01-01T00:00:00Z", toDateTime: "2011-01-02T00:00:00Z" } };
    await expectConforms(gong, "listCallsExtensive", gongApi("/v2/calls/extensive"), gongInit(empty), 404);
    await expectConforms(gong, "getCallTranscripts", gongApi("/v2/calls/transcript"), gongInit(empty), 404);
    await expectConforms(gong, "listCalls", gongApi("/v2/calls?fromDateTime=2011-01-01T00:00:00Z&toDateTime=2011-01-02T00:00:00Z"), gongInit(), 404);
    await expectConforms(gong, "getCall", gongApi("/v2/calls/1234567890123456789"), gongInit(), 404);
    await expectConforms(gong, "listCallsExtensive", gongApi("/v2/calls/extensive"), gongInit({ filter: { fromDateTime: "yesterday" } }), 400);
    await expectConforms(gong, "listCalls", gongApi("/v2/calls"), gongInit(), 400);
    await expectConforms(gong, "listCallsExtensive", gongApi("/v2/calls/extensive"), gongInit({ filter: WINDOW }, "not-a-token"), 401);
    await expectConforms(gong, "listUsers", gongApi("/v2/users"), gongInit(undefined, "not-a-token"), 403);
    await control(sims, "/faults", { provider: "gong", kind: "429", count: 1, endpoint: "GET /v2/users" });
    await expectConforms(gong, "listUsers", gongApi("/v2/users"), gongInit(), 429);
  });
});

const clariInit: RequestInit = { headers: { "x-api-key": SIM_CLARI_CREDENTIALS.apiKey, "x-api-password": SIM_CLARI_CREDENTIALS.apiSecret } };
const clariApi = (p: string) => `${sims.url}/clari-api${p}`;

describe("Clari Copilot simulator vs the official Clari Copilot OpenAPI", () => {
  it("users, and every page of calls with every status the listing carries", async () => {
    await expectConforms(clari, "GET /users", clariApi("/users"), clariInit, 200);
    const statuses = new Set<string>();
    let skip = 0;
    for (;;) {
      const body = (await expectConforms(
        clari,
        "GET /calls",
        clariApi(`/calls?limit=25&skip=${skip}&includePrivate=true&includeAudio=true`),
        clariInit,
        200,
      )) as {
        calls: Array<{ status: string }>;
        pagination: { hasMore: boolean; nextPageSkip?: number };
      };
      for (const c of body.calls) statuses.add(c.status);
      if (!body.pagination.hasMore) break;
      skip = body.pagination.nextPageSkip!;
    }
    for (const s of ["POST_PROCESSING_DONE", "SCHEDULED", "NOBODY_JOINED_CALL", "NO_DATA_INCALL"]) expect([...statuses]).toContain(s);
  });

  it("call-details of a finished recording, one still PROCESSED, and a meeting never recorded", async () => {
    const done = sims.state.dataset.calls.find((c) => sims.state.transcriptReady(c))!;
    await expectConforms(
      clari,
      "GET /call-details",
      clariApi(`/call-details?id=${sims.state.clariId(done)}&includeAudio=true&includeVideo=true`),
      clariInit,
      200,
    );
    const t = sims.state.now();
    const processed = sims.state.addCall({ ownerEmail: "rep2@acme.test", visibleAt: t - 60_000, processedAt: t - 1, transcriptReadyAt: t + 3_600_000 });
    const body = (await expectConforms(clari, "GET /call-details", clariApi(`/call-details?id=${sims.state.clariId(processed)}`), clariInit, 200)) as {
      call: { status: string; transcript: unknown[]; summary?: unknown };
    };
    expect(body.call.status).toBe("PROCESSED");
    expect(body.call.transcript.length).toBeGreaterThan(0);
    expect(body.call.summary).toBeUndefined();
    const meeting = sims.state.dataset.meetings.find((m) => m.status !== "SCHEDULED")!;
    await expectConforms(clari, "GET /call-details", clariApi(`/call-details?id=${sims.state.clariId(meeting.call)}`), clariInit, 200);
  });

  it("errors: out-of-range paging 400, unknown call 404", async () => {
    await expectConforms(clari, "GET /calls", clariApi("/calls?limit=101"), clariInit, 400);
    await expectConforms(clari, "GET /call-details", clariApi("/call-details?id=00000000-0000-4000-8000-000000000000"), clariInit, 404);
  });
});

describe("the simulators are built from the docs, not from the clients", () => {
  /** Repo-relative paths of every file dev/simulators imports, directly or through other files of the repo. */
  function importClosure(): Set<string> {
    const files = (dir: string): string[] =>
      readdirSync(path.join(REPO, dir)).flatMap((f) => {
        const rel = path.posix.join(dir, f);
        return statSync(path.join(REPO, rel)).isDirectory() ? files(rel) : /\.tsx?$/.test(f) ? [rel] : [];
      });
    const resolve = (from: string, spec: string): string | null => {
      const base = spec.startsWith("@/") ? spec.slice(2) : spec.startsWith(".") ? path.posix.join(path.posix.dirname(from), spec) : null;
      if (!base) return null;
      for (const cand of [base, `${base}.ts`, `${base}.tsx`, `${base}/index.ts`]) {
        try {
          if (statSync(path.join(REPO, cand)).isFile()) return path.posix.normalize(cand);
        } catch {
          /* next candidate */
        }
      }
      return null;
    };
    const seen = new Set<string>();
    const queue = files("dev/simulators");
    while (queue.length > 0) {
      const f = queue.pop()!;
      if (seen.has(f)) continue;
      seen.add(f);
      const src = readFileSync(path.join(REPO, f), "utf8");
      // Type-only imports vanish when compiled: only what runs counts.
      for (const m of src.matchAll(/\b(?:import|export)\s(?!type\s)[^'"`;]*?\bfrom\s*["']([^"']+)["']|\bimport\s*\(\s*["']([^"']+)["']\s*\)/g)) {
        const target = resolve(f, m[1] ?? m[2]!);
        if (target) queue.push(target);
      }
    }
    return seen;
  }

  it("no simulator file reaches a client's schemas, mappers, cost functions or HTTP layer", () => {
    const closure = [...importClosure()];
    expect(closure.length).toBeGreaterThan(10);
    const clientCode = closure.filter(
      (f) =>
        /^lib\/providers\/(gong|salesloft|clari)\//.test(f) ||
        /^lib\/providers\/(http|parse|canonical|oauth|memory|index)\.ts$/.test(f) ||
        f.startsWith("lib/sync/"),
    );
    expect(clientCode).toEqual([]);
  });

  it("every Gong and Clari endpoint the clients use was validated", () => {
    const ops = new Set(checked.map((c) => c.operation));
    for (const op of ["listUsers", "listCalls", "getCall", "listCallsExtensive", "getCallTranscripts", "GET /users", "GET /calls", "GET /call-details"])
      expect(ops).toContain(op);
  });
});
