import "server-only";
// The one HTTP path of every provider client: gate -> fetch (timeout, abort) -> report -> classify.
// 429 honours Retry-After (bounded), 5xx/network/timeouts back off exponentially then TRANSIENT,
// 401 gets one refresh + retry then AUTH_REVOKED, 2xx bodies are parsed with zod.
import type { z } from "zod";
import { ProviderError } from "@/lib/errors";
import { abortableSleep, createInMemoryGate } from "./memory";
import { parsePayload } from "./parse";
import type { AnyProviderId, ProviderDeps, RateLimitPolicy, RequestGate, RequestPriority, RetryPolicy } from "./types";

export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 4,
  baseDelayMs: 500,
  maxDelayMs: 8_000,
  maxRateLimitRetries: 3,
  maxRetryAfterMs: 60_000,
  timeoutMs: 30_000,
};

export interface AuthHeaders {
  headers: Record<string, string>;
  /** Identifies the credential used, so a 401 refreshes only if nobody has yet. */
  token: string;
}

export interface HttpRequest<S extends z.ZodType, E = never> {
  method: "GET" | "POST";
  url: string;
  /** Label for metrics and errors, e.g. "POST /v2/calls/extensive". */
  endpoint: string;
  headers?: Record<string, string>;
  body?: string;
  schema: S;
  priority?: RequestPriority;
  cost?: number;
  /** false for OAuth token endpoints (not counted against the API budget). */
  gated?: boolean;
  authorize?: () => Promise<AuthHeaders>;
  /** Called once on an auth failure with the token that failed; should refresh. */
  onAuthFailure?: (failedToken: string) => Promise<void>;
  /** Statuses that mean "credentials rejected" (default 401). */
  authStatuses?: number[];
  /** Maps a non-2xx response to a value (e.g. Gong's 404-for-empty) instead of an error. */
  recover?: (status: number, body: unknown) => { value: E } | undefined;
  /** Maps a non-2xx response to a specific error (e.g. invalid_grant). */
  classify?: (status: number, body: unknown) => ProviderError | undefined;
  redirect?: "follow" | "manual";
}

export interface HttpResult<T> {
  data: T;
  status: number;
  headers: Headers;
}

