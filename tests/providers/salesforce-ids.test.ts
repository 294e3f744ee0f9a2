// Salesforce 15 -> 18 character ids (issue 14). Pairs: 001D000000IqhSL / 001D000000IqhSLIAZ is the
// Account id used throughout Salesforce's REST API Developer Guide examples; the rest are widely published
// pairs checked by hand against the documented algorithm (three 5-char chunks, upper-case bits, A-Z0-5).
import { describe, expect, it } from "vitest";
import { isSalesforceId, sameSalesforceId, toSalesforceId18 } from "@/lib/providers/salesforce/ids";

describe("toSalesforceId18", () => {
  it.each([
    ["001D000000IqhSL", "001D000000IqhSLIAZ"],
    ["a0RE000000IJmcN", "a0RE000000IJmcNMAT"],
    ["a01M00000062mPg", "a01M00000062mPgIAI"],
    ["001M000000qfPyS", "001M000000qfPySIAU"],
    ["0F9E000000092w2", "0F9E000000092w2KAA"],
    ["70130000001tcyI", "70130000001tcyIAAQ"],
    ["00558000001N0Ke", "00558000001N0KeAAK"],
    ["aaaaaaaaaaaaaaa", "aaaaaaaaaaaaaaaAAA"],
    ["AbCdEfGhIjKlMnO", "AbCdEfGhIjKlMnOVKV"],
    ["aBcDEfgHIJKLMNO", "aBcDEfgHIJKLMNO025"],
    ["ZZZZZZZZZZZZZZZ", "ZZZZZZZZZZZZZZZ555"],
  ])("%s -> %s", (id15, id18) => {
    expect(toSalesforceId18(id15)).toBe(id18);
    expect(toSalesforceId18(id18)).toBe(id18);
  });

  it("ids that differ only in case get different 18-character forms", () => {
    const a = toSalesforceId18("001D000000IqhSL");
    const b = toSalesforceId18("001D000000IqhSl");
    expect(a.toLowerCase()).not.toBe(b.toLowerCase());
  });

  it.each([
    ["empty", ""],
    ["14 characters", "001D000000IqhS"],
    ["16 characters", "001D000000IqhSLI"],
    ["17 characters", "001D000000IqhSLIA"],
    ["19 characters", "001D000000IqhSLIAZZ"],
    ["punctuation", "001D000000Iqh-L"],
    ["whitespace", " 001D000000IqhSL"],
    ["non-ASCII", "001D000000IqhSÉ"],
  ])("throws on %s", (_label, id) => {
    expect(() => toSalesforceId18(id)).toThrow(/Not a Salesforce id/);
  });

  it("throws on non-strings", () => {
    expect(() => toSalesforceId18(null as unknown as string)).toThrow();
    expect(() => toSalesforceId18(12345 as unknown as string)).toThrow();
  });
});

describe("sameSalesforceId", () => {
  it("matches the 15 and 18 character forms of one record, either way round", () => {
    expect(sameSalesforceId("001D000000IqhSL", "001D000000IqhSLIAZ")).toBe(true);
    expect(sameSalesforceId("001D000000IqhSLIAZ", "001D000000IqhSL")).toBe(true);
    expect(sameSalesforceId("001D000000IqhSLIAZ", "001D000000IqhSLIAZ")).toBe(true);
  });

  it("keeps 15-character ids case-sensitive", () => {
    expect(sameSalesforceId("001D000000IqhSL", "001d000000iqhsl")).toBe(false);
  });

  it("treats 18-character ids case-insensitively, as Salesforce does", () => {
    expect(sameSalesforceId("001d000000iqhsliaz", "001D000000IqhSL")).toBe(true);
    expect(sameSalesforceId("001D000000IQHSLIAZ", "001D000000IqhSLIAZ")).toBe(true);
    expect(sameSalesforceId("001d000000iqhsliaz", "001D000000IqhSl")).toBe(false);
  });

  it("does not match an 18-character id whose suffix belongs to another casing", () => {
    // Same letters, different case in the 15-char part: different records.
    expect(sameSalesforceId("001D000000IqhSl", "001D000000IqhSLIAZ")).toBe(false);
  });

  it("never matches invalid input", () => {
    expect(sameSalesforceId("", "")).toBe(false);
    expect(sameSalesforceId(null, null)).toBe(false);
    expect(sameSalesforceId("001D000000IqhSLXXX", "001D000000IqhSL")).toBe(false);
    expect(isSalesforceId("001D000000IqhSLIAZ")).toBe(true);
    expect(isSalesforceId("001D000000IqhSLiaz")).toBe(true);
    expect(isSalesforceId("001D000000IqhSLIAA")).toBe(true); // a different casing: 001d000000iqhsl
    expect(sameSalesforceId("001D000000IqhSLIAA", "001D000000IqhSL")).toBe(false);
    expect(isSalesforceId("0010000000000005AA")).toBe(false); // bit set on a digit
  });
});
