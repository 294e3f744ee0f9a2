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

export function DealsTable({ items }: { items: DealListItem[] }) {
  return (
    <>
      <DealsStacked items={items} />
      <DealsWide items={items} />
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
              <Link href={`/deals/${d.id}`} className="font-medium break-words text-slate-900 hover:text-brand-700 hover:underline">
                {d.name}
              </Link>
              {d.accountName ? <div className="text-xs break-words text-slate-500">{d.accountName}</div> : null}
            </div>
            <Badge tone={stageTone(d.stage, d.isClosed)}>{d.stage}</Badge>
          </div>
          <dl className="mt-2 grid grid-cols-2 gap-x-4 gap-y-1 text-sm">
            <Field label="Amount">
              <span className="tabular-nums">{formatMoney(d.amount, d.currency)}</span>
            </Field>
            <Field label="Close date">{formatCalendarDate(d.closeDate)}</Field>
            <Field label="Owner">{d.ownerName ?? "—"}</Field>
            <Field label="Calls">
              <span className="tabular-nums">{d.callCount}</span>
            </Field>
            <Field label="Last call">
              <Time at={d.lastCallAt} dateOnly />
            </Field>
          </dl>
        </li>
      ))}
    </ul>
  );
}

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="min-w-0">
      <dt className="text-xs text-slate-500">{label}</dt>
      <dd className="break-words text-slate-900">{children}</dd>
    </div>
  );
}

function DealsWide({ items }: { items: DealListItem[] }) {
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
