// Zod at the boundary: an unexpected payload becomes a ProviderError naming the field.
import type { z } from "zod";
import { ProviderError } from "@/lib/errors";

export function issuePath(path: ReadonlyArray<PropertyKey>): string {
  return path.length === 0 ? "(root)" : path.map((p) => String(p)).join(".");
}

/** Parses `data` or throws INVALID_RESPONSE with `field` set to the first offending path. */
export function parsePayload<S extends z.ZodType>(provider: string, endpoint: string, schema: S, data: unknown): z.output<S> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue ? issuePath(issue.path) : "(root)";
  throw new ProviderError(
    "INVALID_RESPONSE",
    provider,
    `${provider} returned an unexpected payload for ${endpoint}: ${field}: ${issue?.message ?? "invalid"}`,
    { field, cause: result.error },
  );
}
