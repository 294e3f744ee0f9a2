"use client";
// The five-step setup wizard: Connect -> Authorize -> Backfill -> Sync -> Complete. The server's
// Integration.wizardStep decides where we are; the step is mirrored in the URL (?step=) so a reload or
// the OAuth return lands on the right step. The OAuth consent page opens in a new tab and this tab
// polls the attempt until it is answered.
import { useQueryClient } from "@tanstack/react-query";
import { AlertTriangle, CheckCircle2, ExternalLink, KeyRound, Loader2 } from "lucide-react";
import Link from "next/link";
import { useCallback, useEffect, useRef, useState, type FormEvent, type ReactNode } from "react";
import { toast } from "sonner";
import { Button, ButtonLink } from "@/components/ui/button";
import { formatDateTime } from "@/components/ui/format";
import { Stepper } from "@/components/wizard/stepper";
import { BACKFILL_OPTIONS, WIZARD_STEPS, type WizardStepKey } from "@/lib/integrations/catalog";
import type { IntegrationDetail } from "@/lib/integrations/queries";
import { ApiError, detailKey, integrationAction, oauthStatus, useIntegrationDetail } from "./api";
import { SyncProgress, UserSyncList } from "./user-sync-list";

const STEP_BY_SLUG = Object.fromEntries(WIZARD_STEPS.map((s) => [s.slug, s.key])) as Record<string, WizardStepKey>;
const SLUG_BY_STEP = Object.fromEntries(WIZARD_STEPS.map((s) => [s.key, s.slug])) as Record<WizardStepKey, string>;

/** Where to show the wizard: the server's step, except that the Sync step stays viewable once complete. */
function resolveStep(serverStep: string, urlStep: string | null): WizardStepKey {
  const server = (WIZARD_STEPS.some((s) => s.key === serverStep) ? serverStep : "CONNECT") as WizardStepKey;
  const wanted = urlStep ? STEP_BY_SLUG[urlStep] : undefined;
  if (server === "COMPLETE" && wanted === "SYNC") return "SYNC";
  return server;
}

// Messages for outcomes the connect module does not word itself (troubleshooting in the help centre).
const TIMEOUT_MESSAGE =
  "The connection timed out: we did not hear back from the provider within 10 minutes. Check your network connection, wait a few minutes and try again; if the problem persists, the provider may be experiencing issues.";
const CLOSED_MESSAGE =
  "Authorization was cancelled: the browser tab was closed before authorization completed. Try again, choose Allow, and keep the tab open until it says you can close it.";

type OAuthAttempt = { state: string; url: string; startedAt: number };

const storageKey = (slug: string) => `callsync.oauth.${slug}`;

function loadAttempt(slug: string): OAuthAttempt | null {
  try {
    const raw = window.sessionStorage.getItem(storageKey(slug));
    return raw ? (JSON.parse(raw) as OAuthAttempt) : null;
  } catch {
    return null;
  }
}

