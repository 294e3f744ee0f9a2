import type { Metadata } from "next";
import Link from "next/link";
import { connection } from "next/server";
import { SignUpForm } from "@/components/auth/signup-form";
import { SIGNUP_CLOSED_MESSAGE, signupOpen } from "@/lib/accounts/signup";
import { getSessionContext } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Create your workspace" };

export default async function SignUpPage() {
  await connection(); // per request, never at build time
  const [open, session] = await Promise.all([signupOpen(), getSessionContext()]);
  if (!open) {
    return (
      <div className="rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
        <h1 className="text-lg font-semibold">Sign-up is turned off</h1>
        <p className="mt-2 text-sm text-slate-600">{SIGNUP_CLOSED_MESSAGE}</p>
        <Link href="/signin" className="mt-4 inline-block text-sm font-medium text-brand-700 hover:underline">
          Sign in
        </Link>
      </div>
    );
  }
  return <SignUpForm signedInAs={session?.email ?? null} />;
}
