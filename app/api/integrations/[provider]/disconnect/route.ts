// POST: disconnect this provider's integration (syncing stops; what was synced stays until purged).
import { actionNotFound, withSimpleAction } from "@/lib/api/integration";
import { disconnect } from "@/lib/integrations/connect";
import { sendEvents } from "@/inngest/client";

export const dynamic = "force-dynamic";

export const POST = withSimpleAction(disconnect, { send: sendEvents });

export const GET = actionNotFound;
