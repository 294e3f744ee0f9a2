// Route-handler wrapper: session + workspace (+ role) first, then zod-validated input, then typed
// errors mapped to JSON responses with a message the user can act on. The wrappers that also load the
// resource a route is about build on withWorkspace: lib/api/integration.ts (withProvider, withIntegration)
// and lib/api/call.ts (withCall).
import "server-only";
import { NextResponse } from "next/server";
import { requireAdmin, requireSession, type SessionContext } from "@/lib/auth/session";
import { DomainError, ValidationError } from "@/lib/errors";

const STATUS: Record<string, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  VALIDATION: 400,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
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
    return NextResponse.json({ error: { code: error.code, message: error.message } }, { status: STATUS[error.code] ?? 502 });
  }
  console.error("[api] unexpected error", error);
  return NextResponse.json({ error: { code: "INTERNAL", message: "Something went wrong on our side. Please try again." } }, { status: 500 });
}

export { parseInput } from "@/lib/validation";

type Handler<P> = (req: Request, ctx: { session: SessionContext; params: P }) => Promise<Response>;

/** Wraps a route handler: requires a session in a workspace, and the ADMIN role when asked. */
export function withWorkspace<P = Record<string, string>>(handler: Handler<P>, opts: { role?: "ADMIN" } = {}) {
  return async (req: Request, routeCtx: { params: Promise<P> }): Promise<Response> => {
    try {
      const session = opts.role === "ADMIN" ? await requireAdmin() : await requireSession();
      return await handler(req, { session, params: await routeCtx.params });
    } catch (error) {
      return errorResponse(error);
    }
  };
}
