// The bundled runtime's own door (dev/inngest-runtime/auth.ts): it listens on 127.0.0.1 unless told
// otherwise, answers only requests signed with the shared key (over method, path, timestamp and body,
// each signature once), takes only JSON, refuses foreign Host/Origin headers (DNS rebinding), and never
// sends a request - let alone a signature - to a URL that is not one of its configured apps.
import http from "node:http";
import { spawn } from "node:child_process";
import path from "node:path";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalInngest } from "@/dev/inngest-runtime";
import { signingFetch, signRequest, SIGNATURE_HEADER } from "@/inngest/runtime-signature";
import { eventually, RUNTIME_KEY, signedHeaders, startHarness, uniqueName, type Harness } from "./harness";

let h: Harness;
beforeAll(async () => {
  h = await startHarness("auth");
});
afterAll(async () => {
  await h?.close();
});

const JSON_TYPE = { "content-type": "application/json" };
const storedEvents = async (name: string) => (await h.sql<{ n: number }>(`SELECT count(*)::int AS n FROM $schema.events WHERE name = $1`, [name]))[0]!.n;

/** A raw HTTP request (fetch would not let a test set Host). */
function raw(url: string, opts: { method?: string; headers?: Record<string, string>; body?: string }): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: opts.method ?? "GET", headers: opts.headers }, (res) => {
      let text = "";
      res.on("data", (d) => (text += d));
      res.on("end", () => resolve({ status: res.statusCode!, text }));
    });
    req.on("error", reject);
    req.end(opts.body);
  });
}

