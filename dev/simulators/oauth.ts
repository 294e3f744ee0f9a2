// Authorization-code OAuth server shared by the Gong and Salesloft simulators: consent page with
// Allow / Deny, single-use codes that expire after 10 minutes, access tokens with a TTL, and
// refresh tokens that are consumed by use (Gong: single-use; Salesloft: rotating). PKCE (RFC 7636,
// S256 only): a code issued for a code_challenge is exchanged only with the matching code_verifier.
// consentRoutes() and tokenRoute() are the consent page and token grant logic of both providers;
// each provider keeps only what differs (paths, client auth, error texts, token body fields).
import { createHash } from "node:crypto";
import { oauthSpec, providerSpec, type ProviderId } from "../../lib/providers/registry";
import { type Route, type SimRequest, type SimResponse, json, params, redirect } from "./core";
import { escapeHtml, randomToken } from "./util";

export interface OAuthServerOptions {
  label: string;
  client: () => { clientId: string; clientSecret: string };
  accessTtlSec: () => number;
  codeTtlMs: () => number;
  now: () => number;
}

interface CodeGrant {
  clientId: string;
  redirectUri: string;
  scope: string;
  expiresAt: number;
  used: boolean;
  /** S256 code_challenge sent with the authorization request, if any. */
  codeChallenge: string | null;
}

interface AccessToken {
  expiresAt: number;
  scope: string;
}

export interface TokenSet {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  scope: string;
}

export type GrantResult = { ok: true; tokens: TokenSet } | { ok: false; status: number; error: string; description: string };

export class OAuthServer {
  private codes = new Map<string, CodeGrant>();
  private access = new Map<string, AccessToken>();
  private refresh = new Map<string, { scope: string }>();

  constructor(private readonly opts: OAuthServerOptions) {}

  reset(): void {
    this.codes.clear();
    this.access.clear();
    this.refresh.clear();
  }

  checkClient(clientId: string | null, clientSecret?: string | null): boolean {
    const c = this.opts.client();
    return clientId === c.clientId && (clientSecret === undefined || clientSecret === c.clientSecret);
  }

  issueCode(clientId: string, redirectUri: string, scope: string, codeChallenge: string | null = null): string {
    const code = randomToken("code_");
    this.codes.set(code, { clientId, redirectUri, scope, expiresAt: this.opts.now() + this.opts.codeTtlMs(), used: false, codeChallenge });
    return code;
  }

  private issueTokens(scope: string): TokenSet {
    const accessToken = randomToken("at_");
    const refreshToken = randomToken("rt_");
    const ttl = this.opts.accessTtlSec();
    this.access.set(accessToken, { expiresAt: this.opts.now() + ttl * 1000, scope });
    this.refresh.set(refreshToken, { scope });
    return { accessToken, refreshToken, expiresIn: ttl, scope };
  }

  /** Issues tokens directly (tests and scripts that skip the consent page). */
  issueDirect(scope = ""): TokenSet {
    return this.issueTokens(scope);
  }

  exchangeCode(code: string | null, redirectUri: string | null, clientId: string, codeVerifier: string | null = null): GrantResult {
    const grant = code ? this.codes.get(code) : undefined;
    if (!grant || grant.used || grant.clientId !== clientId) {
      if (grant) grant.used = true;
      return { ok: false, status: 400, error: "invalid_grant", description: "The authorization code is invalid or has already been used." };
    }
    grant.used = true;
    if (grant.expiresAt <= this.opts.now()) {
      return { ok: false, status: 400, error: "invalid_grant", description: "The authorization code has expired." };
    }
    if (redirectUri !== grant.redirectUri) {
      return { ok: false, status: 400, error: "invalid_grant", description: "The redirect URI does not match the authorization request." };
    }
    if (grant.codeChallenge !== null && (!codeVerifier || s256(codeVerifier) !== grant.codeChallenge)) {
      return { ok: false, status: 400, error: "invalid_grant", description: "The code verifier does not match the code challenge." };
    }
    return { ok: true, tokens: this.issueTokens(grant.scope) };
  }

