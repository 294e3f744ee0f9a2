// Route wrappers for /api/integrations/[provider]/…: the provider slug, the ADMIN role and this workspace's
// integration are resolved ONCE here, before the handler runs, so no handler (and nothing in lib/) looks
// them up again. Order of checks, and so of answers, is the one the actions always had:
//   session (401) -> ADMIN (403) -> provider slug (404) -> JSON body (400/413) -> input (400) -> integration (404).
// lib/ must not import inngest/: the route passes how actions send events (`send`, the Inngest client's).
import "server-only";
import type { z } from "zod";
import { NextResponse } from "next/server";
import type { SessionContext } from "@/lib/auth/session";
import { NotFoundError } from "@/lib/errors";
import type { SendEvents } from "@/lib/events";
import { findIntegration, type Actor, type IntegrationRef } from "@/lib/integrations/connect";
import { providerFromSlug as providerForSlug, type ProviderId } from "@/lib/providers/registry";
import { parseInput, readJsonBody, withWorkspace } from "@/lib/http";

/** The provider a URL slug names; 404 for anything else (unknown slugs, `__proto__`, …). */
export function providerFromSlug(slug: string): ProviderId {
  const provider = providerForSlug(slug);
  if (!provider) throw new NotFoundError("That provider");
  return provider;
}

/** An action's JSON body ({} when empty); 400 when it is not JSON, 413 when it is too large. */
export async function readActionBody(req: Request): Promise<unknown> {
  return (await readJsonBody(req)) ?? {};
}

type ProviderParams = { provider: string };

type ProviderContext = { session: SessionContext; provider: ProviderId; actor: Actor };

/** ADMIN-only route on a provider that may not be connected yet (start OAuth, API key, poll an OAuth attempt). */
export function withProvider(handler: (req: Request, ctx: ProviderContext) => Promise<Response>, opts: { send: SendEvents }) {
  return withWorkspace<ProviderParams>(
    async (req, { session, params }) => {
      const provider = providerFromSlug(params.provider);
      return handler(req, { session, provider, actor: { workspaceId: session.workspaceId, userId: session.userId, send: opts.send } });
    },
    { role: "ADMIN" },
  );
}

type IntegrationContext<I> = ProviderContext & { integration: IntegrationRef; input: I };

type InputOf<S> = S extends z.ZodType ? z.infer<S> : unknown;

/**
 * ADMIN-only action on this workspace's integration of the provider: reads the JSON body, validates it with
 * `input` when given (else hands the raw body on), then loads the integration (404 when there is none).
 */
export function withIntegration<S extends z.ZodType | undefined = undefined>(
  handler: (req: Request, ctx: IntegrationContext<InputOf<NoInfer<S>>>) => Promise<Response>,
  opts: { send: SendEvents; input?: S; inputMessage?: string },
) {
  return withProvider(async (req, ctx) => {
    const body = await readActionBody(req);
    const input = (opts.input ? parseInput(opts.input, body, opts.inputMessage) : body) as InputOf<S>;
    const integration = await findIntegration(ctx.session.workspaceId, ctx.provider);
    return handler(req, { ...ctx, integration, input });
  }, opts);
}

/**
 * What an action URL answers for a method it does not have, and what an unknown action answers: the
 * same checks as a real action (401, 403, 404 for the slug, 400/413 for a POST body), then a JSON 404.
 */
export const actionNotFound = withWorkspace<ProviderParams>(
  async (req, { params }) => {
    providerFromSlug(params.provider);
    if (req.method === "POST") await readActionBody(req);
    throw new NotFoundError("That action");
  },
  { role: "ADMIN" },
);

/**
 * An action that takes no input and answers `{ ok: true }` (disconnect, reconnect, sync now). The wrapper
 * still refuses a malformed or oversize body (400/413).
 */
export function withSimpleAction(action: (actor: Actor, integration: IntegrationRef) => Promise<unknown>, opts: { send: SendEvents }) {
  return withIntegration(async (_req, { actor, integration }) => {
    await action(actor, integration);
    return NextResponse.json({ ok: true });
  }, opts);
}
