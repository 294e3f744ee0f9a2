// Shared by the integration route handlers: the provider slug from the URL, and this workspace's
// integration for it.
import "server-only";
import { NotFoundError } from "@/lib/errors";
import { readJsonBody } from "@/lib/http";
import { providerFromSlug as lookUp } from "@/lib/providers/registry";

export function providerFromSlug(slug: string) {
  const provider = lookUp(slug);
  if (!provider) throw new NotFoundError("That provider");
  return provider;
}

/** The action's JSON body ({} when empty); 400 when it is not JSON, 413 when it is too large. */
export async function readJson(req: Request): Promise<unknown> {
  return (await readJsonBody(req)) ?? {};
}
