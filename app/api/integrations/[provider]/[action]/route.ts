// Admin actions on one provider's integration. Every request re-checks the session and the ADMIN role
// (withWorkspace), validates its input with zod, and maps domain errors to messages the admin can act on.
//   POST oauth        -> start OAuth: { authorizationUrl, state }
//   GET  oauth-status -> ?state=... : { status }
//   POST api-key      -> { apiKey, apiSecret } (Clari Copilot)
//   POST backfill     -> { period }
//   POST retry        -> { userSyncId }
//   POST sync         -> Sync now
//   POST disconnect | reconnect
//   POST purge        -> { confirm: "DELETE" }
import { NextResponse } from "next/server";
import { z } from "zod";
import { NotFoundError } from "@/lib/errors";
import { parseInput, withWorkspace } from "@/lib/http";
import { ID_PATTERN } from "@/lib/calls/visibility";
import { TOKEN_PATTERN } from "@/lib/validation";
import {
  backfillPeriodSchema,
  beginReconnect,
  chooseBackfill,
  connectWithApiKey,
  disconnect,
  findIntegration,
  oauthAttemptStatus,
  purge,
  retryUser,
  startOAuth,
  syncNow,
} from "@/lib/integrations/connect";
import { sendEvents } from "@/inngest/client";
import { providerFromSlug, readJson } from "../../helpers";

export const dynamic = "force-dynamic";

type Params = { provider: string; action: string };

const backfillSchema = z.object({
  period: z.enum(backfillPeriodSchema.options, { error: `Choose a backfill period: ${backfillPeriodSchema.options.join(", ")}.` }),
});
const retrySchema = z.object({ userSyncId: z.string({ error: "userSyncId is required." }).regex(ID_PATTERN, "userSyncId is not a valid id.") });
const stateSchema = z.object({ state: z.string().min(16, "state is not valid.").max(200, "state is not valid.").regex(TOKEN_PATTERN, "state is not valid.") });

export const GET = withWorkspace<Params>(
  async (req, { session, params }) => {
    providerFromSlug(params.provider);
    if (params.action !== "oauth-status") throw new NotFoundError("That action");
    const { state } = parseInput(stateSchema, { state: new URL(req.url).searchParams.get("state") ?? "" });
    const result = await oauthAttemptStatus(session.workspaceId, state);
    return NextResponse.json(result, { headers: { "Cache-Control": "no-store" } });
  },
  { role: "ADMIN" },
);

export const POST = withWorkspace<Params>(
  async (req, { session, params }) => {
    const provider = providerFromSlug(params.provider);
    const actor = { workspaceId: session.workspaceId, userId: session.userId, send: sendEvents };
    const integration = () => findIntegration(session.workspaceId, provider);
    const body = await readJson(req);
    switch (params.action) {
      case "oauth": {
        const { state, authorizationUrl } = await startOAuth(actor, provider);
        return NextResponse.json({ state, authorizationUrl });
      }
      case "api-key":
        await connectWithApiKey(actor, provider, body);
        return NextResponse.json({ ok: true });
      case "backfill": {
        const { period } = parseInput(backfillSchema, body, "Choose a backfill period.");
        await chooseBackfill(actor, await integration(), period);
        return NextResponse.json({ ok: true });
      }
      case "retry": {
        const { userSyncId } = parseInput(retrySchema, body);
        await retryUser(actor, await integration(), userSyncId);
        return NextResponse.json({ ok: true });
      }
      case "sync":
        await syncNow(actor, await integration());
        return NextResponse.json({ ok: true });
      case "disconnect":
        await disconnect(actor, await integration());
        return NextResponse.json({ ok: true });
      case "reconnect":
        await beginReconnect(actor, await integration());
        return NextResponse.json({ ok: true });
      case "purge": {
        const result = await purge(actor, await integration(), body);
        return NextResponse.json(result);
      }
      default:
        throw new NotFoundError("That action");
    }
  },
  { role: "ADMIN" },
);
