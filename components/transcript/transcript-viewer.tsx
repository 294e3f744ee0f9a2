"use client";

// Speaker-attributed transcript, grouped into turns and virtualized (only the turns on screen are in the
// DOM, so a 90-minute call stays smooth). Find-in-transcript highlights every hit and steps through them
// (Enter / Shift+Enter); `#t=<seconds>` links scroll to and highlight a moment.
import { memo, useCallback, useDeferredValue, useEffect, useMemo, useRef, useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { useVirtualizer } from "@tanstack/react-virtual";
import { ChevronDown, ChevronUp, ExternalLink, Link2, Play, Search, X } from "lucide-react";
import { toast } from "@/components/ui/toast";
import { callApi } from "@/components/calls/api";
import { formatTimestamp, parseMomentHash, turnAtSecond, type Speaker, type TranscriptData, type Turn } from "@/lib/calls/transcript";

type Hit = { turn: number; sentence: number; start: number };

const SPEAKER_TONE: Record<Speaker["affiliation"], string> = {
  INTERNAL: "text-brand-700",
  EXTERNAL: "text-emerald-700",
  UNKNOWN: "text-slate-700",
};

/** "Open at 12:34": the recording's open route (a moment is added as &t=SECONDS), or null without media. */
type Moments = { openAt: string | null; startOnly: { url: string; providerName: string } | null };

export function TranscriptViewer({
  callId,
  status,
  sentenceCount,
  openAt = null,
  startOnly = null,
}: {
  callId: string;
  status: TranscriptData["status"];
  sentenceCount: number;
} & Partial<Moments>) {
  const { data, error, isPending, refetch } = useQuery({
    queryKey: ["transcript", callId],
    queryFn: () => callApi<TranscriptData>(`/api/calls/${callId}/transcript`),
    enabled: status === "AVAILABLE",
    staleTime: 5 * 60_000,
  });

  if (status === "PENDING") {
    return (
      <Notice title="Transcript not ready yet">
        Providers deliver transcripts some hours after a call ends (often up to a day). Each sync checks again, so it will appear here by itself.
      </Notice>
    );
  }
  if (status === "UNAVAILABLE") {
    return <Notice title="No transcript for this call">The provider has no transcript for this call (for example, it was not recorded).</Notice>;
  }
  if (error) {
    return (
      <Notice title="The transcript could not be loaded" tone="error">
        {(error as Error).message}{" "}
        <button type="button" onClick={() => refetch()} className="font-medium text-brand-700 underline">
          Try again
        </button>
      </Notice>
    );
  }
  if (isPending || !data) return <TranscriptSkeleton label={`Loading transcript (${sentenceCount.toLocaleString("en-US")} sentences)…`} />;
  if (data.turns.length === 0) return <Notice title="The transcript is empty">The provider delivered a transcript without any sentences.</Notice>;
  return <LoadedTranscript data={data} moments={{ openAt, startOnly }} />;
}

function Notice({ title, children, tone = "info" }: { title: string; children: React.ReactNode; tone?: "info" | "error" }) {
  return (
    <div
      role={tone === "error" ? "alert" : "status"}
      className={`rounded-lg border px-4 py-6 text-center text-sm ${tone === "error" ? "border-red-200 bg-red-50 text-red-800" : "border-dashed border-slate-300 bg-white text-slate-600"}`}
    >
      <p className="font-semibold text-slate-900">{title}</p>
      <p className="mx-auto mt-1 max-w-md">{children}</p>
    </div>
  );
}

export function TranscriptSkeleton({ label = "Loading transcript…" }: { label?: string }) {
  return (
    <div role="status" aria-label={label} className="animate-pulse space-y-4 rounded-lg border border-slate-200 bg-white p-4">
      {Array.from({ length: 6 }, (_, i) => (
        <div key={i} className="space-y-2">
          <div className="h-3 w-40 rounded bg-slate-200" />
          <div className="h-3 w-full rounded bg-slate-100" />
          <div className="h-3 w-5/6 rounded bg-slate-100" />
        </div>
      ))}
      <span className="sr-only">{label}</span>
    </div>
  );
}

function findHits(lower: string[][], needle: string): Hit[] {
  const hits: Hit[] = [];
  if (needle.length < 2) return hits;
  for (let t = 0; t < lower.length; t++) {
    const sentences = lower[t]!;
    for (let s = 0; s < sentences.length; s++) {
      const text = sentences[s]!;
      for (let i = text.indexOf(needle); i !== -1; i = text.indexOf(needle, i + needle.length)) hits.push({ turn: t, sentence: s, start: i });
    }
  }
  return hits;
}

function LoadedTranscript({ data, moments }: { data: TranscriptData; moments: Moments }) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const findRef = useRef<HTMLInputElement>(null);
  const [query, setQuery] = useState("");
  const deferred = useDeferredValue(query);
  const needle = deferred.trim().toLowerCase();
  const [current, setCurrent] = useState(0);
  const [momentTurn, setMomentTurn] = useState<number | null>(null);

  const lower = useMemo(() => data.turns.map((t) => t.sentences.map(([, text]) => text.toLowerCase())), [data]);
  const hits = useMemo(() => findHits(lower, needle), [lower, needle]);
  const hitsByTurn = useMemo(() => {
    const m = new Map<number, Array<Hit & { n: number }>>();
    hits.forEach((h, n) => {
      const list = m.get(h.turn) ?? [];
      list.push({ ...h, n });
      m.set(h.turn, list);
    });
    return m;
  }, [hits]);

  // The React Compiler is not enabled in this app, so skipping its memoisation here costs nothing.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: data.turns.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => 96,
    overscan: 6,
  });

  // Step to the first hit whenever the search changes.
  useEffect(() => setCurrent(0), [needle]);
  useEffect(() => {
    const hit = hits[current];
    if (hit) virtualizer.scrollToIndex(hit.turn, { align: "center" });
  }, [hits, current, virtualizer]);

  // #t=<seconds>: on load and whenever the hash changes (timestamp links, back/forward, pasted links).
  useEffect(() => {
    const go = () => {
      const sec = parseMomentHash(window.location.hash);
      if (sec === null) return;
      const i = turnAtSecond(data.turns, sec);
      if (i < 0) return;
      setMomentTurn(i);
      virtualizer.scrollToIndex(i, { align: "start" });
      // Measured sizes may shift the target once it renders: settle on the next frame.
      requestAnimationFrame(() => virtualizer.scrollToIndex(i, { align: "start" }));
    };
    go();
    window.addEventListener("hashchange", go);
    return () => window.removeEventListener("hashchange", go);
  }, [data, virtualizer]);

  const step = useCallback(
    (dir: 1 | -1) => {
      if (hits.length === 0) return;
      setCurrent((c) => (c + dir + hits.length) % hits.length);
    },
    [hits.length],
  );

  const copyMoment = useCallback((sec: number) => {
    const url = `${window.location.origin}${window.location.pathname}#t=${sec}`;
    navigator.clipboard?.writeText(url).then(
      () => toast.success(`Link to ${formatTimestamp(sec * 1000)} copied.`),
      () => toast.error("Could not copy the link. Use the timestamp link instead."),
    );
  }, []);

  const status = needle.length < 2 ? "" : hits.length === 0 ? "No matches" : `${current + 1} of ${hits.length}`;

  return (
    <div
      className="rounded-lg border border-slate-200 bg-white"
      onKeyDown={(e) => {
        // The browser's find cannot see turns that are not rendered: send Ctrl/Cmd+F to ours.
        if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "f") {
          e.preventDefault();
          findRef.current?.focus();
          findRef.current?.select();
        }
      }}
    >
      <div className="flex flex-wrap items-center gap-2 border-b border-slate-200 p-3" role="search" aria-label="Find in transcript">
        <label htmlFor="transcript-find" className="sr-only">
          Find in transcript
        </label>
        <div className="relative min-w-0 flex-1">
          <Search aria-hidden className="pointer-events-none absolute left-2.5 top-2.5 h-4 w-4 text-slate-400" />
          <input
            ref={findRef}
            id="transcript-find"
            type="text"
            role="searchbox"
            value={query}
            placeholder="Find in transcript"
            maxLength={200}
            aria-describedby="transcript-find-status transcript-find-help"
            onChange={(e) => setQuery(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === "Enter") {
                e.preventDefault();
                step(e.shiftKey ? -1 : 1);
              } else if (e.key === "Escape") {
                setQuery("");
              }
            }}
            className="block w-full rounded-md border border-slate-300 py-2 pl-8 pr-3 text-sm shadow-sm"
          />
        </div>
        <span id="transcript-find-status" aria-live="polite" className="min-w-20 text-sm tabular-nums text-slate-600">
          {status}
        </span>
        <span id="transcript-find-help" className="sr-only">
          Enter for the next match, Shift+Enter for the previous one.
        </span>
        <div className="flex gap-1">
          <IconButton label="Previous match" onClick={() => step(-1)} disabled={hits.length === 0}>
            <ChevronUp className="h-4 w-4" />
          </IconButton>
          <IconButton label="Next match" onClick={() => step(1)} disabled={hits.length === 0}>
            <ChevronDown className="h-4 w-4" />
          </IconButton>
          {query ? (
            <IconButton label="Clear search" onClick={() => setQuery("")}>
              <X className="h-4 w-4" />
            </IconButton>
          ) : null}
        </div>
      </div>
      {moments.startOnly && !moments.openAt ? (
        <p className="border-b border-slate-100 px-3 py-2 text-xs text-slate-600">
          No recording to open at a moment here.{" "}
          <a href={moments.startOnly.url} target="_blank" rel="noopener noreferrer" className="font-medium text-brand-700 hover:underline">
            Open in {moments.startOnly.providerName}
          </a>{" "}
          opens at the start ({moments.startOnly.providerName}&apos;s call page takes no time).
        </p>
      ) : null}
      <div className="flex flex-wrap gap-x-4 gap-y-1 border-b border-slate-100 px-3 py-2 text-xs text-slate-600" aria-label="Speakers">
        {data.speakers.map((s, i) => (
          <span key={i} className={SPEAKER_TONE[s.affiliation]}>
            {s.label}
            <span className="text-slate-500"> · {s.affiliation === "INTERNAL" ? "Internal" : s.affiliation === "EXTERNAL" ? "External" : "Unknown"}</span>
          </span>
        ))}
      </div>
      <div
        ref={scrollRef}
        role="region"
        aria-label="Transcript"
        tabIndex={0}
        className="max-h-[70vh] overflow-y-auto overscroll-contain focus-visible:outline-offset-[-2px]"
      >
        <div style={{ height: virtualizer.getTotalSize(), position: "relative", width: "100%" }}>
          {virtualizer.getVirtualItems().map((item) => (
            <div
              key={item.key}
              data-index={item.index}
              ref={virtualizer.measureElement}
              style={{ position: "absolute", top: 0, left: 0, width: "100%", transform: `translateY(${item.start}px)` }}
            >
              <TurnView
                turn={data.turns[item.index]!}
                speaker={data.speakers[data.turns[item.index]!.speaker]!}
                hits={hitsByTurn.get(item.index)}
                needleLength={needle.length}
                current={current}
                isMoment={momentTurn === item.index}
                onCopy={copyMoment}
                openAt={moments.openAt}
              />
            </div>
          ))}
        </div>
      </div>
    </div>
  );
}

