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