export function SetupWizard({ initial, urlStep, messages }: { initial: IntegrationDetail; urlStep: string | null; messages: Record<string, string> }) {
  const slug = initial.slug;
  const queryClient = useQueryClient();
  const [step, setStep] = useState<WizardStepKey>(() => resolveStep(initial.wizardStep, urlStep));
  const { data: detail } = useIntegrationDetail(slug, initial, (d) =>
    step === "SYNC" || (step === "COMPLETE" && d?.users.some((u) => u.status === "PENDING" || u.status === "IN_PROGRESS")) ? 1_500 : false,
  );
  const headingRef = useRef<HTMLHeadingElement>(null);
  const firstRender = useRef(true);

  // Mirror the step in the URL; move focus to the new step's heading.
  useEffect(() => {
    const url = new URL(window.location.href);
    if (url.searchParams.get("step") !== SLUG_BY_STEP[step]) {
      url.searchParams.set("step", SLUG_BY_STEP[step]);
      window.history.replaceState(window.history.state, "", url);
    }
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    headingRef.current?.focus();
  }, [step]);

  const refresh = useCallback(() => queryClient.invalidateQueries({ queryKey: detailKey(slug) }), [queryClient, slug]);

  // Sync step: move on by itself when the server says the backfill is complete and nobody failed.
  const syncFinished = step === "SYNC" && detail.wizardStep === "COMPLETE";
  const autoAdvanced = useRef(false);
  useEffect(() => {
    if (syncFinished && detail.progress.failed === 0 && !autoAdvanced.current) {
      autoAdvanced.current = true;
      setStep("COMPLETE");
    }
  }, [syncFinished, detail.progress.failed]);

  const reconnecting = !!detail.integration?.connectedAt;

  return (
    <div className="space-y-6">
      <div>
        <p className="text-sm text-slate-500">
          <Link href="/settings/integrations" className="hover:underline">Settings → Integrations</Link>
        </p>
        <h1 className="text-2xl font-semibold tracking-tight">{reconnecting && step === "CONNECT" ? `Reconnect ${detail.name}` : `Set up ${detail.name}`}</h1>
      </div>
      <Stepper steps={WIZARD_STEPS} current={step} />
      <section aria-labelledby="wizard-step-title" className="rounded-lg border border-slate-200 bg-white p-5 sm:p-6">
        {step === "CONNECT" ? (
          detail.auth === "apiKey" ? (
            <ApiKeyStep detail={detail} headingRef={headingRef} onDone={() => { void refresh(); setStep("BACKFILL"); }} />
          ) : (
            <OAuthConnectStep detail={detail} headingRef={headingRef} onStarted={() => setStep("AUTHORIZE")} />
          )
        ) : step === "AUTHORIZE" ? (
          <AuthorizeStep
            detail={detail}
            headingRef={headingRef}
            messages={messages}
            onAuthorized={() => {
              toast.success(`${detail.name} authorized`);
              void refresh();
              setStep("BACKFILL");
            }}
          />
        ) : step === "BACKFILL" ? (
          <BackfillStep detail={detail} headingRef={headingRef} onSaved={() => { void refresh(); setStep("SYNC"); }} />
        ) : step === "SYNC" ? (
          <SyncStep detail={detail} headingRef={headingRef} finished={syncFinished || detail.progress.failed > 0} onContinue={() => setStep("COMPLETE")} onRetried={refresh} />
        ) : (
          <CompleteStep detail={detail} headingRef={headingRef} onRetried={refresh} />
        )}
      </section>
    </div>
  );
}

type HeadingRef = React.RefObject<HTMLHeadingElement | null>;

function StepHeading({ headingRef, children, description }: { headingRef: HeadingRef; children: ReactNode; description?: ReactNode }) {
  return (
    <div className="mb-5">
      <h2 id="wizard-step-title" ref={headingRef} tabIndex={-1} className="text-lg font-semibold outline-none">
        {children}
      </h2>
      {description ? <p className="mt-1 max-w-2xl text-sm text-slate-600">{description}</p> : null}
    </div>
  );
}

function ErrorAlert({ children }: { children: ReactNode }) {
  return (
    <div role="alert" className="flex gap-2 rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-800">
      <AlertTriangle aria-hidden className="mt-0.5 h-4 w-4 shrink-0" />
      <div>{children}</div>
    </div>
  );
}

// ---------------------------------------------------------------------------------------------
// Connect + Authorize (OAuth)
// ---------------------------------------------------------------------------------------------

/** Starts an attempt and opens the consent page in a new tab (opened on the click so it is not blocked). */
async function startAttempt(slug: string): Promise<{ attempt: OAuthAttempt; popup: Window | null }> {
  const popup = window.open("about:blank", "_blank");
  try {
    const { state, authorizationUrl } = await integrationAction<{ state: string; authorizationUrl: string }>(slug, "oauth");
    const attempt = { state, url: authorizationUrl, startedAt: Date.now() };
    window.sessionStorage.setItem(storageKey(slug), JSON.stringify(attempt));
    if (popup && !popup.closed) popup.location.href = authorizationUrl;
    return { attempt, popup };
  } catch (e) {
    popup?.close();
    throw e;
  }
}

// The consent tab of the current attempt (kept outside React state: it is not rendered).
const popups = new Map<string, Window | null>();

function OAuthConnectStep({ detail, headingRef, onStarted }: { detail: IntegrationDetail; headingRef: HeadingRef; onStarted: () => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
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
      {detail.status === "RECONNECT_REQUIRED" && detail.integration?.statusMessage ? <p className="mb-4 text-sm text-red-700">{detail.integration.statusMessage}</p> : null}
      {error ? <div className="mb-4"><ErrorAlert>{error}</ErrorAlert></div> : null}
      <Button
        disabled={busy}
        onClick={async () => {
          setBusy(true);
          setError(null);
          try {
            const { popup } = await startAttempt(detail.slug);
            popups.set(detail.slug, popup);
            onStarted();
          } catch (e) {
            setError(e instanceof Error ? e.message : "Could not start the authorization. Try again.");
          } finally {
            setBusy(false);
          }
        }}
      >
        {busy ? <Loader2 aria-hidden className="h-4 w-4 animate-spin" /> : <ExternalLink aria-hidden className="h-4 w-4" />}
        Connect with {detail.name}
      </Button>
    </div>
  );
}

