// Google sign-in: next-auth's adapter links the Google account to the user. We never call Google APIs,
// so its OAuth tokens are not kept at all: nothing of them is stored in any column.
import { afterAll, describe, expect, it } from "vitest";

const { authOptions } = await import("@/lib/auth/options");
const { db } = await import("@/lib/db");
const { createWorkspace } = await import("../support/db");

describe("Google sign-in account rows", () => {
  afterAll(() => db.$disconnect());

  it("stores the link (provider, account id) but none of the Google tokens", async () => {
    const { admin } = await createWorkspace();
    const tokens = { access_token: "ya29.google-access-token-xyz", refresh_token: "1//google-refresh-token-xyz", id_token: "eyJhbGciOi.google-id-token.xyz" };
    await authOptions.adapter!.linkAccount!({
      userId: admin.id,
      type: "oauth",
      provider: "google",
      providerAccountId: `g-${admin.id}`,
      token_type: "Bearer",
      scope: "openid email profile",
      expires_at: 1_900_000_000,
      ...tokens,
    });
    const rows = await db.$queryRaw<Array<Record<string, unknown>>>`SELECT * FROM "Account" WHERE "userId" = ${admin.id}`;
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ provider: "google", providerAccountId: `g-${admin.id}` });
    const stored = JSON.stringify(rows[0]);
    for (const value of Object.values(tokens)) expect(stored).not.toContain(value);
    // The account still finds its user (what sign-in needs).
    const user = await authOptions.adapter!.getUserByAccount!({ provider: "google", providerAccountId: `g-${admin.id}` });
    expect(user?.id).toBe(admin.id);
  });
});
