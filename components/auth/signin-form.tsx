"use client";

import Link from "next/link";
import { signIn } from "next-auth/react";
import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";

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
        <div>
          <label htmlFor="email" className="block text-sm font-medium text-slate-700">
            Email
          </label>
          <input
            id="email"
            name="email"
            type="email"
            autoComplete="email"
            required
            maxLength={254}
            className="mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 text-sm shadow-sm focus:border-brand-600"
          />
        </div>
        <div>
          <label htmlFor="password" className="block text-sm font-medium text-slate-700">
            Password
          </label>
          <input
            id="password"
            name="password"
            type="password"
            autoComplete="current-password"
            required
            maxLength={200}
            className="mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 text-sm shadow-sm focus:border-brand-600"
          />
          <p className="mt-1 text-right text-sm">
            <Link href="/forgot-password" className="font-medium text-brand-700 hover:underline">
              Forgot password?
            </Link>
          </p>
        </div>
        {error ? (
          <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
            {error}
          </p>
        ) : null}
        <Button type="submit" className="w-full" disabled={pending}>
          {pending ? "Signing in…" : "Sign in"}
        </Button>
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
