import { Badge } from "@/components/ui/badge";
import { ButtonLink } from "@/components/ui/button";
import { Time } from "@/components/ui/time-zone";
import { cardAction, STATUS_LABEL, STATUS_TONE } from "@/lib/integrations/catalog";
import type { listIntegrationCards } from "@/lib/integrations/queries";

type Card = Awaited<ReturnType<typeof listIntegrationCards>>[number];

/** `notice`: what the page adds (Settings → Integrations: that calls will not auto-link while no CRM is connected). */
export function IntegrationCard({ card, notice }: { card: Card; notice?: string | null }) {
  const i = card.integration;
  const action = cardAction(card.status, i?.wizardStep);
  const base = `/settings/integrations/${card.slug}`;
  return (
    <article aria-labelledby={`card-${card.slug}`} className="flex h-full flex-col rounded-lg border border-slate-200 bg-white p-5">
      <div className="flex items-start justify-between gap-3">
        <h3 id={`card-${card.slug}`} className="text-base font-semibold">
          {card.name}
        </h3>
        <Badge tone={STATUS_TONE[card.status] ?? "gray"}>{STATUS_LABEL[card.status] ?? card.status}</Badge>
      </div>
      <p className="mt-2 text-sm text-slate-600">{card.description}</p>
      {i?.statusMessage ? <p className="mt-2 text-sm text-red-700">{i.statusMessage}</p> : null}
      {notice ? <p className="mt-2 rounded-md bg-amber-50 p-2 text-sm text-amber-900">{notice}</p> : null}
      <dl className="mt-4 grid grid-cols-2 gap-x-3 gap-y-2 text-xs">
        <dt className="text-slate-500">Connected account</dt>
        <dd className="text-slate-800">{i?.accountName ?? "—"}</dd>
        <dt className="text-slate-500">Connected at</dt>
        <dd className="text-slate-800">
          <Time at={i?.connectedAt} />
        </dd>
        <dt className="text-slate-500">Last sync</dt>
        <dd className="text-slate-800" data-testid="card-last-sync">
          <Time at={i?.lastSuccessAt} />
        </dd>
        {i?.lastFailure ? (
          <>
            <dt className="text-red-700">Last sync failed</dt>
            <dd className="text-red-700" data-testid="card-last-failure">
              <Time at={i.lastFailure.at} />
              <span className="block">{i.lastFailure.reason}</span>
            </dd>
          </>
        ) : null}
        <dt className="text-slate-500">Next sync</dt>
        <dd className="text-slate-800">
          <Time at={i?.nextSyncAt} />
        </dd>
      </dl>
      <div className="mt-auto flex flex-wrap gap-2 pt-5">
        <ButtonLink href={action.target === "manage" ? base : `${base}/setup`} aria-label={`${action.label} ${card.name}`}>
          {action.label}
        </ButtonLink>
        {i && action.target !== "manage" && i.connectedAt ? (
          <ButtonLink href={base} variant="secondary" aria-label={`Manage ${card.name}`}>
            Manage
          </ButtonLink>
        ) : null}
      </div>
    </article>
  );
}
