import "server-only";
// Entry point for the sync engine: one interface, one client factory per registry id.
import { ClariClient } from "./clari/client";
import { GongClient } from "./gong/client";
import { SalesloftClient } from "./salesloft/client";
import type { ProviderId } from "./registry";
import type { ProviderClient, ProviderClientConfig, ProviderDeps } from "./types";

type ClientFactory<K extends ProviderId> = (config: ProviderClientConfig, deps: ProviderDeps) => ProviderClient & { readonly provider: K };

/** Exactly one factory per registry id: a provider added to the registry without one is a type error here. */
export const CLIENT_FACTORIES: { readonly [K in ProviderId]: ClientFactory<K> } = {
  GONG: (config, deps) => new GongClient(config, deps),
  SALESLOFT: (config, deps) => new SalesloftClient(config, deps),
  CLARI: (config, deps) => new ClariClient(config, deps),
};

export function getProviderClient(provider: ProviderId, config: ProviderClientConfig, deps: ProviderDeps = {}): ProviderClient {
  return CLIENT_FACTORIES[provider](config, deps);
}

export { describeProvider, providerSpec, PROVIDER_SPECS, PROVIDER_LIST, providerFromSlug } from "./registry";
export * from "./types";
export * from "./canonical";
export { createInMemoryCredentialStore, createInMemoryGate, unlimitedGate } from "./memory";
