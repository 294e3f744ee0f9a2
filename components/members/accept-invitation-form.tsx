"use client";

import { signIn } from "next-auth/react";
import { useState, type FormEvent } from "react";
import { apiClient } from "@/components/lib/api-client";
import { Button } from "@/components/ui/button";
import { enterApp, FormAlert, formFailure, NEW_PASSWORD_HINT, SubmitButton, TextField } from "@/components/ui/form";

const request = apiClient({
  network: "We could not reach Callsync. Check your connection and try again.",
  status: {},
  other: (status) => `Joining failed (HTTP ${status}). Please try again.`,
});

/** Accepting an invitation: a new person sets name and password; a signed-in invitee just joins. */
export function AcceptInvitationForm(props: {
  token: string;
  workspace: string;
  email: string;
  invitedBy: string | null;
  signedIn: boolean;
  googleEnabled?: boolean;
}) {
  const [error, setError] = useState<string>();
  const [fields, setFields] = useState<Record<string, string>>({});
  const [pending, setPending] = useState(false);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const name = String(form.get("name") ?? "");
    const password = String(form.get("password") ?? "");
    setPending(true);
    setError(undefined);
    setFields({});
    try {
      await request("/api/invitations/accept", { method: "POST", body: props.signedIn ? { token: props.token } : { token: props.token, name, password } });
      if (!(await enterApp(props.signedIn ? null : { email: props.email, password }))) {
        setError("You joined the workspace, but signing in failed. Sign in with your email and new password.");
      }
    } catch (err) {
      const failure = formFailure(err, "We could not reach Callsync. Check your connection and try again.");
      setFields(failure.fields);
      setError(failure.message);
    } finally {
      setPending(false);
    }
  }

  return (
    <div className="rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
      <h1 className="text-lg font-semibold">Join {props.workspace}</h1>
      <p className="mt-1 text-sm text-slate-600">
        {props.invitedBy ? `${props.invitedBy} invited you` : "You were invited"} as <strong>{props.email}</strong>.
        {props.signedIn ? "" : " Choose your name and a password to create your account."}
      </p>
      <form className="mt-5 space-y-4" onSubmit={onSubmit} noValidate>
        {props.signedIn ? null : (
          <>
            <TextField id="name" label="Your name" autoComplete="name" maxLength={120} error={fields.name} />
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
        <SubmitButton pending={pending} label="Join workspace" pendingLabel="Joining…" />
      </form>
      {props.googleEnabled && !props.signedIn ? (
        <>
          <div className="my-4 text-center text-xs tracking-wide text-slate-400 uppercase">or</div>
          {/* Google signs in as the invited address (if it is that Google account), then this page accepts it signed in. */}
          <Button variant="secondary" className="w-full" onClick={() => signIn("google", { callbackUrl: `/invite/${props.token}` })}>
            Continue with Google
          </Button>
          <p className="mt-2 text-center text-xs text-slate-500">Use the Google account for {props.email}.</p>
        </>
      ) : null}
    </div>
  );
}
