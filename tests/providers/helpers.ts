// Shared helpers: simulators in-process on a random port, fast retry policies, OAuth connect.
import { expect } from "vitest";
import { ProviderError, type ProviderErrorKind } from "@/lib/errors";
import { getProviderClient } from "@/lib/providers";
import { providerSpec } from "@/lib/providers/registry";
import { createInMemoryCredentialStore, unlimitedGate } from "@/lib/providers/memory";
import type { OAuthCredentials, ProviderClientConfig, ProviderDeps, ProviderId, RetryPolicy } from "@/lib/providers/types";
import { simulatorEnv, startSimulators, type RunningSimulators, type SimConfigInput } from "@/dev/simulators";

export const NOW = "2026-06-15T12:00:00.000Z";
export const ANCHOR = "2026-06-15T12:00:00.000Z";
export const REDIRECT_URI = "http://localhost:3000/api/integrations/callback";

/** Small delays so retries and backoff keep the suite fast. */
export const FAST_RETRY: Partial<RetryPolicy> = {
  maxAttempts: 3,
  baseDelayMs: 5,
  maxDelayMs: 20,
  maxRateLimitRetries: 3,
  maxRetryAfterMs: 5_000,
  timeoutMs: 3_000,
};

export async function startTestSimulators(input: SimConfigInput = {}): Promise<RunningSimulators> {
  return startSimulators({
    port: 0,
    seed: 42,
    callsPerUser: 40,
    anchor: ANCHOR,
    now: NOW,
    faultRetryAfterSec: 0,
    limits: { gong: { perSecond: 1_000 }, clari: { perSecond: 1_000 }, salesloft: { costPerWindow: 100_000 } },
    ...input,
  });
}

/** The client config the app would build from the simulators' env (env var names from the registry). */
export function configFor(provider: ProviderId, sims: RunningSimulators): ProviderClientConfig {
  const env = simulatorEnv(sims.url);
  const names = providerSpec(provider).env;
  if (!names.oauthBaseUrl) return { apiBaseUrl: env[names.apiBaseUrl]! };
  return {
    apiBaseUrl: env[names.apiBaseUrl]!,
    oauthBaseUrl: env[names.oauthBaseUrl],
    clientId: env[names.clientId!],
    clientSecret: env[names.clientSecret!],
    redirectUri: REDIRECT_URI,
    ...(names.apiHosts ? { apiHosts: [env[names.apiHosts]!] } : {}),
  };
}

/** The simulated clock, so token expiry computed by the client matches the simulator's. */
export const simNow = (sims: RunningSimulators) => () => new Date(sims.state.now());

export function clientFor(provider: ProviderId, sims: RunningSimulators, deps: ProviderDeps = {}) {
  return getProviderClient(provider, configFor(provider, sims), { gate: unlimitedGate, retry: FAST_RETRY, now: simNow(sims), ...deps });
}

/** Walks the consent form the way a browser would: returns the redirect URL after Allow / Deny. */
export async function consent(authorizationUrl: string, decision: "allow" | "deny"): Promise<URL> {
  const page = await fetch(authorizationUrl);
  expect(page.status).toBe(200);
  const html = await page.text();
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1]?.replace(/&amp;/g, "&");
  expect(action).toBeTruthy();
  const fields = new URLSearchParams();
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    fields.set(
      m[1]!,
      m[2]!
        .replace(/&amp;/g, "&")
        .replace(/&quot;/g, '"')
        .replace(/&#39;/g, "'")
        .replace(/&lt;/g, "<")
        .replace(/&gt;/g, ">"),
    );
  }
  fields.set("decision", decision);
  const res = await fetch(action!, { method: "POST", body: fields, redirect: "manual" });
  expect(res.status).toBe(302);
  return new URL(res.headers.get("location")!);
}

/** Full OAuth connect against the simulator; returns credentials for a store. */
export async function connectOAuth(provider: "GONG" | "SALESLOFT", sims: RunningSimulators): Promise<OAuthCredentials> {
  const client = clientFor(provider, sims);
  const back = await consent(client.authorizationUrl({ state: "state-123" }), "allow");
  expect(back.searchParams.get("state")).toBe("state-123");
  const result = await client.exchangeCode({ code: back.searchParams.get("code")! });
  expect(result.credentials.kind).toBe("oauth");
  return result.credentials as OAuthCredentials;
}

export async function connectedClient(provider: "GONG" | "SALESLOFT", sims: RunningSimulators, deps: ProviderDeps = {}) {
  const creds = await connectOAuth(provider, sims);
  const store = createInMemoryCredentialStore(creds);
  return { client: clientFor(provider, sims, { credentials: store, ...deps }), store };
}

export async function expectProviderError(promise: Promise<unknown>, kind: ProviderErrorKind): Promise<ProviderError> {
  const err = await promise.then(
    () => {
      throw new Error(`expected ProviderError ${kind}, but the call succeeded`);
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ProviderError);
  expect((err as ProviderError).kind).toBe(kind);
  return err as ProviderError;
}

export async function control(sims: RunningSimulators, path: string, body?: unknown, method = "POST") {
  const res = await fetch(`${sims.url}/__sim${path}`, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(res.ok).toBe(true);
  return res.json() as Promise<unknown>;
}
