import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { SetupWizard } from "@/components/integrations/setup-wizard";
import { requirePageAdmin } from "@/lib/auth/session";
import { OAUTH_MESSAGES } from "@/lib/integrations/connect";
import { getIntegrationDetail } from "@/lib/integrations/queries";
import { providerFromSlug } from "@/lib/providers/registry";

export const metadata: Metadata = { title: "Set up integration" };
export const dynamic = "force-dynamic";

export default async function SetupPage({
  params,
  searchParams,
}: {
  params: Promise<{ provider: string }>;
  searchParams: Promise<{ step?: string | string[] }>;
}) {
  const { provider: slug } = await params;
  const session = await requirePageAdmin(`/settings/integrations/${encodeURIComponent(slug)}/setup`);
  const provider = providerFromSlug(slug);
  if (!provider) notFound();
  const { step } = await searchParams;
  const detail = await getIntegrationDetail(session.workspaceId, provider);
  return <SetupWizard key={slug} initial={detail} urlStep={typeof step === "string" ? step : null} messages={OAUTH_MESSAGES} />;
}
