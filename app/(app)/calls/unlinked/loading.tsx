export default function LoadingUnlinked() {
  return (
    <div className="animate-pulse space-y-6" role="status" aria-label="Loading unlinked calls">
      <div className="h-4 w-40 rounded bg-slate-200" />
      <div className="h-8 w-56 rounded bg-slate-200" />
      <div className="space-y-2">{Array.from({ length: 6 }, (_, i) => <div key={i} className="h-24 rounded-lg bg-slate-200" />)}</div>
      <span className="sr-only">Loading…</span>
    </div>
  );
}
