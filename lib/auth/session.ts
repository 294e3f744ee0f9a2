// Who is asking, in which workspace, with which role. Every page, server action and route handler
// goes through these helpers; the role always comes from the database, never from the client.
//
// A session is refused (treated as signed out) when:
//  - its token's session version is older than the user's (password change, "sign out of all sessions",
//    deactivation bump User.sessionVersion), so revocation takes effect on the very next request;
//  - the user has no ACTIVE membership left.
// The current workspace is the one in the `callsync-workspace` cookie (set by the workspace switcher),
// else the user's last workspace, else their oldest active membership.
import "server-only";
import { cache } from "react";
import { cookies } from "next/headers";
import { getServerSession } from "next-auth";
import { forbidden, redirect } from "next/navigation";
import { authOptions } from "@/lib/auth/options";
import { db } from "@/lib/db";
import { ForbiddenError, UnauthenticatedError } from "@/lib/errors";

export type Role = "ADMIN" | "MEMBER";

export const WORKSPACE_COOKIE = "callsync-workspace";

export type SessionContext = {
  userId: string;
  email: string;
  name: string | null;
  workspaceId: string;
  workspaceName: string;
  role: Role;
};

export type WorkspaceChoice = { id: string; name: string; role: Role };

type SessionUser = { id?: string; sv?: number };

/** The signed-in user's id and token session version as next-auth verified them, or null. */
export const getSessionIdentity = cache(async (): Promise<{ userId: string; sessionVersion: number } | null> => {
  const session = await getServerSession(authOptions);
  const user = session?.user as SessionUser | undefined;
  if (!user?.id) return null;
  return { userId: user.id, sessionVersion: user.sv ?? 0 };
});

/** The signed-in user whatever their memberships (accepting an invitation), or null when the session was revoked. */
export const getSignedInUser = cache(async (): Promise<{ userId: string; email: string; name: string | null; timeZone: string | null } | null> => {
  const identity = await getSessionIdentity();
  if (!identity) return null;
  const user = await db.user.findUnique({ where: { id: identity.userId }, select: { email: true, name: true, timeZone: true, sessionVersion: true } });
  if (!user || user.sessionVersion !== identity.sessionVersion) return null;
  return { userId: identity.userId, email: user.email, name: user.name, timeZone: user.timeZone };
});

/** Active memberships of the signed-in user (switcher), or null when the session is not valid any more. */
export const getMyWorkspaces = cache(async (): Promise<WorkspaceChoice[] | null> => {
  const identity = await getSessionIdentity();
  if (!identity) return null;
  const user = await db.user.findUnique({
    where: { id: identity.userId },
    select: {
      sessionVersion: true,
      memberships: {
        where: { status: "ACTIVE" },
        orderBy: { createdAt: "asc" },
        select: { role: true, workspace: { select: { id: true, name: true } } },
      },
    },
  });
  if (!user || user.sessionVersion !== identity.sessionVersion) return null;
  return user.memberships.map((m) => ({ id: m.workspace.id, name: m.workspace.name, role: m.role }));
});

/** The signed-in user's context in the current workspace, or null. Memoized per request. */
export const getSessionContext = cache(async (): Promise<SessionContext | null> => {
  const identity = await getSessionIdentity();
  if (!identity) return null;
  const user = await db.user.findUnique({
    where: { id: identity.userId },
    select: {
      email: true,
      name: true,
      sessionVersion: true,
      lastWorkspaceId: true,
      memberships: {
        where: { status: "ACTIVE" },
        orderBy: { createdAt: "asc" },
        select: { role: true, workspace: { select: { id: true, name: true } } },
      },
    },
  });
  if (!user || user.sessionVersion !== identity.sessionVersion || user.memberships.length === 0) return null;
  let wanted: string | undefined;
  try {
    wanted = (await cookies()).get(WORKSPACE_COOKIE)?.value;
  } catch {
    wanted = undefined; // outside a request scope (tests)
  }
  const membership =
    user.memberships.find((m) => m.workspace.id === wanted) ?? user.memberships.find((m) => m.workspace.id === user.lastWorkspaceId) ?? user.memberships[0]!;
  return {
    userId: identity.userId,
    email: user.email,
    name: user.name,
    workspaceId: membership.workspace.id,
    workspaceName: membership.workspace.name,
    role: membership.role,
  };
});

/** For pages: redirect to sign-in when there is no (valid) session. */
export async function requirePageSession(callbackPath?: string): Promise<SessionContext> {
  const ctx = await getSessionContext();
  if (!ctx) redirect(callbackPath ? `/signin?callbackUrl=${encodeURIComponent(callbackPath)}` : "/signin");
  return ctx;
}

/** For admin pages: members get the 403 page (HTTP 403), never data. */
export async function requirePageAdmin(callbackPath?: string): Promise<SessionContext> {
  const ctx = await requirePageSession(callbackPath);
  if (ctx.role !== "ADMIN") forbidden();
  return ctx;
}

/** For server actions and route handlers: throws typed errors instead of redirecting. */
export async function requireSession(): Promise<SessionContext> {
  const ctx = await getSessionContext();
  if (!ctx) throw new UnauthenticatedError();
  return ctx;
}

export async function requireAdmin(): Promise<SessionContext> {
  const ctx = await requireSession();
  if (ctx.role !== "ADMIN") throw new ForbiddenError();
  return ctx;
}