  /** Consumes the refresh token (single-use / rotating) and issues a new pair. */
  refreshGrant(refreshToken: string | null): GrantResult {
    const entry = refreshToken ? this.refresh.get(refreshToken) : undefined;
    if (!entry || !refreshToken) {
      return { ok: false, status: 400, error: "invalid_grant", description: "The refresh token is invalid, expired or has already been used." };
    }
    this.refresh.delete(refreshToken);
    return { ok: true, tokens: this.issueTokens(entry.scope) };
  }

  checkAccess(token: string | null): "ok" | "expired" | "invalid" {
    const entry = token ? this.access.get(token) : undefined;
    if (!entry) return "invalid";
    return entry.expiresAt <= this.opts.now() ? "expired" : "ok";
  }

  /** Makes every issued access token expire now (tests of the refresh path). */
  expireAll(): void {
    for (const t of this.access.values()) t.expiresAt = this.opts.now();
  }

  revokeAll(): void {
    this.access.clear();
    this.refresh.clear();
  }
}

export interface ConsentParams {
  action: string;
  appName: string;
  providerName: string;
  clientId: string;
  redirectUri: string;
  state: string;
  scope: string;
  extra?: Record<string, string>;
}

export function consentPage(p: ConsentParams): string {
  const hidden = { client_id: p.clientId, redirect_uri: p.redirectUri, state: p.state, scope: p.scope, response_type: "code", ...p.extra };
  const inputs = Object.entries(hidden)
    .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
    .join("\n      ");
  const scopes = p.scope
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((s) => `<li>${escapeHtml(s)}</li>`)
    .join("");
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Authorize ${escapeHtml(p.appName)} - ${escapeHtml(p.providerName)} (simulator)</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem}button{font-size:1rem;padding:.5rem 1.25rem;margin-right:.75rem}</style></head>
<body>
  <main>
    <h1 id="consent-title">Authorize ${escapeHtml(p.appName)}</h1>
    <p id="consent-desc">${escapeHtml(p.appName)} is requesting read access to your ${escapeHtml(p.providerName)} company data.</p>
    ${scopes ? `<h2>Requested permissions</h2><ul aria-label="Requested permissions">${scopes}</ul>` : ""}
    <form method="post" action="${escapeHtml(p.action)}" aria-labelledby="consent-title" aria-describedby="consent-desc">
      ${inputs}
      <button type="submit" name="decision" value="allow">Allow</button>
      <button type="submit" name="decision" value="deny">Deny</button>
    </form>
  </main>
</body>
</html>`;
}

export function errorPage(title: string, message: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body><main><h1>${escapeHtml(title)}</h1><p role="alert">${escapeHtml(message)}</p></main></body></html>`;
}

export function redirectWith(redirectUri: string, params: Record<string, string | undefined>): string {
  const url = new URL(redirectUri);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
  return url.toString();
}

const s256 = (verifier: string) => createHash("sha256").update(verifier).digest("base64url");

export interface ConsentRouteOptions {
  server: OAuthServer;
  /** The provider: its name, simulator mount and authorization path come from the registry. */
  provider: ProviderId;
  /** The simulator's base URL (read per request: it is known once the server listens). */
  baseUrl: () => string;
  /** Gong answers a response_type other than "code" with unsupported_response_type; Salesloft does not check. */
  checkResponseType: boolean;
  /** The provider's error_description when the user clicks Deny. */
  deniedDescription: string;
  /** Extra parameters on the redirect after Allow (Salesloft: context and scope). */
  grantedParams?: (scope: string) => Record<string, string>;
}

