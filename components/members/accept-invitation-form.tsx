"use client";

import { signIn } from "next-auth/react";
import { useState, type FormEvent } from "react";
import { ApiError, apiClient } from "@/components/lib/api-client";
import { Button } from "@/components/ui/button";

const request = apiClient({
  network: "We could not reach Callsync. Check your connection and try again.",
  status: {},
  other: (status) => `Joining failed (HTTP ${status}). Please try again.`,
});

const INPUT = "mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 text-sm shadow-sm focus:border-brand-600";

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
      if (!props.signedIn) {
        const res = await signIn("credentials", { email: props.email, password, redirect: false });
        if (!res || res.error) {
          setError("You joined the workspace, but signing in failed. Sign in with your email and new password.");
          return;
        }
      }
      // A full navigation: the app renders with the new session and workspace.
      window.location.assign(new URL("/deals", window.location.origin).href);
    } catch (err) {
      if (err instanceof ApiError) {
        setFields(err.fields);
        setError(Object.keys(err.fields).length ? undefined : err.message);
      } else setError("We could not reach Callsync. Check your connection and try again.");
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
            <div>
              <label htmlFor="name" className="block text-sm font-medium text-slate-700">
                Your name
              </label>
              <input
                id="name"
                name="name"
                autoComplete="name"
                required
                maxLength={120}
                aria-invalid={fields.name ? true : undefined}
                aria-describedby={fields.name ? "name-error" : undefined}
                className={INPUT}
              />
              {fields.name ? (
                <p id="name-error" className="mt-1 text-sm text-red-700">
                  {fields.name}
                </p>
              ) : null}
            </div>
            <div>
              <label htmlFor="password" className="block text-sm font-medium text-slate-700">
                Password
              </label>
              <input
                id="password"
                name="password"
                type="password"
                autoComplete="new-password"
                required
                maxLength={200}
                aria-invalid={fields.password ? true : undefined}
                aria-describedby={fields.password ? "password-hint password-error" : "password-hint"}
                className={INPUT}
              />
              <p id="password-hint" className="mt-1 text-xs text-slate-500">
                At least 12 characters; not a common password.
              </p>
              {fields.password ? (
                <p id="password-error" className="mt-1 text-sm text-red-700">
                  {fields.password}
                </p>
              ) : null}
            </div>
          </>
        )}
        {error ? (
          <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
            {error}
          </p>
        ) : null}
        <Button type="submit" className="w-full" disabled={pending}>
          {pending ? "Joining…" : "Join workspace"}
        </Button>
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
