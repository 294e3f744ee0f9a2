// Any other action name under /api/integrations/[provider]/: every real action has its own folder next to
// this one (static segments win over this dynamic one). Unknown actions get the same checks as real ones
// (401, 403 for members, 404 for the slug, 400/413 for a POST body), then a JSON 404 "That action was not found."
import { actionNotFound } from "@/lib/api/integration";

export const dynamic = "force-dynamic";

export const GET = actionNotFound;
export const POST = actionNotFound;
