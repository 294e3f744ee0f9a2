// Event intake, registration and the debugging API: malformed payloads are rejected with 400 and
// a message, unknown function ids are reported (not crashed on), out-of-band sync via the SDK's
// own `PUT /api/inngest`, event-id de-duplication and the runs listing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, getJson, postEvents, serveApp, startHarness, type Harness } from "./harness";

let h: Harness;

beforeAll(async () => {
  h = await startHarness("intake");
});

afterAll(async () => {
  await h?.close();
});

describe("local Inngest runtime: intake and registration", () => {
  it("reports health", async () => {
    const res = await getJson<{ status: string; schema: string }>(`${h.runtime.url}/health`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: "ok", schema: h.schema });
  });

  it("rejects malformed event payloads with 400 and a message, storing nothing", async () => {
    const cases: Array<[unknown, boolean, RegExp]> = [
      ["{not json", true, /not valid JSON/],
      ["", true, /empty/],
      [42, false, /event object/],
      [{ data: {} }, false, /name/],
      [{ name: "" }, false, /name/],
      [{ name: "ok/x", data: "not-an-object" }, false, /data/],
      [[{ name: "ok/y" }, { data: {} }], false, /event\[1\].*name/],
    ];
    for (const [body, raw, message] of cases) {
      const res = await postEvents(h.runtime.url, body, raw);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error, JSON.stringify(body)).toMatch(message);
    }
    const stored = await h.sql<{ n: number }>(`SELECT count(*)::int AS n FROM $schema.events WHERE name IN ('ok/x', 'ok/y')`);
    expect(stored[0].n).toBe(0);
  });

  it("accepts a single object or an array and answers with ids, as the SDK expects", async () => {
    const one = await postEvents(h.runtime.url, { name: "test/one", data: { a: 1 } });
    expect(one).toMatchObject({ status: 200, body: { status: 200 } });
    expect(one.body.ids).toHaveLength(1);
    const many = await postEvents(h.runtime.url, [{ name: "test/many" }, { name: "test/many", data: { b: 2 } }]);
    expect(many.body.ids).toHaveLength(2);
    const empty = await postEvents(h.runtime.url, []);
    expect(empty).toMatchObject({ status: 200, body: { ids: [], status: 200 } });
  });

  it("registers out-of-band via the SDK's own PUT and de-duplicates events by id", async () => {
    const hits: string[] = [];
    const fn = h.client.createFunction({ id: "dedupe", triggers: [{ event: "test/dedupe" }] }, async ({ event }) => {
      hits.push(event.data.n as string);
      return event.data.n;
    });
    const app = await serveApp(h.client, [fn]);
    // The runtime only accepts registrations (and only sends requests) for app URLs it was given.
    h.runtime.allowAppUrl(app.url);
    try {
      // The SDK posts its configuration to <baseUrl>/fn/register (the runtime) when PUT.
      const put = await getJson<{ message: string; modified: boolean }>(app.url, { method: "PUT" });
      expect(put.status).toBe(200);
      const fns = await getJson<{ data: Array<{ id: string }> }>(`${h.runtime.url}/v1/functions`);
      expect(fns.body.data.map((f) => f.id)).toContain(h.fnId("dedupe"));

      await h.client.send({ id: "same-id", name: "test/dedupe", data: { n: "first" } });
      await h.client.send({ id: "same-id", name: "test/dedupe", data: { n: "second" } });
      await h.client.send({ name: "test/dedupe", data: { n: "third" } });
      await h.waitForRun(h.fnId("dedupe"), (r) => r.status === "Completed", { count: 2 });
      expect(hits.sort()).toEqual(["first", "third"]);
    } finally {
      await app.close();
    }
  });

  it("reports an unknown function id instead of crashing", async () => {
    const good = h.client.createFunction({ id: "good", triggers: [{ event: "test/good" }] }, async () => "fine");
    const app = await h.serve([good]);
    // A function the runtime knows about but the app does not serve (stale sync).
    const reg = await getJson<{ ok: boolean }>(`${h.runtime.url}/fn/register`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        url: app.url,
        appName: "ghost-app",
        functions: [
          {
            id: "ghost-app-ghost",
            name: "ghost",
            triggers: [{ event: "test/ghost" }],
            steps: {
              step: { id: "step", name: "step", runtime: { type: "http", url: `${app.url}?fnId=ghost-app-ghost&stepId=step` }, retries: { attempts: 0 } },
            },
          },
        ],
      }),
    });
    expect(reg.status).toBe(200);
    await h.client.send({ name: "test/ghost", data: {} });
    const [ghost] = await h.waitForRun("ghost-app-ghost", (r) => r.status === "Failed");
    expect(ghost.error?.message).toMatch(/ghost-app-ghost.*not found/i);

    // A run whose function was removed by a later sync fails with a clear error when it resumes.
    const sleepy = h.client.createFunction({ id: "sleepy", triggers: [{ event: "test/sleepy" }] }, async ({ step }) => {
      await step.sleep("zz", "1s");
      return "woke";
    });
    await h.serve([good, sleepy]);
    await h.client.send({ name: "test/sleepy", data: {} });
    const [sleeping] = await h.waitForRun(h.fnId("sleepy"));
    await eventually("sleepy to sleep", async () => ((await h.run(sleeping.id)).steps.some((s) => s.status === "sleeping") ? true : undefined));
    await h.serve([good]);
    const failed = await h.waitForStatus(sleeping.id, "Failed");
    expect(failed.error).toMatchObject({ name: "FunctionNotFoundError" });
    expect(failed.error?.message).toMatch(/unknown function id/);

    // Unknown run ids are a 404; the runtime keeps working.
    const missing = await getJson<{ error: string }>(`${h.runtime.url}/v1/runs/does-not-exist`);
    expect(missing.status).toBe(404);
    await h.client.send({ name: "test/good", data: {} });
    const [ok] = await h.waitForRun(h.fnId("good"), (r) => r.status === "Completed");
    expect(ok.output).toBe("fine");
  });

  it("waits for an app that went away without spending the run's attempts", async () => {
    const seen: string[] = [];
    const fn = h.client.createFunction({ id: "patient", triggers: [{ event: "test/patient" }], retries: 0 }, async ({ step }) => {
      await step.run("before", () => seen.push("before"));
      await step.sleep("gap", "1s");
      await step.run("after", () => seen.push("after"));
      return seen.length;
    });
    const first = await h.serve([fn]);
    const port = Number(new URL(first.url).port);
    await h.client.send({ name: "test/patient", data: {} });
    const [run] = await h.waitForRun(h.fnId("patient"));
    await eventually("the run to sleep", async () => ((await h.run(run.id)).steps.some((s) => s.status === "sleeping") ? true : undefined));
    await first.close();
    h.app = undefined;
    // The sleep ends while the app is down: the runtime records the failure and keeps retrying.
    const waiting = await eventually("a connection error", async () => {
      const r = (await h.runs({ function: h.fnId("patient") }))[0];
      return r.last_error?.message.includes("unreachable") ? r : undefined;
    });
    expect(waiting.status).toBe("Running");
    h.app = await serveApp(h.client, [fn], port);
    const done = await h.waitForStatus(run.id, "Completed");
    expect(done.attempts).toBe(0);
    expect(seen).toEqual(["before", "after"]);
  });

  it("rejects an invalid registration with 400", async () => {
    const res = await getJson<{ status: number; error: string }>(`${h.runtime.url}/fn/register`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ url: "not a url", functions: "nope" }),
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(/Invalid registration/);
  });

  it("lists runs filtered by status and function, with timings", async () => {
    const all = await h.runs();
    expect(all.length).toBeGreaterThan(0);
    const failed = await h.runs({ status: "Failed" });
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.every((r) => r.status === "Failed")).toBe(true);
    const good = await h.runs({ function: h.fnId("good") });
    expect(good.every((r) => r.function_id === h.fnId("good"))).toBe(true);
    expect(good[0]).toMatchObject({ status: "Completed", attempts: 0 });
    expect(Date.parse(good[0].ended_at!)).toBeGreaterThanOrEqual(Date.parse(good[0].created_at));
  });
});
