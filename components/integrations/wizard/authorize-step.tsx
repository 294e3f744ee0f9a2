"use client";
// Step 2, Authorize (OAuth): this tab polls the attempt about once a second until the consent tab answers
// it; then the wizard moves on by itself. Denied, expired, timed out, invalid, or a consent tab closed
// unanswered: say what happened and offer Try again (a new attempt).
import { Loader2 } from "lucide-react";
import { useEffect, useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import { oauthStatus } from "../api";
import { forgetAttempt, loadAttempt, popups, useStartAttempt, type OAuthAttempt } from "./oauth-attempt";
import { ErrorAlert, StepHeading, type StepProps } from "./step-shell";

// Messages for outcomes the connect module does not word itself (troubleshooting in the help centre). An
// attempt left unanswered past its lifetime is "expired", worded by the connect module like the consent tab.
const CLOSED_MESSAGE =
  "Authorization was cancelled: the browser tab was closed before authorization completed. Try again, choose Allow, and keep the tab open until it says you can close it.";
/** The alert's title per attempt status (anything else: cancelled, e.g. a consent tab closed unanswered). */
const TITLES: Record<string, string> = {
  denied: "Access denied",
  expired: "Session expired",
  invalid: "Authorization link not valid",
  elsewhere: "Approved in another browser",
  untrusted_host: "Provider address refused",
  failed: "Authorization failed",
};

export function AuthorizeStep({
  detail,
  headingRef,
  messages,
  onAuthorized,
}: StepProps & {
  messages: Record<string, string>;
  onAuthorized: () => void;
}) {
  const slug = detail.slug;
  const [attempt, setAttempt] = useState<OAuthAttempt | null>(null);
  const [loaded, setLoaded] = useState(false);
  const [status, setStatus] = useState<string>("pending");
  const [closedSince, setClosedSince] = useState<number | null>(null);
  const [now, setNow] = useState(() => Date.now());
  const { start, busy, error: startError } = useStartAttempt(slug);
  const done = useRef(false);
  const onAuthorizedRef = useRef(onAuthorized);
  useEffect(() => {
    onAuthorizedRef.current = onAuthorized;
  }, [onAuthorized]);

  useEffect(() => {
    // The attempt lives in sessionStorage, which exists only in the browser: it is read after hydration,
    // so the server render and the first client render agree.
    // eslint-disable-next-line react-hooks/set-state-in-effect
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
          forgetAttempt(slug);
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
      : failed
        ? (messages[status] ?? messages.failed)
        : tabClosed
          ? CLOSED_MESSAGE
          : null;

  const retry = () =>
    start((next) => {
      done.current = false;
      setClosedSince(null);
      setStatus("pending");
      setAttempt(next);
      setNow(Date.now());
    });

  return (
    <div>
      <StepHeading headingRef={headingRef} description={`Authorize Callsync in the ${detail.name} tab. This page updates by itself when you are done.`}>
        Authorize Callsync in {detail.name}
      </StepHeading>
      {message ? (
        <div className="space-y-4">
          <ErrorAlert>
            <p className="font-medium">{TITLES[status] ?? "Authorization cancelled"}</p>
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
              {startError ? (
                <div className="mt-2">
                  <ErrorAlert>{startError}</ErrorAlert>
                </div>
              ) : null}
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
