// Shared shapes for the provider simulators: a request, a response, a route, a provider.
import type { IncomingHttpHeaders } from "node:http";
import type { SimProvider } from "./config";
import type { SimState } from "./state";

export interface SimRequest {
  method: string;
  /** Path after the provider prefix (and Gong tenant), e.g. "/v2/calls/extensive". */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
  /** Gong tenant from /gong-api/<tenant>/..., else null. */
  tenant: string | null;
}

export interface SimResponse {
  status: number;
  json?: unknown;
  html?: string;
  headers?: Record<string, string>;
}

export type Area = "oauth" | "api";

export interface Route {
  method: "GET" | "POST";
  area: Area;
  pattern: RegExp;
  /** Stats / fault label, e.g. "POST /v2/calls/extensive". */
  endpoint: string;
  /** Rate-limit cost (Salesloft deep pages cost more). */
  cost?: (req: SimRequest) => number;
  /** Provider user ids / emails the request concerns (fault scoping). */
  users?: (req: SimRequest, m: RegExpMatchArray) => string[];
  isRefresh?: (req: SimRequest) => boolean;
  /** An OAuth endpoint served on the API host (HubSpot's token endpoint): counted and limited like OAuth routes, not as API calls. */
  oauthOnApiHost?: boolean;
  /** Default field corrupted by a "malformed" fault. */
  malformedField?: string;
  handle: (req: SimRequest, m: RegExpMatchArray) => SimResponse;
}

export interface ProviderSim {
  provider: SimProvider;
  routes: Route[];
  /** Provider-shaped error response. */
  error(status: number, message: string): SimResponse;
  /** null when the request is authorized. */
  authenticate(req: SimRequest, route: Route): SimResponse | null;
  /** Charges the rate limit: a 429 response when over, plus headers to add to every response. */
  limit(req: SimRequest, cost: number): { blocked: SimResponse | null; headers: Record<string, string> };
}

export type ProviderSimFactory = (state: SimState) => ProviderSim;

export function bearer(req: SimRequest): string | null {
  const h = req.headers.authorization;
  const m = typeof h === "string" ? /^Bearer\s+(.+)$/i.exec(h) : null;
  return m ? m[1]!.trim() : null;
}

export function basicAuth(req: SimRequest): { user: string; pass: string } | null {
  const h = req.headers.authorization;
  const m = typeof h === "string" ? /^Basic\s+(.+)$/i.exec(h) : null;
  if (!m) return null;
  const decoded = Buffer.from(m[1]!, "base64").toString("utf8");
  const i = decoded.indexOf(":");
  return i < 0 ? null : { user: decoded.slice(0, i), pass: decoded.slice(i + 1) };
}

/** Form or JSON body parameters merged over the query string (token endpoints accept both). */
export function params(req: SimRequest): URLSearchParams {
  const out = new URLSearchParams(req.query);
  const type = String(req.headers["content-type"] ?? "");
  if (req.body) {
    if (type.includes("application/json")) {
      try {
        const obj = JSON.parse(req.body) as Record<string, unknown>;
        for (const [k, v] of Object.entries(obj)) if (v !== undefined && v !== null) out.set(k, String(v));
      } catch {
        /* ignored: caller validates */
      }
    } else {
      for (const [k, v] of new URLSearchParams(req.body)) out.set(k, v);
    }
  }
  return out;
}

export function parseJsonBody(req: SimRequest): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: req.body ? JSON.parse(req.body) : {} };
  } catch {
    return { ok: false };
  }
}

export const json = (status: number, body: unknown, headers?: Record<string, string>): SimResponse => ({ status, json: body, headers });
export const redirect = (location: string): SimResponse => ({ status: 302, headers: { location } });
