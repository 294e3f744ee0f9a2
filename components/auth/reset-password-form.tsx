"use client";

import Link from "next/link";
import { useState, type FormEvent } from "react";
import { apiClient } from "@/components/lib/api-client";
import { FormAlert, formFailure, NEW_PASSWORD_HINT, SubmitButton, TextField } from "@/components/ui/form";

const request = apiClient({
  network: "We could not reach the server. Check your connection and try again.",
  status: {},
  other: (status) => `Setting the password failed (HTTP ${status}). Please try again.`,
});

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
      const failure = formFailure(err, "We could not reach the server. Check your connection and try again.");
      setFieldError(failure.fields.password);
      setError(failure.fields.password ? undefined : (failure.message ?? Object.values(failure.fields)[0]));
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
        <TextField id="password" label="New password" type="password" autoComplete="new-password" maxLength={200} hint={NEW_PASSWORD_HINT} error={fieldError} />
        <FormAlert message={error} />
        <SubmitButton pending={pending} label="Set password" pendingLabel="Setting…" />
      </form>
    </div>
  );
}
