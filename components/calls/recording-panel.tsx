"use client";

// Recording links while they are valid; once expired, say so, offer the provider's page and a fresh link.
import { useState } from "react";
import { ExternalLink, Mic, RefreshCw, Video } from "lucide-react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { Time } from "@/components/ui/time-zone";
import { callApi } from "@/components/calls/api";

type Rec =
  | { state: "valid"; audioUrl: string | null; videoUrl: string | null; expiresAt: Date | string }
  | { state: "expired"; expiresAt: Date | string | null }
  | { state: "none" };

const linkCls = "inline-flex items-center gap-1.5 text-sm font-medium text-brand-700 hover:underline";

export function RecordingPanel({
  callId,
  providerName,
  providerUrl,
  initial,
  canRefresh,
}: {
  callId: string;
  providerName: string;
  providerUrl: string | null;
  initial: Rec;
  /** False when the integration is disconnected: a fresh link cannot be fetched. */
  canRefresh: boolean;
}) {
  const [rec, setRec] = useState<Rec>(initial);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

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

  const providerLink = providerUrl ? (
    <a href={providerUrl} target="_blank" rel="noopener noreferrer" className={linkCls}>
      <ExternalLink aria-hidden className="h-4 w-4" />
      Open in {providerName}
    </a>
  ) : null;

  return (
    <section aria-labelledby="recording-heading" className="rounded-lg border border-slate-200 bg-white p-4">
      <h2 id="recording-heading" className="text-sm font-semibold text-slate-900">
        Recording
      </h2>
      <div className="mt-2 space-y-2 text-sm">
        {rec.state === "valid" ? (
          <>
            <div className="flex flex-wrap gap-4">
              {rec.videoUrl ? (
                <a href={rec.videoUrl} target="_blank" rel="noopener noreferrer" className={linkCls}>
                  <Video aria-hidden className="h-4 w-4" />
                  Video
                </a>
              ) : null}
              {rec.audioUrl ? (
                <a href={rec.audioUrl} target="_blank" rel="noopener noreferrer" className={linkCls}>
                  <Mic aria-hidden className="h-4 w-4" />
                  Audio
                </a>
              ) : null}
            </div>
            <p className="text-xs text-slate-500">
              Link valid until <Time at={rec.expiresAt} /> (hosted by {providerName}).
            </p>
          </>
        ) : rec.state === "expired" ? (
          <p className="text-slate-700">
            The recording link{" "}
            {rec.expiresAt ? (
              <>
                expired on <Time at={rec.expiresAt} />
              </>
            ) : (
              "has expired"
            )}
            . {providerName} links only work for a few hours.
          </p>
        ) : (
          <p className="text-slate-600">No recording link was delivered with this call.</p>
        )}
        {rec.state !== "valid" ? (
          <div className="flex flex-wrap items-center gap-3">
            {canRefresh ? (
              <Button type="button" variant="secondary" onClick={refresh} disabled={busy}>
                <RefreshCw aria-hidden className={`h-4 w-4 ${busy ? "animate-spin" : ""}`} />
                {busy ? "Fetching…" : "Get a fresh link"}
              </Button>
            ) : (
              <p className="text-xs text-slate-500">The {providerName} integration is disconnected, so a fresh link cannot be fetched.</p>
            )}
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
