"use client";

import Link from "next/link";
import { useState, type FormEvent } from "react";
import { apiClient } from "@/components/lib/api-client";
import { FormAlert, formFailure, SubmitButton, TextField } from "@/components/ui/form";

const request = apiClient({
  network: "We could not reach the server. Check your connection and try again.",
  status: {},
  other: (status) => `Sending the reset link failed (HTTP ${status}). Please try again.`,
});

/** "Forgot password?": asks for the email; the answer never says whether the account exists. */
export function ForgotPasswordForm() {
  const [error, setError] = useState<string>();
  const [fieldError, setFieldError] = useState<string>();
  const [sent, setSent] = useState<string>();
  const [pending, setPending] = useState(false);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const email = String(new FormData(e.currentTarget).get("email") ?? "").trim();
    if (!email) {
      setFieldError("Enter your email address.");
      return;
    }
    setPending(true);
    setError(undefined);
    setFieldError(undefined);
    try {
      const res = await request<{ message: string }>("/api/account/forgot-password", { method: "POST", body: { email } });
      setSent(res.message);
    } catch (err) {
      const failure = formFailure(err, "We could not reach the server. Check your connection and try again.");
      setFieldError(failure.fields.email);
      setError(failure.fields.email ? undefined : (failure.message ?? Object.values(failure.fields)[0]));
    } finally {
      setPending(false);
    }
  }

  return (
    <div className="rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
      <h1 className="text-lg font-semibold">Reset your password</h1>
      {sent ? (
        <div className="mt-3 space-y-3 text-sm text-slate-600">
          <p role="status" className="rounded-md bg-emerald-50 px-3 py-2 text-emerald-800">
            {sent}
          </p>
          <p>No email after a few minutes? Check your spam folder, or make sure you typed the address you sign in with.</p>
        </div>
      ) : (
        <>
          <p className="mt-1 text-sm text-slate-600">Enter the email you sign in with and we will send you a link to choose a new password.</p>
          <form className="mt-5 space-y-4" onSubmit={onSubmit} noValidate>
            <TextField id="email" label="Email" type="email" autoComplete="email" maxLength={254} error={fieldError} />
            <FormAlert message={error} />
            <SubmitButton pending={pending} label="Send reset link" pendingLabel="Sending…" />
          </form>
        </>
      )}
      <p className="mt-4 text-center text-sm text-slate-600">
        Remembered it?{" "}
        <Link href="/signin" className="font-medium text-brand-700 hover:underline">
          Sign in
        </Link>
      </p>
    </div>
  );
}
