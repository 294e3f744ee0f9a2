// The app's own client and functions (inngest/client.ts, inngest/functions): a unit test with
// @inngest/test, and the same code driven end to end through the local runtime with nothing but
// the SDK's env vars (INNGEST_DEV / INNGEST_BASE_URL) pointing at it.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { InngestTestEngine } from "@inngest/test";
import { heartbeat } from "@/inngest/functions/heartbeat";
import { events } from "@/inngest/client";
import { serveApp, startHarness, type Harness, type ServedApp } from "./harness";

describe("heartbeat (unit, @inngest/test)", () => {
  it("returns the pong step's result for a ping", async () => {
    const t = new InngestTestEngine({
      function: heartbeat,
      events: [{ name: "callsync/test.ping", data: { message: "hi" } }],
    });
    const { result, ctx } = await t.execute();
    expect(result).toMatchObject({ pong: true, message: "hi" });
    expect(ctx.step.run).toHaveBeenCalledWith("pong", expect.any(Function));
  });

  it("uses memoized step state instead of re-running the step", async () => {
    const t = new InngestTestEngine({
      function: heartbeat,
      events: [{ name: "callsync/test.ping", data: {} }],
      steps: [{ id: "pong", handler: () => ({ pong: false, message: "mocked" }) }],
    });
    const { result } = await t.execute();
    expect(result).toMatchObject({ pong: false, message: "mocked" });
  });
});

describe("app functions through the local runtime", () => {
  let h: Harness;
  let app: ServedApp;
  const saved = { dev: process.env.INNGEST_DEV, base: process.env.INNGEST_BASE_URL };

  beforeAll(async () => {
    h = await startHarness("app");
    // Exactly what `npm run dev` will set; the app code itself is unchanged.
    process.env.INNGEST_DEV = "1";
    process.env.INNGEST_BASE_URL = h.runtime.url;
    // lib/env is read once per module instance, and the imports above loaded it before INNGEST_BASE_URL was set.
    vi.resetModules();
    const { inngest } = await import("@/inngest/client");
    const { functions } = await import("@/inngest/functions");
    app = await serveApp(inngest, functions);
    await h.runtime.syncApp(app.url);
  });

  afterAll(async () => {
    process.env.INNGEST_DEV = saved.dev;
    process.env.INNGEST_BASE_URL = saved.base;
    if (saved.dev === undefined) delete process.env.INNGEST_DEV;
    if (saved.base === undefined) delete process.env.INNGEST_BASE_URL;
    await app?.close();
    await h?.close();
  });

  it("serves the app's functions and runs callsync/test.ping sent with inngest.send()", async () => {
    const { inngest } = await import("@/inngest/client");
    const { ids } = await inngest.send(events.testPing.create({ message: "e2e" }));
    expect(ids).toHaveLength(1);
    const [run] = await h.waitForRun("callsync-heartbeat", (r) => r.status === "Completed");
    expect(run.output).toMatchObject({ pong: true, message: "e2e" });
  });
});
