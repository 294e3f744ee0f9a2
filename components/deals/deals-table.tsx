import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { formatCalendarDate, formatMoney } from "@/components/ui/format";
import { Time } from "@/components/ui/time-zone";
import type { DealListItem } from "@/lib/deals/queries";

export function stageTone(stage: string, isClosed: boolean) {
  if (!isClosed) return "blue" as const;
  return /won/i.test(stage) ? ("green" as const) : ("gray" as const);
}

export function DealsTable({ items }: { items: DealListItem[] }) {
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
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
            <th scope="col" className="px-4 py-3 text-right">
              Amount
            </th>
            <th scope="col" className="px-4 py-3">
              Close date
            </th>
            <th scope="col" className="px-4 py-3">
              Owner
            </th>
            <th scope="col" className="px-4 py-3 text-right">
              Calls
            </th>
            <th scope="col" className="px-4 py-3">
              Last call
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {items.map((d) => (
            <tr key={d.id} className="hover:bg-slate-50">
              <td className="px-4 py-3">
                <Link href={`/deals/${d.id}`} className="font-medium text-slate-900 hover:text-brand-700 hover:underline">
                  {d.name}
                </Link>
                {d.accountName ? <div className="text-xs text-slate-500">{d.accountName}</div> : null}
              </td>
              <td className="px-4 py-3">
                <Badge tone={stageTone(d.stage, d.isClosed)}>{d.stage}</Badge>
              </td>
              <td className="px-4 py-3 text-right tabular-nums">{formatMoney(d.amount, d.currency)}</td>
              <td className="px-4 py-3 whitespace-nowrap">{formatCalendarDate(d.closeDate)}</td>
              <td className="px-4 py-3">{d.ownerName ?? "—"}</td>
              <td className="px-4 py-3 text-right tabular-nums">{d.callCount}</td>
              <td className="px-4 py-3 whitespace-nowrap">
                <Time at={d.lastCallAt} dateOnly />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
