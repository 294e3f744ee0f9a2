// Route-handler wrapper: session + workspace (+ role) first, then zod-validated input, then typed
// errors mapped to JSON responses with a message the user can act on. The wrappers that also load the
// resource a route is about build on withWorkspace: lib/api/integration.ts (withProvider, withIntegration)
// and lib/api/call.ts (withCall).
import "server-only";
import { NextResponse } from "next/server";
import { requireAdmin, requireSession, type SessionContext } from "@/lib/auth/session";
import { env } from "@/lib/env";
import { DomainError, ForbiddenError, TooManyAttemptsError, ValidationError } from "@/lib/errors";

const STATUS: Record<string, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  VALIDATION: 400,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
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

export function errorResponse(error: unknown): NextResponse {
  if (error instanceof ValidationError) {
    return NextResponse.json({ error: { code: error.code, message: error.message, fields: error.fields } }, { status: 400 });
  }
  if (error instanceof DomainError) {
    const headers = error instanceof TooManyAttemptsError ? { "Retry-After": String(error.retryAfterSeconds) } : undefined;
    return NextResponse.json({ error: { code: error.code, message: error.message } }, { status: STATUS[error.code] ?? 502, headers });
  }
  console.error("[api] unexpected error", error);
  return NextResponse.json({ error: { code: "INTERNAL", message: "Something went wrong on our side. Please try again." } }, { status: 500 });
}

export { parseInput } from "@/lib/validation";

type Handler<P> = (req: Request, ctx: { session: SessionContext; params: P }) => Promise<Response>;

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Cross-site request forgery guard for state-changing requests: a browser always says where a request
 * comes from (Sec-Fetch-Site, Origin); anything not from our own origin is refused before any work.
 * Requests without either header (curl, server-to-server) carry no ambient browser cookies' intent and pass.
 */
export function assertSameOrigin(req: Request): void {
  if (SAFE_METHODS.has(req.method.toUpperCase())) return;
  const site = req.headers.get("sec-fetch-site");
  const refuse = () => {
    throw new ForbiddenError("This request came from another site and was refused. Use Callsync itself to make changes.");
  };
  if (site && site !== "same-origin" && site !== "none") refuse();
  const origin = req.headers.get("origin");
  if (!origin) return;
  const allowed = new Set([new URL(env.APP_URL).origin]);
  try {
    allowed.add(new URL(req.url).origin);
  } catch {
    // a relative URL in tests: APP_URL only
  }
  if (origin === "null" || !allowed.has(origin)) refuse();
}

/** Wraps a route handler that needs no session (sign-up, invitation acceptance, password reset): CSRF guard and typed errors. */
export function withPublicRoute<P = Record<string, string>>(handler: (req: Request, ctx: { params: P }) => Promise<Response>) {
  return async (req: Request, routeCtx: { params: Promise<P> }): Promise<Response> => {
    try {
      assertSameOrigin(req);
      return await handler(req, { params: await routeCtx.params });
    } catch (error) {
      return errorResponse(error);
    }
  };
}

/** Wraps a route handler: same-origin for changes, requires a session in a workspace, and the ADMIN role when asked. */
export function withWorkspace<P = Record<string, string>>(handler: Handler<P>, opts: { role?: "ADMIN" } = {}) {
  return async (req: Request, routeCtx: { params: Promise<P> }): Promise<Response> => {
    try {
      assertSameOrigin(req);
      const session = opts.role === "ADMIN" ? await requireAdmin() : await requireSession();
      return await handler(req, { session, params: await routeCtx.params });
    } catch (error) {
      return errorResponse(error);
    }
  };
}