/** GET (consent page) and POST (Allow / Deny) of a provider's authorization endpoint. */
export function consentRoutes(o: ConsentRouteOptions): Route[] {
  const spec = providerSpec(o.provider);
  const path = oauthSpec(o.provider).authorizePath;
  const pattern = new RegExp(`^${path}$`);
  const stateOf = (p: URLSearchParams) => (p.get("state") ? { state: p.get("state")! } : {});
  return [
    {
      method: "GET",
      area: "oauth",
      pattern,
      endpoint: `GET ${path}`,
      handle: (req) => {
        const q = req.query;
        if (!o.server.checkClient(q.get("client_id"))) return { status: 400, html: errorPage("Invalid request", "Unknown client_id.") };
        const redirectUri = q.get("redirect_uri");
        if (!redirectUri || !URL.canParse(redirectUri)) return { status: 400, html: errorPage("Invalid request", "redirect_uri is missing or invalid.") };
        if (o.checkResponseType && q.get("response_type") !== "code")
          return redirect(redirectWith(redirectUri, { error: "unsupported_response_type", ...stateOf(q) }));
        const challenge = q.get("code_challenge");
        if (challenge && q.get("code_challenge_method") !== "S256") {
          return redirect(
            redirectWith(redirectUri, { error: "invalid_request", error_description: "Only the S256 code_challenge_method is supported.", ...stateOf(q) }),
          );
        }
        return {
          status: 200,
          html: consentPage({
            action: `${o.baseUrl()}${spec.simulator.oauth}${path}`,
            appName: "Callsync",
            providerName: spec.displayName,
            clientId: q.get("client_id")!,
            redirectUri,
            state: q.get("state") ?? "",
            scope: q.get("scope") ?? "",
            ...(challenge ? { extra: { code_challenge: challenge, code_challenge_method: "S256" } } : {}),
          }),
        };
      },
    },
    {
      method: "POST",
      area: "oauth",
      pattern,
      endpoint: `POST ${path}`,
      handle: (req) => {
        const p = params(req);
        const clientId = p.get("client_id");
        const redirectUri = p.get("redirect_uri");
        if (!o.server.checkClient(clientId) || !redirectUri || !URL.canParse(redirectUri))
          return { status: 400, html: errorPage("Invalid request", "Unknown client or redirect URI.") };
        if (p.get("decision") !== "allow")
          return redirect(redirectWith(redirectUri, { error: "access_denied", error_description: o.deniedDescription, ...stateOf(p) }));
        const scope = p.get("scope") ?? "";
        const code = o.server.issueCode(clientId!, redirectUri, scope, p.get("code_challenge"));
        return redirect(redirectWith(redirectUri, { code, ...o.grantedParams?.(scope), ...stateOf(p) }));
      },
    },
  ];
}

export interface TokenRouteOptions {
  server: OAuthServer;
  /** The provider: its token path comes from the registry. */
  provider: ProviderId;
  /** The authenticated client id, or the provider's 401 invalid_client response. */
  authenticate: (req: SimRequest, p: URLSearchParams) => string | SimResponse;
  onRefresh: () => void;
  /** The provider's error_description for an unsupported grant_type. */
  unsupported: (grant: string | null) => string;
  /** The provider's token response body. */
  body: (tokens: TokenSet) => Record<string, unknown>;
}

/**
 * A provider's token endpoint: client authentication (provider-specific), then authorization_code
 * (with the PKCE verifier) or refresh_token; anything else is unsupported_grant_type.
 */
export function tokenRoute(o: TokenRouteOptions): Route {
  const path = oauthSpec(o.provider).tokenPath;
  return {
    method: "POST",
    area: "oauth",
    pattern: new RegExp(`^${path}$`),
    endpoint: `POST ${path}`,
    isRefresh: (req) => params(req).get("grant_type") === "refresh_token",
    handle: (req) => {
      const p = params(req);
      const clientId = o.authenticate(req, p);
      if (typeof clientId !== "string") return clientId;
      const grant = p.get("grant_type");
      let result: GrantResult;
      if (grant === "authorization_code") result = o.server.exchangeCode(p.get("code"), p.get("redirect_uri"), clientId, p.get("code_verifier"));
      else if (grant === "refresh_token") {
        o.onRefresh();
        result = o.server.refreshGrant(p.get("refresh_token"));
      } else return json(400, { error: "unsupported_grant_type", error_description: o.unsupported(grant) });
      if (!result.ok) return json(result.status, { error: result.error, error_description: result.description });
      return json(200, o.body(result.tokens));
    },
  };
}
