import Link from "next/link";
import type { ReactNode } from "react";
import { Badge } from "@/components/ui/badge";
import { formatCalendarDate, formatMoney } from "@/components/ui/format";
import { Time } from "@/components/ui/time-zone";
import type { DealListItem } from "@/lib/deals/queries";

export function stageTone(stage: string, isClosed: boolean) {
  if (!isClosed) return "blue" as const;
  return /won/i.test(stage) ? ("green" as const) : ("gray" as const);
}

/** The fields after the deal and its stage, in column order: the table and the phone layout both show these. */
const FIELDS: Array<{ label: string; numeric?: boolean; nowrap?: boolean; value: (d: DealListItem) => ReactNode }> = [
  { label: "Amount", numeric: true, value: (d) => formatMoney(d.amount, d.currency) },
  { label: "Close date", nowrap: true, value: (d) => formatCalendarDate(d.closeDate) },
  { label: "Owner", value: (d) => d.ownerName ?? "—" },
  { label: "Calls", numeric: true, value: (d) => d.callCount },
  { label: "Last call", nowrap: true, value: (d) => <Time at={d.lastCallAt} dateOnly /> },
];

export function DealsTable({ items }: { items: DealListItem[] }) {
  return (
    <>
      <DealsStacked items={items} />
      <DealsWide items={items} />
    </>
  );
}

function DealName({ deal, wrap }: { deal: DealListItem; wrap: boolean }) {
  return (
    <>
      <Link href={`/deals/${deal.id}`} className={`font-medium text-slate-900 hover:text-brand-700 hover:underline ${wrap ? "break-words" : ""}`}>
        {deal.name}
      </Link>
      {deal.accountName ? <div className={`text-xs text-slate-500 ${wrap ? "break-words" : ""}`}>{deal.accountName}</div> : null}
    </>
  );
}

/**
 * Phones (below 640 px): one stacked card per deal, every field with its label, nothing cut off or
 * scrolled sideways. Hidden (display: none, so out of the accessibility tree) where the table shows.
 */
function DealsStacked({ items }: { items: DealListItem[] }) {
  return (
    <ul aria-label="Deals" className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white sm:hidden">
      {items.map((d) => (
        <li key={d.id} className="px-4 py-3">
          <div className="flex items-start justify-between gap-3">
            <div className="min-w-0">
              <DealName deal={d} wrap />
            </div>
            <Badge tone={stageTone(d.stage, d.isClosed)}>{d.stage}</Badge>
          </div>
          <dl className="mt-2 grid grid-cols-2 gap-x-4 gap-y-1 text-sm">
            {FIELDS.map((f) => (
              <div key={f.label} className="min-w-0">
                <dt className="text-xs text-slate-500">{f.label}</dt>
                <dd className={`break-words text-slate-900 ${f.numeric ? "tabular-nums" : ""}`}>{f.value(d)}</dd>
              </div>
            ))}
          </dl>
        </li>
      ))}
    </ul>
  );
}

function DealsWide({ items }: { items: DealListItem[] }) {
  const cell = (f: (typeof FIELDS)[number]) => `px-4 py-3 ${f.numeric ? "text-right tabular-nums" : ""} ${f.nowrap ? "whitespace-nowrap" : ""}`;
  return (
    <div className="hidden overflow-x-auto rounded-lg border border-slate-200 bg-white sm:block">
      <table className="min-w-full divide-y divide-slate-200 text-sm">
        <caption className="sr-only">Deals</caption>
        <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-600">
          <tr>
            <th scope="col" className="px-4 py-3">
              Deal
            </th>
            <th scope="col" className="px-4 py-3">
              Stage
            </th>
            {FIELDS.map((f) => (
              <th key={f.label} scope="col" className={`px-4 py-3 ${f.numeric ? "text-right" : ""}`}>
                {f.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {items.map((d) => (
            <tr key={d.id} className="hover:bg-slate-50">
              <td className="px-4 py-3">
                <DealName deal={d} wrap={false} />
              </td>
              <td className="px-4 py-3">
                <Badge tone={stageTone(d.stage, d.isClosed)}>{d.stage}</Badge>
              </td>
              {FIELDS.map((f) => (
                <td key={f.label} className={cell(f)}>
                  {f.value(d)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
