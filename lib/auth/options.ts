// next-auth 4 configuration: email + password (scrypt; legacy bcrypt hashes still verify) credentials with JWT sessions, plus Google OIDC
// when GOOGLE_CLIENT_ID/SECRET are set (accounts stored through the Prisma adapter).
import "server-only";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import GoogleProvider from "next-auth/providers/google";
import { PrismaAdapter } from "@auth/prisma-adapter";
import { z } from "zod";
import { db } from "@/lib/db";
import { env, googleAuthEnabled } from "@/lib/env";
import { safeRedirectPath } from "@/lib/redirects";
import { hashPassword, needsRehash, verifyPassword } from "@/lib/auth/password";
import { clientAddress, recordLoginFailure, recordLoginSuccess } from "@/lib/auth/throttle";

const credentialsSchema = z.object({
  email: z.string().trim().toLowerCase().email().max(254),
  password: z.string().min(1).max(200),
});

// Compared against when the email is unknown, so response time does not reveal which accounts exist.
const DUMMY_HASH = "scrypt$15$8$1$cv4gB3YuqYU8RZyzWqR7bA$tIj22Z-ChVYihmzCSpTr2apnYmt2oSLmpnE5YoWXDfQ";

/**
 * Email + password check. Returns the user, or null for any mismatch (never says which part). Each failure
 * counts against the account and the client address (lib/auth/throttle.ts; the route refuses with 429 once over).
 */
export async function authorizeCredentials(raw: unknown, headers?: Record<string, string | string[] | undefined>) {
  const parsed = credentialsSchema.safeParse(raw);
  if (!parsed.success) return null;
  const user = await checkPassword(parsed.data.email, parsed.data.password);
  if (!user) {
    await recordLoginFailure(parsed.data.email, clientAddress(headers));
    return null;
  }
  await recordLoginSuccess(parsed.data.email);
  return user;
}

async function checkPassword(email: string, password: string) {
  const parsed = { data: { email, password } };
  const user = await db.user.findUnique({
    where: { email: parsed.data.email },
    select: { id: true, email: true, name: true, passwordHash: true, sessionVersion: true },
  });
  const ok = await verifyPassword(parsed.data.password, user?.passwordHash ?? DUMMY_HASH);
  if (!user || !user.passwordHash || !ok) return null;
  if (needsRehash(user.passwordHash)) {
    await db.user.update({ where: { id: user.id }, data: { passwordHash: await hashPassword(parsed.data.password) } }).catch(() => undefined);
  }
  return { id: user.id, email: user.email, name: user.name, sessionVersion: user.sessionVersion };
}

/**
 * Whether a Google account may sign in: its email must be verified by Google, and belong to an existing user or
 * to someone with an open invitation (who then accepts it on /invite/<token>, signed in). Anyone else is sent
 * back to sign-in with "not invited".
 */
export async function googleSignInAllowed(email: string | null | undefined, emailVerified: boolean | undefined): Promise<true | string> {
  if (!email || emailVerified === false) return "/signin?error=NotInvited";
  const address = email.trim().toLowerCase();
  const [existing, invited] = await Promise.all([
    db.user.findUnique({ where: { email: address }, select: { id: true } }),
    db.invitation.findFirst({ where: { email: address, acceptedAt: null, revokedAt: null, expiresAt: { gt: new Date() } }, select: { id: true } }),
  ]);
  return existing || invited ? true : "/signin?error=NotInvited";
}

const prismaAdapter = PrismaAdapter(db);

/**
 * The Prisma adapter, except that a linked Google account keeps none of Google's OAuth tokens: we never
 * call Google APIs (sign-in only needs the provider and account id), so there is nothing to keep, and the
 * Account table has no columns for them.
 */
const adapter = {
  ...prismaAdapter,
  linkAccount: ({ access_token, refresh_token, id_token, ...account }: Parameters<NonNullable<typeof prismaAdapter.linkAccount>>[0]) =>
    prismaAdapter.linkAccount!(account),
};

export const authOptions: NextAuthOptions = {
  // The adapter's types target @auth/core; next-auth 4 accepts it at runtime.
  adapter: adapter as NextAuthOptions["adapter"],
  secret: env.NEXTAUTH_SECRET,
  session: { strategy: "jwt", maxAge: 60 * 60 * 24 * 14 },
  pages: { signIn: "/signin", signOut: "/signout", error: "/signin" },
  providers: [
    CredentialsProvider({
      name: "Email and password",
      credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
      authorize: (raw, req) => authorizeCredentials(raw, req?.headers),
    }),
    ...(googleAuthEnabled ? [GoogleProvider({ clientId: env.GOOGLE_CLIENT_ID!, clientSecret: env.GOOGLE_CLIENT_SECRET! })] : []),
  ],
  callbacks: {
    // Every redirect next-auth makes (after sign-in, sign-out, OAuth) stays on APP_URL's origin.
    redirect: ({ url }) => new URL(safeRedirectPath(url, env.APP_URL), env.APP_URL).toString(),
    // Google sign-in is for people who have an account or an open invitation (matched by verified email).
    signIn: ({ user, account, profile }) =>
      account?.provider === "credentials" ? true : googleSignInAllowed(user.email, (profile as { email_verified?: boolean } | undefined)?.email_verified),
    // The token carries the user's session version at sign-in; lib/auth/session.ts refuses it once the
    // version moves on (password change, sign out everywhere, deactivation).
    async jwt({ token, user }) {
      if (user) {
        token.sub = user.id;
        token.sv = (user as { sessionVersion?: number }).sessionVersion ?? 0;
      }
      return token;
    },
    async session({ session, token }) {
      if (session.user && token.sub) Object.assign(session.user, { id: token.sub, sv: typeof token.sv === "number" ? token.sv : 0 });
      return session;
    },
  },
  events: {
    async signIn({ user }) {
      if (user.id) await db.user.update({ where: { id: user.id }, data: { lastSignInAt: new Date() } }).catch(() => undefined);
    },
  },
};
