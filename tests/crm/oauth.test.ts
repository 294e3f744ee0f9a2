// The shared OAuth code serves CRM clients too (foundation of issue 14): a client extending
// OAuthProviderClient for a CRM id gets the consent URL with PKCE, the code exchange, the token host the
// registry names (HubSpot: the API host), instance_url checked against the trusted hosts (Salesforce), a
// refresh that keeps the stored refresh token when the response names none, and invalid_grant -> AUTH_REVOKED.
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ProviderError } from "@/lib/errors";
import { createInMemoryCredentialStore, unlimitedGate } from "@/lib/providers/memory";
import { OAuthProviderClient, newCodeVerifier, pkceChallenge } from "@/lib/providers/oauth";
import type { CrmId } from "@/lib/providers/crm/types";
import type { OAuthCredentials, ProviderClientConfig } from "@/lib/providers/types";

const tokenSchema = z.object({
  access_token: z.string(),
  refresh_token: z.string().optional(),
  expires_in: z.number().optional(),
  instance_url: z.string().optional(),
  scope: z.string().optional(),
});

class TestCrmClient<K extends CrmId> extends OAuthProviderClient<K, z.infer<typeof tokenSchema>> {
  async ping(url: string) {
    return this.http.request({ method: "GET", url, endpoint: "GET /ping", schema: z.object({ ok: z.boolean() }), ...this.authed() });
  }
}

type Sent = { url: string; body: URLSearchParams; auth: string | null };

function fakeFetch(respond: (s: Sent) => { status: number; body: unknown }) {
  const sent: Sent[] = [];
  const fetchImpl = (async (input: string | URL | Request, init?: RequestInit) => {
    const s = { url: String(input), body: new URLSearchParams(String(init?.body ?? "")), auth: new Headers(init?.headers).get("authorization") };
    sent.push(s);
    const r = respond(s);
    return new Response(JSON.stringify(r.body), { status: r.status, headers: { "content-type": "application/json" } });
  }) as typeof fetch;
  return { sent, fetchImpl };
}

const RETRY = { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1, timeoutMs: 2_000 };

describe("OAuth for CRM clients", () => {
  it("HubSpot: consent on the OAuth host with PKCE, tokens on the API host", async () => {
    const { sent, fetchImpl } = fakeFetch(() => ({
      status: 200,
      body: { access_token: "at-1", refresh_token: "rt-1", expires_in: 1800, token_type: "bearer" },
    }));
    const config: ProviderClientConfig = {
      apiBaseUrl: "https://api.hubapi.com",
      oauthBaseUrl: "https://app.hubspot.com",
      clientId: "cid",
      clientSecret: "secret",
      redirectUri: "https://callsync.example.com/api/integrations/oauth/callback",
    };
    const client = new TestCrmClient("HUBSPOT", config, { fetch: fetchImpl, gate: unlimitedGate, retry: RETRY }, tokenSchema);
    const verifier = newCodeVerifier();
    const url = new URL(client.authorizationUrl({ state: "state-1", codeVerifier: verifier }));
    expect(url.origin + url.pathname).toBe("https://app.hubspot.com/oauth/authorize");
    expect(url.searchParams.get("code_challenge")).toBe(pkceChallenge(verifier));
    expect(url.searchParams.get("scope")).toContain("crm.objects.deals.read");
    const result = await client.exchangeCode({ code: "code-1", codeVerifier: verifier });
    expect(sent[0]!.url).toBe("https://api.hubapi.com/oauth/v1/token");
    expect(sent[0]!.body.get("code_verifier")).toBe(verifier);
    expect(sent[0]!.body.get("client_secret")).toBe("secret");
    expect(result.credentials).toMatchObject({ kind: "oauth", accessToken: "at-1", refreshToken: "rt-1", apiBaseUrl: null });
  });

  const sfConfig = (apiHosts?: string[]): ProviderClientConfig => ({
    apiBaseUrl: "",
    oauthBaseUrl: "https://test.salesforce.com",
    clientId: "cid",
    clientSecret: "secret",
    redirectUri: "https://callsync.example.com/api/integrations/oauth/callback",
    ...(apiHosts ? { apiHosts } : {}),
  });

  it("Salesforce: instance_url must be https on a Salesforce host", async () => {
    for (const [instance, ok] of [
      ["https://acme.my.salesforce.com", true],
      ["https://acme--dev.sandbox.my.salesforce.com", true],
      ["http://acme.my.salesforce.com", false],
      ["https://acme.my.salesforce.com.evil.test", false],
      ["https://salesforce.com@evil.test", false],
    ] as const) {
      const { fetchImpl } = fakeFetch(() => ({ status: 200, body: { access_token: "at", refresh_token: "rt", instance_url: instance, token_type: "Bearer" } }));
      const client = new TestCrmClient("SALESFORCE", sfConfig(), { fetch: fetchImpl, gate: unlimitedGate, retry: RETRY }, tokenSchema);
      const run = client.exchangeCode({ code: "c", codeVerifier: newCodeVerifier() });
      if (ok) await expect(run).resolves.toMatchObject({ apiBaseUrl: instance });
      else await expect(run).rejects.toMatchObject({ kind: "UNTRUSTED_HOST" });
    }
  });

  it("Salesforce: a refresh without refresh_token keeps the stored one; invalid_grant is AUTH_REVOKED", async () => {
    const stored: OAuthCredentials = {
      kind: "oauth",
      accessToken: "old",
      refreshToken: "rt-keep",
      expiresAt: null,
      apiBaseUrl: "https://acme.my.salesforce.com",
      scope: null,
    };
    const credentials = createInMemoryCredentialStore(stored);
    let revoked = false;
    const { sent, fetchImpl } = fakeFetch((s) => {
      if (s.url.endsWith("/services/oauth2/token")) {
        return revoked
          ? { status: 400, body: { error: "invalid_grant", error_description: "expired access/refresh token" } }
          : { status: 200, body: { access_token: "new", instance_url: "https://acme.my.salesforce.com", token_type: "Bearer" } };
      }
      return s.auth === "Bearer new" ? { status: 200, body: { ok: true } } : { status: 401, body: [{ errorCode: "INVALID_SESSION_ID" }] };
    });
    const client = new TestCrmClient("SALESFORCE", sfConfig(), { fetch: fetchImpl, gate: unlimitedGate, retry: RETRY, credentials }, tokenSchema);
    // 401 -> one refresh on the login host -> retried with the new token.
    await expect(client.ping("https://acme.my.salesforce.com/ping")).resolves.toMatchObject({ data: { ok: true } });
    expect(sent.map((s) => s.url)).toEqual([
      "https://acme.my.salesforce.com/ping",
      "https://test.salesforce.com/services/oauth2/token",
      "https://acme.my.salesforce.com/ping",
    ]);
    expect(await credentials.get()).toMatchObject({ accessToken: "new", refreshToken: "rt-keep" });
    revoked = true;
    const error = await client.refreshCredentials().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind: "AUTH_REVOKED" });
  });
});
