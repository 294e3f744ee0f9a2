// The app's environment when it talks to the simulators instead of the real providers: for every
// registry provider, its env vars (names from the registry) pointed at its simulator mount.
import { CRM_LIST, PROVIDER_LIST, type CrmEnvNames, type CrmSimulatorMount, type ProviderEnvNames, type SimulatorMount } from "../../lib/providers/registry";
import { SIM_DEFAULTS } from "./config";

export function simulatorEnv(baseUrl: string, options: { gongTenant?: string } = {}): Record<string, string> {
  const base = baseUrl.replace(/\/+$/, "");
  const out: Record<string, string> = {};
  for (const p of PROVIDER_LIST) {
    const names: ProviderEnvNames = p.env;
    const mount: SimulatorMount = p.simulator;
    const app = SIM_DEFAULTS[p.slug] as { clientId?: string; clientSecret?: string };
    if (mount.oauth && names.oauthBaseUrl) out[names.oauthBaseUrl] = `${base}${mount.oauth}`;
    out[names.apiBaseUrl] = `${base}${mount.api}${mount.tenantInApiPath ? `/${options.gongTenant ?? "acme"}` : ""}`;
    if (names.clientId && app.clientId) out[names.clientId] = app.clientId;
    if (names.clientSecret && app.clientSecret) out[names.clientSecret] = app.clientSecret;
    // The simulator hands out its own (http) origin as the tenant's API host: allow exactly that.
    if (names.apiHosts) out[names.apiHosts] = new URL(base).origin;
  }
  // The CRMs likewise (their simulators' OAuth apps in SIM_DEFAULTS by slug, once they are there).
  for (const p of CRM_LIST) {
    const names: CrmEnvNames = p.env;
    const mount: CrmSimulatorMount = p.simulator;
    const app = (SIM_DEFAULTS as unknown as Record<string, { clientId?: string; clientSecret?: string } | undefined>)[p.slug];
    out[names.oauthBaseUrl] = `${base}${mount.oauth}`;
    if (names.sandboxLoginUrl && mount.sandboxOauth) out[names.sandboxLoginUrl] = `${base}${mount.sandboxOauth}`;
    // Salesforce has no API base URL of its own: instance_url (<sim>/salesforce-api/<org>) comes with the token.
    if (names.apiBaseUrl) out[names.apiBaseUrl] = `${base}${mount.api}`;
    if (app?.clientId) out[names.clientId] = app.clientId;
    if (app?.clientSecret) out[names.clientSecret] = app.clientSecret;
    if (names.apiHosts) out[names.apiHosts] = new URL(base).origin;
  }
  return out;
}

/** Demo Clari Copilot credentials the simulator accepts. */
export const SIM_CLARI_CREDENTIALS = { apiKey: SIM_DEFAULTS.clari.apiKey, apiSecret: SIM_DEFAULTS.clari.apiSecret };
