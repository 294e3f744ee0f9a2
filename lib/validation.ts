// Input validation with messages a person can act on: zod issues become a ValidationError whose
// `fields` map drives inline form errors.
import type { z } from "zod";
import { ValidationError } from "@/lib/errors";

export function parseInput<S extends z.ZodType>(schema: S, input: unknown, message = "Some fields are not valid."): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    // A body that is not an object at all (empty, a string, an array): say that, not zod's type wording.
    if (parsed.error.issues.length === 1 && parsed.error.issues[0]!.path.length === 0 && parsed.error.issues[0]!.code === "invalid_type") {
      throw new ValidationError("The request body must be a JSON object with the fields this form sends.");
    }
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

/** True when the text has no control characters (U+0000–U+001F, U+007F): names and other one-line fields. */
export function isOneLine(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return false;
  }
  return true;
}

/** Opaque tokens and ids we issued ourselves (cuids, base64url): anything else is not ours. */
export const TOKEN_PATTERN = /^[A-Za-z0-9_-]+$/;
