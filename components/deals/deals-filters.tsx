import Link from "next/link";
import type { DealListParams } from "@/lib/deals/queries";

const SORTS: Array<[DealListParams["sort"], string]> = [
  ["-lastCall", "Most recent call"],
  ["name", "Name (A–Z)"],
  ["-amount", "Amount (high to low)"],
  ["closeDate", "Close date (soonest)"],
];

// A plain GET form: works without JavaScript and keeps filters in the URL (shareable, reload-safe).
export function DealsFilters({ stages, owners, params }: { stages: string[]; owners: Array<{ id: string; name: string }>; params: DealListParams }) {
  const field = "mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm";
  return (
    <form
      method="get"
      action="/deals"
      role="search"
      aria-label="Filter deals"
      className="grid gap-3 rounded-lg border border-slate-200 bg-white p-4 sm:grid-cols-2 lg:grid-cols-5"
    >
      <div className="lg:col-span-2">
        <label htmlFor="q" className="text-xs font-medium text-slate-600">
          Search
        </label>
        <input id="q" name="q" type="search" defaultValue={params.q} placeholder="Deal or account name" maxLength={200} className={field} />
      </div>
      <div>
        <label htmlFor="stage" className="text-xs font-medium text-slate-600">
          Stage
        </label>
        <select id="stage" name="stage" defaultValue={params.stage ?? ""} className={field}>
          <option value="">All stages</option>
          {stages.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor="owner" className="text-xs font-medium text-slate-600">
          Owner
        </label>
        <select id="owner" name="owner" defaultValue={params.owner ?? ""} className={field}>
          <option value="">All owners</option>
          {owners.map((o) => (
            <option key={o.id} value={o.id}>
              {o.name}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor="sort" className="text-xs font-medium text-slate-600">
          Sort
        </label>
        <select id="sort" name="sort" defaultValue={params.sort} className={field}>
          {SORTS.map(([v, l]) => (
            <option key={v} value={v}>
              {l}
            </option>
          ))}
        </select>
      </div>
      <div className="flex items-center gap-2 sm:col-span-2 lg:col-span-5">
        <button type="submit" className="rounded-md bg-brand-600 px-3.5 py-2 text-sm font-medium text-white hover:bg-brand-700">
          Apply
        </button>
        <Link href="/deals" className="rounded-md px-3 py-2 text-sm text-slate-700 hover:bg-slate-100">
          Clear
        </Link>
      </div>
    </form>
  );
}