function AuthorizeStep({
  detail,
  headingRef,
  messages,
  onAuthorized,
}: {
  detail: IntegrationDetail;
  headingRef: HeadingRef;
  messages: Record<string, string>;
  onAuthorized: () => void;
}) {
  const slug = detail.slug;
  const [attempt, setAttempt] = useState<OAuthAttempt | null>(null);
  const [loaded, setLoaded] = useState(false);
  const [status, setStatus] = useState<string>("pending");
  const [closedSince, setClosedSince] = useState<number | null>(null);
  const [now, setNow] = useState(() => Date.now());
  const [busy, setBusy] = useState(false);
  const [startError, setStartError] = useState<string | null>(null);
  const done = useRef(false);
  const onAuthorizedRef = useRef(onAuthorized);
  onAuthorizedRef.current = onAuthorized;

  useEffect(() => {
    setAttempt(loadAttempt(slug));
    setLoaded(true);
  }, [slug]);

  // Poll the attempt about once a second until it is answered.
  useEffect(() => {
    if (!attempt || status !== "pending") return;
    let stop = false;
    const tick = async () => {
      try {
        const res = await oauthStatus(slug, attempt.state);
        if (stop) return;
        setStatus(res.status);
        if (res.status === "ok" && !done.current) {
          done.current = true;
          window.sessionStorage.removeItem(storageKey(slug));
          onAuthorizedRef.current();
        }
      } catch {
        // network blip: the next tick tries again
      }
      if (stop) return;
      setNow(Date.now());
      const popup = popups.get(slug);
      if (popup && popup.closed) setClosedSince((c) => c ?? Date.now());
    };
    const id = window.setInterval(tick, 1_000);
    void tick();
    return () => {
      stop = true;
      window.clearInterval(id);
    };
  }, [attempt, status, slug]);

  const tabClosed = status === "pending" && closedSince !== null && now - closedSince > 5_000;
  const slow = status === "pending" && !!attempt && now - attempt.startedAt > 20_000;
  const failed = status !== "pending" && status !== "ok";
  const message = !loaded
    ? null
    : !attempt
    ? "This authorization was started in another tab or has been lost. Start it again."
    : status === "timeout"
      ? TIMEOUT_MESSAGE
      : failed
        ? messages[status] ?? messages.failed
        : tabClosed
          ? CLOSED_MESSAGE
          : null;

  const retry = async () => {
    setBusy(true);
    setStartError(null);
    try {
      const { attempt: next, popup } = await startAttempt(slug);
      popups.set(slug, popup);
      done.current = false;
      setClosedSince(null);
      setStatus("pending");
      setAttempt(next);
      setNow(Date.now());
    } catch (e) {
      setStartError(e instanceof Error ? e.message : "Could not start the authorization. Try again.");
    } finally {
      setBusy(false);
    }
  };

  return (
    <div>
      <StepHeading headingRef={headingRef} description={`Authorize Callsync in the ${detail.name} tab. This page updates by itself when you are done.`}>
        Authorize Callsync in {detail.name}
      </StepHeading>
      {message ? (
        <div className="space-y-4">
          <ErrorAlert>
            <p className="font-medium">
              {status === "denied" ? "Access denied" : status === "expired" ? "Session expired" : status === "timeout" ? "Connection timeout" : status === "invalid" ? "Authorization link not valid" : status === "failed" ? "Authorization failed" : "Authorization cancelled"}
            </p>
            <p className="mt-1">{message}</p>
          </ErrorAlert>
          {startError ? <ErrorAlert>{startError}</ErrorAlert> : null}
          <Button onClick={retry} disabled={busy}>
            {busy ? <Loader2 aria-hidden className="h-4 w-4 animate-spin" /> : null}
            Try again
          </Button>
        </div>
      ) : (
        <div className="space-y-4">
          <p role="status" className="flex items-center gap-2 text-sm text-slate-700">
            <Loader2 aria-hidden className="h-4 w-4 animate-spin text-brand-600" />
            Waiting for you to authorize Callsync in the {detail.name} tab…
          </p>
          {attempt ? (
            <p className="text-sm text-slate-600">
              No tab opened?{" "}
              <a href={attempt.url} target="_blank" rel="noopener" className="font-medium text-brand-700 underline">
                Open the {detail.name} consent page<span className="sr-only"> (opens in a new tab)</span>
              </a>
              .
            </p>
          ) : null}
          {slow ? (
            <div className="rounded-md border border-slate-200 bg-slate-50 p-3 text-sm text-slate-700">
              <p>Still waiting. If you closed the {detail.name} tab or it shows an error, start again.</p>
              {startError ? <div className="mt-2"><ErrorAlert>{startError}</ErrorAlert></div> : null}
              <Button variant="secondary" className="mt-3" onClick={retry} disabled={busy}>
                Try again
              </Button>
            </div>
          ) : null}
        </div>
      )}
    </div>
  );
}

