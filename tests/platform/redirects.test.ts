// Issue 15, item 5: redirect targets stay on our origin; backslashes, control characters and encoded variants
// are refused (the fallback is used instead).
import { describe, expect, it } from "vitest";
import { safeRedirectPath } from "@/lib/redirects";

const APP = "https://callsync.example.com";

describe("safeRedirectPath", () => {
  it("keeps paths on our origin, with their query and fragment", () => {
    expect(safeRedirectPath("/deals", APP)).toBe("/deals");
    expect(safeRedirectPath("/deals/abc?tab=calls#c1", APP)).toBe("/deals/abc?tab=calls#c1");
    expect(safeRedirectPath("/invite/AbC_-123", APP)).toBe("/invite/AbC_-123");
    expect(safeRedirectPath(`${APP}/settings/members`, APP)).toBe("/settings/members");
    expect(safeRedirectPath("/search?q=a%2Fb", APP)).toBe("/search?q=a%2Fb");
  });

  it("refuses other origins, protocol-relative and scheme tricks", () => {
    for (const target of [
      "https://evil.example/deals",
      "//evil.example/deals",
      "///evil.example",
      "http://callsync.example.com/deals", // same host, other scheme: another origin
      "https://callsync.example.com:8443/deals", // same host, other port
      "https://callsync.example.com.evil.example/",
      "https://user:pass@callsync.example.com/deals",
      "javascript:alert(1)",
      "data:text/html,hi",
      " /deals",
    ]) {
      expect(safeRedirectPath(target, APP), target).toBe("/deals");
    }
  });

  it("refuses backslashes, control characters and their encoded variants", () => {
    for (const target of [
      "/\\evil.example",
      "\\\\evil.example",
      "/%5Cevil.example",
      "/%5cevil.example",
      "/%255Cevil.example",
      "/%2F%2Fevil.example",
      "/%252F%252Fevil.example",
      "/deals\u0000",
      "/deals%00",
      "/\tevil.example",
      "/%09/evil.example",
      "/deals\r\nSet-Cookie: x=1",
      "/deals%0d%0aSet-Cookie:%20x=1",
      "/deals%E0%A4%A", // not decodable
    ]) {
      expect(safeRedirectPath(target, APP), JSON.stringify(target)).toBe("/deals");
    }
  });

  it("uses the fallback for anything that is not a non-empty string", () => {
    expect(safeRedirectPath(undefined, APP, "/signin")).toBe("/signin");
    expect(safeRedirectPath("", APP, "/signin")).toBe("/signin");
    expect(safeRedirectPath(["/deals"], APP)).toBe("/deals");
    expect(safeRedirectPath(`/${"a".repeat(3000)}`, APP)).toBe("/deals");
  });
});
