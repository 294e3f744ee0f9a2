// POST: Disconnect the CRM. Its deals stay, marked as no longer syncing.
import { crmActionNotFound, withCrmAction } from "@/lib/api/crm";
import { disconnectCrm } from "@/lib/crm/connect";
import { sendEvents } from "@/inngest/client";

export const dynamic = "force-dynamic";

export const POST = withCrmAction(disconnectCrm, { send: sendEvents });

export const GET = crmActionNotFound;
