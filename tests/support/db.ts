// Test helpers for integration tests against the run's database.
import { randomBytes } from "node:crypto";
import { db } from "@/lib/db";
import { hashPassword } from "@/lib/auth/password";

export const uid = () => randomBytes(4).toString("hex");

/** A workspace of its own with one admin and one member, so tests never see each other's rows. */
export async function createWorkspace(name = "Test") {
  const suffix = uid();
  const passwordHash = await hashPassword("pw");
  const workspace = await db.workspace.create({ data: { name, slug: `${name.toLowerCase()}-${suffix}` } });
  const admin = await db.user.create({ data: { email: `admin-${suffix}@test.local`, name: "Admin", passwordHash } });
  const member = await db.user.create({ data: { email: `member-${suffix}@test.local`, name: "Member", passwordHash } });
  await db.membership.createMany({
    data: [
      { userId: admin.id, workspaceId: workspace.id, role: "ADMIN" },
      { userId: member.id, workspaceId: workspace.id, role: "MEMBER" },
    ],
  });
  return { workspace, admin, member };
}
