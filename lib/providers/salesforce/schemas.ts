// Salesforce REST payloads (shapes from the REST API Developer Guide: query results, getDeleted, the
// token response, error bodies). Pages are parsed strictly at the envelope and per record, so one
// malformed record is skipped and counted instead of failing the page. No server-only: tests parse
// simulator responses with these too.
import { z } from "zod";
import { isSalesforceId, toSalesforceId18 } from "./ids";

/** Salesforce dateTime ("2013-05-20T20:49:32.000+0000") -> ISO-8601 UTC. */
export function salesforceDateTimeToIso(s: string): string | null {
  const normalized = s.replace(/([+-]\d{2})(\d{2})$/, "$1:$2");
  const ms = Date.parse(normalized);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

export const sfId = z
  .string()
  .refine(isSalesforceId, { message: "expected a 15- or 18-character Salesforce id" })
  .transform((s) => toSalesforceId18(s));
const sfIdNullish = sfId.nullish().transform((v) => v ?? null);
export const sfDateTime = z.string().transform((s, ctx) => {
  const iso = salesforceDateTimeToIso(s);
  if (iso === null) {
    ctx.addIssue({ code: "custom", message: "expected a Salesforce dateTime" });
    return z.NEVER;
  }
  return iso;
});
const sfDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "expected a Salesforce date (YYYY-MM-DD)")
  .nullish()
  .transform((v) => v ?? null);
const text = z
  .string()
  .nullish()
  .transform((v) => v ?? null);

/** The token response (web server flow and refresh). refresh_token only on the first grant; no expires_in. */
export const salesforceTokenResponseSchema = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1).optional(),
  instance_url: z.string().nullish(),
  id: z.string().min(1),
  issued_at: z.string().nullish(),
  signature: z.string().nullish(),
  scope: z.string().nullish(),
  token_type: z.string().nullish(),
});
export type SalesforceTokenResponse = z.infer<typeof salesforceTokenResponseSchema>;

/** Error bodies: [{ message, errorCode, fields? }]. */
export const salesforceErrorSchema = z.array(z.object({ message: z.string().optional(), errorCode: z.string(), fields: z.array(z.string()).optional() }));
export function errorCodeOf(body: unknown): string | null {
  const r = salesforceErrorSchema.safeParse(body);
  return r.success && r.data.length ? r.data[0]!.errorCode : null;
}

/** Query / Query More envelope; records are validated one by one by the caller. */
export const queryPageSchema = z.object({
  totalSize: z.number().int().nonnegative(),
  done: z.boolean(),
  nextRecordsUrl: z.string().startsWith("/services/data/").nullish(),
  records: z.array(z.unknown()),
});
export type QueryPage = z.infer<typeof queryPageSchema>;

export const accountRecordSchema = z.object({
  Id: sfId,
  Name: z.string(),
  Website: text,
  SystemModstamp: sfDateTime,
});
export type AccountRecord = z.infer<typeof accountRecordSchema>;

export const contactRecordSchema = z.object({
  Id: sfId,
  Name: z.string(),
  Email: text,
  Title: text,
  AccountId: sfIdNullish,
  SystemModstamp: sfDateTime,
});
export type ContactRecord = z.infer<typeof contactRecordSchema>;

const roleSchema = z.object({
  ContactId: sfId,
  // The contact as seen through the role (null when the user may not see it).
  Contact: z
    .object({ Name: z.string(), Email: text, Title: text, AccountId: sfIdNullish, SystemModstamp: sfDateTime })
    .nullish()
    .transform((v) => v ?? null),
});

/** A child relationship in a query result: null when the parent has no child rows. */
export const childResultSchema = <T extends z.ZodType>(record: T) =>
  z
    .object({ totalSize: z.number().int(), done: z.boolean(), nextRecordsUrl: z.string().nullish(), records: z.array(record) })
    .nullish()
    .transform((v) => v ?? null);

export const dealRecordSchema = z.object({
  Id: sfId,
  Name: z.string(),
  StageName: z.string(),
  Amount: z
    .number()
    .finite()
    .nullish()
    .transform((v) => v ?? null),
  CloseDate: sfDate,
  IsClosed: z.boolean(),
  IsWon: z.boolean(),
  OwnerId: sfIdNullish,
  AccountId: sfIdNullish,
  SystemModstamp: sfDateTime,
  Account: z
    .object({ Name: z.string(), Website: text, SystemModstamp: sfDateTime })
    .nullish()
    .transform((v) => v ?? null),
  OpportunityContactRoles: childResultSchema(roleSchema),
});
export type DealRecord = z.infer<typeof dealRecordSchema>;
export const roleRecordSchema = roleSchema;

export const idRecordSchema = z.object({ Id: sfId });
export const roleOpportunityRecordSchema = z.object({ OpportunityId: sfId });

export const organizationRecordSchema = z.object({
  Id: sfId,
  Name: z.string(),
  // The org's company currency (documented on Organization); deals' Amount is in it in single-currency orgs.
  DefaultCurrencyIsoCode: text,
});
export const ownerRecordSchema = z.object({ Id: sfId, Name: text, Email: text });

/** sObject Get Deleted. */
export const getDeletedSchema = z.object({
  deletedRecords: z.array(z.object({ id: sfId, deletedDate: z.string() })),
  earliestDateAvailable: z.string().nullish(),
  latestDateCovered: z.string().nullish(),
});
