export default function LoadingDeals() {
  return (
    <div className="animate-pulse space-y-6" role="status" aria-label="Loading deals">
      <div className="h-8 w-40 rounded bg-slate-200" />
      <div className="h-28 rounded-lg bg-slate-200" />
      <div className="space-y-1 rounded-lg border border-slate-200 bg-white p-4">
        {Array.from({ length: 10 }, (_, i) => <div key={i} className="h-8 rounded bg-slate-100" />)}
      </div>
      <span className="sr-only">Loading…</span>
    </div>
  );
}