/** An HTTP server that records every request it gets: a URL the runtime must never call. */
async function captureServer() {
  const seen: Array<{ method: string; url: string; headers: http.IncomingHttpHeaders }> = [];
  const server = http.createServer((req, res) => {
    seen.push({ method: req.method!, url: req.url!, headers: req.headers });
    res.writeHead(200, { "content-type": "application/json" }).end("{}");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/inngest`;
  return { url, seen, close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))) };
}

describe("local Inngest runtime: who may call it", () => {
  const endpoints: Array<[string, string, unknown?]> = [
    ["POST", "/e/key", { name: "auth/unsigned", data: {} }],
    ["GET", "/v1/runs"],
    ["GET", "/v1/runs/some-run"],
    ["GET", "/v1/events"],
    ["GET", "/v1/functions"],
    ["POST", "/fn/register", { url: "http://127.0.0.1:1/api/inngest", appName: "x", functions: [] }],
    ["POST", "/v1/apps/sync", { url: "http://127.0.0.1:1/api/inngest" }],
    ["POST", "/v1/runs/some-run/cancel", {}],
  ];

  it("refuses unsigned requests, and the old static key as header or bearer, on every endpoint but /health", async () => {
    for (const [method, p, body] of endpoints) {
      for (const extra of [{}, { "x-callsync-runtime-key": RUNTIME_KEY }, { authorization: `Bearer ${RUNTIME_KEY}` }] as Array<Record<string, string>>) {
        const res = await fetch(`${h.runtime.url}${p}`, {
          method,
          headers: { ...JSON_TYPE, ...extra },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        expect(res.status, `${method} ${p} ${Object.keys(extra)}`).toBe(401);
        expect((await res.json()).error).toMatch(/signed with INNGEST_APP_KEY/);
      }
    }
    expect(await storedEvents("auth/unsigned")).toBe(0);
    const health = await fetch(`${h.runtime.url}/health`);
    expect([health.status, (await health.json()).status]).toEqual([200, "ok"]);
  });

  it("refuses another key, a changed body, another path and an expired timestamp", async () => {
    const url = `${h.runtime.url}/e/key`;
    const body = JSON.stringify({ name: "auth/tampered", data: { amount: 1 } });
    const cases: Array<[string, string, string]> = [
      ["another key", signRequest("another-key-another-key-another-key-0001", { method: "POST", url, body }), body],
      ["changed body", signRequest(RUNTIME_KEY, { method: "POST", url, body }), body.replace("1", "1000")],
      ["another path", signRequest(RUNTIME_KEY, { method: "POST", url: `${h.runtime.url}/e/other`, body }), body],
      ["another method", signRequest(RUNTIME_KEY, { method: "PUT", url, body }), body],
      ["expired", signRequest(RUNTIME_KEY, { method: "POST", url, body }, Date.now() - 6 * 60_000), body],
      ["from the future", signRequest(RUNTIME_KEY, { method: "POST", url, body }, Date.now() + 6 * 60_000), body],
    ];
    for (const [what, signature, sent] of cases) {
      const res = await fetch(url, { method: "POST", headers: { ...JSON_TYPE, [SIGNATURE_HEADER]: signature }, body: sent });
      expect(res.status, what).toBe(401);
    }
    expect(await storedEvents("auth/tampered")).toBe(0);
  });

  it("accepts a signed request once: the same request sent again is refused and stores nothing", async () => {
    const url = `${h.runtime.url}/e/key`;
    const body = JSON.stringify({ name: "auth/once", data: {} });
    const headers = { ...JSON_TYPE, ...signedHeaders("POST", url, body) };
    const first = await fetch(url, { method: "POST", headers, body });
    expect(first.status).toBe(200);
    const replay = await fetch(url, { method: "POST", headers, body });
    expect(replay.status).toBe(401);
    expect((await replay.json()).error).toMatch(/already used/);
    expect(await storedEvents("auth/once")).toBe(1);
  });

  it("refuses bodies that are not JSON with 415, storing nothing", async () => {
    const url = `${h.runtime.url}/e/key`;
    const body = JSON.stringify({ name: "auth/not-json", data: {} });
    for (const type of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", ""]) {
      const headers: Record<string, string> = { ...signedHeaders("POST", url, body) };
      if (type) headers["content-type"] = type;
      const res = await raw(url, { method: "POST", headers, body });
      expect(res.status, type || "no type").toBe(415);
      expect(JSON.parse(res.text).error).toMatch(/JSON/);
    }
    expect(await storedEvents("auth/not-json")).toBe(0);
  });

  it("refuses a foreign Host or Origin (DNS rebinding) even when signed", async () => {
    const url = `${h.runtime.url}/e/key`;
    const body = JSON.stringify({ name: "auth/rebind", data: {} });
    const port = h.runtime.port;
    const cases: Array<[string, Record<string, string>]> = [
      ["foreign host", { host: `evil.example:${port}` }],
      ["loopback name, other port", { host: "127.0.0.1:1" }],
      ["foreign origin", { origin: "http://evil.example" }],
      ["null origin", { origin: "null" }],
      ["same host, other port origin", { origin: "http://localhost:3000" }],
    ];
    for (const [what, extra] of cases) {
      const res = await raw(url, { method: "POST", headers: { ...JSON_TYPE, ...signedHeaders("POST", url, body), ...extra }, body });
      expect(res.status, what).toBe(403);
    }
    const health = await raw(`${h.runtime.url}/health`, { headers: { host: "evil.example" } });
    expect(health.status).toBe(403);
    expect(await storedEvents("auth/rebind")).toBe(0);
    const ok = await raw(url, { method: "POST", headers: { ...JSON_TYPE, ...signedHeaders("POST", url, body), host: `localhost:${port}` }, body });
    expect(ok.status).toBe(200);
  });

  it("never calls, and so never signs for, a URL that is not a configured app URL", async () => {
    const foreign = await captureServer();
    try {
      const sync = JSON.stringify({ url: foreign.url });
      const syncUrl = `${h.runtime.url}/v1/apps/sync`;
      const synced = await fetch(syncUrl, { method: "POST", headers: { ...JSON_TYPE, ...signedHeaders("POST", syncUrl, sync) }, body: sync });
      expect(synced.status).toBe(403);
      expect((await synced.json()).error).toMatch(/not a configured app URL/);

      const fnId = uniqueName("foreign");
      const register = JSON.stringify({
        url: foreign.url,
        appName: "foreign-app",
        functions: [
          {
            id: fnId,
            name: fnId,
            triggers: [{ event: "auth/foreign" }],
            steps: { step: { id: "step", name: "step", runtime: { type: "http", url: `${foreign.url}?fnId=${fnId}&stepId=step` } } },
          },
        ],
      });
      const registerUrl = `${h.runtime.url}/fn/register`;
      const registered = await fetch(registerUrl, {
        method: "POST",
        headers: { ...JSON_TYPE, ...signedHeaders("POST", registerUrl, register) },
        body: register,
      });
      expect(registered.status).toBe(403);
      expect(await h.sql(`SELECT id FROM $schema.functions WHERE id = $1`, [fnId])).toEqual([]);

      // A function row pointing elsewhere (left by an older sync): its run fails, nothing is sent there.
      await h.sql(`INSERT INTO $schema.functions (id, app_id, name, url, config, updated_at) VALUES ($1, 'old-app', $1, $2, $3, 0)`, [
        fnId,
        foreign.url,
        JSON.parse(register).functions[0],
      ]);
      await h.client.send({ name: "auth/foreign", data: {} });
      const [run] = await h.waitForRun(fnId, (r) => r.status === "Failed");
      expect(run!.error?.message).toMatch(/not a configured app URL/);
      expect(foreign.seen).toEqual([]);
    } finally {
      await foreign.close();
    }
  });

  it("signs its own requests: the app sees a fresh signature on each sync and step request, never the key", async () => {
    const seen: Array<{ method: string; signature: string | undefined; raw: string }> = [];
    const fn = h.client.createFunction({ id: "signed", triggers: [{ event: "auth/signed" }] }, async ({ step }) => step.run("one", () => "done"));
    const app = await h.serve([fn]);
    const probe = http.createServer((req, res) => {
      let raw = "";
      req.on("data", (d) => (raw += d));
      req.on("end", () => {
        seen.push({ method: req.method!, signature: req.headers[SIGNATURE_HEADER] as string | undefined, raw: JSON.stringify(req.headers) + raw });
        res.writeHead(502).end();
      });
    });
    await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
    const probeUrl = `http://127.0.0.1:${(probe.address() as AddressInfo).port}/api/inngest`;
    try {
      await expect(h.runtime.syncApp(probeUrl)).rejects.toThrow(/502/);
      expect(seen).toHaveLength(1);
      expect(seen[0]!.signature).toMatch(/^t=\d+&n=[\w-]+&s=[0-9a-f]{64}$/);
      expect(seen[0]!.raw).not.toContain(RUNTIME_KEY);
      await h.client.send({ name: "auth/signed", data: {} });
      const [run] = await h.waitForRun(h.fnId("signed"), (r) => r.status === "Completed");
      expect(run!.output).toBe("done");
      expect(app.url).toMatch(/^http:\/\/127\.0\.0\.1:/);
    } finally {
      probe.closeAllConnections();
      await new Promise<void>((r) => probe.close(() => r()));
    }
  });
});

