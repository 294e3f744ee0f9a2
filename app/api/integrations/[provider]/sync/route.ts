// POST: Sync now (an incremental run for every user).
import { actionNotFound, withSimpleAction } from "@/lib/api/integration";
import { syncNow } from "@/lib/integrations/connect";
import { sendEvents } from "@/inngest/client";

export const dynamic = "force-dynamic";

export const POST = withSimpleAction(syncNow, { send: sendEvents });

export const GET = actionNotFound;
