import "server-only";
// Entry point for the sync engine: one interface, three providers.
import { ClariClient, CLARI_DESCRIPTION } from "./clari/client";
import { GongClient, GONG_DESCRIPTION } from "./gong/client";
import { SalesloftClient, SALESLOFT_DESCRIPTION } from "./salesloft/client";
import type { ProviderClient, ProviderClientConfig, ProviderDeps, ProviderDescription, ProviderId } from "./types";

export function getProviderClient(provider: ProviderId, config: ProviderClientConfig, deps: ProviderDeps = {}): ProviderClient {
  switch (provider) {
    case "GONG":
      return new GongClient(config, deps);
    case "SALESLOFT":
      return new SalesloftClient(config, deps);
    case "CLARI":
      return new ClariClient(config, deps);
  }
}

/** Static descriptions, without building a client (e.g. for the shared rate limiter). */
export function describeProvider(provider: ProviderId): ProviderDescription {
  return { GONG: GONG_DESCRIPTION, SALESLOFT: SALESLOFT_DESCRIPTION, CLARI: CLARI_DESCRIPTION }[provider];
}

export * from "./types";
export * from "./canonical";
export { createInMemoryCredentialStore, createInMemoryGate, unlimitedGate } from "./memory";