function IconButton({ label, children, ...props }: { label: string; children: React.ReactNode } & React.ButtonHTMLAttributes<HTMLButtonElement>) {
  return (
    <button
      type="button"
      aria-label={label}
      title={label}
      className="rounded-md border border-slate-300 bg-white p-2 text-slate-700 hover:bg-slate-50 disabled:opacity-40"
      {...props}
    >
      {children}
    </button>
  );
}

const TurnView = memo(function TurnView({
  turn,
  speaker,
  hits,
  needleLength,
  current,
  isMoment,
  onCopy,
  openAt,
}: {
  turn: Turn;
  speaker: Speaker;
  hits: Array<Hit & { n: number }> | undefined;
  needleLength: number;
  current: number;
  isMoment: boolean;
  onCopy: (sec: number) => void;
  openAt: string | null;
}) {
  const sec = Math.floor(turn.startMs / 1000);
  const stamp = formatTimestamp(turn.startMs);
  return (
    <div
      className={`group border-l-4 px-4 py-3 ${isMoment ? "border-amber-400 bg-amber-50" : "border-transparent"}`}
      aria-current={isMoment ? "location" : undefined}
    >
      <div className="flex items-baseline gap-3">
        <span className={`text-sm font-semibold ${SPEAKER_TONE[speaker.affiliation]}`}>{speaker.label}</span>
        <a href={`#t=${sec}`} className="text-xs tabular-nums text-slate-500 hover:text-brand-700 hover:underline" aria-label={`${stamp}, link to this moment`}>
          {stamp}
        </a>
        <button
          type="button"
          onClick={() => onCopy(sec)}
          className="opacity-0 transition-opacity group-hover:opacity-100 focus-visible:opacity-100"
          aria-label={`Copy link to ${stamp}`}
          title="Copy link to this moment"
        >
          <Link2 aria-hidden className="h-3.5 w-3.5 text-slate-400 hover:text-brand-700" />
        </button>
        {openAt ? (
          <a
            href={`${openAt}&t=${sec}`}
            target="_blank"
            rel="noopener noreferrer"
            className="ml-auto inline-flex items-center gap-1 text-xs font-medium text-brand-700 hover:underline"
            title="Opens the recording at this moment, in a new tab"
          >
            <Play aria-hidden className="h-3 w-3" />
            Open at {stamp}
            <ExternalLink aria-hidden className="h-3 w-3" />
          </a>
        ) : null}
      </div>
      <p className="mt-1 text-sm leading-relaxed text-slate-800">
        {turn.sentences.map(([, text], i) => (
          <span key={i}>
            {i > 0 ? " " : null}
            <Highlighted text={text} hits={hits?.filter((h) => h.sentence === i)} length={needleLength} current={current} />
          </span>
        ))}
      </p>
    </div>
  );
});

function Highlighted({ text, hits, length, current }: { text: string; hits: Array<Hit & { n: number }> | undefined; length: number; current: number }) {
  if (!hits || hits.length === 0) return <>{text}</>;
  const out: React.ReactNode[] = [];
  let pos = 0;
  for (const h of hits) {
    if (h.start > pos) out.push(text.slice(pos, h.start));
    const isCurrent = h.n === current;
    out.push(
      <mark
        key={h.start}
        data-current={isCurrent || undefined}
        className={`rounded-sm px-0.5 ${isCurrent ? "bg-orange-300 ring-2 ring-orange-500" : "bg-yellow-200"}`}
      >
        {text.slice(h.start, h.start + length)}
      </mark>,
    );
    pos = h.start + length;
  }
  if (pos < text.length) out.push(text.slice(pos));
  return <>{out}</>;
}
