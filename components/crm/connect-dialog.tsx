"use client";
// Connect (and Reconnect) a CRM: a dialog that says what Callsync reads, for Salesforce the login host
// (Production, Sandbox, or the org's My Domain), then opens the CRM's consent page in a new tab (opened on
// the click so the browser does not block it) and polls the attempt about once a second until the callback
// answers it. Once authorized, the Manage page shows the first import.
import { ExternalLink, Loader2 } from "lucide-react";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState, type FormEvent } from "react";
import { toast } from "@/components/ui/toast";
import { Dialog } from "@/components/integrations/dialog";
import { ApiError } from "@/components/lib/api-client";
import { Button } from "@/components/ui/button";
import { crmAction, crmOAuthStatus, type LoginHostChoice } from "./api";

const OUTCOME: Record<string, string> = {
  denied: "Access denied: Callsync was not allowed in the consent tab. Try again and choose Allow; your CRM role must allow connecting apps.",
  expired: "Session expired: the authorization took too long. Start again and complete it promptly.",
  timeout: "The connection timed out: we did not hear back within 10 minutes. Check your network connection and try again.",
  invalid: "The authorization link is not valid any more. Start again.",
  elsewhere: "The authorization was approved in another browser. Start again in this one.",
  untrusted_host: "The CRM answered with an address Callsync does not trust, so nothing was saved. Check the login host and try again.",
  failed: "The authorization did not complete. Try again.",
};
const CLOSED =
  "Authorization was cancelled: the tab was closed before authorization completed. Try again and keep the tab open until it says you can close it.";

type Props = { open: boolean; onClose: () => void; slug: string; name: string; hasLoginHosts: boolean; reconnect?: boolean; reason?: string | null };

