// Issue 15, item 1, against the production stack (npm start with INNGEST_LOCAL=1, as playwright.config.ts
// starts it): the bundled job runtime listens on 127.0.0.1 and answers only signed requests with the right
// Host; /api/inngest accepts a signed request once (a captured one replayed is a 401); and npm start
// without Inngest keys refuses to start, saying what to set.
import { spawn } from "node:child_process";
import http from "node:http";
import { expect, test } from "@playwright/test";
import { signRequest, SIGNATURE_HEADER } from "../inngest/runtime-signature";
import { runtimeKey, stack } from "./abuse-support";

const JSON_TYPE = { "content-type": "application/json" };

function raw(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { headers }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode!));
    });
    req.on("error", reject);
    req.end();
  });
}

test.describe("[inngest] job runtime and /api/inngest", () => {
  test("[inngest] the bundled runtime listens on 127.0.0.1 and still runs the app's jobs (signed both ways)", async () => {
    const base = stack().inngestUrl!;
    expect(new URL(base).hostname).toBe("127.0.0.1");
    const url = `${base}/v1/functions`;
    const res = await fetch(url, { headers: { [SIGNATURE_HEADER]: signRequest(runtimeKey(), { method: "GET", url, body: "" }) } });
    expect(res.status).toBe(200);
    const ids = ((await res.json()) as { data: Array<{ id: string }> }).data.map((f) => f.id);
    // The runtime synced the app: its signed PUT passed the serve route's check.
    expect(ids).toContain("callsync-integration-purge");
  });

  test("[inngest] the runtime refuses unsigned and static-key requests on every endpoint", async () => {
    const base = stack().inngestUrl!;
    const endpoints: Array<[string, string, unknown?]> = [
      ["POST", "/e/key", { name: "integration/purge.requested", data: { integrationId: "x" } }],
      ["GET", "/v1/runs"],
      ["GET", "/v1/events"],
      ["GET", "/v1/functions"],
      ["POST", "/fn/register", { url: "http://127.0.0.1:9/api/inngest", appName: "evil", functions: [] }],
      ["POST", "/v1/apps/sync", { url: "http://127.0.0.1:9/api/inngest" }],
    ];
    for (const [method, p, body] of endpoints) {
      for (const extra of [{}, { "x-callsync-runtime-key": runtimeKey() }, { authorization: `Bearer ${runtimeKey()}` }] as Array<Record<string, string>>) {
        const res = await fetch(`${base}${p}`, { method, headers: { ...JSON_TYPE, ...extra }, body: body === undefined ? undefined : JSON.stringify(body) });
        expect(res.status, `${method} ${p}`).toBe(401);
      }
    }
    // A page under another name (DNS rebinding) is refused before anything else.
    expect(await raw(`${base}/v1/runs`, { host: "rebind.example:80" })).toBe(403);
    expect(await raw(`${base}/v1/runs`, { origin: "http://rebind.example" })).toBe(403);
  });

  test("[inngest] a signed request to /api/inngest is accepted once; the captured request replayed is a 401", async () => {
    const { appUrl } = stack();
    const url = `${appUrl}/api/inngest`;
    const headers = { [SIGNATURE_HEADER]: signRequest(runtimeKey(), { method: "GET", url, body: "" }) };
    const first = await fetch(url, { headers });
    expect(first.status).toBe(200);
    expect(await first.text()).toMatch(/function_count|functionsFound|"mode"/);
    const replay = await fetch(url, { headers });
    expect(replay.status).toBe(401);
    expect(((await replay.json()) as { error: { message: string } }).error.message).toMatch(/already used/);

    // The same for an invocation: captured once, refused the second time, whatever the first answer was.
    const invokeUrl = `${appUrl}/api/inngest?fnId=callsync-no-such-function&stepId=step`;
    const body = JSON.stringify({ event: { name: "x", data: {} }, events: [], steps: {}, ctx: { run_id: "01CAPTURED", attempt: 0, stack: { stack: [] } } });
    const signed = { ...JSON_TYPE, [SIGNATURE_HEADER]: signRequest(runtimeKey(), { method: "POST", url: invokeUrl, body }) };
    expect((await fetch(invokeUrl, { method: "POST", headers: signed, body })).status).not.toBe(401);
    expect((await fetch(invokeUrl, { method: "POST", headers: signed, body })).status).toBe(401);

    // The old static key opens nothing.
    const keyed = await fetch(url, { headers: { "x-callsync-runtime-key": runtimeKey() } });
    expect(keyed.status).toBe(401);
  });

  test("[inngest] npm start without Inngest keys refuses to start and says what to set", async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: stack().databaseUrl };
    for (const k of Object.keys(env)) if (k.startsWith("INNGEST_")) delete env[k];
    const proc = spawn("node_modules/.bin/tsx", ["scripts/start.ts", "--port", "1"], { env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    proc.stdout.on("data", (d) => (output += d));
    proc.stderr.on("data", (d) => (output += d));
    const code = await new Promise<number | null>((resolve) => proc.once("exit", resolve));
    expect(code).toBe(1);
    expect(output).toMatch(/INNGEST_SIGNING_KEY and INNGEST_EVENT_KEY are not set/);
    expect(output).toMatch(/INNGEST_LOCAL=1/);
    expect(output).not.toMatch(/Callsync \(production\)/);
  });
});
