import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { SignInForm } from "@/components/auth/signin-form";
import { hasAnyWorkspace } from "@/lib/accounts/signup";
import { getSessionContext, getSignedInUser } from "@/lib/auth/session";
import { env, googleAuthEnabled } from "@/lib/env";
import { safeRedirectPath } from "@/lib/redirects";

export const metadata: Metadata = { title: "Sign in" };

const ERRORS: Record<string, string> = {
  CredentialsSignin: "Wrong email or password. Check both and try again.",
  NotInvited: "That Google account is not a member of any workspace. Ask your admin to invite you.",
  OAuthAccountNotLinked: "This email already signs in with a password. Use email and password instead.",
  SessionRequired: "Please sign in to continue.",
};

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const params = await searchParams;
  const callbackUrl = safeRedirectPath(params.callbackUrl, env.APP_URL);
  if (!(await hasAnyWorkspace())) redirect("/signup");
  if (await getSessionContext()) redirect(callbackUrl);
  // Signed in with a valid password, but no active membership left (deactivated or removed everywhere): say so,
  // rather than showing the sign-in form again as if the password had been wrong.
  const orphan = await getSignedInUser();
  if (orphan && callbackUrl.startsWith("/invite/")) redirect(callbackUrl); // on their way to join a workspace
  if (orphan) {
    return (
      <div className="rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
        <h1 className="text-lg font-semibold">No active workspace</h1>
        <p className="mt-2 text-sm text-slate-600">
          You are signed in as {orphan.email}, but you are not an active member of any workspace: an admin deactivated or removed your access. Ask an admin of
          your workspace to reactivate you or to invite you again.
        </p>
        <Link href="/signout" className="mt-4 inline-block text-sm font-medium text-brand-700 hover:underline">
          Sign out
        </Link>
      </div>
    );
  }
  const error = params.error ? (ERRORS[params.error] ?? "Sign-in failed. Please try again.") : undefined;
  return <SignInForm callbackUrl={callbackUrl} initialError={error} googleEnabled={googleAuthEnabled} signupEnabled={env.ALLOW_WORKSPACE_SIGNUP} />;
}
