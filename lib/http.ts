// Route-handler wrapper: session + workspace (+ role) first, then zod-validated input, then typed
// errors mapped to JSON responses with a message the user can act on.
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
};

export function errorResponse(error: unknown): NextResponse {
  if (error instanceof ValidationError) {
    return NextResponse.json({ error: { code: error.code, message: error.message, fields: error.fields } }, { status: 400 });
  }
  if (error instanceof DomainError) {
    return NextResponse.json({ error: { code: error.code, message: error.message } }, { status: STATUS[error.code] ?? 502 });
  }
  console.error("[api] unexpected error", error);
  return NextResponse.json(
    { error: { code: "INTERNAL", message: "Something went wrong on our side. Please try again." } },
    { status: 500 },
  );
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
