// The serve route only answers the bundled runtime: the runtime sends the shared key on every sync and
// step request, and requests without it are refused before any function runs.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serve } from "inngest/node";
import { RUNTIME_KEY_HEADER } from "@/inngest/runtime-key";
import { startHarness, type Harness } from "./harness";

const KEY = "runtime-key-runtime-key-runtime-key-0001";
process.env.INNGEST_APP_KEY = KEY;

describe("serve route guard", () => {
  it("refuses requests without the runtime's key or with another key, and passes the right key through", async () => {
    const { guardServeHandler } = await import("@/inngest/serve-guard");
    let calls = 0;
    const guarded = guardServeHandler(async (_req: Request) => {
      calls++;
      return new Response("ran");
    });
    const url = "http://localhost:3000/api/inngest?fnId=app-purge&stepId=step";
    const none = await guarded(new Request(url, { method: "POST", body: "{}" }));
    const wrong = await guarded(new Request(url, { method: "POST", body: "{}", headers: { [RUNTIME_KEY_HEADER]: `${KEY}x` } }));
    expect([none.status, wrong.status]).toEqual([401, 401]);
    expect((await none.json()).error.message).toMatch(/only answers the app's Inngest runtime/);
    expect(calls).toBe(0);
    const right = await guarded(new Request(url, { method: "POST", body: "{}", headers: { [RUNTIME_KEY_HEADER]: KEY } }));
    expect([right.status, await right.text(), calls]).toEqual([200, "ran", 1]);
  });
});

describe("local runtime with an app key", () => {
  let h: Harness;
  let server: http.Server;
  let appUrl: string;
  const seen: Array<{ method: string; key: string | undefined }> = [];

  beforeAll(async () => {
    h = await startHarness("appkey", { appKey: KEY });
    const fn = h.client.createFunction({ id: "keyed", triggers: [{ event: "test/keyed" }] }, async ({ step }) => step.run("one", () => "done"));
    const handler = serve({ client: h.client, functions: [fn] });
    // Like the app's route: the key is checked before the SDK sees the request.
    server = http.createServer((req, res) => {
      const key = req.headers[RUNTIME_KEY_HEADER] as string | undefined;
      seen.push({ method: req.method!, key });
      if (key !== KEY) {
        res.writeHead(401).end();
        return;
      }
      void handler(req, res);
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    appUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/inngest`;
  });
  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise<void>((r) => server?.close(() => r()));
    await h?.close();
  });

  it("sends the key when syncing and on every step request, so a keyed app runs its functions", async () => {
    await h.runtime.syncApp(appUrl);
    await h.client.send({ name: "test/keyed", data: {} });
    const [run] = await h.waitForRun(h.fnId("keyed"), (r) => r.status === "Completed");
    expect(run!.output).toBe("done");
    expect(seen.filter((s) => s.method === "POST").length).toBeGreaterThanOrEqual(1);
    expect(seen.every((s) => s.key === KEY)).toBe(true);
  });
});