describe("the app's side: its Inngest client signs for the runtime only", () => {
  it("signs requests to the runtime's origin, sends others unsigned, and never follows a redirect with a signature", async () => {
    const runtime = await captureServer();
    const other = await captureServer();
    const redirector = http.createServer((_req, res) => res.writeHead(307, { location: other.url }).end());
    await new Promise<void>((r) => redirector.listen(0, "127.0.0.1", r));
    const redirectUrl = `http://127.0.0.1:${(redirector.address() as AddressInfo).port}/e/key`;
    try {
      const signed = signingFetch(RUNTIME_KEY, [runtime.url, redirectUrl]);
      await signed(`${runtime.url.replace("/api/inngest", "")}/e/key`, { method: "POST", body: "{}" });
      await signed(other.url, { method: "POST", body: "{}" });
      await expect(signed(redirectUrl, { method: "POST", body: "{}" })).rejects.toThrow();
      expect(runtime.seen).toHaveLength(1);
      expect(runtime.seen[0]!.headers[SIGNATURE_HEADER]).toMatch(/^t=\d+&n=/);
      expect(other.seen).toHaveLength(1);
      expect(other.seen[0]!.headers[SIGNATURE_HEADER]).toBeUndefined();
    } finally {
      redirector.closeAllConnections();
      await new Promise<void>((r) => redirector.close(() => r()));
      await runtime.close();
      await other.close();
    }
  });
});

describe("local Inngest runtime: where it listens and what it needs", () => {
  it("binds 127.0.0.1 when no host is given", async () => {
    const schema = uniqueName("il_bind");
    const runtime = await startLocalInngest({ databaseUrl: process.env.DATABASE_URL!, port: 0, schema, appKey: RUNTIME_KEY, logLevel: "silent" });
    try {
      expect(runtime.address).toBe("127.0.0.1");
      expect(runtime.url).toBe(`http://127.0.0.1:${runtime.port}`);
    } finally {
      await runtime.stop();
      await h.sql(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    }
  });

  it("does not start without a key (library and standalone entry)", async () => {
    await expect(startLocalInngest({ databaseUrl: process.env.DATABASE_URL!, port: 0, logLevel: "silent" } as never)).rejects.toThrow(
      /appKey \(INNGEST_APP_KEY\)/,
    );
    const root = path.resolve(import.meta.dirname, "..", "..");
    const env: NodeJS.ProcessEnv = { ...process.env, INNGEST_LOCAL_PORT: "0", INNGEST_LOCAL_SCHEMA: uniqueName("il_nokey") };
    delete env.INNGEST_APP_KEY;
    const proc = spawn(process.execPath, ["--import", "tsx", path.join(root, "dev/inngest-runtime/main.ts")], {
      cwd: root,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    proc.stdout.on("data", (d) => (output += d));
    proc.stderr.on("data", (d) => (output += d));
    const code = await eventually("the standalone runtime to exit", () => proc.exitCode ?? undefined, { timeoutMs: 20_000, intervalMs: 50 });
    expect(code).toBe(1);
    expect(output).toMatch(/INNGEST_APP_KEY is required/);
  });
});
