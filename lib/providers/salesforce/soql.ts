// SOQL text built safely: every literal goes through a typed formatter (strings escaped as the SOQL
// reference documents, ids validated and normalized to 18 characters, dates/datetimes unquoted), and
// IN lists are chunked so one query URL stays under the REST API's URI limit. Pure: shared by the client
// and its tests.
// https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select_quotedstringescapes.htm
// https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select_dateformats.htm
import { toSalesforceId18 } from "./ids";

/** A quoted SOQL string literal: backslash, quotes and control characters escaped with backslashes. */
export function soqlString(value: string): string {
  const escaped = value.replace(
    /[\\'"\n\r\t\b\f]/g,
    (c) => ({ "\\": "\\\\", "'": "\\'", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f" })[c]!,
  );
  return `'${escaped}'`;
}

/** A quoted id literal, always in the 18-character form; anything that is not an id throws. */
export function soqlId(id: string): string {
  return `'${toSalesforceId18(id)}'`;
}

/** dateTime literal (unquoted, UTC, whole seconds rounded down so a ">=" bound never skips a record). */
export function soqlDateTime(d: Date): string {
  if (Number.isNaN(d.getTime())) throw new Error("soqlDateTime: invalid date");
  return new Date(Math.floor(d.getTime() / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** date literal (unquoted, YYYY-MM-DD, UTC). */
export function soqlDate(d: Date): string {
  if (Number.isNaN(d.getTime())) throw new Error("soqlDate: invalid date");
  return d.toISOString().slice(0, 10);
}

/**
 * The REST API refuses request URIs over 16,384 bytes (HTTP 414). A percent-encoded 18-character id
 * literal plus its separator costs 27 bytes ("%27" x2 + "%2C" + "+"), so 300 ids use ~8.1 KB and leave
 * room for the field list and the rest of the query.
 */
export const MAX_IDS_PER_QUERY = 300;

/** Unique ids (18-character form) in chunks of at most `size`, in first-seen order; invalid ids are dropped. */
export function idChunks(ids: readonly string[], size = MAX_IDS_PER_QUERY): string[][] {
  const unique: string[] = [];
  const seen = new Set<string>();
  for (const raw of ids) {
    let id: string;
    try {
      id = toSalesforceId18(raw);
    } catch {
      continue;
    }
    const key = id.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    unique.push(id);
  }
  const out: string[][] = [];
  for (let i = 0; i < unique.length; i += size) out.push(unique.slice(i, i + size));
  return out;
}

export const soqlIdList = (ids: readonly string[]) => `(${ids.map(soqlId).join(", ")})`;

// ----- the queries the client runs ---------------------------------------------------------------------------

/** Account fields read through the Opportunity (so accounts need no query of their own). */
const ACCOUNT_VIA_DEAL = ["Account.Name", "Account.Website", "Account.SystemModstamp"];
/** Contact fields read through each OpportunityContactRole. */
const CONTACT_VIA_ROLE = ["ContactId", "Contact.Name", "Contact.Email", "Contact.Title", "Contact.AccountId", "Contact.SystemModstamp"];
export const DEAL_FIELDS = [
  "Id",
  "Name",
  "StageName",
  "Amount",
  "CloseDate",
  "IsClosed",
  "IsWon",
  "OwnerId",
  "AccountId",
  "SystemModstamp",
  ...ACCOUNT_VIA_DEAL,
  `(SELECT ${CONTACT_VIA_ROLE.join(", ")} FROM OpportunityContactRoles)`,
];
export const ACCOUNT_FIELDS = ["Id", "Name", "Website", "SystemModstamp"];
export const CONTACT_FIELDS = ["Id", "Name", "Email", "Title", "AccountId", "SystemModstamp"];

const select = (fields: readonly string[], object: string, where: string) => `SELECT ${fields.join(", ")} FROM ${object} WHERE ${where}`;

/** First import: every open deal, plus deals closed with a close date on/after closedSince. */
export const firstImportDealsQuery = (closedSince: Date) => select(DEAL_FIELDS, "Opportunity", `IsClosed = false OR CloseDate >= ${soqlDate(closedSince)}`);
/** Incremental: deals whose own record changed. */
export const modifiedDealsQuery = (since: Date) => select(DEAL_FIELDS, "Opportunity", `SystemModstamp >= ${soqlDateTime(since)}`);
/** Incremental: contact roles added, changed or deleted (run with queryAll, so deleted roles count). */
export const changedRolesQuery = (since: Date) => select(["OpportunityId"], "OpportunityContactRole", `SystemModstamp >= ${soqlDateTime(since)}`);
/** Deals by id that the modified-deals query did not already return (their own stamp is older than `since`). */
export const dealsByIdQuery = (ids: readonly string[], olderThan: Date | null) =>
  select(DEAL_FIELDS, "Opportunity", `Id IN ${soqlIdList(ids)}${olderThan ? ` AND SystemModstamp < ${soqlDateTime(olderThan)}` : ""}`);
export const accountsByIdQuery = (ids: readonly string[]) => select(ACCOUNT_FIELDS, "Account", `Id IN ${soqlIdList(ids)}`);
export const contactsByIdQuery = (ids: readonly string[]) => select(CONTACT_FIELDS, "Contact", `Id IN ${soqlIdList(ids)}`);
export const modifiedAccountsQuery = (since: Date) => select(ACCOUNT_FIELDS, "Account", `SystemModstamp >= ${soqlDateTime(since)}`);
export const modifiedContactsQuery = (since: Date) => select(CONTACT_FIELDS, "Contact", `SystemModstamp >= ${soqlDateTime(since)}`);
export const deletedByStampQuery = (object: string, since: Date, until: Date) =>
  `SELECT Id FROM ${object} WHERE IsDeleted = true AND SystemModstamp >= ${soqlDateTime(since)} AND SystemModstamp < ${soqlDateTime(until)}`;
export const organizationQuery = () => "SELECT Id, Name, DefaultCurrencyIsoCode FROM Organization";
export const ownersQuery = () => "SELECT Id, Name, Email FROM User WHERE UserType = 'Standard'";
