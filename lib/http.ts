// Route-handler wrapper: session + workspace (+ role) first, then zod-validated input, then typed
// errors mapped to JSON responses with a message the user can act on. The wrappers that also load the
// resource a route is about build on withWorkspace: lib/api/integration.ts (withProvider, withIntegration)
// and lib/api/call.ts (withCall).
import "server-only";
import { NextResponse } from "next/server";
import { requireAdmin, requireSession, type SessionContext } from "@/lib/auth/session";
import { env } from "@/lib/env";
import { DomainError, ForbiddenError, ProviderError, TooManyAttemptsError, UpstreamError, ValidationError } from "@/lib/errors";
import { providerIdOf } from "@/lib/providers/registry";
import { logFailureDetail, newReference, reportFailure, withReference } from "@/lib/sync/failures";

const STATUS: Record<string, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  VALIDATION: 400,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  TOO_MANY_ATTEMPTS: 429,
  SEARCH_TOO_SLOW: 503,
};

/** Route handlers take small JSON bodies only; anything bigger is refused before it is buffered. */
export const MAX_JSON_BODY_BYTES = 64 * 1024;

/**
 * Reads a JSON request body of at most `maxBytes`: 413 when larger (by Content-Length, or while
 * streaming when the length is unknown), 400 when it is not JSON. An empty body is `undefined`.
 */
export async function readJsonBody(req: Request, opts: { maxBytes?: number; invalidMessage?: string } = {}): Promise<unknown> {
  const max = opts.maxBytes ?? MAX_JSON_BODY_BYTES;
  const tooLarge = () => new DomainError("PAYLOAD_TOO_LARGE", `The request body is too large (limit ${Math.round(max / 1024)} KB).`);
  const declared = Number(req.headers.get("content-length") ?? NaN);
  if (Number.isFinite(declared) && declared > max) throw tooLarge();
  let text = "";
  if (req.body) {
    const reader = req.body.getReader();
    const decoder = new TextDecoder();
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > max) {
        await reader.cancel().catch(() => undefined);
        throw tooLarge();
      }
      text += decoder.decode(value, { stream: true });
    }
    text += decoder.decode();
  }
  if (!text.trim()) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new ValidationError(opts.invalidMessage ?? "The request body must be valid JSON.");
  }
}

/**
 * A typed error as JSON. A provider's error never answers with its own message (it may quote the
 * provider's body): the failure table's text and a reference id, the detail logged under it (redacted).
 */
export function errorResponse(error: unknown): NextResponse {
  if (error instanceof ValidationError) {
    return NextResponse.json({ error: { code: error.code, message: error.message, fields: error.fields } }, { status: 400 });
  }
  if (error instanceof ProviderError) {
    const provider = providerIdOf(error.provider);
    const failure = provider ? reportFailure(provider, error, "API request failed") : null;
    const reference = failure?.reference ?? newReference();
    if (!failure) logFailureDetail(reference, "API request failed", error);
    const message = failure?.message ?? withReference("The provider returned an error. Try again; if it keeps failing, contact support.", reference);
    return NextResponse.json({ error: { code: error.code, message, reference } }, { status: 502 });
  }
  if (error instanceof UpstreamError) {
    return NextResponse.json({ error: { code: error.code, message: error.message, reference: error.reference } }, { status: 502 });
  }
  if (error instanceof TooManyAttemptsError) {
    return NextResponse.json(
      { error: { code: error.code, message: error.message, retryAfterSeconds: error.retryAfterSeconds } },
      { status: 429, headers: { "Retry-After": String(Math.max(1, Math.ceil(error.retryAfterSeconds))) } },
    );
  }
  if (error instanceof DomainError) {
    return NextResponse.json({ error: { code: error.code, message: error.message } }, { status: STATUS[error.code] ?? 502 });
  }
  const reference = newReference();
  logFailureDetail(reference, "[api] unexpected error", error);
  return NextResponse.json(
    { error: { code: "INTERNAL", message: withReference("Something went wrong on our side. Please try again.", reference), reference } },
    { status: 500 },
  );
}

