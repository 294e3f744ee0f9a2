import type { Metadata } from "next";
import { DealsFilters } from "@/components/deals/deals-filters";
import { DealsTable } from "@/components/deals/deals-table";
import { Pagination } from "@/components/ui/pagination";
import { EmptyState } from "@/components/ui/empty-state";
import { requirePageSession } from "@/lib/auth/session";
import { dealListParamsSchema, listDeals } from "@/lib/deals/queries";
import { countUnlinkedCalls } from "@/lib/calls/queries";
import { getCrmSource } from "@/lib/crm/queries";
import { recorderSetup } from "@/lib/integrations/queries";
import { DayOneNotice } from "@/components/integrations/day-one-notice";
import { formatDateTime } from "@/components/ui/format";
import { viewerTimeZone } from "@/lib/accounts/time-zone";
import { ButtonLink } from "@/components/ui/button";
import { Search, Unlink } from "lucide-react";

export const metadata: Metadata = { title: "Deals" };

export default async function DealsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const session = await requirePageSession("/deals");
  const raw = await searchParams;
  const params = dealListParamsSchema.parse(Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v])));
  const [result, unlinked, crm, recorders] = await Promise.all([
    listDeals(session.workspaceId, params, session),
    countUnlinkedCalls(session),
    getCrmSource(session.workspaceId),
    recorderSetup(session.workspaceId),
  ]);
  const filtered = Boolean(params.q || params.stage || params.owner);

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">Deals</h1>
          <p className="mt-1 text-sm text-slate-600">
            {result.total} {result.total === 1 ? "deal" : "deals"}
            {filtered ? " match your filters" : ""}
          </p>
          {crm ? (
            <p className="mt-1 text-xs text-slate-500" data-testid="deals-crm-source">
              {crm.status === "DISCONNECTED"
                ? `${crm.name} is disconnected: its deals are no longer syncing.`
                : crm.status === "RECONNECT_REQUIRED"
                  ? `Deals from ${crm.name} are not syncing until an admin reconnects it.`
                  : `Deals sync from ${crm.name} every 15 minutes · last sync ${formatDateTime(crm.lastSuccessfulSyncAt, (await viewerTimeZone()).zone)}`}
            </p>
          ) : null}
        </div>
        <div className="flex flex-wrap gap-2">
          <ButtonLink href="/search" variant="secondary">
            <Search aria-hidden className="h-4 w-4" />
            Search transcripts
          </ButtonLink>
          <ButtonLink href="/calls/unlinked" variant="secondary">
            <Unlink aria-hidden className="h-4 w-4" />
            Unlinked calls
            <span className="rounded-full bg-slate-100 px-2 text-xs tabular-nums text-slate-700" aria-label={`${unlinked} unlinked`}>
              {unlinked}
            </span>
          </ButtonLink>
        </div>
      </div>
      <DayOneNotice setup={recorders} isAdmin={session.role === "ADMIN"} />
      <DealsFilters stages={result.stages} owners={result.owners} params={params} />
      {result.items.length === 0 ? (
        filtered ? (
          <EmptyState title="No deals match these filters">Try a different search or clear the filters.</EmptyState>
        ) : (
          <EmptyState title="No deals yet">Deals appear here once your CRM data is in this workspace.</EmptyState>
        )
      ) : (
        <>
          <DealsTable items={result.items} />
          <Pagination page={result.page} pageCount={result.pageCount} basePath="/deals" params={raw} />
        </>
      )}
    </div>
  );
}
