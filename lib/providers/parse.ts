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

/** A call record that failed validation: skipped so the page and the window move on (issue 16, item 5). */
export interface SkippedRecord {
  /** The provider's id of the record, as far as it can be read; "(no id)" when it cannot. */
  providerCallId: string;
  /** Dot-path of the first offending field, inside the record. */
  field: string;
  message: string;
}

export const NO_RECORD_ID = "(no id)";

/**
 * Parses each record of a page on its own: the valid ones come back in order, each invalid one becomes a
 * SkippedRecord naming its id (`idOf` reads it from the raw record) and its first offending field.
 */
export function parseRecords<S extends z.ZodType>(
  schema: S,
  raws: readonly unknown[],
  idOf: (raw: unknown) => unknown,
): { records: Array<z.output<S>>; skipped: SkippedRecord[] } {
  const records: Array<z.output<S>> = [];
  const skipped: SkippedRecord[] = [];
  for (const raw of raws) {
    const result = schema.safeParse(raw);
    if (result.success) {
      records.push(result.data);
      continue;
    }
    const id = idOf(raw);
    const issue = result.error.issues[0];
    skipped.push({
      providerCallId: typeof id === "string" && id.length > 0 ? id.slice(0, 200) : typeof id === "number" ? String(id) : NO_RECORD_ID,
      field: issue ? issuePath(issue.path) : "(root)",
      message: (issue?.message ?? "invalid").slice(0, 500),
    });
  }
  return { records, skipped };
}

/** Reads `obj.a.b` from an unknown value (ids of records that failed validation). */
export function pick(obj: unknown, ...path: string[]): unknown {
  let cur = obj;
  for (const p of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur;
}
