// POST { workspaceId }: switch the current workspace (the workspace switcher). Only a workspace the user is an
// active member of; anything else is a 404 and nothing changes.
import { NextResponse } from "next/server";
import { z } from "zod";
import { getMyWorkspaces, WORKSPACE_COOKIE } from "@/lib/auth/session";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { NotFoundError } from "@/lib/errors";
import { parseInput, readJsonBody, withWorkspace } from "@/lib/http";
import { TOKEN_PATTERN } from "@/lib/validation";

const schema = z.object({ workspaceId: z.string().regex(TOKEN_PATTERN, "Choose a workspace.").max(64, "Choose a workspace.") });

export const POST = withWorkspace(async (req, { session }) => {
  const { workspaceId } = parseInput(schema, await readJsonBody(req));
  const mine = await getMyWorkspaces();
  const target = mine?.find((w) => w.id === workspaceId);
  if (!target) throw new NotFoundError("That workspace");
  await db.user.update({ where: { id: session.userId }, data: { lastWorkspaceId: target.id } });
  const res = NextResponse.json({ workspaceId: target.id, name: target.name });
  res.cookies.set(WORKSPACE_COOKIE, target.id, { httpOnly: true, sameSite: "lax", secure: env.APP_URL.startsWith("https:"), path: "/" });
  return res;
});
