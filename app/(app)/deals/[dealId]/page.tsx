import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { stageTone } from "@/components/deals/deals-table";
import { CallList } from "@/components/calls/call-list";
import { KeysetPager } from "@/components/calls/call-bits";
import { ExternalLink } from "lucide-react";
import { Badge } from "@/components/ui/badge";
import { buttonClass } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { formatCalendarDate, formatMoney } from "@/components/ui/format";
import { Time } from "@/components/ui/time-zone";
import { requirePageSession } from "@/lib/auth/session";
import { countDealCalls, listDealCalls, pageParamsSchema } from "@/lib/calls/queries";
import { getDealCrmLinks } from "@/lib/crm/queries";
import { getDeal } from "@/lib/deals/queries";

export const metadata: Metadata = { title: "Deal" };

export default async function DealPage({
  params,
  searchParams,
}: {
  params: Promise<{ dealId: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { dealId } = await params;
  const session = await requirePageSession(`/deals/${dealId}`);
  const deal = await getDeal(session.workspaceId, dealId);
  if (!deal) notFound();
  const raw = await searchParams;
  const paging = pageParamsSchema.parse({ before: first(raw.before), after: first(raw.after) });
  const [calls, callCount, crm] = await Promise.all([
    listDealCalls(session, deal.id, paging),
    countDealCalls(session, deal.id),
    getDealCrmLinks(session.workspaceId, deal.id),
  ]);

  const facts: Array<[string, string]> = [
    ["Amount", formatMoney(deal.amount, deal.currency)],
    ["Close date", formatCalendarDate(deal.closeDate)],
    ["Owner", deal.owner?.name ?? deal.owner?.email ?? "—"],
    ["CRM", deal.crmSource === "NONE" ? "—" : `${deal.crmSource === "SALESFORCE" ? "Salesforce" : "HubSpot"} · ${deal.crmDealId ?? "—"}`],
  ];

  return (
    <div className="space-y-6">
      <nav aria-label="Breadcrumb" className="text-sm text-slate-600">
        <Link href="/deals" className="hover:underline">
          Deals
        </Link>{" "}
        <span aria-hidden>/</span> <span>{deal.name}</span>
      </nav>
      <header className="flex flex-wrap items-start justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">{deal.name}</h1>
          {deal.accountName ? (
            <p className="mt-1 text-sm text-slate-600">
              {deal.accountName}
              {crm?.accountUrl ? (
                <>
                  {" · "}
                  <a href={crm.accountUrl} target="_blank" rel="noopener noreferrer" className="text-brand-700 underline">
                    Open account in {crm.name}
                    <span className="sr-only"> (opens in a new tab)</span>
                  </a>
                </>
              ) : null}
            </p>
          ) : null}
        </div>
        <div className="flex flex-wrap items-center gap-3">
          {crm?.dealUrl ? (
            <a href={crm.dealUrl} target="_blank" rel="noopener noreferrer" className={buttonClass("secondary")}>
              <ExternalLink aria-hidden className="h-4 w-4" />
              Open in {crm.name}
              <span className="sr-only"> (opens in a new tab)</span>
            </a>
          ) : null}
          <Badge tone={stageTone(deal.stage, deal.isClosed)}>{deal.stage}</Badge>
        </div>
      </header>
      {crm?.stoppedAt ? (
        <p role="note" className="rounded-md border border-amber-200 bg-amber-50 p-3 text-sm text-amber-900" data-testid="deal-not-syncing">
          No longer syncing: {crm.name} was disconnected on <Time at={crm.stoppedAt} dateOnly />. This deal shows what {crm.name} said then; its calls stay
          linked.
        </p>
      ) : null}
      <dl className="grid gap-4 rounded-lg border border-slate-200 bg-white p-4 sm:grid-cols-2 lg:grid-cols-4">
        {facts.map(([k, v]) => (
          <div key={k}>
            <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">{k}</dt>
            <dd className="mt-1 text-sm text-slate-900">{v}</dd>
          </div>
        ))}
      </dl>
      <div className="grid gap-6 lg:grid-cols-3">
        <section aria-labelledby="calls-heading" className="min-w-0 space-y-3 lg:col-span-2">
          <div className="flex flex-wrap items-baseline justify-between gap-2">
            <h2 id="calls-heading" className="text-lg font-semibold">
              Calls <span className="font-normal text-slate-500">({callCount})</span>
            </h2>
            <Link href={`/search?deal=${encodeURIComponent(deal.id)}`} className="text-sm text-brand-700 hover:underline">
              Search transcripts
            </Link>
          </div>
          {calls.items.length === 0 ? (
            callCount > 0 ? (
              <EmptyState
                title="No calls on this page"
                action={
                  <Link href={`/deals/${deal.id}`} className="text-sm text-brand-700 hover:underline">
                    Back to the newest calls
                  </Link>
                }
              />
            ) : (
              <EmptyState title="No calls on this deal yet">
                Calls appear here once a call recorder is connected and a synced call matches this deal by CRM id or by a contact&apos;s email. You can also
                move a call here from its page or from{" "}
                <Link href="/calls/unlinked" className="text-brand-700 underline">
                  Unlinked calls
                </Link>
                .
              </EmptyState>
            )
          ) : (
            <>
              <CallList calls={calls.items} label={`Calls on ${deal.name}, newest first`} />
              <KeysetPager basePath={`/deals/${deal.id}`} newerCursor={calls.newerCursor} olderCursor={calls.olderCursor} label="Call timeline pages" />
            </>
          )}
        </section>
        <section aria-labelledby="contacts-heading">
          <h2 id="contacts-heading" className="mb-3 text-lg font-semibold">
            Contacts
          </h2>
          {deal.contacts.length === 0 ? (
            <p className="text-sm text-slate-600">No contacts on this deal.</p>
          ) : (
            <ul className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white">
              {deal.contacts.map((c) => (
                <li key={c.id} className="px-4 py-3 text-sm">
                  <div className="font-medium text-slate-900">{c.name}</div>
                  {c.title ? <div className="text-slate-600">{c.title}</div> : null}
                  <a href={`mailto:${c.email}`} className="break-all text-brand-700 hover:underline">
                    {c.email}
                  </a>
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
    </div>
  );
}

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
