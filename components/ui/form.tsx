"use client";

// The pieces every form in the app is made of (sign-in, sign-up, invitations, password reset, account): a
// labelled field with its hint and inline error, the form's alert, its submit button, and how a failed request
// turns into per-field messages or one message.
import { signIn } from "next-auth/react";
import type { ReactNode } from "react";
import { ApiError } from "@/components/lib/api-client";
import { Button } from "@/components/ui/button";

export const INPUT_CLASS =
  "mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 text-sm shadow-sm focus:border-brand-600 aria-[invalid=true]:border-red-500";

export function TextField(props: {
  id: string;
  label: string;
  type?: "text" | "email" | "password";
  autoComplete?: string;
  hint?: string;
  error?: string;
  maxLength: number;
  /** Shown under the field (for example a "Forgot password?" link). */
  children?: ReactNode;
}) {
  const describedBy = [props.hint ? `${props.id}-hint` : null, props.error ? `${props.id}-error` : null].filter(Boolean).join(" ") || undefined;
  return (
    <div>
      <label htmlFor={props.id} className="block text-sm font-medium text-slate-700">
        {props.label}
      </label>
      <input
        id={props.id}
        name={props.id}
        type={props.type ?? "text"}
        autoComplete={props.autoComplete}
        required
        maxLength={props.maxLength}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={describedBy}
        className={INPUT_CLASS}
      />
      {props.hint ? (
        <p id={`${props.id}-hint`} className="mt-1 text-xs text-slate-500">
          {props.hint}
        </p>
      ) : null}
      {props.error ? (
        <p id={`${props.id}-error`} className="mt-1 text-sm text-red-700">
          {props.error}
        </p>
      ) : null}
      {props.children}
    </div>
  );
}

export const NEW_PASSWORD_HINT = "At least 12 characters; not a common password.";

/** The form's own message (role="alert"), or nothing. */
export function FormAlert({ message }: { message?: string }) {
  return message ? (
    <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
      {message}
    </p>
  ) : null;
}

export function SubmitButton({ pending, label, pendingLabel }: { pending: boolean; label: string; pendingLabel: string }) {
  return (
    <Button type="submit" className="w-full" disabled={pending}>
      {pending ? pendingLabel : label}
    </Button>
  );
}

/**
 * A failed request as the form shows it: the server's per-field messages beside their fields (and no alert),
 * otherwise one message; `network` when no answer came at all.
 */
export function formFailure(err: unknown, network: string): { fields: Record<string, string>; message?: string } {
  if (!(err instanceof ApiError)) return { fields: {}, message: network };
  return Object.keys(err.fields).length ? { fields: err.fields } : { fields: {}, message: err.message };
}

/**
 * After an account was created (sign-up, accepting an invitation): signs in with the password just chosen and
 * opens the app with a full navigation, so everything renders with the new session and workspace. With
 * `credentials` null (already signed in) it only navigates. False when signing in failed.
 */
export async function enterApp(credentials: { email: string; password: string } | null): Promise<boolean> {
  if (credentials) {
    const res = await signIn("credentials", { ...credentials, redirect: false });
    if (!res || res.error) return false;
  }
  window.location.assign(new URL("/deals", window.location.origin).href);
  return true;
}
