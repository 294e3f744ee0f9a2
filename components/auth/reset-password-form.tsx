"use client";

import Link from "next/link";
import { useState, type FormEvent } from "react";
import { ApiError, apiClient } from "@/components/lib/api-client";
import { Button } from "@/components/ui/button";

const request = apiClient({
  network: "We could not reach the server. Check your connection and try again.",
  status: {},
  other: (status) => `Setting the password failed (HTTP ${status}). Please try again.`,
});

const INPUT = "mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 text-sm shadow-sm focus:border-brand-600 aria-[invalid=true]:border-red-500";

/** The page a reset link opens: choose a new password, then sign in with it. */
export function ResetPasswordForm({ token, email }: { token: string; email: string }) {
  const [error, setError] = useState<string>();
  const [fieldError, setFieldError] = useState<string>();
  const [done, setDone] = useState(false);
  const [pending, setPending] = useState(false);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const password = String(new FormData(e.currentTarget).get("password") ?? "");
    setPending(true);
    setError(undefined);
    setFieldError(undefined);
    try {
      await request("/api/account/reset-password", { method: "POST", body: { token, password } });
      setDone(true);
    } catch (err) {
      if (err instanceof ApiError && err.fields.password) setFieldError(err.fields.password);
      else setError(err instanceof ApiError ? err.message : "We could not reach the server. Check your connection and try again.");
    } finally {
      setPending(false);
    }
  }

  if (done) {
    return (
      <div className="rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
        <h1 className="text-lg font-semibold">Password set</h1>
        <p role="status" className="mt-2 text-sm text-slate-600">
          Your password is set. Sign in with it.
        </p>
        <p className="mt-1 text-sm text-slate-600">Every device that was signed in to {email} has been signed out.</p>
        <Link href="/signin" className="mt-4 inline-block text-sm font-medium text-brand-700 hover:underline">
          Sign in
        </Link>
      </div>
    );
  }

  return (
    <div className="rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
      <h1 className="text-lg font-semibold">Choose a new password</h1>
      <p className="mt-1 text-sm text-slate-600">
        For <strong>{email}</strong>. Setting it signs you out on every device.
      </p>
      <form className="mt-5 space-y-4" onSubmit={onSubmit} noValidate>
        <input type="hidden" name="username" autoComplete="username" value={email} readOnly />
        <div>
          <label htmlFor="password" className="block text-sm font-medium text-slate-700">
            New password
          </label>
          <input
            id="password"
            name="password"
            type="password"
            autoComplete="new-password"
            required
            maxLength={200}
            aria-invalid={fieldError ? true : undefined}
            aria-describedby={fieldError ? "password-hint password-error" : "password-hint"}
            className={INPUT}
          />
          <p id="password-hint" className="mt-1 text-xs text-slate-500">
            At least 12 characters; not a common password.
          </p>
          {fieldError ? (
            <p id="password-error" className="mt-1 text-sm text-red-700">
              {fieldError}
            </p>
          ) : null}
        </div>
        {error ? (
          <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
            {error}
          </p>
        ) : null}
        <Button type="submit" className="w-full" disabled={pending}>
          {pending ? "Setting…" : "Set password"}
        </Button>
      </form>
    </div>
  );
}
