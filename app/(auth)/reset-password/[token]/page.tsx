import type { Metadata } from "next";
import Link from "next/link";
import { ResetPasswordForm } from "@/components/auth/reset-password-form";
import { inspectPasswordReset, RESET_STATE_MESSAGE } from "@/lib/accounts/passwords";

// The token is in the address: never send it on to another page as a Referer.
export const metadata: Metadata = { title: "Choose a new password", referrer: "no-referrer" };

const HEADING = {
  expired: "This reset link has expired",
  used: "This reset link was already used",
  invalid: "This reset link is not valid",
} as const;

const linkClass = "inline-block font-medium text-brand-700 hover:underline";

export default async function ResetPasswordPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const view = await inspectPasswordReset(token);
  if (view.state !== "valid") {
    return (
      <div className="rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
        <h1 className="text-lg font-semibold">{HEADING[view.state]}</h1>
        <div className="mt-2 space-y-3 text-sm text-slate-600">
          <p>{RESET_STATE_MESSAGE[view.state]}</p>
          <div className="flex gap-4">
            <Link href="/forgot-password" className={linkClass}>
              Request a new link
            </Link>
            <Link href="/signin" className={linkClass}>
              Sign in
            </Link>
          </div>
        </div>
      </div>
    );
  }
  return <ResetPasswordForm token={token} email={view.email!} />;
}
