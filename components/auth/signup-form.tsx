"use client";

import Link from "next/link";
import { signIn } from "next-auth/react";
import { useState, type FormEvent } from "react";
import { ApiError, apiClient } from "@/components/lib/api-client";
import { Button } from "@/components/ui/button";

const request = apiClient({
  network: "We could not reach the server. Check your connection and try again.",
  status: { 403: "Creating workspaces is turned off on this installation." },
  other: (status) => `Creating the workspace failed (HTTP ${status}). Please try again.`,
});

const INPUT = "mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 text-sm shadow-sm focus:border-brand-600 aria-[invalid=true]:border-red-500";

function Field(props: { id: string; label: string; type?: string; autoComplete?: string; hint?: string; error?: string; maxLength: number }) {
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
        className={INPUT}
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
    </div>
  );
}

/** "Create your workspace": the first run of a new installation, or one more workspace. */
export function SignUpForm({ signedInAs }: { signedInAs: string | null }) {
  const [error, setError] = useState<string>();
  const [fields, setFields] = useState<Record<string, string>>({});
  const [pending, setPending] = useState(false);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const body = Object.fromEntries(["workspaceName", "name", "email", "password"].map((k) => [k, String(form.get(k) ?? "")]));
    setPending(true);
    setError(undefined);
    setFields({});
    try {
      await request("/api/signup", { method: "POST", body: signedInAs ? { workspaceName: body.workspaceName } : body });
      if (!signedInAs) {
        const res = await signIn("credentials", { email: body.email!.trim().toLowerCase(), password: body.password, redirect: false });
        if (!res || res.error) {
          setError("Your workspace is ready, but signing in failed. Sign in with your email and password.");
          return;
        }
      }
      // A full navigation, as after sign-in: the whole app renders with the new session and workspace.
      window.location.assign(new URL("/deals", window.location.origin).href);
    } catch (err) {
      if (err instanceof ApiError) {
        setFields(err.fields);
        setError(Object.keys(err.fields).length ? undefined : err.message);
      } else setError("We could not reach the server. Check your connection and try again.");
    } finally {
      setPending(false);
    }
  }

  return (
    <div className="rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
      <h1 className="text-lg font-semibold">Create your workspace</h1>
      <p className="mt-1 text-sm text-slate-600">
        {signedInAs ? `You will be its admin, signed in as ${signedInAs}.` : "You will be its admin; invite your team once it is ready."}
      </p>
      <form className="mt-5 space-y-4" onSubmit={onSubmit} noValidate>
        <Field id="workspaceName" label="Workspace name" autoComplete="organization" maxLength={80} error={fields.workspaceName} />
        {signedInAs ? null : (
          <>
            <Field id="name" label="Your name" autoComplete="name" maxLength={120} error={fields.name} />
            <Field id="email" label="Work email" type="email" autoComplete="email" maxLength={254} error={fields.email} />
            <Field
              id="password"
              label="Password"
              type="password"
              autoComplete="new-password"
              maxLength={200}
              hint="At least 12 characters; not a common password."
              error={fields.password}
            />
          </>
        )}
        {error ? (
          <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
            {error}
          </p>
        ) : null}
        <Button type="submit" className="w-full" disabled={pending}>
          {pending ? "Creating your workspace…" : "Create workspace"}
        </Button>
      </form>
      {signedInAs ? null : (
        <p className="mt-4 text-center text-sm text-slate-600">
          Already have an account?{" "}
          <Link href="/signin" className="font-medium text-brand-700 hover:underline">
            Sign in
          </Link>
        </p>
      )}
    </div>
  );
}
