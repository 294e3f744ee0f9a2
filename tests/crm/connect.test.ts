import { afterAll, beforeEach, describe, expect, it, vi } from "vitest";

// Connecting a CRM and the admin routes: one CRM per workspace, the Salesforce login host choice, the
// route wrappers' checks (a rep is refused, another workspace's CRM is not found), Disconnect keeps the
// deals marked as no longer syncing. The session comes from next-auth (mocked); everything else is real.
const sessionUser = vi.hoisted(() => ({ id: undefined as string | undefined }));
vi.mock("next-auth", async (orig) => ({
  ...(await orig<typeof import("next-auth")>()),
  getServerSession: async () => (sessionUser.id ? { user: { id: sessionUser.id } } : null),
}));
vi.mock("react", async (orig) => ({ ...(await orig<typeof import("react")>()), cache: <T>(fn: T) => fn }));

const { db } = await import("@/lib/db");
const { ConflictError, ValidationError } = await import("@/lib/errors");
const { crmLoginHost, disconnectCrm, findCrmIntegration, startCrmOAuth, syncCrmNow } = await import("@/lib/crm/connect");
const { withCrmAction } = await import("@/lib/api/crm");
const disconnectRoute = await import("@/app/api/crm/[provider]/disconnect/route");
const syncRoute = await import("@/app/api/crm/[provider]/sync/route");
const connectRoute = await import("@/app/api/crm/[provider]/connect/route");
const { crmWorkspace } = await import("./harness");

afterAll(() => db.$disconnect());
beforeEach(() => {
  sessionUser.id = undefined;
});

const post = (body = "{}", origin = new URL(process.env.APP_URL!).origin) =>
  new Request("http://test/api", { method: "POST", body, headers: { "Content-Type": "application/json", Origin: origin } });
const params = (provider: string) => ({ params: Promise.resolve({ provider }) });
async function answer(res: Response) {
  return { status: res.status, body: (await res.json()) as { error?: { code: string; message: string; fields?: Record<string, string> }; ok?: boolean } };
}

describe("one CRM per workspace", () => {
  it("refuses to connect a second CRM while one is connected, with a message saying what to do", async () => {
    const w = await crmWorkspace("HUBSPOT");
    await w.importAll();
    const actor = { workspaceId: w.workspace.id, userId: w.admin.id, send: w.send };
    const error = await startCrmOAuth(actor, "SALESFORCE", {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as Error).message).toBe(
      "HubSpot is already this workspace's CRM. A workspace syncs deals from one CRM: disconnect HubSpot first, then connect Salesforce.",
    );
    expect(await db.integration.findFirst({ where: { workspaceId: w.workspace.id, provider: "SALESFORCE" } })).toBeNull();
    // The route answers 409 with it.
    sessionUser.id = w.admin.id;
    expect(await answer(await connectRoute.POST(post(), params("salesforce")))).toMatchObject({
      status: 409,
      body: { error: { code: "CONFLICT", message: expect.stringContaining("disconnect HubSpot first") } },
    });
    // Once disconnected, the slot is free (the refusal no longer applies).
    await disconnectCrm(actor, await findCrmIntegration(w.workspace.id, "HUBSPOT"));
    const next = await startCrmOAuth(actor, "SALESFORCE", {}).catch((e: unknown) => e);
    expect(next).not.toBeInstanceOf(ConflictError);
  });
});

describe("Salesforce login host", () => {
  it("offers production, sandbox and a My Domain that must be https on a Salesforce host", () => {
    expect(crmLoginHost("SALESFORCE", {})).toBe(process.env.SALESFORCE_LOGIN_URL ?? "https://login.salesforce.com");
    expect(crmLoginHost("SALESFORCE", { loginHost: "sandbox" })).toBe(process.env.SALESFORCE_SANDBOX_LOGIN_URL ?? "https://test.salesforce.com");
    expect(crmLoginHost("SALESFORCE", { loginHost: "custom", myDomain: "acme.my.salesforce.com" })).toBe("https://acme.my.salesforce.com");
    expect(crmLoginHost("SALESFORCE", { loginHost: "custom", myDomain: "https://acme--uat.sandbox.my.salesforce.com/" })).toBe(
      "https://acme--uat.sandbox.my.salesforce.com",
    );
    for (const bad of ["evil.example", "http://acme.my.salesforce.com", "acme.my.salesforce.com.evil.example", "https://u:p@acme.my.salesforce.com", ""]) {
      expect(() => crmLoginHost("SALESFORCE", { loginHost: "custom", myDomain: bad }), bad).toThrow(ValidationError);
    }
    expect(crmLoginHost("HUBSPOT", {})).toBeNull();
    expect(() => crmLoginHost("HUBSPOT", { loginHost: "sandbox" })).toThrow(ValidationError);
  });
});

describe("CRM routes", () => {
  it("refuse without a session, refuse a rep, and find no CRM of another workspace", async () => {
    const mine = await crmWorkspace("HUBSPOT");
    await mine.importAll();
    const other = await crmWorkspace("HUBSPOT");
    expect((await answer(await disconnectRoute.POST(post(), params("hubspot")))).status).toBe(401);
    sessionUser.id = mine.member.id;
    expect(await answer(await disconnectRoute.POST(post(), params("hubspot")))).toMatchObject({ status: 403 });
    expect(await answer(await syncRoute.POST(post(), params("hubspot")))).toMatchObject({ status: 403 });
    // The other workspace's admin: its own workspace has no HubSpot connection yet (row only) -> not this one's.
    sessionUser.id = other.admin.id;
    await db.integration.delete({ where: { id: other.integrationId } });
    expect(await answer(await disconnectRoute.POST(post(), params("hubspot")))).toMatchObject({ status: 404 });
    sessionUser.id = mine.admin.id;
    expect(await answer(await disconnectRoute.POST(post(), params("gong")))).toMatchObject({ status: 404 });
    expect(await answer(await disconnectRoute.POST(post("{}", "https://evil.example"), params("hubspot")))).toMatchObject({ status: 403 });
    // Nothing was disconnected by any of them.
    expect((await db.integration.findUniqueOrThrow({ where: { id: mine.integrationId } })).status).toBe("CONNECTED");
  });

  it("Disconnect keeps the deals, marked as no longer syncing; Sync now takes the lease once", async () => {
    const w = await crmWorkspace("HUBSPOT");
    w.fake.putDeal({ crmId: "d1", name: "Kept" });
    await w.importAll();
    sessionUser.id = w.admin.id;
    const sent: unknown[] = [];
    const sync = withCrmAction(syncCrmNow, { send: async (e) => void sent.push(e) });
    expect(await answer(await sync(post(), params("hubspot")))).toMatchObject({ status: 200, body: { ok: true } });
    expect(await answer(await sync(post(), params("hubspot")))).toMatchObject({ status: 409 });
    expect(sent).toHaveLength(1);
    const disconnect = withCrmAction(disconnectCrm, { send: async () => undefined });
    expect(await answer(await disconnect(post(), params("hubspot")))).toMatchObject({ status: 200 });
    const deal = await db.deal.findFirstOrThrow({ where: { workspaceId: w.workspace.id, crmDealId: "d1" } });
    expect(deal.crmSyncStoppedAt).not.toBeNull();
    const integration = await db.integration.findUniqueOrThrow({ where: { id: w.integrationId } });
    expect(integration).toMatchObject({ status: "DISCONNECTED", credentialsEnc: null });
    expect(await answer(await sync(post(), params("hubspot")))).toMatchObject({ status: 409 });
  });
});
