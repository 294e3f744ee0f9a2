"use client";

import Link from "next/link";
import { signIn } from "next-auth/react";
import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { FormAlert, SubmitButton, TextField } from "@/components/ui/form";

export function SignInForm({
  callbackUrl,
  initialError,
  googleEnabled,
  signupEnabled,
}: {
  callbackUrl: string;
  initialError?: string;
  googleEnabled: boolean;
  signupEnabled: boolean;
}) {
  const [error, setError] = useState(initialError);
  const [pending, setPending] = useState(false);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const email = String(form.get("email") ?? "").trim();
    const password = String(form.get("password") ?? "");
    if (!email || !password) {
      setError("Enter your email and password.");
      return;
    }
    setPending(true);
    setError(undefined);
    try {
      const res = await signIn("credentials", { email, password, redirect: false });
      if (res?.status === 429 || res?.error?.startsWith("TooManyAttempts")) {
        const seconds = Number(res?.error?.split(":")[1]) || 900;
        const wait =
          seconds < 60 ? `${seconds} second${seconds === 1 ? "" : "s"}` : `${Math.ceil(seconds / 60)} minute${Math.ceil(seconds / 60) === 1 ? "" : "s"}`;
        setError(`Too many failed sign-ins. Try again in ${wait}, or reset your password.`);
        return;
      }
      if (!res || res.error) {
        setError("Wrong email or password. Check both and try again.");
        return;
      }
      // A full navigation: the whole app re-renders with the new session (a client-side replace raced
      // with the refresh of this page in development and could land back on sign-in).
      window.location.assign(callbackUrl);
    } catch {
      setError("We could not reach the server. Check your connection and try again.");
    } finally {
      setPending(false);
    }
  }

  return (
    <div className="rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
      <h1 className="text-lg font-semibold">Sign in to your workspace</h1>
      <form className="mt-5 space-y-4" onSubmit={onSubmit} noValidate>
        <TextField id="email" label="Email" type="email" autoComplete="email" maxLength={254} />
        <TextField id="password" label="Password" type="password" autoComplete="current-password" maxLength={200}>
          <p className="mt-1 text-right text-sm">
            <Link href="/forgot-password" className="font-medium text-brand-700 hover:underline">
              Forgot password?
            </Link>
          </p>
        </TextField>
        <FormAlert message={error} />
        <SubmitButton pending={pending} label="Sign in" pendingLabel="Signing in…" />
      </form>
      {googleEnabled ? (
        <>
          <div className="my-4 text-center text-xs uppercase tracking-wide text-slate-400">or</div>
          <Button variant="secondary" className="w-full" onClick={() => signIn("google", { callbackUrl })}>
            Continue with Google
          </Button>
        </>
      ) : null}
      {signupEnabled ? (
        <p className="mt-4 text-center text-sm text-slate-600">
          New to Callsync?{" "}
          <Link href="/signup" className="font-medium text-brand-700 hover:underline">
            Create a workspace
          </Link>
        </p>
      ) : null}
    </div>
  );
}
