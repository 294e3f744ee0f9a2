import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { ManageCrm } from "@/components/crm/manage-crm";
import { ManageIntegration } from "@/components/integrations/manage-integration";
import { ButtonLink } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { requirePageAdmin } from "@/lib/auth/session";
import { getCrmDetail } from "@/lib/crm/queries";
import { getIntegrationDetail } from "@/lib/integrations/queries";
import { crmFromSlug, providerFromSlug } from "@/lib/providers/registry";

export const metadata: Metadata = { title: "Manage integration" };
export const dynamic = "force-dynamic";

export default async function ManagePage({ params }: { params: Promise<{ provider: string }> }) {
  const { provider: slug } = await params;
  const session = await requirePageAdmin(`/settings/integrations/${encodeURIComponent(slug)}`);
  // The CRMs' Manage pages share this route: their slugs (hubspot, salesforce) are not recorder slugs.
  const crm = crmFromSlug(slug);
  if (crm) return <ManageCrm key={slug} initial={await getCrmDetail(session.workspaceId, crm)} />;
  const provider = providerFromSlug(slug);
  if (!provider) notFound();
  const detail = await getIntegrationDetail(session.workspaceId, provider);
  if (!detail.integration) {
    return (
      <EmptyState
        title={`${detail.name} is not connected`}
        action={<ButtonLink href={`/settings/integrations/${slug}/setup`}>Connect {detail.name}</ButtonLink>}
      >
        Connect {detail.name} to bring its calls, transcripts and summaries into your deals.
      </EmptyState>
    );
  }
  return <ManageIntegration key={slug} initial={detail} />;
}
