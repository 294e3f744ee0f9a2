// Builds provider clients for the app: configuration from env, the shared rate limiter and the
// database credential store. The sync engine and route handlers get clients only from here.
import "server-only";
import { env } from "@/lib/env";
import { describeProvider, getProviderClient, providerSpec } from "@/lib/providers";
import type { GateReport, ProviderClient, ProviderClientConfig, ProviderId, RequestPriority } from "@/lib/providers/types";
import { recorderId, type AnyProviderId } from "@/lib/providers/registry";
import { parseHostList } from "@/lib/providers/trusted-host";
import { dbCredentialStore } from "@/lib/sync/credentials";
import { SharedRateLimiter } from "@/lib/sync/rate-limiter";

/** Where the providers send the admin back (app/api/integrations/oauth/callback). */
export const OAUTH_CALLBACK_PATH = "/api/integrations/oauth/callback";
export const oauthRedirectUri = () => `${env.APP_URL}${OAUTH_CALLBACK_PATH}`;

/** A provider's client configuration, read from the env vars its registry entry names. */
export function providerConfig(provider: ProviderId): ProviderClientConfig {
  const names = providerSpec(provider).env;
  const read = (name: string | undefined) => (name ? (env as unknown as Record<string, string | undefined>)[name] : undefined);
  const apiBaseUrl = read(names.apiBaseUrl)!;
  if (!names.oauthBaseUrl) return { apiBaseUrl };
  return {
    apiBaseUrl,
    oauthBaseUrl: read(names.oauthBaseUrl),
    clientId: read(names.clientId),
    clientSecret: read(names.clientSecret),
    redirectUri: oauthRedirectUri(),
    ...(names.apiHosts ? { apiHosts: parseHostList(read(names.apiHosts)) ?? undefined } : {}),
  };
}

/** A client for the connect step (authorization URL, code exchange, key check): no stored credentials yet. */
export function connectClient(provider: ProviderId): ProviderClient {
  return getProviderClient(provider, providerConfig(provider));
}

export interface IntegrationClientOptions {
  priority?: RequestPriority;
  signal?: AbortSignal;
  onReport?: (r: GateReport) => void;
}

const LOOKUP_TTL_MS = 30 * 60_000;
const lookupCaches = new Map<string, { cache: Map<string, Promise<unknown>>; expiresAt: number }>();

/**
 * One lookup cache per integration in this process, dropped after 30 minutes so CRM changes show up
 * on a later sync. Every step of a backfill builds a new client; they share this.
 */
function lookupCacheFor(integrationId: string): Map<string, Promise<unknown>> {
  const now = Date.now();
  for (const [id, entry] of lookupCaches) if (entry.expiresAt <= now) lookupCaches.delete(id);
  let entry = lookupCaches.get(integrationId);
  if (!entry) {
    entry = { cache: new Map(), expiresAt: now + LOOKUP_TTL_MS };
    lookupCaches.set(integrationId, entry);
  }
  return entry.cache;
}

/** A client for an integration's API calls: shared limiter + encrypted credential store. */
export function integrationClient(
  integration: { id: string; provider: AnyProviderId; apiBaseUrl: string | null },
  options: IntegrationClientOptions = {},
): ProviderClient {
  // Call recorders only (a CRM integration's client comes from lib/crm).
  const provider = recorderId(integration.provider);
  const config = providerConfig(provider);
  const gate = new SharedRateLimiter(integration.id, describeProvider(provider).rateLimit, { onReport: options.onReport });
  return getProviderClient(
    provider,
    { ...config, apiBaseUrl: integration.apiBaseUrl ?? config.apiBaseUrl },
    { gate, credentials: dbCredentialStore(integration.id, provider), signal: options.signal, lookupCache: lookupCacheFor(integration.id) },
  );
}
