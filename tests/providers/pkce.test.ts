// PKCE (RFC 7636, S256) in the shared OAuth client and the simulators. Gong and Salesloft do not
// document PKCE, so the registry keeps it off for both and nothing is sent; with the registry flag on
// (as for a provider that accepts it) the challenge goes on the consent URL, the verifier on the code
// exchange, and the simulator refuses a wrong verifier with the provider's invalid_grant body.
import { createHash } from "node:crypto";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { newCodeVerifier } from "@/lib/providers/oauth";
import { oauthSpec } from "@/lib/providers/registry";
import type { RunningSimulators } from "@/dev/simulators";
import { REDIRECT_URI, clientFor, configFor, consent, control, expectProviderError, startTestSimulators } from "./helpers";

let sims: RunningSimulators;
beforeAll(async () => {
  sims = await startTestSimulators({ callsPerUser: 2 });
});
afterAll(async () => {
  await sims.stop();
});
beforeEach(async () => {
  await control(sims, "/reset", {});
});

type Sent = { url: URL; headers: Headers; body: URLSearchParams };

/** A client whose token requests are recorded (they still reach the simulator). */
function recordingClient(provider: "GONG" | "SALESLOFT") {
  const sent: Sent[] = [];
  const client = clientFor(provider, sims, {
    fetch: async (input, init) => {
      sent.push({ url: new URL(String(input)), headers: new Headers(init?.headers), body: new URLSearchParams(String(init?.body ?? "")) });
      return fetch(input, init);
    },
  });
  return { client, sent };
}

const s256 = (v: string) => createHash("sha256").update(v).digest("base64url");

describe.each(["GONG", "SALESLOFT"] as const)("%s", (provider) => {
  const spec = oauthSpec(provider) as { pkce: boolean };
  const tokenPath = oauthSpec(provider).tokenPath;

  it("sends no PKCE while the registry says the provider does not accept it", async () => {
    const { client, sent } = recordingClient(provider);
    const verifier = newCodeVerifier();
    const url = new URL(client.authorizationUrl({ state: "s-nopkce", codeVerifier: verifier }));
    expect(url.searchParams.has("code_challenge")).toBe(false);
    const back = await consent(url.toString(), "allow");
    await client.exchangeCode({ code: back.searchParams.get("code")!, codeVerifier: verifier });
    expect(sent).toHaveLength(1);
    expect(sent[0]!.body.has("code_verifier")).toBe(false);
    expect(sent[0]!.body.get("grant_type")).toBe("authorization_code");
    expect(sent[0]!.body.get("redirect_uri")).toBe(REDIRECT_URI);
    // Client authentication and parameter placement as each provider documents them.
    const { clientId, clientSecret } = configFor(provider, sims);
    if (provider === "GONG") {
      expect(sent[0]!.headers.get("authorization")).toBe(`Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString("base64")}`);
      expect(sent[0]!.url.searchParams.get("grant_type")).toBe("authorization_code");
      expect(sent[0]!.url.searchParams.get("code")).toBe(back.searchParams.get("code"));
    } else {
      expect(sent[0]!.headers.get("authorization")).toBeNull();
      expect([sent[0]!.body.get("client_id"), sent[0]!.body.get("client_secret")]).toEqual([clientId, clientSecret]);
      expect(sent[0]!.url.search).toBe("");
    }
  });

  describe("with PKCE on", () => {
    beforeEach(() => {
      spec.pkce = true;
    });
    afterEach(() => {
      spec.pkce = false;
    });

    it("puts the S256 challenge on the consent URL and the verifier on the exchange", async () => {
      const { client, sent } = recordingClient(provider);
      const verifier = newCodeVerifier();
      expect(verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const url = new URL(client.authorizationUrl({ state: "s-pkce", codeVerifier: verifier }));
      expect(url.searchParams.get("code_challenge")).toBe(s256(verifier));
      expect(url.searchParams.get("code_challenge_method")).toBe("S256");
      const back = await consent(url.toString(), "allow");
      const result = await client.exchangeCode({ code: back.searchParams.get("code")!, codeVerifier: verifier });
      expect(result.credentials.kind).toBe("oauth");
      expect(sent[0]!.url.pathname.endsWith(tokenPath)).toBe(true);
      expect(sent[0]!.body.get("code_verifier")).toBe(verifier);
    });

    it("is refused (invalid_grant -> INVALID_CREDENTIALS) with a wrong or missing verifier", async () => {
      const client = clientFor(provider, sims);
      for (const wrong of [newCodeVerifier(), null]) {
        const back = await consent(client.authorizationUrl({ state: "s-bad", codeVerifier: newCodeVerifier() }), "allow");
        const err = await expectProviderError(client.exchangeCode({ code: back.searchParams.get("code")!, codeVerifier: wrong }), "INVALID_CREDENTIALS");
        expect(err.message).toContain("invalid_grant: The code verifier does not match the code challenge.");
      }
    });
  });
});

describe("simulator PKCE", () => {
  it("answers a wrong verifier with the provider's token error body, and refuses a non-S256 method", async () => {
    const config = configFor("SALESLOFT", sims);
    const verifier = newCodeVerifier();
    const authorize = new URL(`${config.oauthBaseUrl}/oauth/authorize`);
    for (const [k, v] of Object.entries({
      client_id: config.clientId!,
      redirect_uri: REDIRECT_URI,
      response_type: "code",
      state: "raw-state",
      code_challenge: s256(verifier),
      code_challenge_method: "S256",
    })) {
      authorize.searchParams.set(k, v);
    }
    const back = await consent(authorize.toString(), "allow");
    const res = await fetch(`${config.oauthBaseUrl}/oauth/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "authorization_code",
        code: back.searchParams.get("code")!,
        redirect_uri: REDIRECT_URI,
        client_id: config.clientId!,
        client_secret: config.clientSecret!,
        code_verifier: `${verifier}x`,
      }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: "invalid_grant", error_description: "The code verifier does not match the code challenge." });

    authorize.searchParams.set("code_challenge_method", "plain");
    const plain = await fetch(authorize, { redirect: "manual" });
    expect(plain.status).toBe(302);
    expect(new URL(plain.headers.get("location")!).searchParams.get("error")).toBe("invalid_request");
  });
});
