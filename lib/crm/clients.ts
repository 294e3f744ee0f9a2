// Builds CRM clients for the app: configuration from env (names from the registry's CRM entries), the
// shared rate limiter of the integration and its encrypted credential store. lib/crm gets clients only here.
import "server-only";
import { env } from "@/lib/env";
import { getCrmClient } from "@/lib/providers/crm";
import type { CrmClient, CrmId } from "@/lib/providers/crm/types";
import { crmSpec, rateLimitOf } from "@/lib/providers/registry";
import { parseHostList } from "@/lib/providers/trusted-host";
import type { GateReport, ProviderClientConfig, RequestPriority } from "@/lib/providers/types";
import { oauthRedirectUri } from "@/lib/sync/clients";
import { dbCredentialStore } from "@/lib/sync/credentials";
import { SharedRateLimiter } from "@/lib/sync/rate-limiter";

const read = (name: string | undefined) => (name ? (env as unknown as Record<string, string | undefined>)[name] : undefined);

/**
 * A CRM's client configuration from env. `oauthBaseUrl`: the login host of this connection (Salesforce:
 * production, sandbox or My Domain, stored on the integration), else the env's; `apiBaseUrl`: the stored
 * instance_url (Salesforce), else the env's API host ("" for Salesforce before it connected).
 */
export function crmConfig(provider: CrmId, stored: { apiBaseUrl?: string | null; oauthBaseUrl?: string | null } = {}): ProviderClientConfig {
  const names = crmSpec(provider).env;
  const apiHosts = names.apiHosts ? parseHostList(read(names.apiHosts)) : null;
  return {
    apiBaseUrl: stored.apiBaseUrl ?? read(names.apiBaseUrl) ?? "",
    oauthBaseUrl: stored.oauthBaseUrl ?? read(names.oauthBaseUrl),
    clientId: read(names.clientId),
    clientSecret: read(names.clientSecret),
    redirectUri: oauthRedirectUri(),
    ...(apiHosts ? { apiHosts } : {}),
  };
}

/** The env value of one of a CRM's env names (e.g. the sandbox login URL). */
export const crmEnv = (name: string | undefined): string | undefined => read(name);

/** A client for the connect step (consent URL, code exchange): no stored credentials yet. */
export function connectCrmClient(provider: CrmId, oauthBaseUrl?: string | null): CrmClient {
  return getCrmClient(provider, crmConfig(provider, { oauthBaseUrl }));
}

export interface CrmIntegrationRow {
  id: string;
  provider: CrmId;
  apiBaseUrl: string | null;
  oauthBaseUrl: string | null;
}

/** A client for an integration's API calls: shared limiter + encrypted credential store. */
export function integrationCrmClient(
  integration: CrmIntegrationRow,
  options: { priority?: RequestPriority; signal?: AbortSignal; onReport?: (r: GateReport) => void } = {},
): CrmClient {
  const gate = new SharedRateLimiter(integration.id, rateLimitOf(integration.provider), { onReport: options.onReport });
  return getCrmClient(integration.provider, crmConfig(integration.provider, integration), {
    gate,
    credentials: dbCredentialStore(integration.id, integration.provider),
    signal: options.signal,
  });
}

/** How the sync units get a client for an integration (tests pass an in-memory CRM). */
export type CrmClientSource = (integration: CrmIntegrationRow, options: { onReport?: (r: GateReport) => void }) => CrmClient;

export const defaultCrmClients: CrmClientSource = (integration, options) => integrationCrmClient(integration, options);
