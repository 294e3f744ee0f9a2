// Issue 16.7: what was discovered looks like one user's view of the provider (Salesloft connected by a
// non-admin): says so, and how to fix it, on the wizard's Sync and Complete steps and the Manage page.
import { AlertTriangle } from "lucide-react";
import type { IntegrationDetail } from "@/lib/integrations/queries";
import { viewWarningText } from "@/lib/integrations/view-warning";

export function ViewWarningNotice({ detail }: { detail: IntegrationDetail }) {
  if (!detail.viewWarning) return null;
  return (
    <div role="alert" data-testid="view-warning" className="flex gap-2 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900">
      <AlertTriangle aria-hidden className="mt-0.5 h-4 w-4 shrink-0" />
      <p>{viewWarningText(detail.name, detail.viewWarning)}</p>
    </div>
  );
}
