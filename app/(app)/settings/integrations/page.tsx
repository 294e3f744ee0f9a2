import type { Metadata } from "next";
import { CrmSection } from "@/components/crm/crm-section";
import { NO_CRM_RECORDER_NOTICE } from "@/components/crm/labels";
import { IntegrationCard } from "@/components/integrations/integration-card";
import { requirePageAdmin } from "@/lib/auth/session";
import { getCrmOverview } from "@/lib/crm/queries";
import { listIntegrationCards } from "@/lib/integrations/queries";

export const metadata: Metadata = { title: "Integrations" };

export default async function IntegrationsPage() {
  const session = await requirePageAdmin("/settings/integrations");
  const [cards, crm] = await Promise.all([listIntegrationCards(session.workspaceId), getCrmOverview(session.workspaceId)]);
  return (
    <div className="space-y-6">
      <div>
        <p className="text-sm text-slate-500">Settings</p>
        <h1 className="text-2xl font-semibold tracking-tight">Integrations</h1>
        <p className="mt-1 max-w-2xl text-sm text-slate-600">
          Connect your CRM, then your call recorder, to bring calls, transcripts and summaries into your deals. Deals sync every 15 minutes and new calls every
          2 hours. Callsync only reads from your providers; it never writes back.
        </p>
      </div>
      <CrmSection overview={crm} />
      <section aria-labelledby="call-recording" className="space-y-3">
        <h2 id="call-recording" className="text-lg font-semibold">
          Call recording
        </h2>
        <ul className="grid gap-4 md:grid-cols-3">
          {cards.map((card) => (
            <li key={card.key}>
              <IntegrationCard card={card} notice={crm.connected ? null : NO_CRM_RECORDER_NOTICE} />
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}
