export default function LoadingSearch() {
  return (
    <div className="animate-pulse space-y-6" role="status" aria-label="Searching">
      <div className="h-8 w-64 rounded bg-slate-200" />
      <div className="h-10 rounded-md bg-slate-200" />
      <div className="space-y-3">{Array.from({ length: 4 }, (_, i) => <div key={i} className="h-28 rounded-lg bg-slate-200" />)}</div>
      <span className="sr-only">Searching…</span>
    </div>
  );
}
