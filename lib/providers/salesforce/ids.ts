// Salesforce record ids (issue 14): the API returns 18-character case-safe ids; the UI, reports and
// formulas (and so what recorders copy into their CRM fields) often carry the 15-character case-sensitive
// form. We compare and store ids only in the 18-character form.
//
// The suffix, as Salesforce documents it for CASESAFEID() and the API's 18-character ids: split the 15
// characters into three chunks of 5; in each chunk a character is a 1 bit if it is an upper-case letter
// A-Z (bit 0 = the chunk's first character), else 0; the 5-bit value (0..31) indexes
// "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345". Appending the three characters makes the id unique ignoring case.
// https://help.salesforce.com/s/articleView?id=sf.customize_functions_casesafeid.htm
// https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/field_types.htm (ID field type)
// Pure: shared by the client, the simulator, linking and tests.

const SUFFIX_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";
const ID15 = /^[a-zA-Z0-9]{15}$/;
const ID18 = /^[a-zA-Z0-9]{18}$/;

function suffixOf(id15: string): string {
  let suffix = "";
  for (let chunk = 0; chunk < 3; chunk++) {
    let value = 0;
    for (let i = 0; i < 5; i++) {
      const c = id15.charCodeAt(chunk * 5 + i);
      if (c >= 65 && c <= 90) value |= 1 << i;
    }
    suffix += SUFFIX_ALPHABET[value];
  }
  return suffix;
}

export class InvalidSalesforceIdError extends Error {
  constructor(id: unknown) {
    super(`Not a Salesforce id (15 or 18 letters and digits): ${JSON.stringify(String(id)).slice(0, 40)}`);
    this.name = "InvalidSalesforceIdError";
  }
}

/** 15 -> 18-character case-safe id; an 18-character id is returned as given (its suffix is not "fixed");
 *  anything else throws InvalidSalesforceIdError. */
export function toSalesforceId18(id: string): string {
  if (typeof id === "string" && ID18.test(id)) return id;
  if (typeof id === "string" && ID15.test(id)) return id + suffixOf(id);
  throw new InvalidSalesforceIdError(id);
}

/** True for a well-formed 15-character id, or an 18-character one whose suffix is consistent with its
 *  letters (the 18-character form may have been upper- or lower-cased by a case-insensitive system). */
export function isSalesforceId(id: unknown): id is string {
  return typeof id === "string" && canonical15(id) !== null;
}

/** The case-sensitive 15-character id a string names, or null. For an 18-character id the case of each
 *  letter is restored from the suffix bits, so "001d000000iqhsliaz" names 001D000000IqhSL. */
function canonical15(id: string): string | null {
  if (ID15.test(id)) return id;
  if (!ID18.test(id)) return null;
  let out = "";
  for (let chunk = 0; chunk < 3; chunk++) {
    const value = SUFFIX_ALPHABET.indexOf(id[15 + chunk].toUpperCase());
    if (value < 0) return null;
    for (let i = 0; i < 5; i++) {
      const ch = id[chunk * 5 + i];
      const upper = (value >> i) & 1;
      const isLetter = /[a-zA-Z]/.test(ch);
      if (upper && !isLetter) return null; // a digit cannot be upper case
      out += upper ? ch.toUpperCase() : ch.toLowerCase();
    }
  }
  return out;
}

/** The same record? 15- and 18-character forms match; 15-character ids are case-sensitive, 18-character
 *  ids are not (that is what the suffix is for). Invalid input is never equal to anything. */
export function sameSalesforceId(a: string | null | undefined, b: string | null | undefined): boolean {
  if (typeof a !== "string" || typeof b !== "string") return false;
  const ca = canonical15(a);
  return ca !== null && ca === canonical15(b);
}
