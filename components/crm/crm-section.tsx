// The CRM section of Settings → Integrations, above the call recorders: the help centre's guidance
// ("Connect your CRM first" and why) and one card per CRM of the registry.
import { Info } from "lucide-react";
import type { CrmOverview } from "@/lib/crm/queries";
import { CrmCard } from "./crm-card";
import { CRM_FIRST_REASON } from "./labels";

export function CrmSection({ overview }: { overview: CrmOverview }) {
  return (
    <section aria-labelledby="crm" className="space-y-3">
      <h2 id="crm" className="text-lg font-semibold">
        CRM
      </h2>
      {overview.connected ? (
        <p className="max-w-3xl text-sm text-slate-600">
          Deals, accounts and contacts come from {overview.connected.name} and sync every 15 minutes. A workspace syncs deals from one CRM.
        </p>
      ) : (
        <div role="note" aria-labelledby="crm-first" className="flex max-w-3xl gap-3 rounded-md border border-sky-200 bg-sky-50 p-4 text-sm text-sky-900">
          <Info aria-hidden className="mt-0.5 h-4 w-4 shrink-0" />
          <div>
            <p id="crm-first" className="font-semibold">
              Connect your CRM first
            </p>
            <p className="mt-1">
              We strongly recommend connecting Salesforce or HubSpot before your call recorders. {CRM_FIRST_REASON} Teams without either can import deals from a
              CSV file.
            </p>
          </div>
        </div>
      )}
      <ul className="grid gap-4 md:grid-cols-3">
        {overview.cards.map((card) => (
          <li key={card.key}>
            <CrmCard card={card} />
          </li>
        ))}
      </ul>
    </section>
  );
}
