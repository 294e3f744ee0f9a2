// Route wrapper for Settings → Members: an admin of the current workspace, the member actor built from the
// session, and the path id checked for shape before anything is looked up (a foreign id is a 404 later).
import "server-only";
import type { SessionContext } from "@/lib/auth/session";
import { NotFoundError } from "@/lib/errors";
import { withWorkspace } from "@/lib/http";
import type { MemberActor } from "@/lib/members/members";
import { TOKEN_PATTERN } from "@/lib/validation";

export const memberActor = (s: SessionContext): MemberActor => ({
  workspaceId: s.workspaceId,
  workspaceName: s.workspaceName,
  userId: s.userId,
  name: s.name,
  email: s.email,
});

export function withMemberAdmin<P extends Record<string, string>>(handler: (req: Request, ctx: { actor: MemberActor; params: P }) => Promise<Response>) {
  return withWorkspace<P>(
    async (req, { session, params }) => {
      for (const [key, value] of Object.entries(params ?? {})) {
        if (!TOKEN_PATTERN.test(value) || value.length > 64) throw new NotFoundError(key === "invitationId" ? "That invitation" : "That member");
      }
      return handler(req, { actor: memberActor(session), params });
    },
    { role: "ADMIN" },
  );
}
