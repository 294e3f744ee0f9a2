export default function LoadingDeal() {
  return (
    <div className="animate-pulse space-y-6" role="status" aria-label="Loading deal">
      <div className="h-4 w-40 rounded bg-slate-200" />
      <div className="h-8 w-72 rounded bg-slate-200" />
      <div className="h-20 rounded-lg bg-slate-200" />
      <div className="grid gap-6 lg:grid-cols-3">
        <div className="space-y-2 lg:col-span-2">
          {Array.from({ length: 6 }, (_, i) => <div key={i} className="h-24 rounded-lg bg-slate-200" />)}
        </div>
        <div className="h-64 rounded-lg bg-slate-200" />
      </div>
      <span className="sr-only">Loading…</span>
    </div>
  );
}