export function CrmConnectDialog({ open, onClose, slug, name, hasLoginHosts, reconnect = false, reason }: Props) {
  const router = useRouter();
  const [host, setHost] = useState<"production" | "sandbox" | "custom">("production");
  const [myDomain, setMyDomain] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fieldError, setFieldError] = useState<string | null>(null);
  const [attempt, setAttempt] = useState<{ state: string; url: string } | null>(null);
  const [status, setStatus] = useState("pending");
  const popup = useRef<Window | null>(null);
  const closedSince = useRef<number | null>(null);
  const [tabClosed, setTabClosed] = useState(false);
  const onCloseRef = useRef(onClose);
  useEffect(() => {
    onCloseRef.current = onClose;
  }, [onClose]);

  useEffect(() => {
    if (!attempt || status !== "pending") return;
    let stop = false;
    const tick = async () => {
      try {
        const res = await crmOAuthStatus(slug, attempt.state);
        if (stop) return;
        setStatus(res.status);
        if (res.status === "ok") {
          toast.success(`${name} connected: the first import has started`);
          onCloseRef.current();
          router.push(`/settings/integrations/${slug}`);
          router.refresh();
          return;
        }
      } catch {
        // a network blip: the next tick asks again
      }
      if (popup.current?.closed) {
        closedSince.current ??= Date.now();
        if (Date.now() - closedSince.current > 5_000) setTabClosed(true);
      }
    };
    const id = window.setInterval(tick, 1_000);
    void tick();
    return () => {
      stop = true;
      window.clearInterval(id);
    };
  }, [attempt, status, slug, name, router]);

  const reset = () => {
    setAttempt(null);
    setStatus("pending");
    setTabClosed(false);
    closedSince.current = null;
  };
  const close = () => {
    reset();
    setError(null);
    setFieldError(null);
    onClose();
  };

  const start = async (e?: FormEvent) => {
    e?.preventDefault();
    setError(null);
    setFieldError(null);
    if (hasLoginHosts && host === "custom" && !myDomain.trim()) {
      setFieldError("Enter your My Domain address, e.g. acme.my.salesforce.com.");
      return;
    }
    const tab = window.open("about:blank", "_blank");
    setBusy(true);
    try {
      const body: LoginHostChoice = hasLoginHosts ? { loginHost: host, ...(host === "custom" ? { myDomain: myDomain.trim() } : {}) } : {};
      const res = await crmAction<{ state: string; authorizationUrl: string }>(slug, reconnect ? "reconnect" : "connect", body);
      if (tab && !tab.closed) tab.location.href = res.authorizationUrl;
      popup.current = tab;
      reset();
      setAttempt({ state: res.state, url: res.authorizationUrl });
    } catch (err) {
      tab?.close();
      if (err instanceof ApiError && err.fields.myDomain) setFieldError(err.message);
      else setError(err instanceof Error ? err.message : "Could not start the authorization. Try again.");
    } finally {
      setBusy(false);
    }
  };

  const failed = attempt && (status !== "pending" || tabClosed) && status !== "ok";
  const verb = reconnect ? "Reconnect" : "Connect";

  return (
    <Dialog
      open={open}
      onClose={close}
      title={`${verb} ${name}`}
      footer={
        attempt && !failed ? (
          <Button variant="secondary" onClick={close}>
            Cancel
          </Button>
        ) : (
          <>
            <Button variant="secondary" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" form={`crm-connect-${slug}`} disabled={busy}>
              {busy ? <Loader2 aria-hidden className="h-4 w-4 animate-spin" /> : <ExternalLink aria-hidden className="h-4 w-4" />}
              {failed ? "Try again" : `${verb} with ${name}`}
            </Button>
          </>
        )
      }
    >
      {reason ? <p className="text-red-700">{reason}</p> : null}
      {attempt && !failed ? (
        <div className="space-y-2" role="status" aria-live="polite">
          <p className="flex items-center gap-2">
            <Loader2 aria-hidden className="h-4 w-4 animate-spin text-brand-600" />
            Waiting for you to authorize Callsync in the {name} tab…
          </p>
          <p className="text-slate-600">
            No tab opened?{" "}
            <a href={attempt.url} target="_blank" rel="noopener" className="font-medium text-brand-700 underline">
              Open the {name} consent page<span className="sr-only"> (opens in a new tab)</span>
            </a>
            .
          </p>
        </div>
      ) : (
        <form id={`crm-connect-${slug}`} noValidate onSubmit={start} className="space-y-3">
          {failed ? (
            <p role="alert" className="rounded-md border border-red-200 bg-red-50 p-3 text-red-800">
              {tabClosed && status === "pending" ? CLOSED : (OUTCOME[status] ?? OUTCOME.failed)}
            </p>
          ) : null}
          {error ? (
            <p role="alert" className="rounded-md border border-red-200 bg-red-50 p-3 text-red-800">
              {error}
            </p>
          ) : null}
          <p>
            A new tab opens on {name}&apos;s sign-in page: review the permissions and click <strong>Allow</strong>. Callsync only reads deals, accounts and
            contacts; it never writes to {name}. The first import brings every open deal and the deals closed in the last two years, then deals sync every 15
            minutes.
          </p>
          {hasLoginHosts ? (
            <fieldset className="space-y-2">
              <legend className="font-medium text-slate-800">Salesforce login</legend>
              {(
                [
                  ["production", "Production", "login.salesforce.com"],
                  ["sandbox", "Sandbox", "test.salesforce.com"],
                  ["custom", "Custom domain", "Your org's My Domain, e.g. acme.my.salesforce.com"],
                ] as const
              ).map(([value, label, hint]) => (
                <label key={value} className="flex items-start gap-2">
                  <input type="radio" name="loginHost" value={value} checked={host === value} onChange={() => setHost(value)} className="mt-1" />
                  <span>
                    <span className="font-medium text-slate-900">{label}</span> <span className="text-slate-600">({hint})</span>
                  </span>
                </label>
              ))}
              {host === "custom" ? (
                <div>
                  <label htmlFor={`my-domain-${slug}`} className="block font-medium text-slate-800">
                    My Domain
                  </label>
                  <input
                    id={`my-domain-${slug}`}
                    value={myDomain}
                    onChange={(e) => setMyDomain(e.target.value)}
                    placeholder="acme.my.salesforce.com"
                    autoComplete="off"
                    spellCheck={false}
                    aria-invalid={fieldError ? true : undefined}
                    aria-describedby={fieldError ? `my-domain-${slug}-error` : undefined}
                    className={`mt-1 block w-full rounded-md border px-3 py-2 text-sm ${fieldError ? "border-red-500" : "border-slate-300"}`}
                  />
                  {fieldError ? (
                    <p id={`my-domain-${slug}-error`} role="alert" className="mt-1 text-sm text-red-700">
                      {fieldError}
                    </p>
                  ) : null}
                </div>
              ) : null}
            </fieldset>
          ) : null}
        </form>
      )}
    </Dialog>
  );
}
