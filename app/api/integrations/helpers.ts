// Shared by the integration route handlers: the provider slug from the URL, and this workspace's
// integration for it.
import "server-only";
import { db } from "@/lib/db";
import { NotFoundError } from "@/lib/errors";
import { readJsonBody } from "@/lib/http";
import { PROVIDER_BY_SLUG, providerSlugSchema } from "@/lib/integrations/connect";

export function providerFromSlug(slug: string) {
  const parsed = providerSlugSchema.safeParse(slug);
  if (!parsed.success) throw new NotFoundError("That provider");
  return PROVIDER_BY_SLUG[parsed.data];
}

export async function integrationIdFor(workspaceId: string, slug: string): Promise<string> {
  const provider = providerFromSlug(slug);
  const row = await db.integration.findUnique({ where: { workspaceId_provider: { workspaceId, provider } }, select: { id: true } });
  if (!row) throw new NotFoundError("That integration");
  return row.id;
}

/** The action's JSON body ({} when empty); 400 when it is not JSON, 413 when it is too large. */
export async function readJson(req: Request): Promise<unknown> {
  return (await readJsonBody(req)) ?? {};
}
