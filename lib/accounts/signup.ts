// Sign-up and first run: creating a workspace with its first admin. On a database without any workspace every
// page leads here; once one exists, more can be created unless ALLOW_WORKSPACE_SIGNUP=0 (single-tenant installs).
import "server-only";
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { recordAudit } from "@/lib/audit";
import { hashPassword } from "@/lib/auth/password";
import { passwordProblem } from "@/lib/auth/password-policy";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { ConflictError, ForbiddenError, ValidationError } from "@/lib/errors";
import { isOneLine, parseInput } from "@/lib/validation";

/** True once any workspace exists (first run is over). */
export async function hasAnyWorkspace(): Promise<boolean> {
  return (await db.workspace.findFirst({ select: { id: true } })) !== null;
}

/** Whether the sign-up page may create a workspace now: always on first run, then as the operator chose. */
export async function signupOpen(): Promise<boolean> {
  return env.ALLOW_WORKSPACE_SIGNUP || !(await hasAnyWorkspace());
}

export const SIGNUP_CLOSED_MESSAGE = "Creating workspaces is turned off on this installation. Ask an admin of your workspace for an invitation.";

const workspaceName = z
  .string()
  .trim()
  .min(2, "Give your workspace a name of at least 2 characters.")
  .max(80, "Use at most 80 characters.")
  .refine(isOneLine, "Use a name without control characters.");

export const signupSchema = z.object({
  workspaceName,
  name: z.string().trim().min(1, "Enter your name.").max(120, "Use at most 120 characters.").refine(isOneLine, "Use a name without control characters."),
  email: z.string().trim().toLowerCase().max(254, "Use at most 254 characters.").email("Enter a valid email address, like you@company.com."),
  password: z.string().max(1024, "Use at most 72 bytes."),
});

/** A signed-in user creating one more workspace: only its name is needed. */
export const newWorkspaceSchema = z.object({ workspaceName });

function slugBase(name: string): string {
  const base = name
    .normalize("NFKD")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40);
  return base || "workspace";
}

async function freeSlug(name: string, client: Pick<typeof db, "workspace">): Promise<string> {
  const base = slugBase(name);
  if (!(await client.workspace.findUnique({ where: { slug: base }, select: { id: true } }))) return base;
  return `${base}-${randomBytes(3).toString("hex")}`;
}

export type SignupResult = { workspaceId: string; userId: string; email: string };

/**
 * Creates the workspace, its first admin and the audit entry in one transaction. Refused input (invalid
 * fields, a weak password, an email that already has an account, sign-up closed) writes nothing.
 */
export async function signUp(raw: unknown): Promise<SignupResult> {
  const input = parseInput(signupSchema, raw);
  const problem = passwordProblem(input.password, { email: input.email, name: input.name });
  if (problem) throw new ValidationError(problem, { password: problem });
  if (!(await signupOpen())) throw new ForbiddenError(SIGNUP_CLOSED_MESSAGE);
  const existing = await db.user.findUnique({ where: { email: input.email }, select: { id: true } });
  if (existing) {
    const message = "An account with this email already exists. Sign in first, then create your workspace from this page.";
    throw new ValidationError(message, { email: message });
  }
  const passwordHash = await hashPassword(input.password);
  try {
    return await db.$transaction(async (tx) => {
      const slug = await freeSlug(input.workspaceName, tx);
      const workspace = await tx.workspace.create({ data: { name: input.workspaceName, slug }, select: { id: true } });
      const user = await tx.user.create({
        data: { email: input.email, name: input.name, passwordHash, lastWorkspaceId: workspace.id },
        select: { id: true },
      });
      await tx.membership.create({ data: { userId: user.id, workspaceId: workspace.id, role: "ADMIN", status: "ACTIVE" } });
      await recordAudit(
        {
          workspaceId: workspace.id,
          actorId: user.id,
          action: "workspace.created",
          summary: `${input.name} created the workspace ${input.workspaceName}`,
          targetType: "workspace",
          targetId: workspace.id,
        },
        tx,
      );
      return { workspaceId: workspace.id, userId: user.id, email: input.email };
    });
  } catch (error) {
    // Two sign-ups with the same email at once: the unique index decides, the loser is told as above.
    if ((error as { code?: string }).code === "P2002") throw new ConflictError("An account with this email already exists. Sign in instead.");
    throw error;
  }
}

/** A signed-in user creates another workspace; they become its admin and it becomes their current one. */
export async function createWorkspaceFor(user: { userId: string; name: string | null; email: string }, raw: unknown): Promise<{ workspaceId: string }> {
  const input = parseInput(newWorkspaceSchema, raw);
  if (!(await signupOpen())) throw new ForbiddenError(SIGNUP_CLOSED_MESSAGE);
  return db.$transaction(async (tx) => {
    const slug = await freeSlug(input.workspaceName, tx);
    const workspace = await tx.workspace.create({ data: { name: input.workspaceName, slug }, select: { id: true } });
    await tx.membership.create({ data: { userId: user.userId, workspaceId: workspace.id, role: "ADMIN", status: "ACTIVE" } });
    await tx.user.update({ where: { id: user.userId }, data: { lastWorkspaceId: workspace.id } });
    await recordAudit(
      {
        workspaceId: workspace.id,
        actorId: user.userId,
        action: "workspace.created",
        summary: `${user.name ?? user.email} created the workspace ${input.workspaceName}`,
        targetType: "workspace",
        targetId: workspace.id,
      },
      tx,
    );
    return { workspaceId: workspace.id };
  });
}
