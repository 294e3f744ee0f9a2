import type { Metadata } from "next";
import { SignOutButton } from "@/components/auth/signout-button";
import { env } from "@/lib/env";
import { safeRedirectPath } from "@/lib/redirects";

export const metadata: Metadata = { title: "Sign out" };

export default async function SignOutPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  // Where to go once signed out (an invitation page, say): a path on our origin, else sign-in.
  const callbackUrl = safeRedirectPath((await searchParams).callbackUrl, env.APP_URL, "/signin");
  return (
    <div className="rounded-xl border border-slate-200 bg-white p-6 text-center shadow-sm">
      <h1 className="text-lg font-semibold">Sign out of Callsync?</h1>
      <p className="mt-2 text-sm text-slate-600">You can sign back in at any time.</p>
      <div className="mt-5">
        <SignOutButton callbackUrl={callbackUrl} />
      </div>
    </div>
  );
}
