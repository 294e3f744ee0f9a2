// OAuth is bound to the admin and the browser that started it (issue 15, item 3), and a token response
// naming an API host we did not choose connects nothing (item 4), on the real database with the
// simulators. The callback needs the starting admin's session AND the attempt's nonce (the browser
// cookie set when the attempt started; only its hash is stored). A refusal for a missing session or
// cookie neither spends the attempt nor stores anything, and carries its own message.
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSyncHarness, type SyncHarness } from "../support/sync-harness";

let h: SyncHarness;
let connect: typeof import("@/lib/integrations/connect");
let binding: typeof import("@/lib/integrations/oauth-binding");
let admin2 = "";

beforeAll(async () => {
  h = await startSyncHarness({ seed: 3, callsPerUser: 2 }, { ownDatabase: true });
  connect = await import("@/lib/integrations/connect");
  binding = await import("@/lib/integrations/oauth-binding");
  const other = await h.db.user.create({ data: { email: "second-admin@acme.test", name: "Second Admin" } });
  await h.db.membership.create({ data: { userId: other.id, workspaceId: h.actor.workspaceId, role: "ADMIN", status: "ACTIVE" } });
  admin2 = other.id;
}, 60_000);
afterAll(async () => {
  await h?.close();
});

/** Starts an attempt as the harness admin and answers the consent page (Allow). */
async function attempt(provider: "GONG" | "SALESLOFT" = "GONG") {
  const started = await connect.startOAuth(h.actor, provider);
  const params = await h.consent(started.authorizationUrl, "allow");
  return { ...started, params };
}
const integrationOf = (id: string) => h.db.integration.findUniqueOrThrow({ where: { id }, select: { credentialsEnc: true, status: true, apiBaseUrl: true } });
const attemptRow = (state: string) => h.db.oAuthState.findUniqueOrThrow({ where: { state } });

describe("the callback is bound to the admin and the browser that started the attempt", () => {
  it("the starting admin with the attempt's nonce connects; only the nonce's hash is stored; the attempt is single use", async () => {
    const a = await attempt("SALESLOFT");
    expect(a.browserNonce).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const row = await attemptRow(a.state);
    expect(row.nonceHash).toBe(createHash("sha256").update(a.browserNonce).digest("hex"));
    expect(JSON.stringify(row)).not.toContain(a.browserNonce);
    const caller = { userId: h.actor.userId, browserNonce: a.browserNonce };
    expect((await connect.completeOAuth(a.params, caller)).outcome).toBe("ok");
    expect((await integrationOf(a.integrationId)).credentialsEnc).toBeTruthy();
    expect((await connect.completeOAuth(a.params, caller)).outcome).toBe("invalid");
    // Replayed after the callback cleared the cookie: still "invalid" (already used), not "another browser".
    expect((await connect.completeOAuth(a.params, { userId: h.actor.userId, browserNonce: null })).outcome).toBe("invalid");
  });

  for (const [name, caller] of [
    ["no session (another browser), with the nonce", (n: string) => ({ userId: null, browserNonce: n })],
    ["no session and no nonce", () => ({ userId: null, browserNonce: null })],
    ["the admin's session without the nonce (the admin signed in in another browser)", () => ({ userId: "ADMIN", browserNonce: null })],
    ["the admin's session with another attempt's nonce", () => ({ userId: "ADMIN", browserNonce: "OTHER" })],
    ["the admin's session with a forged nonce", () => ({ userId: "ADMIN", browserNonce: "x".repeat(43) })],
  ] as Array<[string, (n: string) => { userId: string | null; browserNonce: string | null }]>) {
    it(`${name}: refused as another browser, nothing stored, the attempt still open for the right browser`, async () => {
      const a = await attempt();
      const other = await connect.startOAuth(h.actor, "SALESLOFT");
      const before = await integrationOf(a.integrationId);
      const c = caller(a.browserNonce);
      const resolved = {
        userId: c.userId === "ADMIN" ? h.actor.userId : c.userId,
        browserNonce: c.browserNonce === "OTHER" ? other.browserNonce : c.browserNonce,
      };
      const result = await connect.completeOAuth(a.params, resolved);
      expect(result.outcome).toBe("elsewhere");
      expect(connect.OAUTH_MESSAGES.elsewhere).toBe("This approval was made in another browser or account. Start again from Connect in the browser you used.");
      expect(await integrationOf(a.integrationId)).toEqual(before);
      expect(await attemptRow(a.state)).toMatchObject({ usedAt: null, outcome: null });
      // The browser that started it still completes it (the code was never sent to the provider).
      expect((await connect.completeOAuth(a.params, { userId: h.actor.userId, browserNonce: a.browserNonce })).outcome).toBe("ok");
    });
  }

  it("a second admin of the workspace with the first admin's state and nonce → invalid, nothing stored, attempt untouched", async () => {
    const a = await attempt();
    const before = await integrationOf(a.integrationId);
    expect((await connect.completeOAuth(a.params, { userId: admin2, browserNonce: a.browserNonce })).outcome).toBe("invalid");
    expect(await integrationOf(a.integrationId)).toEqual(before);
    expect(await attemptRow(a.state)).toMatchObject({ usedAt: null, outcome: null });
  });
});

