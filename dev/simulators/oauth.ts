// Authorization-code OAuth server shared by the Gong and Salesloft simulators: consent page with
// Allow / Deny, single-use codes that expire after 10 minutes, access tokens with a TTL, and
// refresh tokens that are consumed by use (Gong: single-use; Salesloft: rotating).
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

  issueCode(clientId: string, redirectUri: string, scope: string): string {
    const code = randomToken("code_");
    this.codes.set(code, { clientId, redirectUri, scope, expiresAt: this.opts.now() + this.opts.codeTtlMs(), used: false });
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

  exchangeCode(code: string | null, redirectUri: string | null, clientId: string): GrantResult {
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
