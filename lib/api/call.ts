// Route wrapper for /api/calls/[callId]/…: the session, then the call through the ONE visibility rule
// (lib/calls/visibility.ts), loaded once and handed to the handler. A call the viewer may not see (another
// workspace, someone else's private call, a malformed id) is a 404 "That call was not found.", as before.
import "server-only";
import type { SessionContext } from "@/lib/auth/session";
import { findVisibleCall, type VisibleCall } from "@/lib/calls/visibility";
import { withWorkspace } from "@/lib/http";

type CallContext<I> = { session: SessionContext; call: VisibleCall; input: I };

/**
 * `input`, when given, reads and validates the request (zod) BEFORE the call is loaded, for handlers whose
 * bad input was always a 400 whatever the call (the link route: its body, and the call id in the URL).
 */
export function withCall<I = undefined>(
  handler: (req: Request, ctx: CallContext<NoInfer<I>>) => Promise<Response>,
  opts: { input?: (req: Request, params: { callId: string }) => Promise<I> } = {},
) {
  return withWorkspace<{ callId: string }>(async (req, { session, params }) => {
    const input = (opts.input ? await opts.input(req, params) : undefined) as I;
    const call = await findVisibleCall(session, params.callId);
    return handler(req, { session, call, input });
  });
}
