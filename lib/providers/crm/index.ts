import "server-only";
// Entry point for the CRM sync engine (lib/crm/): one interface (./types), one client factory per CRM id.
// Built like the recorders' map (lib/providers/index.ts): (config, deps) => client, where deps.credentials
// is the integration's encrypted store, deps.gate the shared limiter and deps.fetch injectable.
import { ProviderError } from "@/lib/errors";
import { HubspotClient } from "../hubspot/client";
import { providerName } from "../registry";
import type { ProviderClientConfig, ProviderDeps } from "../types";
import type { CrmClient, CrmId } from "./types";

export type CrmClientFactory<K extends CrmId> = (config: ProviderClientConfig, deps: ProviderDeps) => CrmClient & { readonly provider: K };

/** Until a CRM's client has landed (crm-hubspot / crm-salesforce): every use is a CONFIG error. */
function notBuiltYet<K extends CrmId>(id: K): CrmClientFactory<K> {
  return () => {
    throw new ProviderError("CONFIG", providerName(id), `The ${providerName(id)} client is not built yet`);
  };
}

/** Exactly one factory per CRM id: a CRM added to the registry without one is a type error here. */
export const CRM_CLIENT_FACTORIES: { readonly [K in CrmId]: CrmClientFactory<K> } = {
  HUBSPOT: (config, deps) => new HubspotClient(config, deps),
  SALESFORCE: notBuiltYet("SALESFORCE"),
};

export function getCrmClient(provider: CrmId, config: ProviderClientConfig, deps: ProviderDeps = {}): CrmClient {
  return CRM_CLIENT_FACTORIES[provider](config, deps);
}

export type * from "./types";
