// The app's environment when it talks to the simulators instead of the real providers.
import { SIM_DEFAULTS } from "./config";

export function simulatorEnv(baseUrl: string, options: { gongTenant?: string } = {}): Record<string, string> {
  const base = baseUrl.replace(/\/+$/, "");
  return {
    GONG_OAUTH_BASE_URL: `${base}/gong`,
    GONG_API_BASE_URL: `${base}/gong-api/${options.gongTenant ?? "acme"}`,
    GONG_CLIENT_ID: SIM_DEFAULTS.gong.clientId,
    GONG_CLIENT_SECRET: SIM_DEFAULTS.gong.clientSecret,
    SALESLOFT_OAUTH_BASE_URL: `${base}/salesloft`,
    SALESLOFT_API_BASE_URL: `${base}/salesloft-api`,
    SALESLOFT_CLIENT_ID: SIM_DEFAULTS.salesloft.clientId,
    SALESLOFT_CLIENT_SECRET: SIM_DEFAULTS.salesloft.clientSecret,
    CLARI_API_BASE_URL: `${base}/clari-api`,
  };
}

/** Demo Clari Copilot credentials the simulator accepts. */
export const SIM_CLARI_CREDENTIALS = { apiKey: SIM_DEFAULTS.clari.apiKey, apiSecret: SIM_DEFAULTS.clari.apiSecret };
