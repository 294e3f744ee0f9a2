"use client";
// Step 1, Connect: OAuth providers (Gong, Salesloft) start an attempt and open the consent page in a new
// tab; API-key providers (Clari Copilot) enter a key and secret that the server checks before saving.
import { ExternalLink, KeyRound, Loader2 } from "lucide-react";
import { useState, type FormEvent } from "react";
import { toast } from "@/components/ui/toast";
import { ApiError } from "@/components/lib/api-client";
import { Button } from "@/components/ui/button";
import { CONNECTING_USER_VIEW } from "@/lib/integrations/view-warning";
import { integrationAction } from "../api";
import { useStartAttempt } from "./oauth-attempt";
import { ErrorAlert, StepHeading, type StepProps } from "./step-shell";

export function OAuthConnectStep({ detail, headingRef, onStarted }: StepProps & { onStarted: () => void }) {
  const { start, busy, error } = useStartAttempt(detail.slug);
  return (
    <div>
      <StepHeading
        headingRef={headingRef}
        description={
          <>
            A new browser tab opens on {detail.name}&apos;s sign-in page. Review the permissions and click <strong>Allow</strong>. Keep this tab open: the
            wizard continues by itself once you have authorized Callsync. Callsync only reads from {detail.name}.
          </>
        }
      >
        Connect your {detail.name} account
      </StepHeading>
      {detail.status === "RECONNECT_REQUIRED" && detail.integration?.statusMessage ? (
        <p className="mb-4 text-sm text-red-700">{detail.integration.statusMessage}</p>
      ) : null}
      {CONNECTING_USER_VIEW.has(detail.provider) ? (
        // Issue 16.7: the provider shows Callsync what the connecting user can see, no more.
        <div role="note" aria-label="Who should connect" className="mb-4 max-w-2xl rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900">
          <p className="font-medium">Connect as a {detail.name} admin.</p>
          <p className="mt-1">
            Callsync sees only the conversations the person who authorizes can see in {detail.name}. Sign in as an admin who can see every user&apos;s
            conversations; a rep&apos;s account would bring in only that rep&apos;s calls.
          </p>
        </div>
      ) : null}
      {error ? (
        <div className="mb-4">
          <ErrorAlert>{error}</ErrorAlert>
        </div>
      ) : null}
      <Button disabled={busy} onClick={() => start(onStarted)}>
        {busy ? <Loader2 aria-hidden className="h-4 w-4 animate-spin" /> : <ExternalLink aria-hidden className="h-4 w-4" />}
        Connect with {detail.name}
      </Button>
    </div>
  );
}

export function ApiKeyStep({ detail, headingRef, onDone }: StepProps & { onDone: () => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fields, setFields] = useState<Record<string, string>>({});

  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setBusy(true);
    setError(null);
    setFields({});
    try {
      await integrationAction(detail.slug, "api-key", { apiKey: String(form.get("apiKey") ?? ""), apiSecret: String(form.get("apiSecret") ?? "") });
      toast.success(`${detail.name} connected`);
      onDone();
    } catch (err) {
      if (err instanceof ApiError) {
        setError(err.message);
        setFields(err.fields);
      } else setError("Could not check the credentials. Try again.");
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} noValidate className="max-w-md space-y-4">
      <StepHeading
        headingRef={headingRef}
        description={
          <>
            In Clari Copilot, go to Workspace Settings → Integrations → Clari Copilot API and copy your API Key and API Secret. They look similar but are not
            interchangeable. We check them with Clari Copilot before saving anything.
          </>
        }
      >
        Connect with your {detail.name} API key
      </StepHeading>
      {error ? <ErrorAlert>{error}</ErrorAlert> : null}
      <Field id="apiKey" label="API Key" error={fields.apiKey} type="text" autoComplete="off" />
      <Field id="apiSecret" label="API Secret" error={fields.apiSecret} type="password" autoComplete="new-password" />
      <Button type="submit" disabled={busy}>
        {busy ? <Loader2 aria-hidden className="h-4 w-4 animate-spin" /> : <KeyRound aria-hidden className="h-4 w-4" />}
        Connect with API Key
      </Button>
    </form>
  );
}

function Field({ id, label, error, type, autoComplete }: { id: string; label: string; error?: string; type: string; autoComplete: string }) {
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium text-slate-800">
        {label}
      </label>
      <input
        id={id}
        name={id}
        type={type}
        autoComplete={autoComplete}
        spellCheck={false}
        required
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        className={`mt-1 block w-full rounded-md border px-3 py-2 text-sm shadow-sm ${error ? "border-red-500" : "border-slate-300"}`}
      />
      {error ? (
        <p id={`${id}-error`} className="mt-1 text-sm text-red-700">
          {error}
        </p>
      ) : null}
    </div>
  );
}
