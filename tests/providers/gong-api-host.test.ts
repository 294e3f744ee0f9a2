// Gong's api_base_url_for_customer (issue 15, item 4): every API request goes to the host the token
// response names, so that host is checked on the code exchange and on every refresh against the
// allow-list (https on *.gong.io by default; the simulators' origin through GONG_API_HOSTS). A refused
// host fails with UNTRUSTED_HOST and nothing is stored; a refresh that omits the field keeps the stored one.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createInMemoryCredentialStore } from "@/lib/providers/memory";
import type { OAuthCredentials } from "@/lib/providers/types";
import type { RunningSimulators } from "@/dev/simulators";
import { clientFor, configFor, connectOAuth, consent, control, expectProviderError, startTestSimulators } from "./helpers";
import { getProviderClient } from "@/lib/providers";
import { unlimitedGate } from "@/lib/providers/memory";

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

const FIELD = "api_base_url_for_customer";
const BAD_HOSTS: Array<[string, string]> = [
  ["plain http on Gong's domain", "http://us-1.api.gong.io"],
  ["another domain", "https://api.evil.example"],
  ["userinfo", "https://api.gong.io@evil.example"],
  ["a query", "https://us-1.api.gong.io/?next=https://evil.example"],
  ["a fragment", "https://us-1.api.gong.io/#x"],
  ["a lookalike domain", "https://us-1.api.gong.io.evil.com"],
];

/** A fetch that reaches the simulator but rewrites (or drops, with undefined) the token response's API host. */
function rewritingFetch(value: () => string | undefined | null) {
  return async (input: RequestInfo | URL, init?: RequestInit) => {
    const res = await fetch(input, init);
    const next = value();
    if (!String(input).includes("/oauth2/generate-customer-token") || next === null || !res.ok) return res;
    const body = (await res.json()) as Record<string, unknown>;
    if (next === undefined) delete body[FIELD];
    else body[FIELD] = next;
    return new Response(JSON.stringify(body), { status: res.status, headers: { "content-type": "application/json" } });
  };
}

const simulatorBase = () => `${sims.url}/gong-api/acme`;

describe("code exchange", () => {
  it("accepts the simulator's origin because GONG_API_HOSTS lists it", async () => {
    const creds = await connectOAuth("GONG", sims);
    expect(creds.apiBaseUrl).toBe(simulatorBase());
  });

  it.each(BAD_HOSTS)("refuses %s with UNTRUSTED_HOST", async (_name, host) => {
    const client = clientFor("GONG", sims, { fetch: rewritingFetch(() => host) });
    const back = await consent(client.authorizationUrl({ state: "s-host" }), "allow");
    const err = await expectProviderError(client.exchangeCode({ code: back.searchParams.get("code")! }), "UNTRUSTED_HOST");
    expect(err.field).toBe(FIELD);
    expect(err.message).toContain("Gong");
  });

  it("without GONG_API_HOSTS only https on *.gong.io is accepted: the simulator's own http origin is refused", async () => {
    const { apiHosts: _ignored, ...config } = configFor("GONG", sims);
    const client = getProviderClient("GONG", config, { gate: unlimitedGate });
    const back = await consent(client.authorizationUrl({ state: "s-default" }), "allow");
    await expectProviderError(client.exchangeCode({ code: back.searchParams.get("code")! }), "UNTRUSTED_HOST");
  });

  it("with *.gong.io allowed, a tenant host on Gong's domain is accepted as a path-only base", async () => {
    const config = { ...configFor("GONG", sims), apiHosts: ["*.gong.io"] };
    const client = getProviderClient("GONG", config, { gate: unlimitedGate, fetch: rewritingFetch(() => "https://us-49467.api.gong.io/") });
    const back = await consent(client.authorizationUrl({ state: "s-real" }), "allow");
    const result = await client.exchangeCode({ code: back.searchParams.get("code")! });
    expect(result.apiBaseUrl).toBe("https://us-49467.api.gong.io");
  });
});

describe("refresh", () => {
  let rewrite: string | undefined | null = null;
  beforeEach(() => {
    rewrite = null;
  });

  async function connected() {
    const creds = await connectOAuth("GONG", sims);
    const store = createInMemoryCredentialStore(creds);
    const client = clientFor("GONG", sims, { credentials: store, fetch: rewritingFetch(() => rewrite) });
    return { creds, store, client };
  }

  it("a refresh response without api_base_url_for_customer keeps the stored base URL", async () => {
    const { creds, store, client } = await connected();
    rewrite = undefined;
    const next = (await client.refreshCredentials()) as OAuthCredentials;
    expect(next.accessToken).not.toBe(creds.accessToken);
    expect(next.apiBaseUrl).toBe(simulatorBase());
    expect((store.current() as OAuthCredentials).apiBaseUrl).toBe(simulatorBase());
    // The API still answers on the stored tenant host with the new token.
    expect((await client.listUsers()).length).toBeGreaterThan(0);
  });

  it.each(BAD_HOSTS)("a refresh naming %s is refused and the stored credentials stay as they were", async (_name, host) => {
    const { creds, store, client } = await connected();
    rewrite = host;
    await expectProviderError(client.refreshCredentials(), "UNTRUSTED_HOST");
    expect(store.current()).toEqual(creds);
    expect(store.updates).toBe(0);
  });

  it("a refresh on a 401 that names a bad host never sends the API request there", async () => {
    const seen: string[] = [];
    const { store } = await connected();
    const client = clientFor("GONG", sims, {
      credentials: store,
      fetch: async (input, init) => {
        seen.push(new URL(String(input)).host);
        return rewritingFetch(() => "https://api.evil.example")(input, init);
      },
    });
    await control(sims, "/tokens/expire", {});
    await expectProviderError(client.listUsers(), "UNTRUSTED_HOST");
    expect(seen.every((h) => h === new URL(sims.url).host)).toBe(true);
  });
});
