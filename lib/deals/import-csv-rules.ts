// CSV deal import, the pure part: which header means which field, what a valid row is, and what a file that
// is not a CSV looks like. No database and no I/O here (lib/deals/import-csv.ts runs it over the stored
// upload), so every rule is tested on its own (tests/deals/import-csv.test.ts).
import { isOneLine } from "@/lib/validation";

export const IMPORT_FIELDS = [
  "externalId",
  "name",
  "stage",
  "amount",
  "currency",
  "closeDate",
  "ownerEmail",
  "accountName",
  "crmDealId",
  "crmAccountId",
  "contactEmails",
] as const;
export type ImportField = (typeof IMPORT_FIELDS)[number];

export const FIELD_LABELS: Record<ImportField, string> = {
  externalId: "External ID",
  name: "Name",
  stage: "Stage",
  amount: "Amount",
  currency: "Currency",
  closeDate: "Close date",
  ownerEmail: "Owner email",
  accountName: "Account name",
  crmDealId: "CRM deal ID",
  crmAccountId: "CRM account ID",
  contactEmails: "Contact emails",
};

export const REQUIRED_FIELDS: readonly ImportField[] = ["externalId", "name", "stage"];

/** Limits stated on the page and enforced on the server. */
export const IMPORT_LIMITS = {
  maxFileBytes: 25 * 1024 * 1024,
  maxRows: 100_000,
  /** Bytes of the file per upload request (sent base64 in JSON: ~700 KB a request). */
  uploadChunkBytes: 512 * 1024,
  maxContactsPerRow: 50,
} as const;

/** Header spellings, compared after normaliseHeader (lower case, letters and digits only, "(…)" dropped). */
const ALIASES: Record<ImportField, string[]> = {
  externalId: ["externalid", "extid", "externalkey", "importid", "importkey", "recordid", "uniqueid", "dealexternalid", "key", "id"],
  name: ["name", "dealname", "deal", "opportunityname", "opportunity", "title", "dealtitle"],
  stage: ["stage", "dealstage", "stagename", "pipelinestage", "status", "dealstatus"],
  amount: ["amount", "dealamount", "value", "dealvalue", "total", "price", "revenue"],
  currency: ["currency", "currencycode", "curr", "isocurrency", "currencyisocode"],
  closeDate: ["closedate", "closingdate", "expectedclosedate", "expectedclose", "close", "closedon", "closedate(yyyy-mm-dd)"],
  ownerEmail: ["owneremail", "owner", "dealowner", "dealowneremail", "owneremailaddress", "repemail", "salesrep", "salesrepemail", "assignedto"],
  accountName: ["accountname", "account", "company", "companyname", "organization", "organisation", "customer", "client"],
  crmDealId: [
    "crmdealid",
    "crmid",
    "crmopportunityid",
    "salesforceopportunityid",
    "salesforceid",
    "sfdcopportunityid",
    "sfdcid",
    "opportunityid",
    "hubspotdealid",
    "dealcrmid",
  ],
  crmAccountId: ["crmaccountid", "crmcompanyid", "salesforceaccountid", "sfdcaccountid", "accountid", "hubspotcompanyid", "companyid", "accountcrmid"],
  contactEmails: ["contactemails", "contactemail", "contacts", "contact", "emails", "email", "attendees", "attendeeemails", "participantemails"],
};

export function normaliseHeader(header: string): string {
  return header
    .normalize("NFKC")
    .replace(/\(.*?\)/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "");
}

const ALIAS_INDEX = new Map<string, ImportField>();
for (const field of IMPORT_FIELDS) for (const alias of ALIASES[field]) ALIAS_INDEX.set(normaliseHeader(alias), field);

export type ColumnMapping = { index: number; header: string; field: ImportField | null; note: string | null };

export type MappingResult = { columns: ColumnMapping[]; fieldIndex: Partial<Record<ImportField, number>>; missing: ImportField[] };

