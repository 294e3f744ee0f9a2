import { afterAll, beforeEach, describe, expect, it, vi } from "vitest";

// The route wrappers (lib/api/): the session comes from next-auth (mocked), everything after it is real.
const sessionUser = vi.hoisted(() => ({ id: undefined as string | undefined }));
vi.mock("next-auth", async (orig) => ({
  ...(await orig<typeof import("next-auth")>()),
  getServerSession: async () => (sessionUser.id ? { user: { id: sessionUser.id } } : null),
}));
vi.mock("react", async (orig) => ({ ...(await orig<typeof import("react")>()), cache: <T>(fn: T) => fn }));

const { z } = await import("zod");
const { NextResponse } = await import("next/server");
const { actionNotFound, withIntegration } = await import("@/lib/api/integration");
const { withCall } = await import("@/lib/api/call");
const { db } = await import("@/lib/db");
const { parseInput } = await import("@/lib/validation");
const { callsWorkspace, canonicalCall, person } = await import("./fixture");

afterAll(() => db.$disconnect());
beforeEach(() => {
  sessionUser.id = undefined;
});

// As a page of the app sends a change: our Origin (APP_URL, set in tests/support/setup-env.ts) and JSON.
const post = (body: string) =>
  new Request("http://test/api", { method: "POST", body, headers: { "Content-Type": "application/json", Origin: new URL(process.env.APP_URL!).origin } });
const params = <P>(p: P) => ({ params: Promise.resolve(p) });
async function answer(res: Response) {
  return { status: res.status, body: (await res.json()) as { error?: { message: string }; [k: string]: unknown } };
}

describe("withIntegration", () => {
  const send = vi.fn(async () => undefined);
  const seen = vi.fn();
  const route = withIntegration(
    async (_req, { integration, actor, input }) => {
      seen(integration, actor, input);
      await actor.send([]);
      return NextResponse.json({ ok: true, period: input.period });
    },
    { send, input: z.object({ period: z.enum(["DAYS_30"], { error: "Choose a period." }) }) },
  );

  it("checks session, role, slug, body, input, then the integration, in that order", async () => {
    const w = await callsWorkspace();
    const ok = JSON.stringify({ period: "DAYS_30" });
    expect((await answer(await route(post(ok), params({ provider: "gong" })))).status).toBe(401);
    sessionUser.id = w.member.id;
    expect((await answer(await route(post(ok), params({ provider: "gong" })))).body.error?.message).toMatch(/Only workspace admins/);
    sessionUser.id = w.admin.id;
    expect(await answer(await route(post(ok), params({ provider: "zoom" })))).toMatchObject({
      status: 404,
      body: { error: { message: "That provider was not found." } },
    });
    expect(await answer(await route(post("{{"), params({ provider: "gong" })))).toMatchObject({
      status: 400,
      body: { error: { message: "The request body must be valid JSON." } },
    });
    // Bad input is a 400 even where there is no integration (Clari is not connected here)…
    expect(await answer(await route(post("{}"), params({ provider: "clari" })))).toMatchObject({
      status: 400,
      body: { error: { message: "Choose a period." } },
    });
    // …and good input on a provider without an integration is a 404.
    expect(await answer(await route(post(ok), params({ provider: "clari" })))).toMatchObject({
      status: 404,
      body: { error: { message: "That integration was not found." } },
    });
    expect(seen).not.toHaveBeenCalled();
  });

  it("hands the handler this workspace's integration, the actor with the route's sender, and the parsed input", async () => {
    const w = await callsWorkspace();
    await callsWorkspace(); // another workspace with its own Gong integration
    sessionUser.id = w.admin.id;
    const res = await answer(await route(post(JSON.stringify({ period: "DAYS_30", extra: 1 })), params({ provider: "gong" })));
    expect(res).toEqual({ status: 200, body: { ok: true, period: "DAYS_30" } });
    expect(seen).toHaveBeenCalledWith(
      expect.objectContaining({ id: w.integration.id, workspaceId: w.workspace.id, provider: "GONG" }),
      { workspaceId: w.workspace.id, userId: w.admin.id, send },
      { period: "DAYS_30" },
    );
    expect(send).toHaveBeenCalledTimes(1);
  });

  it("an unknown action or method: 403 for members, a JSON 404 for admins (slug checked first)", async () => {
    const w = await callsWorkspace();
    sessionUser.id = w.member.id;
    expect((await actionNotFound(post("{}"), params({ provider: "gong" }))).status).toBe(403);
    sessionUser.id = w.admin.id;
    expect(await answer(await actionNotFound(post("{}"), params({ provider: "gong" })))).toMatchObject({
      status: 404,
      body: { error: { message: "That action was not found." } },
    });
    expect(await answer(await actionNotFound(new Request("http://test/api"), params({ provider: "__proto__" })))).toMatchObject({
      status: 404,
      body: { error: { message: "That provider was not found." } },
    });
  });
});

describe("withCall", () => {
  const route = withCall(async (_req, { call }) => NextResponse.json({ id: call.id, workspaceId: call.workspaceId }));

  it("loads the call through the visibility rule: someone else's private call, another workspace's call and a bad id are all 404", async () => {
    const w = await callsWorkspace();
    const other = await callsWorkspace();
    const ids = await w.ingest([
      canonicalCall("open", [person(w.member.email, "INTERNAL")]),
      canonicalCall("secret", [person(w.rep.email, "INTERNAL")], { isPrivate: true }),
    ]);
    const get = async (callId: string) => answer(await route(new Request("http://test/api"), params({ callId })));
    expect((await get(ids.open!)).status).toBe(401);
    sessionUser.id = w.member.id;
    expect(await get(ids.open!)).toEqual({ status: 200, body: { id: ids.open, workspaceId: w.workspace.id } });
    for (const id of [ids.secret!, "x", "a".repeat(300)])
      expect(await get(id)).toMatchObject({ status: 404, body: { error: { message: "That call was not found." } } });
    sessionUser.id = w.rep.id;
    expect((await get(ids.secret!)).status).toBe(200);
    sessionUser.id = w.admin.id;
    expect((await get(ids.secret!)).status).toBe(200);
    sessionUser.id = other.admin.id;
    expect((await get(ids.open!)).status).toBe(404);
  });

  it("validates input before loading the call, when the route asks for it", async () => {
    const w = await callsWorkspace();
    const other = await callsWorkspace();
    const ids = await w.ingest([canonicalCall("c", [person(w.member.email, "INTERNAL")])]);
    const withInput = withCall(async (_req, { input }) => NextResponse.json(input), {
      input: async (req: Request) => parseInput(z.object({ n: z.number({ error: "n must be a number." }) }), await req.json()),
    });
    sessionUser.id = other.member.id;
    // Not this viewer's call: a bad body is still refused as input first.
    expect(await answer(await withInput(post('{"n":"x"}'), params({ callId: ids.c! })))).toMatchObject({
      status: 400,
      body: { error: { message: "n must be a number." } },
    });
    expect((await withInput(post('{"n":1}'), params({ callId: ids.c! }))).status).toBe(404);
    sessionUser.id = w.member.id;
    expect(await answer(await withInput(post('{"n":1}'), params({ callId: ids.c! })))).toEqual({ status: 200, body: { n: 1 } });
  });
});
