import { afterAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { verifyPassword } from "@/lib/auth/password";
import { DEMO_PASSWORD, DEMO_USERS } from "@/lib/demo/data";
import { seedDemo } from "@/prisma/seed";

describe("demo seed", () => {
  afterAll(() => db.$disconnect());

  it("creates Acme with an admin and reps, idempotently", async () => {
    const first = await seedDemo(db);
    await seedDemo(db);
    const ws = await db.workspace.findUniqueOrThrow({ where: { id: first.workspaceId } });
    expect(ws.name).toBe("Acme");
    const members = await db.membership.findMany({ where: { workspaceId: ws.id }, include: { user: true } });
    expect(members).toHaveLength(DEMO_USERS.length);
    expect(members.find((m) => m.user.email === "admin@acme.test")?.role).toBe("ADMIN");
    expect(members.find((m) => m.user.email === "rep1@acme.test")?.role).toBe("MEMBER");
    expect(await verifyPassword(DEMO_PASSWORD, members[0]!.user.passwordHash!)).toBe(true);
    // That it writes no deals is checked in tests/crm/demo-crm.test.ts, on a database of its own: here other
    // files of the run (the sync harness) give the shared Acme fixture deals at the same time.
  });
});
