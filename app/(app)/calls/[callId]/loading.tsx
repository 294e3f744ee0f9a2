import { TranscriptSkeleton } from "@/components/transcript/transcript-viewer";

export default function LoadingCall() {
  return (
    <div className="space-y-6" role="status" aria-label="Loading call">
      <div className="animate-pulse space-y-3">
        <div className="h-4 w-48 rounded bg-slate-200" />
        <div className="h-8 w-96 max-w-full rounded bg-slate-200" />
        <div className="h-4 w-80 max-w-full rounded bg-slate-200" />
      </div>
      <div className="grid gap-6 lg:grid-cols-3">
        <div className="space-y-6 lg:col-span-2">
          <div className="h-28 animate-pulse rounded-lg bg-slate-200" />
          <TranscriptSkeleton />
        </div>
        <div className="animate-pulse space-y-6">
          <div className="h-36 rounded-lg bg-slate-200" />
          <div className="h-24 rounded-lg bg-slate-200" />
          <div className="h-64 rounded-lg bg-slate-200" />
        </div>
      </div>
      <span className="sr-only">Loading…</span>
    </div>
  );
}