// ---------------------------------------------------------------------------------------------
// Connect (Clari Copilot API key)
// ---------------------------------------------------------------------------------------------

function ApiKeyStep({ detail, headingRef, onDone }: { detail: IntegrationDetail; headingRef: HeadingRef; onDone: () => void }) {
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
            In Clari Copilot, go to Workspace Settings → Integrations → Clari Copilot API and copy your API Key and API Secret. They look similar but are
            not interchangeable. We check them with Clari Copilot before saving anything.
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
      <label htmlFor={id} className="block text-sm font-medium text-slate-800">{label}</label>
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
      {error ? <p id={`${id}-error`} className="mt-1 text-sm text-red-700">{error}</p> : null}
    </div>
  );
}

// ---------------------------------------------------------------------------------------------
// Backfill
// ---------------------------------------------------------------------------------------------

function BackfillStep({ detail, headingRef, onSaved }: { detail: IntegrationDetail; headingRef: HeadingRef; onSaved: () => void }) {
  const [period, setPeriod] = useState<string>("DAYS_90");
  const [skip, setSkip] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await integrationAction(detail.slug, "backfill", { period: skip ? "SKIP" : period });
      toast.success(skip ? "Backfill skipped: only new calls will sync" : "Backfill started");
      onSaved();
    } catch (err) {
      setError(err instanceof Error ? err.message : "Could not save the backfill period. Try again.");
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} className="space-y-5">
      <StepHeading
        headingRef={headingRef}
        description="Choose how far back to sync historical calls. Larger periods take longer to complete; for most teams 90 days gives good context."
      >
        Choose your backfill period
      </StepHeading>
      {error ? <ErrorAlert>{error}</ErrorAlert> : null}
      <fieldset disabled={skip} className="space-y-2">
        <legend className="mb-2 text-sm font-medium text-slate-800">Backfill period</legend>
        <div className="grid gap-2 sm:grid-cols-2">
          {BACKFILL_OPTIONS.map((o) => (
            <label
              key={o.value}
              className={`flex cursor-pointer items-start gap-3 rounded-md border p-3 text-sm ${period === o.value && !skip ? "border-brand-600 bg-brand-50" : "border-slate-200"} ${skip ? "opacity-60" : ""}`}
            >
              <input type="radio" name="period" value={o.value} checked={period === o.value} onChange={() => setPeriod(o.value)} className="mt-0.5" />
              <span>
                <span className="font-medium text-slate-900">{o.label}</span>
                {o.recommended ? <span className="ml-2 rounded-full bg-emerald-100 px-2 py-0.5 text-xs font-medium text-emerald-800">Recommended</span> : null}
                <span className="block text-xs text-slate-600">{o.description}</span>
              </span>
            </label>
          ))}
        </div>
      </fieldset>
      <label className="flex items-center gap-2 text-sm text-slate-800">
        <input type="checkbox" checked={skip} onChange={(e) => setSkip(e.target.checked)} />
        Skip backfill <span className="text-slate-600">(only sync new calls going forward)</span>
      </label>
      <Button type="submit" disabled={busy}>
        {busy ? <Loader2 aria-hidden className="h-4 w-4 animate-spin" /> : null}
        Save &amp; Continue
      </Button>
    </form>
  );
}

// ---------------------------------------------------------------------------------------------
// Sync
// ---------------------------------------------------------------------------------------------

export function useRetry(slug: string, onRetried: () => unknown) {
  const [retrying, setRetrying] = useState<string | null>(null);
  const retry = async (userSyncId: string, label: string) => {
    setRetrying(userSyncId);
    try {
      await integrationAction(slug, "retry", { userSyncId });
      toast.success(`Retrying ${label}`);
      await onRetried();
    } catch (e) {
      toast.error(e instanceof Error ? e.message : "Could not retry. Try again.");
    } finally {
      setRetrying(null);
    }
  };
  return { retry, retrying };
}