export { parseInput } from "@/lib/validation";

type Handler<P> = (req: Request, ctx: { session: SessionContext; params: P }) => Promise<Response>;

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

const isChange = (req: Request) => !SAFE_METHODS.has(req.method.toUpperCase());

/**
 * Cross-site request forgery guard for state-changing requests, even from the same site (another port or
 * subdomain of our host, which SameSite=Lax cookies do not tell apart): the request must say it comes from a
 * page of ours. `Origin` must be APP_URL's origin exactly (the request's own Host does not count: a proxy or
 * a second host name could make it anything); without an Origin, `Sec-Fetch-Site` must be `same-origin`. Every
 * browser sends one of them on a POST; a request with neither (a script, a form from a browser that omits
 * both) is refused too, so nothing changes without proof of where it came from.
 *
 * Exempt, and why (e2e/abuse-guards.spec.ts checks this list against app/api): `/api/inngest` (the Inngest
 * executor is a server: it sends no Origin and is checked by its own key or signature, inngest/serve-guard.ts).
 * next-auth's POST endpoints run this check themselves (app/api/auth/[...nextauth]/route.ts) but keep their
 * form bodies. OAuth callbacks are GETs.
 */
export function assertSameOrigin(req: Request): void {
  if (!isChange(req)) return;
  const refuse = () => {
    throw new ForbiddenError("This request came from another site and was refused. Use Callsync itself to make changes.");
  };
  const site = req.headers.get("sec-fetch-site");
  if (site !== null && site !== "same-origin") refuse();
  const origin = req.headers.get("origin");
  if (origin === null) {
    if (site !== "same-origin") refuse();
    return;
  }
  if (origin !== new URL(env.APP_URL).origin) refuse();
}

/**
 * Changes are JSON: `Content-Type: application/json` (parameters such as a charset allowed), even without a
 * body. A cross-site form or a no-cors fetch can only send text/plain, URL-encoded or multipart bodies; a page
 * needs a CORS preflight to send JSON, which we never grant. 415 otherwise.
 */
export function assertJsonContentType(req: Request): void {
  if (!isChange(req)) return;
  const type = req.headers.get("content-type")?.split(";")[0]?.trim().toLowerCase();
  if (type !== "application/json") {
    throw new DomainError("UNSUPPORTED_MEDIA_TYPE", "Changes must be sent as JSON (Content-Type: application/json). Use Callsync itself to make changes.");
  }
}

/** What every route handler checks first for a change: where it came from (403), then that it is JSON (415). */
export function assertChangeAllowed(req: Request): void {
  assertSameOrigin(req);
  assertJsonContentType(req);
}

/** Wraps a route handler that needs no session (sign-up, invitation acceptance, password reset): CSRF and JSON guards, typed errors. */
export function withPublicRoute<P = Record<string, string>>(handler: (req: Request, ctx: { params: P }) => Promise<Response>) {
  return async (req: Request, routeCtx: { params: Promise<P> }): Promise<Response> => {
    try {
      assertChangeAllowed(req);
      return await handler(req, { params: await routeCtx.params });
    } catch (error) {
      return errorResponse(error);
    }
  };
}

/** Wraps a route handler: same-origin JSON for changes, requires a session in a workspace, and the ADMIN role when asked. */
export function withWorkspace<P = Record<string, string>>(handler: Handler<P>, opts: { role?: "ADMIN" } = {}) {
  return async (req: Request, routeCtx: { params: Promise<P> }): Promise<Response> => {
    try {
      assertChangeAllowed(req);
      const session = opts.role === "ADMIN" ? await requireAdmin() : await requireSession();
      return await handler(req, { session, params: await routeCtx.params });
    } catch (error) {
      return errorResponse(error);
    }
  };
}
