"use client";

// Recording links. Audio / Video go through /api/calls/<id>/recording/open, which checks the stored link at
// click time (or fetches a fresh one) before sending the person to the provider's media; the expiry text
// counts down while the page is open ("Link expires in 12 minutes", then "Link expired"); a link the
// provider refused lands back here as "This link expired — Get a fresh link".
import { useEffect, useRef, useState } from "react";
import { ExternalLink, Mic, RefreshCw, Video } from "lucide-react";
import { toast } from "@/components/ui/toast";
import { Button } from "@/components/ui/button";
import { Time } from "@/components/ui/time-zone";
import { callApi } from "@/components/calls/api";
import { formatTimestamp } from "@/lib/calls/transcript";
import { openHref, timeLeft } from "@/lib/calls/recording-links";

type Rec =
  | { state: "valid"; audioUrl: string | null; videoUrl: string | null; expiresAt: Date | string }
  | { state: "expired"; expiresAt: Date | string | null }
  | { state: "none" };

/** Why an open came back here (the open route's redirect): shown until a fresh link is fetched. */
export type OpenNotice = { reason: "expired" | "busy" | "unavailable"; media: "audio" | "video"; at: number | null };

const linkCls = "inline-flex items-center gap-1.5 text-sm font-medium text-brand-700 hover:underline";

/** The current time, ticking every `everyMs`; the first render uses `initial` (the server's render time). */
function useNow(initial: number, everyMs = 15_000): number {
  const [now, setNow] = useState(initial);
  useEffect(() => {
    const first = setTimeout(() => setNow(Date.now()), 0);
    const id = setInterval(() => setNow(Date.now()), everyMs);
    return () => {
      clearTimeout(first);
      clearInterval(id);
    };
  }, [everyMs]);
  return now;
}

const NOTICE: Record<OpenNotice["reason"], string> = {
  expired: "This link expired",
  busy: "A fresh link was just requested for this call",
  unavailable: "The recording could not be opened",
};

export function RecordingPanel({
  callId,
  providerName,
  providerUrl,
  initial,
  canRefresh,
  renderedAt,
  notice: initialNotice = null,
}: {
  callId: string;
  providerName: string;
  providerUrl: string | null;
  initial: Rec;
  /** False when the integration is disconnected: a fresh link cannot be fetched. */
  canRefresh: boolean;
  /** When the server rendered the page (ms): the countdown's first value, the same on server and client. */
  renderedAt: number;
  notice?: OpenNotice | null;
}) {
  const [rec, setRec] = useState<Rec>(initial);
  const [notice, setNotice] = useState<OpenNotice | null>(initialNotice);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const now = useNow(renderedAt);
  // Sent back here from a link that did not open: bring the notice into view (below the transcript on a phone).
  const noticeRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (initialNotice) noticeRef.current?.scrollIntoView({ block: "center" });
  }, [initialNotice]);

  async function refresh() {
    setBusy(true);
    setError(null);
    try {
      const { recording } = await callApi<{ recording: { audioUrl: string | null; videoUrl: string | null; expiresAt: string | null } }>(
        `/api/calls/${callId}/recording`,
        { method: "POST" },
      );
      const valid = (recording.audioUrl || recording.videoUrl) && recording.expiresAt && Date.parse(recording.expiresAt) > Date.now();
      if (valid) {
        setRec({ state: "valid", audioUrl: recording.audioUrl, videoUrl: recording.videoUrl, expiresAt: recording.expiresAt! });
        setNotice(null);
        toast.success("Fresh recording link ready.");
      } else {
        setError(`${providerName} did not return a playable recording for this call.`);
      }
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  }

  const live = rec.state === "valid" && new Date(rec.expiresAt).getTime() > now;
  // A notice from a refused open stands until a fresh link arrives.
  const showNotice = notice !== null;

  const providerLink = providerUrl ? (
    <a href={providerUrl} target="_blank" rel="noopener noreferrer" className={linkCls}>
      <ExternalLink aria-hidden className="h-4 w-4" />
      Open in {providerName}
    </a>
  ) : null;

  const freshButton = canRefresh ? (
    <Button type="button" variant="secondary" onClick={refresh} disabled={busy}>
      <RefreshCw aria-hidden className={`h-4 w-4 ${busy ? "animate-spin" : ""}`} />
      {busy ? "Fetching…" : "Get a fresh link"}
    </Button>
  ) : (
    <p className="text-xs text-slate-500">The {providerName} integration is disconnected, so a fresh link cannot be fetched.</p>
  );

  return (
    <section aria-labelledby="recording-heading" className="rounded-lg border border-slate-200 bg-white p-4">
      <h2 id="recording-heading" className="text-sm font-semibold text-slate-900">
        Recording
      </h2>
      <div className="mt-2 space-y-2 text-sm">
        {notice ? (
          <div ref={noticeRef} role="status" className="rounded-md border border-amber-300 bg-amber-50 p-3 text-amber-900">
            <p className="font-medium">
              {NOTICE[notice.reason]}
              {notice.at ? ` (you asked for ${formatTimestamp(notice.at * 1000)})` : ""}.
            </p>
            <p className="mt-1 text-xs">
              {notice.reason === "expired"
                ? `${providerName} no longer accepts the link we had. Get a fresh one, then open it again.`
                : `${providerName} did not give a working link just now. Try again, or open the call in ${providerName}.`}
            </p>
          </div>
        ) : null}
        {live && rec.state === "valid" ? (
          <>
            <div className="flex flex-wrap gap-4">
              {rec.videoUrl ? (
                <a href={openHref(callId, "video")} target="_blank" rel="noopener noreferrer" className={linkCls}>
                  <Video aria-hidden className="h-4 w-4" />
                  Video
                </a>
              ) : null}
              {rec.audioUrl ? (
                <a href={openHref(callId, "audio")} target="_blank" rel="noopener noreferrer" className={linkCls}>
                  <Mic aria-hidden className="h-4 w-4" />
                  Audio
                </a>
              ) : null}
            </div>
            <p className="text-xs text-slate-600" data-testid="recording-expiry">
              Link expires in {timeLeft(new Date(rec.expiresAt).getTime() - now)} (at <Time at={rec.expiresAt} />, hosted by {providerName}).
            </p>
          </>
        ) : rec.state === "valid" || rec.state === "expired" ? (
          <p className="text-slate-700" data-testid="recording-expiry">
            Link expired
            {rec.expiresAt ? (
              <>
                {" "}
                at <Time at={rec.expiresAt} />
              </>
            ) : null}
            . {providerName} links only work for a few hours.
          </p>
        ) : (
          <p className="text-slate-600">No recording link was delivered with this call.</p>
        )}
        {!live || showNotice ? (
          <div className="flex flex-wrap items-center gap-3">
            {freshButton}
            {providerLink}
          </div>
        ) : (
          providerLink
        )}
        {error ? (
          <p role="alert" className="text-sm text-red-700">
            {error}
          </p>
        ) : null}
      </div>
    </section>
  );
}