/** Maps each header to a field (first column wins when two mean the same field); lists missing required fields. */
export function mapHeaders(headers: string[]): MappingResult {
  const fieldIndex: Partial<Record<ImportField, number>> = {};
  const columns = headers.map((raw, index): ColumnMapping => {
    const header = raw.trim();
    const field = ALIAS_INDEX.get(normaliseHeader(header)) ?? null;
    if (!header) return { index, header, field: null, note: "No header: this column is ignored." };
    if (!field) return { index, header, field: null, note: "Not a field Callsync knows: this column is ignored." };
    if (fieldIndex[field] !== undefined) {
      return { index, header, field: null, note: `"${headers[fieldIndex[field]]!.trim()}" is already read as ${FIELD_LABELS[field]}: this column is ignored.` };
    }
    fieldIndex[field] = index;
    return { index, header, field, note: null };
  });
  const missing = REQUIRED_FIELDS.filter((f) => fieldIndex[f] === undefined);
  return { columns, fieldIndex, missing };
}

export function acceptedHeaders(field: ImportField): string {
  return [FIELD_LABELS[field], ...ALIASES[field].slice(1, 4)].map((h) => `"${h}"`).join(", ");
}

/** What the commit writes for one row (stored as the staged row's JSON). */
export type ImportValues = {
  externalId: string;
  name: string;
  stage: string;
  isClosed: boolean;
  /** "Won" / "Closed Won" (not "lost"): for Deal.isWon once the CRM schema has it. */
  isWon: boolean;
  amount: string | null;
  currency: string;
  closeDate: string | null;
  ownerEmail: string | null;
  accountName: string | null;
  crmDealId: string | null;
  crmAccountId: string | null;
  contacts: Array<{ email: string; name: string }>;
};

export type RowIssue = { column: string; level: "error" | "warning"; message: string; fix: string };

export type CheckedRow = { values: ImportValues; issues: RowIssue[] };

