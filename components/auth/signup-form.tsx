"use client";

import Link from "next/link";
import { useState, type FormEvent } from "react";
import { apiClient } from "@/components/lib/api-client";
import { enterApp, FormAlert, formFailure, NEW_PASSWORD_HINT, SubmitButton, TextField } from "@/components/ui/form";

const request = apiClient({
  network: "We could not reach the server. Check your connection and try again.",
  status: { 403: "Creating workspaces is turned off on this installation." },
  other: (status) => `Creating the workspace failed (HTTP ${status}). Please try again.`,
});

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
      if (!(await enterApp(signedInAs ? null : { email: body.email!.trim().toLowerCase(), password: body.password! }))) {
        setError("Your workspace is ready, but signing in failed. Sign in with your email and password.");
      }
    } catch (err) {
      const failure = formFailure(err, "We could not reach the server. Check your connection and try again.");
      setFields(failure.fields);
      setError(failure.message);
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
        <TextField id="workspaceName" label="Workspace name" autoComplete="organization" maxLength={80} error={fields.workspaceName} />
        {signedInAs ? null : (
          <>
            <TextField id="name" label="Your name" autoComplete="name" maxLength={120} error={fields.name} />
            <TextField id="email" label="Work email" type="email" autoComplete="email" maxLength={254} error={fields.email} />
            <TextField
              id="password"
              label="Password"
              type="password"
              autoComplete="new-password"
              maxLength={200}
              hint={NEW_PASSWORD_HINT}
              error={fields.password}
            />
          </>
        )}
        <FormAlert message={error} />
        <SubmitButton pending={pending} label="Create workspace" pendingLabel="Creating your workspace…" />
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