export function parseRetryAfter(value: string | null, now: number): number | null {
  if (value === null || value.trim() === "") return null;
  const secs = Number(value);
  if (Number.isFinite(secs)) return Math.max(0, Math.round(secs * 1000));
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

function safeJson(text: string): unknown {
  if (text.trim() === "") return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function describeBody(body: unknown): string {
  if (body === null || body === undefined) return "";
  const s = typeof body === "string" ? body : JSON.stringify(body);
  return s.length > 300 ? `${s.slice(0, 300)}…` : s;
}

export class ProviderHttp {
  readonly provider: AnyProviderId;
  readonly label: string;
  readonly retry: RetryPolicy;
  readonly gate: RequestGate;
  private readonly fetchImpl: typeof fetch;
  private readonly signal?: AbortSignal;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly now: () => Date;

  constructor(provider: AnyProviderId, label: string, policy: RateLimitPolicy, deps: ProviderDeps) {
    this.provider = provider;
    this.label = label;
    this.retry = { ...DEFAULT_RETRY, ...deps.retry };
    this.fetchImpl = deps.fetch ?? globalThis.fetch.bind(globalThis);
    this.signal = deps.signal;
    this.sleep = deps.sleep ?? abortableSleep;
    this.now = deps.now ?? (() => new Date());
    this.gate = deps.gate ?? createInMemoryGate(policy, { sleep: this.sleep });
  }

  private backoff(attempt: number): number {
    const exp = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** attempt);
    return Math.round(exp / 2 + Math.random() * (exp / 2));
  }

  private throwIfAborted(): void {
    if (this.signal?.aborted) throw this.signal.reason;
  }

  private error(kind: ConstructorParameters<typeof ProviderError>[0], message: string, extra: ConstructorParameters<typeof ProviderError>[3] = {}) {
    return new ProviderError(kind, this.label, message, extra);
  }

  async request<S extends z.ZodType, E = never>(req: HttpRequest<S, E>): Promise<HttpResult<z.output<S> | E>> {
    const cost = req.cost ?? 1;
    const priority = req.priority ?? "backfill";
    const authStatuses = req.authStatuses ?? [401];
    let transientFailures = 0;
    let rateLimited = 0;
    let refreshed = false;

    for (;;) {
      this.throwIfAborted();
      const auth = req.authorize ? await req.authorize() : null;
      if (req.gated !== false) {
        await this.gate.acquire({ provider: this.provider, endpoint: req.endpoint, cost, priority, signal: this.signal });
      }
      this.throwIfAborted();

      const timeout = AbortSignal.timeout(this.retry.timeoutMs);
      const signal = this.signal ? AbortSignal.any([this.signal, timeout]) : timeout;
      let res: Response;
      let text: string;
      try {
        res = await this.fetchImpl(req.url, {
          method: req.method,
          headers: { accept: "application/json", ...req.headers, ...auth?.headers },
          body: req.body,
          signal,
          redirect: req.redirect ?? "follow",
        });
        text = await res.text();
      } catch (err) {
        this.throwIfAborted();
        if (req.gated !== false) {
          await this.gate.report({ provider: this.provider, endpoint: req.endpoint, cost, status: 0, headers: new Headers(), retryAfterMs: null });
        }
        const timedOut = timeout.aborted;
        transientFailures++;
        if (transientFailures < this.retry.maxAttempts) {
          await this.sleep(this.backoff(transientFailures - 1), this.signal);
          continue;
        }
        throw this.error(
          "TRANSIENT",
          `${this.label} ${req.endpoint} ${timedOut ? `timed out after ${this.retry.timeoutMs} ms` : "network error"} (${transientFailures} attempts)`,
          { cause: err },
        );
      }

      const retryAfterMs = parseRetryAfter(res.headers.get("retry-after"), this.now().getTime());
      if (req.gated !== false) {
        await this.gate.report({ provider: this.provider, endpoint: req.endpoint, cost, status: res.status, headers: res.headers, retryAfterMs });
      }
      const body = safeJson(text);

      if (res.status >= 200 && res.status < 400) {
        if (res.status >= 300) {
          // Manual redirects (signed recording URLs) are returned to the caller via the schema.
          const location = res.headers.get("location");
          return { data: parsePayload(this.label, req.endpoint, req.schema, { location }), status: res.status, headers: res.headers };
        }
        if (typeof body === "string") {
          throw this.error("INVALID_RESPONSE", `${this.label} ${req.endpoint} returned a body that is not JSON`, { field: "(body)", status: res.status });
        }
        return { data: parsePayload(this.label, req.endpoint, req.schema, body), status: res.status, headers: res.headers };
      }

      const recovered = req.recover?.(res.status, body);
      if (recovered) return { data: recovered.value, status: res.status, headers: res.headers };
      const classified = req.classify?.(res.status, body);
      if (classified) throw classified;

      if (res.status === 429) {
        rateLimited++;
        const wait = retryAfterMs ?? this.backoff(rateLimited - 1);
        if (rateLimited <= this.retry.maxRateLimitRetries && wait <= this.retry.maxRetryAfterMs) {
          await this.sleep(wait, this.signal);
          continue;
        }
        throw this.error("RATE_LIMITED", `${this.label} rate limit hit on ${req.endpoint}; retry in ${wait} ms`, {
          status: 429,
          retryAfterMs: wait,
        });
      }
      if (authStatuses.includes(res.status) && auth) {
        if (!refreshed && req.onAuthFailure) {
          refreshed = true;
          await req.onAuthFailure(auth.token);
          continue;
        }
        throw this.error("AUTH_REVOKED", `${this.label} rejected the credentials (${res.status} on ${req.endpoint}): ${describeBody(body)}`, {
          status: res.status,
        });
      }
      if (res.status >= 500 || res.status === 408) {
        transientFailures++;
        if (transientFailures < this.retry.maxAttempts) {
          await this.sleep(this.backoff(transientFailures - 1), this.signal);
          continue;
        }
        throw this.error("TRANSIENT", `${this.label} ${req.endpoint} failed with ${res.status} after ${transientFailures} attempts: ${describeBody(body)}`, {
          status: res.status,
        });
      }
      if (res.status === 404) {
        throw this.error("NOT_FOUND", `${this.label} ${req.endpoint}: not found ${describeBody(body)}`, { status: 404 });
      }
      // Other 4xx: the request was rejected; retrying the same request will not help.
      throw this.error("INVALID_RESPONSE", `${this.label} rejected ${req.endpoint} with ${res.status}: ${describeBody(body)}`, {
        status: res.status,
        field: "(request)",
      });
    }
  }
}
