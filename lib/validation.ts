// Input validation with messages a person can act on: zod issues become a ValidationError whose
// `fields` map drives inline form errors.
import type { z } from "zod";
import { ValidationError } from "@/lib/errors";

export function parseInput<S extends z.ZodType>(schema: S, input: unknown, message = "Some fields are not valid."): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const fields: Record<string, string> = {};
    for (const issue of parsed.error.issues) fields[issue.path.join(".") || "_"] ??= issue.message;
    throw new ValidationError(Object.keys(fields).length === 1 ? Object.values(fields)[0]! : message, fields);
  }
  return parsed.data;
}

/** PostgreSQL text cannot hold U+0000: free text from a URL or a form goes through this before SQL. */
export function sqlText(value: string): string {
  return value.replaceAll("\u0000", "");
}

/** Opaque tokens and ids we issued ourselves (cuids, base64url): anything else is not ours. */
export const TOKEN_PATTERN = /^[A-Za-z0-9_-]+$/;
