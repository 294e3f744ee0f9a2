import "server-only";
// Access-token handling shared by the OAuth providers: proactive refresh shortly before expiry and
// refresh-on-401, both serialized through CredentialStore.withRefreshLock so that a single-use
// (Gong) or rotating (Salesloft) refresh token is spent exactly once, even across workers.
import { ProviderError } from "@/lib/errors";
import type { AuthHeaders } from "./http";
import type { CredentialStore, OAuthCredentials, ProviderClientConfig, ProviderCredentials } from "./types";

/** Refresh this long before the provider's expiry. */
const EXPIRY_SKEW_MS = 60_000;

export function requireOAuth(label: string, creds: ProviderCredentials): OAuthCredentials {
  if (creds.kind !== "oauth") throw new ProviderError("CONFIG", label, `${label} needs OAuth credentials, got ${creds.kind}`);
  return creds;
}

export function requireStore(label: string, store: CredentialStore | undefined): CredentialStore {
  if (!store) throw new ProviderError("CONFIG", label, `${label} client was created without a credential store`);
  return store;
}

export function expiresAtFrom(now: Date, expiresInSec: number | null | undefined): string | null {
  return typeof expiresInSec === "number" ? new Date(now.getTime() + expiresInSec * 1000).toISOString() : null;
}

export class OAuthSession {
  constructor(
    private readonly label: string,
    private readonly store: CredentialStore | undefined,
    private readonly refreshWith: (current: OAuthCredentials) => Promise<OAuthCredentials>,
    private readonly now: () => Date,
  ) {}

  private isExpired(creds: OAuthCredentials): boolean {
    if (!creds.expiresAt) return false;
    return Date.parse(creds.expiresAt) - EXPIRY_SKEW_MS <= this.now().getTime();
  }

  async credentials(): Promise<OAuthCredentials> {
    const store = requireStore(this.label, this.store);
    let creds = requireOAuth(this.label, await store.get());
    if (this.isExpired(creds)) creds = await this.refresh(creds.accessToken);
    return creds;
  }

  async authorize(): Promise<AuthHeaders> {
    const creds = await this.credentials();
    return { headers: { authorization: `Bearer ${creds.accessToken}` }, token: creds.accessToken };
  }

  /**
   * Refreshes unless someone else already replaced `staleAccessToken` (then returns theirs).
   * Pass null to force a refresh.
   */
  async refresh(staleAccessToken: string | null): Promise<OAuthCredentials> {
    const store = requireStore(this.label, this.store);
    return store.withRefreshLock(async () => {
      const current = requireOAuth(this.label, await store.get());
      if (staleAccessToken !== null && current.accessToken !== staleAccessToken && !this.isExpired(current)) {
        return current;
      }
      if (!current.refreshToken) {
        throw new ProviderError("AUTH_REVOKED", this.label, `${this.label} access expired and there is no refresh token; reconnect required`);
      }
      const next = await this.refreshWith(current);
      await store.update(next);
      return next;
    });
  }
}

/** Maps an OAuth error body ({error:"invalid_grant"} etc.) from a token endpoint. */
export function classifyTokenError(
  label: string,
  phase: "exchange" | "refresh",
  status: number,
  body: unknown,
): ProviderError | undefined {
  const error = typeof body === "object" && body !== null && "error" in body ? String((body as { error: unknown }).error) : "";
  const description =
    typeof body === "object" && body !== null && "error_description" in body
      ? String((body as { error_description: unknown }).error_description)
      : "";
  if (error === "invalid_grant") {
    return phase === "refresh"
      ? new ProviderError("AUTH_REVOKED", label, `${label} refused the refresh token (invalid_grant${description ? `: ${description}` : ""}); reconnect required`, { status })
      : new ProviderError("INVALID_CREDENTIALS", label, `${label} refused the authorization code (invalid_grant${description ? `: ${description}` : ""}); start the connection again`, { status });
  }
  if (error === "invalid_client" || error === "unauthorized_client") {
    return new ProviderError("CONFIG", label, `${label} rejected the OAuth client id/secret (${error})`, { status });
  }
  if (status === 400 || status === 401) {
    return phase === "refresh"
      ? new ProviderError("AUTH_REVOKED", label, `${label} token refresh failed with ${status}; reconnect required`, { status })
      : new ProviderError("INVALID_CREDENTIALS", label, `${label} token exchange failed with ${status}`, { status });
  }
  return undefined;
}

/** The OAuth app settings a provider needs; CONFIG error naming the env vars when any is missing. */
export function oauthAppConfig(label: string, config: ProviderClientConfig, envPrefix: string) {
  const { oauthBaseUrl, clientId, clientSecret } = config;
  if (!oauthBaseUrl || !clientId || !clientSecret) {
    throw new ProviderError("CONFIG", label, `${label} OAuth needs oauthBaseUrl, clientId and clientSecret (${envPrefix}_CLIENT_ID / ${envPrefix}_CLIENT_SECRET)`);
  }
  return { base: oauthBaseUrl.replace(/\/+$/, ""), clientId, clientSecret };
}

export function requireRedirectUri(label: string, config: ProviderClientConfig, override?: string): string {
  const uri = override ?? config.redirectUri;
  if (!uri) throw new ProviderError("CONFIG", label, `${label} OAuth needs a redirect URI`);
  return uri;
}
