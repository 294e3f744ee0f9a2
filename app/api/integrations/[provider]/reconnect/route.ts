// POST: start a reconnect (the wizard goes back to its connect step).
import { actionNotFound, withSimpleAction } from "@/lib/api/integration";
import { beginReconnect } from "@/lib/integrations/connect";
import { sendEvents } from "@/inngest/client";

export const dynamic = "force-dynamic";

export const POST = withSimpleAction(beginReconnect, { send: sendEvents });

export const GET = actionNotFound;
