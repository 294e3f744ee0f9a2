import { afterAll, beforeEach, describe, expect, it, vi } from "vitest";

// The session comes from next-auth; everything after it (membership, role) is read from the database.
const sessionUser = vi.hoisted(() => ({ id: undefined as string | undefined }));
vi.mock("next-auth", async (orig) => ({
  ...(await orig<typeof import("next-auth")>()),
  getServerSession: async () => (sessionUser.id ? { user: { id: sessionUser.id } } : null),
}));
vi.mock("react", async (orig) => ({ ...(await orig<typeof import("react")>()), cache: <T>(fn: T) => fn }));

const { authorizeCredentials } = await import("@/lib/auth/options");
const { getSessionContext, requireAdmin, requireSession } = await import("@/lib/auth/session");
const { ForbiddenError, UnauthenticatedError } = await import("@/lib/errors");
const { db } = await import("@/lib/db");
const { createWorkspace } = await import("../support/db");

describe("credentials sign-in", () => {
  afterAll(() => db.$disconnect());

  it("accepts the right password, case-insensitive email", async () => {
    const { admin } = await createWorkspace();
    const user = await authorizeCredentials({ email: admin.email.toUpperCase(), password: "pw" });
    expect(user?.id).toBe(admin.id);
  });

  it("rejects a wrong password, an unknown email and malformed input alike", async () => {
    const { admin } = await createWorkspace();
    expect(await authorizeCredentials({ email: admin.email, password: "nope" })).toBeNull();
    expect(await authorizeCredentials({ email: "nobody@test.local", password: "pw" })).toBeNull();
    expect(await authorizeCredentials({ email: "not-an-email", password: "pw" })).toBeNull();
    expect(await authorizeCredentials({ email: admin.email, password: "x".repeat(500) })).toBeNull();
  });
});

describe("session, workspace and role", () => {
  beforeEach(() => {
    sessionUser.id = undefined;
  });

  it("no session: pages get null, handlers get UnauthenticatedError", async () => {
    expect(await getSessionContext()).toBeNull();
    await expect(requireSession()).rejects.toBeInstanceOf(UnauthenticatedError);
  });

  it("a member has a workspace but is refused admin actions", async () => {
    const { workspace, member } = await createWorkspace();
    sessionUser.id = member.id;
    const ctx = await requireSession();
    expect(ctx).toMatchObject({ workspaceId: workspace.id, role: "MEMBER" });
    await expect(requireAdmin()).rejects.toBeInstanceOf(ForbiddenError);
  });

  it("an admin passes, and the role is read from the database at each request", async () => {
    const { workspace, admin } = await createWorkspace();
    sessionUser.id = admin.id;
    expect((await requireAdmin()).workspaceId).toBe(workspace.id);
    await db.membership.update({ where: { userId_workspaceId: { userId: admin.id, workspaceId: workspace.id } }, data: { role: "MEMBER" } });
    await expect(requireAdmin()).rejects.toBeInstanceOf(ForbiddenError);
  });

  it("a user without a workspace has no session context", async () => {
    const lonely = await db.user.create({ data: { email: `lonely-${Date.now()}@test.local` } });
    sessionUser.id = lonely.id;
    await expect(requireSession()).rejects.toBeInstanceOf(UnauthenticatedError);
  });
});
