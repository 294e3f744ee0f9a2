import type { Metadata } from "next";
import { ImportDeals } from "@/components/deals/import-deals";
import { requirePageAdmin } from "@/lib/auth/session";
import { latestImportView } from "@/lib/deals/import-csv";

export const metadata: Metadata = { title: "Import deals" };

export default async function ImportDealsPage() {
  const session = await requirePageAdmin("/settings/deals/import");
  const latest = await latestImportView(session.workspaceId);
  return (
    <div className="space-y-6">
      <div>
        <p className="text-sm text-slate-500">Settings · Deals</p>
        <h1 className="text-2xl font-semibold tracking-tight">Import deals</h1>
        <p className="mt-1 max-w-2xl text-sm text-slate-600">
          No Salesforce or HubSpot? Bring the deals of {session.workspaceName} in from a CSV file. Calls link to them by CRM deal or account id when the file
          has them, and by contact email otherwise.
        </p>
      </div>
      <ImportDeals initial={latest} />
    </div>
  );
}