describe("the nonce cookie", () => {
  it("is HttpOnly, SameSite=Lax, scoped to the callback path, named per attempt, and lives as long as the attempt", () => {
    const c = binding.bindingCookie("state-one-aaaaaaaaaaaa", "nonce-value", "http://localhost:3000");
    expect(c).toMatchObject({
      value: "nonce-value",
      options: { httpOnly: true, sameSite: "lax", secure: false, path: "/api/integrations/oauth/callback", maxAge: connect.OAUTH_STATE_TTL_MS / 1000 },
    });
    expect(c.name).toMatch(/^callsync_oauth_[0-9a-f]{16}$/);
    expect(binding.bindingCookie("state-two-aaaaaaaaaaaa", "n", "http://localhost:3000").name).not.toBe(c.name);
    expect(binding.bindingCookie("state-one-aaaaaaaaaaaa", "n", "https://callsync.example.com").options.secure).toBe(true);
    expect(binding.clearedBindingCookie("state-one-aaaaaaaaaaaa", "http://localhost:3000")).toMatchObject({
      name: c.name,
      value: "",
      options: { maxAge: 0, path: "/api/integrations/oauth/callback", httpOnly: true },
    });
  });
});

describe("the API host in Gong's token response", () => {
  it("a host off the allow-list fails the connect with a readable message and stores nothing", async () => {
    const b = await attempt();
    const before = await integrationOf(b.integrationId);
    await h.control("/__sim/gong/token-api-base", { url: "https://us-1.api.gong.io.evil.example" });
    try {
      const result = await connect.completeOAuth(b.params, { userId: h.actor.userId, browserNonce: b.browserNonce });
      expect(result.outcome).toBe("untrusted_host");
      expect(connect.OAUTH_MESSAGES.untrusted_host).toMatch(/address .* does not trust.*nothing was connected/i);
      const after = await integrationOf(b.integrationId);
      expect(after.credentialsEnc).toBe(before.credentialsEnc);
      expect(after.apiBaseUrl).toBe(before.apiBaseUrl);
      expect(after.apiBaseUrl ?? "").not.toContain("evil");
      // The wizard's first tab learns it too.
      expect(await connect.oauthAttemptStatus(h.actor.workspaceId, b.state)).toEqual({ status: "untrusted_host" });
    } finally {
      await h.control("/__sim/gong/token-api-base", {});
    }
  });
});

describe("what both tabs say (issue 17.4)", () => {
  it("an attempt left past its lifetime reads as expired in the wizard's tab and in the consent tab alike", async () => {
    const a = await attempt();
    await h.db.oAuthState.update({ where: { state: a.state }, data: { expiresAt: new Date(Date.now() - 1_000) } });
    // The wizard's tab polls first (nobody answered yet), then the consent tab's late Allow arrives.
    expect(await connect.oauthAttemptStatus(h.actor.workspaceId, a.state)).toEqual({ status: "expired" });
    expect((await connect.completeOAuth(a.params, { userId: h.actor.userId, browserNonce: a.browserNonce })).outcome).toBe("expired");
    expect(await connect.oauthAttemptStatus(h.actor.workspaceId, a.state)).toEqual({ status: "expired" });
    expect(connect.OAUTH_MESSAGES.expired).toMatch(/^The authorization session expired/);
  });

  it("Deny reads as denied by the person, not as missing permissions", async () => {
    const started = await connect.startOAuth(h.actor, "GONG");
    const params = await h.consent(started.authorizationUrl, "deny");
    expect((await connect.completeOAuth(params, { userId: h.actor.userId, browserNonce: started.browserNonce })).outcome).toBe("denied");
    expect(connect.OAUTH_MESSAGES.denied).toMatch(/request was denied/);
    expect(connect.OAUTH_MESSAGES.denied).not.toMatch(/permission|not be allowed|admin/i);
  });
});
