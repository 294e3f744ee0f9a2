// POST: Sync now (what changed in the CRM since the last sync). 409 while a sync runs.
import { crmActionNotFound, withCrmAction } from "@/lib/api/crm";
import { syncCrmNow } from "@/lib/crm/connect";
import { sendEvents } from "@/inngest/client";

export const dynamic = "force-dynamic";

export const POST = withCrmAction(syncCrmNow, { send: sendEvents });

export const GET = crmActionNotFound;