function SyncStep({
  detail,
  headingRef,
  finished,
  onContinue,
  onRetried,
}: {
  detail: IntegrationDetail;
  headingRef: HeadingRef;
  finished: boolean;
  onContinue: () => void;
  onRetried: () => unknown;
}) {
  const { retry, retrying } = useRetry(detail.slug, onRetried);
  const failed = detail.progress.failed;
  const running = detail.users.some((u) => u.status === "PENDING" || u.status === "IN_PROGRESS");
  return (
    <div className="space-y-5">
      <StepHeading headingRef={headingRef} description={`Callsync is importing calls from ${detail.name}, user by user. You can leave this page; syncing continues in the background.`}>
        Syncing your calls
      </StepHeading>
      <SyncProgress detail={detail} />
      {detail.status === "RECONNECT_REQUIRED" && detail.integration?.statusMessage ? (
        <p className="rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-800">{detail.integration.statusMessage}</p>
      ) : null}
      {finished && !running ? (
        failed ? (
          <div role="status" className="flex flex-col gap-3 rounded-md border border-amber-200 bg-amber-50 p-3 text-sm text-amber-900 sm:flex-row sm:items-center sm:justify-between">
            <p>
              Sync finished, but {failed} user{failed === 1 ? "" : "s"} failed. Click Retry on each failed user; if they were rate limited, wait a few minutes first.
            </p>
            <Button variant="secondary" onClick={onContinue}>Continue</Button>
          </div>
        ) : (
          <div className="flex items-center justify-between gap-3 rounded-md border border-emerald-200 bg-emerald-50 p-3 text-sm text-emerald-900">
            <p role="status">Sync complete.</p>
            <Button variant="secondary" onClick={onContinue}>Continue</Button>
          </div>
        )
      ) : (
        <p role="status" className="sr-only">{detail.progress.done} of {detail.progress.total} users done</p>
      )}
      <UserSyncList detail={detail} onRetry={retry} retrying={retrying} />
    </div>
  );
}

// ---------------------------------------------------------------------------------------------
// Complete
// ---------------------------------------------------------------------------------------------

function CompleteStep({ detail, headingRef, onRetried }: { detail: IntegrationDetail; headingRef: HeadingRef; onRetried: () => unknown }) {
  const { retry, retrying } = useRetry(detail.slug, onRetried);
  return (
    <div className="space-y-5">
      <StepHeading headingRef={headingRef}>
        <span className="inline-flex items-center gap-2">
          <CheckCircle2 aria-hidden className="h-5 w-5 text-emerald-600" /> {detail.name} is connected
        </span>
      </StepHeading>
      <dl className="grid gap-4 sm:grid-cols-3">
        <div className="rounded-md border border-slate-200 p-4">
          <dt className="text-xs text-slate-500">Total calls synced</dt>
          <dd className="mt-1 text-2xl font-semibold tabular-nums" data-testid="total-calls">{detail.totalCalls.toLocaleString("en-US")}</dd>
        </div>
        <div className="rounded-md border border-slate-200 p-4">
          <dt className="text-xs text-slate-500">Next automatic sync</dt>
          <dd className="mt-1 text-sm font-medium">{formatDateTime(detail.integration?.nextSyncAt)}</dd>
        </div>
        <div className="rounded-md border border-slate-200 p-4">
          <dt className="text-xs text-slate-500">Users synced</dt>
          <dd className="mt-1 text-sm font-medium">
            {detail.users.filter((u) => u.status === "COMPLETED").length} of {detail.users.length}
            {detail.progress.failed ? <span className="text-red-700"> ({detail.progress.failed} failed)</span> : null}
          </dd>
        </div>
      </dl>
      <section aria-labelledby="complete-users" className="space-y-3">
        <h3 id="complete-users" className="text-sm font-semibold text-slate-800">Calls synced per user</h3>
        <UserSyncList detail={detail} onRetry={retry} retrying={retrying} />
      </section>
      <p className="text-sm text-slate-600">Your call data now syncs automatically every 2 hours. New calls appear as they become available from {detail.name}.</p>
      <div className="flex flex-wrap gap-2">
        <ButtonLink href="/deals">Go to Deals</ButtonLink>
        <ButtonLink href={`/settings/integrations/${detail.slug}`} variant="secondary">Manage Integration</ButtonLink>
        <ButtonLink href="/settings/integrations" variant="secondary">Connect Another Integration</ButtonLink>
      </div>
    </div>
  );
}
