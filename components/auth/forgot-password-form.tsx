"use client";

import Link from "next/link";
import { useState, type FormEvent } from "react";
import { ApiError, apiClient } from "@/components/lib/api-client";
import { Button } from "@/components/ui/button";

const request = apiClient({
  network: "We could not reach the server. Check your connection and try again.",
  status: {},
  other: (status) => `Sending the reset link failed (HTTP ${status}). Please try again.`,
});

const INPUT = "mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 text-sm shadow-sm focus:border-brand-600 aria-[invalid=true]:border-red-500";

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
      if (err instanceof ApiError && err.fields.email) setFieldError(err.fields.email);
      else setError(err instanceof ApiError ? err.message : "We could not reach the server. Check your connection and try again.");
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
                aria-invalid={fieldError ? true : undefined}
                aria-describedby={fieldError ? "email-error" : undefined}
                className={INPUT}
              />
              {fieldError ? (
                <p id="email-error" className="mt-1 text-sm text-red-700">
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
              {pending ? "Sending…" : "Send reset link"}
            </Button>
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
