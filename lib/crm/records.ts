// What the CRM sync writes, checked before it is written: every record a CRM client returns passes these
// schemas (a client's own checks report skipped records too). A record that fails is skipped and counted
// with its id and field, never written and never stopping the sync.
import { z } from "zod";
import type { CrmAccount, CrmContact, CrmDeal, CrmObject, CrmSkipped } from "@/lib/providers/crm/types";

/** Record ids: letters, digits, "-" and "_" (HubSpot numeric, Salesforce 18 characters). */
const crmIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "not a CRM record id");
const isoSchema = z.string().refine((s) => !Number.isNaN(Date.parse(s)), "not a date-time");
const dateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "not a YYYY-MM-DD date")
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), "not a calendar date");

export const crmDealSchema = z.object({
  crmId: crmIdSchema,
  name: z.string().trim().min(1, "empty").max(500, "longer than 500 characters"),
  stage: z.string().trim().min(1, "empty").max(200, "longer than 200 characters"),
  isClosed: z.boolean(),
  isWon: z.boolean(),
  // Deal.amount is numeric(14, 2): at most 12 digits before the point (more decimals are rounded).
  amount: z
    .string()
    .regex(/^-?\d{1,12}(\.\d+)?$/, "not a decimal amount up to 999,999,999,999")
    .nullable(),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, "not an ISO currency code")
    .nullable(),
  closeDate: dateSchema.nullable(),
  ownerCrmId: crmIdSchema.nullable(),
  accountCrmId: crmIdSchema.nullable(),
  contactCrmIds: z.array(crmIdSchema).max(500, "more than 500 contacts"),
  modifiedAt: isoSchema,
});

export const crmAccountSchema = z.object({
  crmId: crmIdSchema,
  name: z.string().trim().min(1, "empty").max(500, "longer than 500 characters"),
  domain: z.string().max(500, "longer than 500 characters").nullable(),
  modifiedAt: isoSchema,
});

export const crmContactSchema = z.object({
  crmId: crmIdSchema,
  name: z.string().trim().max(500, "longer than 500 characters"),
  email: z.string().max(320, "longer than 320 characters").nullable(),
  title: z.string().max(500, "longer than 500 characters").nullable(),
  accountCrmId: crmIdSchema.nullable(),
  modifiedAt: isoSchema,
});

const SCHEMAS = { deal: crmDealSchema, account: crmAccountSchema, contact: crmContactSchema } as const;
type Parsed = { deal: CrmDeal; account: CrmAccount; contact: CrmContact };

/** The records that pass, and a CrmSkipped for each one that does not (its first bad field). */
export function checkRecords<O extends CrmObject>(object: O, records: readonly unknown[]): { ok: Parsed[O][]; skipped: CrmSkipped[] } {
  const ok: Parsed[O][] = [];
  const skipped: CrmSkipped[] = [];
  for (const record of records) {
    const parsed = SCHEMAS[object].safeParse(record);
    if (parsed.success) {
      ok.push(parsed.data as Parsed[O]);
      continue;
    }
    const issue = parsed.error.issues[0]!;
    const rawId = (record as { crmId?: unknown } | null)?.crmId;
    skipped.push({
      object,
      crmId: typeof rawId === "string" ? rawId.slice(0, 64) : null,
      field: issue.path.map(String).join(".") || "(record)",
      message: issue.message,
    });
  }
  return { ok, skipped };
}

/** "https://www.Acme.com/about" -> "acme.com"; null for anything that is not a host name. */
export function normalizeDomain(value: string | null): string | null {
  if (!value) return null;
  let host = value.trim().toLowerCase();
  host = host
    .replace(/^[a-z][a-z0-9+.-]*:\/\//, "")
    .split(/[/?#]/)[0]!
    .split("@")
    .pop()!
    .split(":")[0]!;
  host = host.replace(/^www\./, "").replace(/\.$/, "");
  return /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/.test(host) ? host : null;
}

/** A lower-cased email, or null when it is not one. */
export function normalizeEmail(value: string | null): string | null {
  if (!value) return null;
  const email = value.trim().toLowerCase();
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) ? email : null;
}
