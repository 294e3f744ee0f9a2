import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { stageTone } from "@/components/deals/deals-table";
import { Badge } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import { formatDate, formatMoney } from "@/components/ui/format";
import { requirePageSession } from "@/lib/auth/session";
import { getDeal } from "@/lib/deals/queries";

export const metadata: Metadata = { title: "Deal" };

export default async function DealPage({ params }: { params: Promise<{ dealId: string }> }) {
  const { dealId } = await params;
  const session = await requirePageSession(`/deals/${dealId}`);
  const deal = await getDeal(session.workspaceId, dealId);
  if (!deal) notFound();

  const facts: Array<[string, string]> = [
    ["Amount", formatMoney(deal.amount, deal.currency)],
    ["Close date", formatDate(deal.closeDate)],
    ["Owner", deal.owner?.name ?? deal.owner?.email ?? "—"],
    ["CRM", deal.crmSource === "NONE" ? "—" : `${deal.crmSource === "SALESFORCE" ? "Salesforce" : "HubSpot"} · ${deal.crmDealId ?? "—"}`],
  ];

  return (
    <div className="space-y-6">
      <nav aria-label="Breadcrumb" className="text-sm text-slate-600">
        <Link href="/deals" className="hover:underline">Deals</Link> <span aria-hidden>/</span> <span>{deal.name}</span>
      </nav>
      <header className="flex flex-wrap items-start justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">{deal.name}</h1>
          {deal.accountName ? <p className="mt-1 text-sm text-slate-600">{deal.accountName}</p> : null}
        </div>
        <Badge tone={stageTone(deal.stage, deal.isClosed)}>{deal.stage}</Badge>
      </header>
      <dl className="grid gap-4 rounded-lg border border-slate-200 bg-white p-4 sm:grid-cols-2 lg:grid-cols-4">
        {facts.map(([k, v]) => (
          <div key={k}>
            <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">{k}</dt>
            <dd className="mt-1 text-sm text-slate-900">{v}</dd>
          </div>
        ))}
      </dl>
      <div className="grid gap-6 lg:grid-cols-3">
        <section aria-labelledby="calls-heading" className="lg:col-span-2">
          <h2 id="calls-heading" className="mb-3 text-lg font-semibold">Calls ({deal._count.callLinks})</h2>
          <EmptyState title="No calls on this deal yet">
            Calls appear here once a call recorder is connected and a synced call matches this deal by CRM id or
            by a contact&apos;s email.
          </EmptyState>
        </section>
        <section aria-labelledby="contacts-heading">
          <h2 id="contacts-heading" className="mb-3 text-lg font-semibold">Contacts</h2>
          {deal.contacts.length === 0 ? (
            <p className="text-sm text-slate-600">No contacts on this deal.</p>
          ) : (
            <ul className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white">
              {deal.contacts.map((c) => (
                <li key={c.id} className="px-4 py-3 text-sm">
                  <div className="font-medium text-slate-900">{c.name}</div>
                  <div className="text-slate-600">{c.title ?? ""}</div>
                  <a href={`mailto:${c.email}`} className="text-brand-700 hover:underline">{c.email}</a>
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
    </div>
  );
}
