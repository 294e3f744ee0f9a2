import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { SignInForm } from "@/components/auth/signin-form";
import { hasAnyWorkspace } from "@/lib/accounts/signup";
import { getSessionContext } from "@/lib/auth/session";
import { env, googleAuthEnabled } from "@/lib/env";

export const metadata: Metadata = { title: "Sign in" };

const ERRORS: Record<string, string> = {
  CredentialsSignin: "Wrong email or password. Check both and try again.",
  NotInvited: "That Google account is not a member of any workspace. Ask your admin to invite you.",
  OAuthAccountNotLinked: "This email already signs in with a password. Use email and password instead.",
  SessionRequired: "Please sign in to continue.",
};

function safeCallback(url: string | undefined) {
  return url && url.startsWith("/") && !url.startsWith("//") ? url : "/deals";
}

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const params = await searchParams;
  const callbackUrl = safeCallback(params.callbackUrl);
  if (!(await hasAnyWorkspace())) redirect("/signup");
  if (await getSessionContext()) redirect(callbackUrl);
  const error = params.error ? (ERRORS[params.error] ?? "Sign-in failed. Please try again.") : undefined;
  return <SignInForm callbackUrl={callbackUrl} initialError={error} googleEnabled={googleAuthEnabled} signupEnabled={env.ALLOW_WORKSPACE_SIGNUP} />;
}
