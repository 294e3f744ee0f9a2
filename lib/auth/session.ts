// Who is asking, in which workspace, with which role. Every page, server action and route handler
// goes through these helpers; the role always comes from the database, never from the client.
import "server-only";
import { cache } from "react";
import { getServerSession } from "next-auth";
import { forbidden, redirect } from "next/navigation";
import { authOptions } from "@/lib/auth/options";
import { db } from "@/lib/db";
import { ForbiddenError, UnauthenticatedError } from "@/lib/errors";

export type Role = "ADMIN" | "MEMBER";

export type SessionContext = {
  userId: string;
  email: string;
  name: string | null;
  workspaceId: string;
  workspaceName: string;
  role: Role;
};

/** The signed-in user's context, or null. Memoized per request. */
export const getSessionContext = cache(async (): Promise<SessionContext | null> => {
  const session = await getServerSession(authOptions);
  const userId = (session?.user as { id?: string } | undefined)?.id;
  if (!userId) return null;
  const membership = await db.membership.findFirst({
    where: { userId },
    orderBy: { createdAt: "asc" },
    select: {
      role: true,
      workspace: { select: { id: true, name: true } },
      user: { select: { email: true, name: true } },
    },
  });
  if (!membership) return null;
  return {
    userId,
    email: membership.user.email,
    name: membership.user.name,
    workspaceId: membership.workspace.id,
    workspaceName: membership.workspace.name,
    role: membership.role,
  };
});

/** For pages: redirect to sign-in when there is no session. */
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
