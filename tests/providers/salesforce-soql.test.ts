// SOQL built safely: escaped string literals (the SOQL reference's escape sequences), ids validated and
// sent in 18-character form, unquoted date/dateTime literals, IN lists chunked under the URI limit.
import { describe, expect, it } from "vitest";
import { toSalesforceId18 } from "@/lib/providers/salesforce/ids";
import {
  MAX_IDS_PER_QUERY,
  dealsByIdQuery,
  firstImportDealsQuery,
  idChunks,
  modifiedDealsQuery,
  soqlDate,
  soqlDateTime,
  soqlId,
  soqlString,
} from "@/lib/providers/salesforce/soql";
import { parseSoql } from "@/dev/simulators/providers/salesforce";

describe("literals", () => {
  it.each([
    ["plain", "'plain'"],
    ["O'Brien", "'O\\'Brien'"],
    ["back\\slash", "'back\\\\slash'"],
    ["' OR Name != '", "'\\' OR Name != \\''"],
    ['quote"d', "'quote\\\"d'"],
    ["line\nbreak\ttab", "'line\\nbreak\\ttab'"],
  ])("soqlString(%j) = %s", (input, out) => {
    expect(soqlString(input)).toBe(out);
  });

  it("an escaped string parses back to one literal (no injection)", () => {
    const q = `SELECT Id FROM Account WHERE Name = ${soqlString("x' OR Name != 'y")}`;
    const parsed = parseSoql(q);
    expect(parsed.where).toMatchObject({ op: "cmp", field: "Name", value: { kind: "str", v: "x' OR Name != 'y" } });
  });

  it("ids go out in 18-character form; non-ids throw", () => {
    expect(soqlId("001D000000IqhSL")).toBe("'001D000000IqhSLIAZ'");
    expect(() => soqlId("001D000000IqhSL' OR Id != '")).toThrow();
  });

  it("date and dateTime literals are unquoted UTC, dateTime rounded down to the second", () => {
    expect(soqlDateTime(new Date("2026-06-15T12:34:56.789Z"))).toBe("2026-06-15T12:34:56Z");
    expect(soqlDate(new Date("2026-06-15T23:59:59Z"))).toBe("2026-06-15");
    expect(firstImportDealsQuery(new Date("2024-06-15T00:00:00Z"))).toContain("WHERE IsClosed = false OR CloseDate >= 2024-06-15");
    expect(modifiedDealsQuery(new Date("2026-06-15T12:00:00.500Z"))).toContain("WHERE SystemModstamp >= 2026-06-15T12:00:00Z");
    expect(modifiedDealsQuery(new Date(0))).toContain("(SELECT ContactId, Contact.Name, Contact.Email");
  });
});

describe("idChunks", () => {
  it("dedupes 15/18 forms, drops invalid ids and chunks", () => {
    const id = "001D000000IqhSL";
    expect(idChunks([id, toSalesforceId18(id), toSalesforceId18(id).toLowerCase(), "nope"])).toEqual([[toSalesforceId18(id)]]);
    const many = Array.from({ length: 650 }, (_, i) => `001Dn00000${String(i).padStart(5, "0")}`);
    const chunks = idChunks(many);
    expect(chunks.map((c) => c.length)).toEqual([MAX_IDS_PER_QUERY, MAX_IDS_PER_QUERY, 50]);
  });

  it("a full chunk stays well under the REST API's 16,384-byte URI limit", () => {
    const ids = Array.from({ length: MAX_IDS_PER_QUERY }, (_, i) => toSalesforceId18(`006Dn00000${String(i).padStart(5, "0")}`));
    const q = dealsByIdQuery(ids, new Date());
    const uri = `/services/data/v62.0/query?q=${encodeURIComponent(q)}`;
    expect(Buffer.byteLength(uri)).toBeLessThan(16_384);
    expect(parseSoql(q).where).toBeTruthy();
  });
});
