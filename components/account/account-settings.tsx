"use client";
// Settings → Account: who you are, changing your password, and signing out of every session. A password change
// ends every session (User.sessionVersion); this browser then signs in again with the new password so it stays
// signed in while the others are out.
import Link from "next/link";
import { useRouter } from "next/navigation";
import { signIn, signOut } from "next-auth/react";
import { useState, type FormEvent } from "react";
import { Dialog } from "@/components/integrations/dialog";
import { ApiError, apiClient } from "@/components/lib/api-client";
import { Button } from "@/components/ui/button";
import { formFailure, INPUT_CLASS, NEW_PASSWORD_HINT, TextField } from "@/components/ui/form";
import { timeZoneLabel } from "@/components/ui/format";
import { useTimeZone } from "@/components/ui/time-zone";

const request = apiClient({
  network: "We could not reach Callsync. Check your connection and try again.",
  status: { 401: "Your session has ended. Sign in again." },
  other: (status) => `That did not work (HTTP ${status}). Please try again.`,
});

const CARD = "rounded-xl border border-slate-200 bg-white p-6 shadow-sm";

function ChangePasswordForm({ email }: { email: string }) {
  const [fields, setFields] = useState<Record<string, string>>({});
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const [pending, setPending] = useState(false);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const formEl = e.currentTarget;
    const form = new FormData(formEl);
    const currentPassword = String(form.get("currentPassword") ?? "");
    const newPassword = String(form.get("newPassword") ?? "");
    setPending(true);
    setFields({});
    setError(undefined);
    setNotice(undefined);
    try {
      const res = await request<{ email: string }>("/api/account/password", { method: "POST", body: { currentPassword, newPassword } });
      // Every session ended with the change, this one too: sign this browser in again with the new password.
      const again = await signIn("credentials", { email: res.email, password: newPassword, redirect: false });
      if (!again || again.error) {
        setError("Your password was changed, but signing this browser in again failed. Sign in with your new password.");
        return;
      }
      formEl.reset();
      setNotice("Password changed. Other sessions have been signed out.");
    } catch (err) {
      const failure = formFailure(err, "We could not reach Callsync. Check your connection and try again.");
      setFields(failure.fields);
      setError(failure.message);
    } finally {
      setPending(false);
    }
  }

  return (
    <form className="mt-4 max-w-sm space-y-4" onSubmit={onSubmit} noValidate aria-label="Change password">
      <input type="hidden" name="username" autoComplete="username" value={email} readOnly />
      <TextField id="currentPassword" label="Current password" type="password" autoComplete="current-password" maxLength={200} error={fields.currentPassword} />
      <TextField
        id="newPassword"
        label="New password"
        type="password"
        autoComplete="new-password"
        maxLength={200}
        hint={NEW_PASSWORD_HINT}
        error={fields.newPassword}
      />
      {error ? (
        <p role="alert" className="max-w-sm rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
          {error}{" "}
          {error.startsWith("Your password was changed") ? (
            <Link href="/signin" className="font-medium underline">
              Sign in
            </Link>
          ) : null}
        </p>
      ) : null}
      {notice ? (
        <p role="status" className="max-w-sm rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-800">
          {notice}
        </p>
      ) : null}
      <Button type="submit" disabled={pending}>
        {pending ? "Changing…" : "Change password"}
      </Button>
    </form>
  );
}

function SignOutEverywhere() {
  const [open, setOpen] = useState(false);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string>();

  async function run() {
    setPending(true);
    setError(undefined);
    try {
      await request("/api/account/sign-out-everywhere", { method: "POST" });
      // This browser's session was among those ended; clear its cookie and go to sign-in.
      await signOut({ callbackUrl: "/signin" });
    } catch (err) {
      setOpen(false);
      setPending(false);
      setError(err instanceof ApiError ? err.message : "We could not reach Callsync. Check your connection and try again.");
    }
  }

  return (
    <>
      <Button variant="danger" onClick={() => setOpen(true)}>
        Sign out of all sessions
      </Button>
      {error ? (
        <p role="alert" className="mt-3 max-w-sm rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
          {error}
        </p>
      ) : null}
      <Dialog
        open={open}
        onClose={() => (pending ? undefined : setOpen(false))}
        title="Sign out of all sessions?"
        footer={
          <>
            <Button variant="secondary" onClick={() => setOpen(false)} disabled={pending}>
              Cancel
            </Button>
            <Button variant="danger" onClick={run} disabled={pending}>
              {pending ? "Signing out…" : "Sign out everywhere"}
            </Button>
          </>
        }
      >
        <p>Every browser and device signed in to your account is signed out on its next request, this one included. You can sign back in at any time.</p>
      </Dialog>
    </>
  );
}

