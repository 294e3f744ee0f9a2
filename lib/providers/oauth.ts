import "server-only";
// Access-token handling shared by the OAuth providers: proactive refresh shortly before expiry and
// refresh-on-401, both serialized through CredentialStore.withRefreshLock so that a single-use
// (Gong) or rotating (Salesloft) refresh token is spent exactly once, even across workers.
// OAuthClient below is the one authorization-code implementation behind both, driven by the
// registry's OAuthSpec; the token requests are built and their responses checked by oauth4webapi.
import { createHash } from "node:crypto";
import * as oauth from "oauth4webapi";
import { z } from "zod";
import { ProviderError } from "@/lib/errors";
import { type AuthHeaders, ProviderHttp } from "./http";
import { parsePayload } from "./parse";
import { anyProviderSpec, describeProvider, oauthSpec, providerName, rateLimitOf, type AnyProviderId, type OAuthSpec, type ProviderId } from "./registry";
import { checkBaseUrl } from "./trusted-host";
import type { ConnectResult, CredentialStore, OAuthCredentials, ProviderClientConfig, ProviderCredentials, ProviderDeps, ProviderDescription } from "./types";

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
export function classifyTokenError(label: string, phase: "exchange" | "refresh", status: number, body: unknown): ProviderError | undefined {
  const error = typeof body === "object" && body !== null && "error" in body ? String((body as { error: unknown }).error) : "";
  const description =
    typeof body === "object" && body !== null && "error_description" in body ? String((body as { error_description: unknown }).error_description) : "";
  if (error === "invalid_grant") {
    return phase === "refresh"
      ? new ProviderError(
          "AUTH_REVOKED",
          label,
          `${label} refused the refresh token (invalid_grant${description ? `: ${description}` : ""}); reconnect required`,
          { status },
        )
      : new ProviderError(
          "INVALID_CREDENTIALS",
          label,
          `${label} refused the authorization code (invalid_grant${description ? `: ${description}` : ""}); start the connection again`,
          { status },
        );
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

/** A fresh PKCE code verifier (RFC 7636: 43 base64url characters from 32 random bytes). */
export const newCodeVerifier = (): string => oauth.generateRandomCodeVerifier();

/** S256 code challenge of a verifier (synchronous, so authorizationUrl stays synchronous). */
export const pkceChallenge = (verifier: string): string => createHash("sha256").update(verifier).digest("base64url");

/** Whether the provider's authorization server is documented to accept PKCE (S256). */
export const supportsPkce = (provider: AnyProviderId): boolean => anyProviderSpec(provider).oauth?.pkce === true;

/**
 * HTTP Basic client authentication as Gong documents it: base64(client_id:client_secret) of the raw
 * values. oauth4webapi's ClientSecretBasic form-encodes both first (RFC 6749 2.3.1), which turns every
 * "-" into "%2D"; Gong's docs say nothing about decoding, so the request stays as it was.
 */
function rawClientSecretBasic(clientId: string, clientSecret: string): oauth.ClientAuth {
  return (_as, _client, _body, headers) => {
    headers.set("authorization", `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString("base64")}`);
  };
}

/**
 * The fields every provider's token response carries (each provider's schema adds its own). A refresh
 * response may leave out refresh_token (Salesforce, unless the connected app rotates them): the stored
 * one stays. Salesforce sends no expires_in either (its sessions time out by inactivity; a 401 refreshes).
 */
export type TokenFields = { access_token: string; refresh_token?: string | null; expires_in?: number | null; scope?: string | null };

const trimSlash = (s: string) => s.replace(/\/+$/, "");

/**
 * Authorization-code OAuth for one provider: consent URL, code exchange, refresh. Everything that
 * differs between Gong and Salesloft is in the registry's OAuthSpec (paths, scopes, client auth,
 * where the grant parameters go, PKCE, the token field naming the tenant's API host); `tokenSchema`
 * checks the provider's own token fields. Token requests go through ProviderHttp (the injected fetch,
 * timeouts, retries of 5xx and network errors) and are never gated by the API rate limit.
 */
export class OAuthClient<T extends TokenFields> {
  private readonly spec: OAuthSpec;
  private readonly label: string;

  constructor(
    private readonly provider: AnyProviderId,
    private readonly config: ProviderClientConfig,
    private readonly http: ProviderHttp,
    private readonly tokenSchema: z.ZodType<T>,
    private readonly now: () => Date,
  ) {
    this.spec = oauthSpec(provider);
    this.label = providerName(provider);
  }

  /** The OAuth app settings; CONFIG error naming the env vars when any is missing. */
  private app() {
    const { oauthBaseUrl, clientId, clientSecret } = this.config;
    if (!oauthBaseUrl || !clientId || !clientSecret) {
      const env = anyProviderSpec(this.provider).env;
      throw new ProviderError(
        "CONFIG",
        this.label,
        `${this.label} OAuth needs oauthBaseUrl, clientId and clientSecret (${env.clientId} / ${env.clientSecret})`,
      );
    }
    return { base: trimSlash(oauthBaseUrl), clientId, clientSecret };
  }

  /** Where the token endpoint is: the OAuth host, or the API host where the registry says so (HubSpot). */
  private tokenBase(oauthBase: string): string {
    if (this.spec.tokenHost !== "api") return oauthBase;
    if (!this.config.apiBaseUrl) throw new ProviderError("CONFIG", this.label, `${this.label} OAuth needs the API base URL (its token endpoint is there)`);
    return trimSlash(this.config.apiBaseUrl);
  }

  redirectUri(override?: string): string {
    const uri = override ?? this.config.redirectUri;
    if (!uri) throw new ProviderError("CONFIG", this.label, `${this.label} OAuth needs a redirect URI`);
    return uri;
  }

  /** The consent URL. `codeVerifier` is only used where the registry says the provider accepts PKCE. */
  authorizationUrl({ state, redirectUri, codeVerifier }: { state: string; redirectUri?: string; codeVerifier?: string | null }): string {
    const { base, clientId } = this.app();
    const url = new URL(`${base}${this.spec.authorizePath}`);
    url.searchParams.set("client_id", clientId);
    url.searchParams.set("response_type", "code");
    url.searchParams.set("scope", (this.config.scopes ?? this.spec.scopes).join(" "));
    url.searchParams.set("redirect_uri", this.redirectUri(redirectUri));
    url.searchParams.set("state", state);
    if (this.usesPkce(codeVerifier)) {
      url.searchParams.set("code_challenge", pkceChallenge(codeVerifier));
      url.searchParams.set("code_challenge_method", "S256");
    }
    return url.toString();
  }

  private usesPkce(codeVerifier: string | null | undefined): codeVerifier is string {
    return this.spec.pkce && typeof codeVerifier === "string" && codeVerifier.length > 0;
  }

  async exchangeCode({ code, redirectUri, codeVerifier }: { code: string; redirectUri?: string; codeVerifier?: string | null }): Promise<ConnectResult> {
    const uri = this.redirectUri(redirectUri);
    const t = await this.tokenRequest("exchange", (as, client, auth, options) => {
      // The state was already checked (and spent) by the caller against its own store.
      const params = oauth.validateAuthResponse(as, client, new URLSearchParams({ code }), oauth.skipStateCheck);
      return oauth.authorizationCodeGrantRequest(as, client, auth, params, uri, this.usesPkce(codeVerifier) ? codeVerifier : oauth.nopkce, options);
    });
    const credentials = this.toCredentials(t, null);
    return {
      credentials,
      apiBaseUrl: credentials.apiBaseUrl,
      tokenExpiresAt: credentials.expiresAt ? new Date(credentials.expiresAt) : null,
      scope: credentials.scope,
    };
  }

  /**
   * Spends the refresh token (single-use / rotating): the caller must store the returned pair. A response
   * without the API base URL field keeps the stored one; one naming a host off the allow-list throws
   * UNTRUSTED_HOST (the caller then stores nothing).
   */
  async refresh(current: OAuthCredentials): Promise<OAuthCredentials> {
    const t = await this.tokenRequest("refresh", (as, client, auth, options) =>
      oauth.refreshTokenGrantRequest(as, client, auth, current.refreshToken ?? "", options),
    );
    return this.toCredentials(t, current);
  }

  /** `previous`: the stored credentials on a refresh, null on the code exchange (where the field is required). */
  private toCredentials(t: T, previous: OAuthCredentials | null): OAuthCredentials {
    return {
      kind: "oauth",
      accessToken: t.access_token,
      // A refresh that names no new refresh token leaves the stored one in use.
      refreshToken: t.refresh_token ?? previous?.refreshToken ?? null,
      expiresAt: expiresAtFrom(this.now(), t.expires_in),
      apiBaseUrl: this.apiBaseUrlOf(t, previous),
      scope: t.scope ?? null,
    };
  }

  /**
   * The tenant API host from the token response, checked against the allow-list (config.apiHosts, else
   * the registry's): every API request and its bearer token goes there. Absent on a refresh: the stored one.
   */
  private apiBaseUrlOf(t: T, previous: OAuthCredentials | null): string | null {
    const field = this.spec.apiBaseUrlField;
    if (!field) return null;
    const value = (t as Record<string, unknown>)[field];
    if (value === undefined || value === null || value === "") {
      if (previous) return previous.apiBaseUrl;
      throw new ProviderError("INVALID_RESPONSE", this.label, `${this.label} returned no ${field} for POST ${this.spec.tokenPath}`, { field });
    }
    const checked = checkBaseUrl(value, this.config.apiHosts ?? this.spec.apiBaseUrlHosts);
    if (!checked.ok) {
      throw new ProviderError(
        "UNTRUSTED_HOST",
        this.label,
        `${this.label} named an API address Callsync does not trust in ${field} (${checked.reason}); nothing was stored`,
        { field },
      );
    }
    return checked.url;
  }

  private async tokenRequest(
    phase: "exchange" | "refresh",
    send: (as: oauth.AuthorizationServer, client: oauth.Client, auth: oauth.ClientAuth, options: oauth.TokenEndpointRequestOptions) => Promise<Response>,
  ): Promise<T> {
    const { base, clientId, clientSecret } = this.app();
    const tokenUrl = `${this.tokenBase(base)}${this.spec.tokenPath}`;
    const endpoint = `POST ${this.spec.tokenPath}`;
    const as: oauth.AuthorizationServer = { issuer: base, token_endpoint: tokenUrl };
    const client: oauth.Client = { client_id: clientId };
    const auth = this.spec.tokenAuth === "client_secret_basic" ? rawClientSecretBasic(clientId, clientSecret) : oauth.ClientSecretPost(clientSecret);
    const options: oauth.TokenEndpointRequestOptions = {
      [oauth.customFetch]: (url, init) => this.send(url, init, endpoint, phase),
      // Plain http only for a configured http host (the local simulators); https hosts never.
      ...(new URL(tokenUrl).protocol === "http:" ? { [oauth.allowInsecureRequests]: true } : {}),
    };
    const response = await send(as, client, auth, options);
    let checked: oauth.TokenEndpointResponse;
    try {
      checked =
        phase === "exchange"
          ? await oauth.processAuthorizationCodeResponse(as, client, response)
          : await oauth.processRefreshTokenResponse(as, client, response);
    } catch (e) {
      if (e instanceof ProviderError) throw e;
      throw new ProviderError(
        "INVALID_RESPONSE",
        this.label,
        `${this.label} returned an unexpected token response for ${endpoint}: ${e instanceof Error ? e.message : String(e)}`,
        {
          field: "(body)",
          cause: e,
        },
      );
    }
    return parsePayload(this.label, endpoint, this.tokenSchema, checked);
  }

  /**
   * oauth4webapi's fetch: the request it built goes out through ProviderHttp. OAuth error bodies become
   * ProviderErrors there (classifyTokenError), so oauth4webapi only ever sees a successful response.
   */
  private async send(url: string, init: oauth.CustomFetchOptions<"POST", URLSearchParams>, endpoint: string, phase: "exchange" | "refresh"): Promise<Response> {
    const target = new URL(url);
    const body = init.body.toString();
    // Gong documents the grant parameters on the query string; they stay in the body as well.
    if (this.spec.tokenParamsOnQuery) for (const [k, v] of init.body) target.searchParams.set(k, v);
    const { data, status } = await this.http.request({
      method: "POST",
      url: target.toString(),
      endpoint,
      headers: Object.fromEntries(new Headers(init.headers).entries()),
      body,
      schema: z.unknown(),
      gated: false,
      priority: "interactive",
      classify: (s, b) => classifyTokenError(this.label, phase, s, b),
    });
    return new Response(JSON.stringify(data), { status, headers: { "content-type": "application/json" } });
  }
}

/**
 * What every OAuth provider client shares, call recorder or CRM: the HTTP path, the OAuth client and the
 * refresh session, the connect-step methods, and the options that make an API request use (and refresh)
 * the stored token. GongClient and SalesloftClient (and the CRM clients) add only their API calls.
 */
export abstract class OAuthProviderClient<K extends AnyProviderId, T extends TokenFields> {
  protected readonly label: string;
  protected readonly now: () => Date;
  protected readonly http: ProviderHttp;
  protected readonly oauth: OAuthClient<T>;
  protected readonly session: OAuthSession;

  constructor(
    readonly provider: K,
    protected readonly config: ProviderClientConfig,
    protected readonly deps: ProviderDeps,
    tokenSchema: z.ZodType<T>,
  ) {
    this.label = providerName(provider);
    this.now = deps.now ?? (() => new Date());
    this.http = new ProviderHttp(provider, this.label, rateLimitOf(provider), deps);
    this.oauth = new OAuthClient(provider, config, this.http, tokenSchema, this.now);
    this.session = new OAuthSession(this.label, deps.credentials, (c) => this.oauth.refresh(c), this.now);
  }

  /** Call recorders only (ProviderClient.describe): a CRM client has no such description. */
  describe(this: OAuthProviderClient<ProviderId, T>): ProviderDescription {
    return describeProvider(this.provider);
  }

  authorizationUrl(params: { state: string; redirectUri?: string; codeVerifier?: string | null }): string {
    return this.oauth.authorizationUrl(params);
  }

  exchangeCode(params: { code: string; redirectUri?: string; codeVerifier?: string | null }): Promise<ConnectResult> {
    return this.oauth.exchangeCode(params);
  }

  async verifyCredentials(): Promise<ConnectResult> {
    throw new ProviderError("CONFIG", this.label, `${this.label} connects with OAuth, not with an API key`);
  }

  async refreshCredentials(): Promise<ProviderCredentials> {
    return this.session.refresh(null);
  }

  /** ProviderHttp options for an API request: the stored bearer token, one shared refresh on an auth failure. */
  protected authed(authStatuses?: number[]) {
    return {
      authorize: () => this.session.authorize(),
      onAuthFailure: async (failed: string) => {
        await this.session.refresh(failed);
      },
      ...(authStatuses ? { authStatuses } : {}),
    };
  }
}
