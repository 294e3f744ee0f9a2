// Route wrappers for /api/crm/[provider]/…: the CRM slug, the ADMIN role and this workspace's CRM
// integration are resolved once here, before the handler runs. Order of checks (and of answers) as for the
// call recorders (lib/api/integration.ts): session (401) -> ADMIN (403) -> CRM slug (404) -> JSON body
// (400/413) -> input (400) -> integration (404). Changes must be same-origin JSON (lib/http.ts).
import "server-only";
import type { z } from "zod";
import { NextResponse } from "next/server";
import type { SessionContext } from "@/lib/auth/session";
import { findCrmIntegration, type CrmActor, type CrmIntegrationRef } from "@/lib/crm/connect";
import { NotFoundError } from "@/lib/errors";
import type { SendEvents } from "@/lib/events";
import type { CrmId } from "@/lib/providers/crm/types";
import { crmFromSlug as crmForSlug } from "@/lib/providers/registry";
import { parseInput, readJsonBody, withWorkspace } from "@/lib/http";

/** The CRM a URL slug names (hubspot, salesforce); 404 for anything else. */
export function crmFromSlug(slug: string): CrmId {
  const crm = crmForSlug(slug);
  if (!crm) throw new NotFoundError("That CRM");
  return crm;
}

type CrmParams = { provider: string };
type CrmContext = { session: SessionContext; provider: CrmId; actor: CrmActor };

/** ADMIN-only route on a CRM that may not be connected yet (start OAuth, poll an OAuth attempt, its detail). */
export function withCrmProvider(handler: (req: Request, ctx: CrmContext) => Promise<Response>, opts: { send: SendEvents }) {
  return withWorkspace<CrmParams>(
    async (req, { session, params }) => {
      const provider = crmFromSlug(params.provider);
      return handler(req, { session, provider, actor: { workspaceId: session.workspaceId, userId: session.userId, send: opts.send } });
    },
    { role: "ADMIN" },
  );
}

type InputOf<S> = S extends z.ZodType ? z.infer<S> : unknown;

/** ADMIN-only action on this workspace's connection of the CRM (404 when there is none), its JSON body checked by `input`. */
export function withCrmIntegration<S extends z.ZodType | undefined = undefined>(
  handler: (req: Request, ctx: CrmContext & { integration: CrmIntegrationRef; input: InputOf<NoInfer<S>> }) => Promise<Response>,
  opts: { send: SendEvents; input?: S },
) {
  return withCrmProvider(async (req, ctx) => {
    const body = (await readJsonBody(req)) ?? {};
    const input = (opts.input ? parseInput(opts.input, body) : body) as InputOf<S>;
    const integration = await findCrmIntegration(ctx.session.workspaceId, ctx.provider);
    return handler(req, { ...ctx, integration, input });
  }, opts);
}

/** An action without input that answers { ok: true } (sync now, disconnect). */
export function withCrmAction(action: (actor: CrmActor, integration: CrmIntegrationRef) => Promise<unknown>, opts: { send: SendEvents }) {
  return withCrmIntegration(async (_req, { actor, integration }) => {
    await action(actor, integration);
    return NextResponse.json({ ok: true });
  }, opts);
}

/** What a CRM action URL answers for a method it does not have: the same checks, then a JSON 404. */
export const crmActionNotFound = withWorkspace<CrmParams>(
  async (req, { params }) => {
    crmFromSlug(params.provider);
    if (req.method === "POST") await readJsonBody(req);
    throw new NotFoundError("That action");
  },
  { role: "ADMIN" },
);