const CURRENCIES = new Set(Intl.supportedValuesOf("currency"));
const EMAIL = /^[^\s@<>(),;:"[\]]+@[^\s@<>(),;:"[\]]+\.[^\s@<>(),;:"[\]]+$/;
const CRM_ID = /^[A-Za-z0-9_.:-]{1,100}$/;

const oneLine = isOneLine;

/** Closed stages by name, as the demo and both CRMs name them: "Closed Won", "Closed Lost", "Won", "Lost". */
export const isClosedStage = (stage: string) => /\b(closed|won|lost)\b/i.test(stage);

/** "1,234.50", "$1234.5", "1234" -> "1234.50"; null when it is not a plain non-negative amount. */
export function parseAmount(raw: string): string | null {
  const v = raw.replace(/\s/g, "").replace(/^[$€£¥]|[$€£¥]$/g, "");
  if (!/^(\d{1,3}(,\d{3})+|\d+)(\.\d{1,2})?$/.test(v)) return null;
  const [whole, cents = ""] = v.replace(/,/g, "").split(".");
  const w = whole!.replace(/^0+(?=\d)/, "");
  if (w.length > 12) return null; // Decimal(14, 2)
  return `${w}.${cents.padEnd(2, "0")}`;
}

/** YYYY-MM-DD (or YYYY/MM/DD, or an ISO date-time: its date) that exists in the calendar. */
export function parseDate(raw: string): string | null {
  const m = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/.exec(raw);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d || y < 1900 || y > 2200) return null;
  return `${m[1]}-${String(mo).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}

/** "a@x.com; Jane <b@y.com>, c@z.com" -> contacts; the entries that are not emails come back as `bad`. */
export function parseContacts(raw: string): { contacts: Array<{ email: string; name: string }>; bad: string[] } {
  const contacts = new Map<string, { email: string; name: string }>();
  const bad: string[] = [];
  for (const part of raw.split(/[;,\n|]+/)) {
    const entry = part.trim();
    if (!entry) continue;
    const angled = /^(.*)<([^<>]+)>$/.exec(entry);
    const email = (angled ? angled[2]! : entry).trim().toLowerCase();
    const name = angled ? angled[1]!.trim().replace(/^"|"$/g, "").trim() : "";
    if (!EMAIL.test(email) || email.length > 254) bad.push(entry);
    else if (!contacts.has(email)) contacts.set(email, { email, name: name || email });
  }
  return { contacts: [...contacts.values()], bad };
}

/**
 * One data row against the mapping. Errors keep the row out of the import; warnings do not (an owner email
 * that is no member: the deal is imported without an owner). `isMember` answers for lower-case emails.
 */
export function checkRow(
  cells: string[],
  fieldIndex: Partial<Record<ImportField, number>>,
  isMember: (email: string) => boolean,
  headerCount: number,
): CheckedRow {
  const issues: RowIssue[] = [];
  const cell = (f: ImportField) => (fieldIndex[f] === undefined ? "" : (cells[fieldIndex[f]] ?? "").trim());
  const err = (f: ImportField | string, message: string, fix: string) =>
    issues.push({ column: f in FIELD_LABELS ? FIELD_LABELS[f as ImportField] : f, level: "error", message, fix });
  const text = (f: ImportField, max: number, required: boolean): string | null => {
    const v = cell(f);
    if (!v) {
      if (required) err(f, `${FIELD_LABELS[f]} is empty.`, `Fill in ${FIELD_LABELS[f]}: every deal needs one.`);
      return null;
    }
    if (v.length > max) {
      err(f, `${FIELD_LABELS[f]} is ${v.length} characters long (at most ${max}).`, "Shorten it.");
      return null;
    }
    if (!oneLine(v)) {
      err(f, `${FIELD_LABELS[f]} contains a line break or control character.`, "Keep it on one line.");
      return null;
    }
    return v;
  };

  const extra = cells.slice(headerCount).filter((c) => c.trim() !== "");
  if (extra.length) {
    err(
      "Row",
      `The row has ${cells.length} cells but the header has ${headerCount}.`,
      "A value with a comma in it must be in double quotes; or remove the extra cells at the end of the row.",
    );
  }

  const externalId = text("externalId", 200, true);
  const name = text("name", 300, true);
  const stage = text("stage", 100, true);
  const accountName = text("accountName", 300, false);

  let amount: string | null = null;
  const rawAmount = cell("amount");
  if (rawAmount) {
    amount = parseAmount(rawAmount);
    if (amount === null)
      err("amount", `"${clip(rawAmount)}" is not an amount.`, "Write a number without words, e.g. 12500 or 12,500.00 (at most two decimals, no minus sign).");
  }

  let currency = "USD";
  const rawCurrency = cell("currency");
  if (rawCurrency) {
    const code = rawCurrency.toUpperCase();
    if (CURRENCIES.has(code)) currency = code;
    else err("currency", `"${clip(rawCurrency)}" is not a currency code.`, "Use a three-letter ISO code such as USD, EUR or GBP (or leave it empty for USD).");
  }

  let closeDate: string | null = null;
  const rawDate = cell("closeDate");
  if (rawDate) {
    closeDate = parseDate(rawDate);
    if (closeDate === null) {
      err(
        "closeDate",
        `"${clip(rawDate)}" is not a date Callsync can read.`,
        "Write dates as YYYY-MM-DD, e.g. 2026-03-31 (03/04/2026 could be March 4 or April 3).",
      );
    }
  }

  let ownerEmail: string | null = null;
  const rawOwner = cell("ownerEmail");
  if (rawOwner) {
    const email = rawOwner.toLowerCase();
    if (!EMAIL.test(email))
      err("ownerEmail", `"${clip(rawOwner)}" is not an email address.`, "Write the owner's email, e.g. rep@yourcompany.com, or leave it empty.");
    else if (!isMember(email)) {
      issues.push({
        column: FIELD_LABELS.ownerEmail,
        level: "warning",
        message: `No active member of this workspace has the email ${email}: the deal is imported without an owner.`,
        fix: "Invite them from Members (or correct the email), then import the file again to set the owner.",
      });
    } else ownerEmail = email;
  }

  const crmId = (f: "crmDealId" | "crmAccountId") => {
    const v = cell(f);
    if (!v) return null;
    if (!CRM_ID.test(v)) {
      err(f, `"${clip(v)}" is not a CRM id.`, "Use the record id from Salesforce (15 or 18 characters) or HubSpot (digits), or leave it empty.");
      return null;
    }
    return v;
  };
  const crmDealId = crmId("crmDealId");
  const crmAccountId = crmId("crmAccountId");

  const { contacts, bad } = parseContacts(cell("contactEmails"));
  if (bad.length) {
    err(
      "contactEmails",
      `${bad.length === 1 ? "This is" : "These are"} not ${bad.length === 1 ? "an email address" : "email addresses"}: ${bad.slice(0, 3).map(clip).join(", ")}${bad.length > 3 ? ", …" : ""}.`,
      'Separate emails with ";" or ",", e.g. ana@customer.com; ben@customer.com.',
    );
  } else if (contacts.length > IMPORT_LIMITS.maxContactsPerRow) {
    err(
      "contactEmails",
      `${contacts.length} contact emails (at most ${IMPORT_LIMITS.maxContactsPerRow}).`,
      "Keep the people who take part in the deal's calls.",
    );
  }

  return {
    values: {
      externalId: externalId ?? "",
      name: name ?? "",
      stage: stage ?? "",
      isClosed: stage ? isClosedStage(stage) : false,
      isWon: stage ? /\bwon\b/i.test(stage) && !/\blost\b/i.test(stage) : false,
      amount,
      currency,
      closeDate,
      ownerEmail,
      accountName,
      crmDealId,
      crmAccountId,
      contacts,
    },
    issues,
  };
}

const clip = (v: string) => (v.length > 60 ? `${v.slice(0, 57)}…` : v);

/**
 * What the first bytes say about a file that is not a UTF-8 text CSV: a readable reason, or null.
 * (Invalid UTF-8 further in is found by decoding the whole file, lib/deals/import-csv.ts.)
 */
export function sniffFile(head: Uint8Array): string | null {
  const starts = (...bytes: number[]) => bytes.every((b, i) => head[i] === b);
  if (head.length === 0) return "The file is empty.";
  if (starts(0x50, 0x4b, 0x03, 0x04))
    return "This is an Excel workbook or another zip file, not a CSV. In Excel choose File → Save As → “CSV UTF-8 (Comma delimited)” and upload that file.";
  if (starts(0xd0, 0xcf, 0x11, 0xe0))
    return "This is an old Excel (.xls) file, not a CSV. In Excel choose File → Save As → “CSV UTF-8 (Comma delimited)” and upload that file.";
  if (starts(0x25, 0x50, 0x44, 0x46)) return "This is a PDF, not a CSV. Export the deals from your spreadsheet or CRM as a CSV file.";
  if (starts(0xff, 0xfe) || starts(0xfe, 0xff)) return "The file is saved as UTF-16 text. Save it as “CSV UTF-8” and upload it again.";
  if (head.includes(0)) return "This is a binary file, not a CSV text file. Export the deals as CSV (UTF-8) and upload that file.";
  return null;
}

export const NOT_UTF8 =
  "The file is not UTF-8 text (it may be saved as Windows-1252 or Latin-1, or be binary). Save it as “CSV UTF-8” (Excel: File → Save As → CSV UTF-8; Google Sheets: File → Download → CSV) and upload it again.";

/** The delimiter of the header line: the most frequent of , ; and tab outside quotes (comma on a tie). */
export function detectDelimiter(firstLine: string): "," | ";" | "\t" {
  let quoted = false;
  const counts = { ",": 0, ";": 0, "\t": 0 };
  for (const ch of firstLine) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch in counts) counts[ch as keyof typeof counts]++;
  }
  if (counts[";"] > counts[","] && counts[";"] >= counts["\t"]) return ";";
  if (counts["\t"] > counts[","] && counts["\t"] > counts[";"]) return "\t";
  return ",";
}

/** csv-parse's error codes, worded for the person who made the file. `row`: the spreadsheet row it is about. */
export function describeParseError(code: string | undefined, row: number): string {
  switch (code) {
    case "CSV_QUOTE_NOT_CLOSED":
      return `Row ${row}: a double quote opens a value that is never closed, so the rest of the file cannot be read. Close the quote (a quote inside a value is written twice: "") and upload again.`;
    case "CSV_INVALID_CLOSING_QUOTE":
      return `Row ${row}: a double quote in the middle of a value. Put the whole value in quotes and write the quote inside it twice (e.g. "6"" screen"), then upload again.`;
    case "CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE":
      return `Row ${row}: text follows a closing double quote. Put the whole value in quotes, then upload again.`;
    default:
      return `Row ${row}: the file cannot be read as CSV there${code ? ` (${code})` : ""}. Check that row's quotes and separators, then upload again.`;
  }
}