type TimeZoneChoice = { saved: string | null; browser: string | null; names: string[] };

/** Settings → Account → Time zone: every time Callsync shows is in this zone; Automatic follows the browser. */
function TimeZoneForm({ choice }: { choice: TimeZoneChoice }) {
  const router = useRouter();
  const shownIn = useTimeZone();
  const [value, setValue] = useState(choice.saved ?? "");
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const [pending, setPending] = useState(false);
  const automatic = choice.browser ? `Automatic: this browser's zone, ${timeZoneLabel(choice.browser)}` : "Automatic: this browser's zone";

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setPending(true);
    setError(undefined);
    setNotice(undefined);
    try {
      const saved = await request<{ timeZone: string | null }>("/api/account/time-zone", { method: "PUT", body: { timeZone: value || null } });
      setNotice(saved.timeZone ? `Saved. Times now show in ${timeZoneLabel(saved.timeZone)}.` : "Saved. Times now follow this browser's time zone.");
      router.refresh();
    } catch (err) {
      setError(formFailure(err, "We could not reach Callsync. Check your connection and try again.").message);
    } finally {
      setPending(false);
    }
  }

  return (
    <form className="mt-4 max-w-lg space-y-4" onSubmit={onSubmit} noValidate aria-label="Time zone">
      <div>
        <label htmlFor="timeZone" className="block text-sm font-medium text-slate-700">
          Show times in
        </label>
        <select id="timeZone" name="timeZone" className={`${INPUT_CLASS} mt-1`} value={value} onChange={(e) => setValue(e.target.value)}>
          <option value="">{automatic}</option>
          {choice.names.map((z) => (
            <option key={z} value={z}>
              {z.replace(/_/g, " ")}
            </option>
          ))}
        </select>
        <p className="mt-1 text-xs text-slate-500" data-testid="time-zone-now">
          Times are shown in {timeZoneLabel(shownIn)}.
        </p>
      </div>
      {error ? (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
          {error}
        </p>
      ) : null}
      {notice ? (
        <p role="status" className="rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-800">
          {notice}
        </p>
      ) : null}
      <Button type="submit" disabled={pending || value === (choice.saved ?? "")}>
        {pending ? "Saving…" : "Save time zone"}
      </Button>
    </form>
  );
}

export function AccountSettings({
  name,
  email,
  hasPassword,
  timeZone,
}: {
  name: string | null;
  email: string;
  hasPassword: boolean;
  timeZone: TimeZoneChoice;
}) {
  return (
    <div className="space-y-6">
      <section className={CARD} aria-labelledby="profile-heading">
        <h2 id="profile-heading" className="text-base font-semibold">
          Profile
        </h2>
        <dl className="mt-3 grid max-w-lg grid-cols-[8rem_1fr] gap-y-2 text-sm">
          <dt className="text-slate-500">Name</dt>
          <dd className="text-slate-900">{name ?? "—"}</dd>
          <dt className="text-slate-500">Email</dt>
          <dd className="text-slate-900">{email}</dd>
        </dl>
      </section>
      <section className={CARD} aria-labelledby="time-zone-heading">
        <h2 id="time-zone-heading" className="text-base font-semibold">
          Time zone
        </h2>
        <p className="mt-1 text-sm text-slate-600">Calls, syncs and link expiry times are shown in this zone, in every workspace.</p>
        <TimeZoneForm choice={timeZone} />
      </section>
      <section className={CARD} aria-labelledby="password-heading">
        <h2 id="password-heading" className="text-base font-semibold">
          Change password
        </h2>
        {hasPassword ? (
          <>
            <p className="mt-1 text-sm text-slate-600">Changing your password signs you out on every other browser and device.</p>
            <ChangePasswordForm email={email} />
          </>
        ) : (
          <p className="mt-1 text-sm text-slate-600">
            You sign in with Google, so your account has no password yet. To set one,{" "}
            <Link href="/forgot-password" className="font-medium text-brand-700 hover:underline">
              request a reset link
            </Link>{" "}
            for {email}.
          </p>
        )}
      </section>
      <section className={CARD} aria-labelledby="sessions-heading">
        <h2 id="sessions-heading" className="text-base font-semibold">
          Sessions
        </h2>
        <p className="mt-1 mb-4 text-sm text-slate-600">Lost a device or signed in on a shared computer? End every session of your account at once.</p>
        <SignOutEverywhere />
      </section>
    </div>
  );
}
