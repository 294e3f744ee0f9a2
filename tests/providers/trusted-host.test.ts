// The host check for API base URLs a provider hands us (issue 15, item 4): Gong's
// api_base_url_for_customer today, Salesforce's instance_url later. Only https on an allowed domain
// (or an exact origin the operator listed, such as the local simulators), with no userinfo, query or
// fragment; anything else is refused with a reason, never "fixed up".
import { describe, expect, it } from "vitest";
import { checkBaseUrl, parseHostList } from "@/lib/providers/trusted-host";

const GONG = ["*.gong.io"];

describe("checkBaseUrl", () => {
  it.each([
    ["https://us-49467.api.gong.io", "https://us-49467.api.gong.io"],
    ["https://company-17.api.gong.io/", "https://company-17.api.gong.io"],
    ["https://US-1.API.Gong.IO/v2/", "https://us-1.api.gong.io/v2"],
  ])("accepts %s as %s", (raw, normalized) => {
    expect(checkBaseUrl(raw, GONG)).toEqual({ ok: true, url: normalized });
  });

  it.each([
    ["http on the right domain", "http://us-1.api.gong.io"],
    ["another domain", "https://api.evil.example"],
    ["a lookalike with gong.io as a subdomain", "https://gong.io.evil.com"],
    ["a lookalike sharing the suffix", "https://evilgong.io"],
    ["the bare domain under a wildcard", "https://gong.io"],
    ["userinfo naming the right host", "https://api.gong.io@evil.com"],
    ["userinfo on the right host", "https://user:pass@us-1.api.gong.io"],
    ["a query", "https://us-1.api.gong.io?x=1"],
    ["an empty query", "https://us-1.api.gong.io/?"],
    ["a query that names the right domain", "https://evil.com?.gong.io"],
    ["a fragment", "https://us-1.api.gong.io/#frag"],
    ["a fragment that names the right domain", "https://evil.com#.gong.io"],
    ["a backslash", "https://evil.com\\.gong.io"],
    ["a control character", "https://us-1.api.gong.io/\n"],
    ["an explicit port", "https://us-1.api.gong.io:8443"],
    ["a trailing dot", "https://us-1.api.gong.io."],
    ["an IP address", "https://127.0.0.1"],
    ["not a URL", "us-1.api.gong.io"],
    ["another scheme", "ftp://us-1.api.gong.io"],
    ["a javascript: URL", "javascript:alert(1)//.gong.io"],
    ["an empty string", ""],
  ])("refuses %s (%s)", (_name, raw) => {
    const result = checkBaseUrl(raw, GONG);
    expect(result.ok).toBe(false);
    expect(result.ok ? "" : result.reason).toMatch(/\w{5,}/);
  });

  it("refuses what is not a string", () => {
    for (const v of [null, undefined, 42, { href: "https://us-1.api.gong.io" }]) expect(checkBaseUrl(v, GONG).ok).toBe(false);
  });

  it("an exact origin in the list allows that origin only, http included (the simulators)", () => {
    const list = ["*.gong.io", "http://127.0.0.1:4010"];
    expect(checkBaseUrl("http://127.0.0.1:4010/gong-api/acme/", list)).toEqual({ ok: true, url: "http://127.0.0.1:4010/gong-api/acme" });
    expect(checkBaseUrl("http://127.0.0.1:4011/gong-api/acme", list).ok).toBe(false);
    expect(checkBaseUrl("https://127.0.0.1:4010/gong-api/acme", list).ok).toBe(false);
    expect(checkBaseUrl("http://localhost:4010/gong-api/acme", list).ok).toBe(false);
    expect(checkBaseUrl("http://127.0.0.1:4010/gong-api/acme?x", list).ok).toBe(false);
    expect(checkBaseUrl("http://u@127.0.0.1:4010/gong-api/acme", list).ok).toBe(false);
  });

  it("an exact host name allows that host on https only", () => {
    expect(checkBaseUrl("https://api.gong.io", ["api.gong.io"]).ok).toBe(true);
    expect(checkBaseUrl("https://x.api.gong.io", ["api.gong.io"]).ok).toBe(false);
    expect(checkBaseUrl("http://api.gong.io", ["api.gong.io"]).ok).toBe(false);
  });

  it("an empty list allows nothing", () => {
    expect(checkBaseUrl("https://us-1.api.gong.io", []).ok).toBe(false);
  });
});

describe("parseHostList", () => {
  it("reads a comma-separated env value, trimming blanks", () => {
    expect(parseHostList(" *.gong.io, http://localhost:4010 ,,")).toEqual(["*.gong.io", "http://localhost:4010"]);
    expect(parseHostList(undefined)).toBeNull();
    expect(parseHostList("  ")).toBeNull();
  });

  it("refuses an entry that is neither a host, a *.domain nor an origin", () => {
    for (const bad of ["*", "*.io", "*.io.", "https://x.gong.io/path", "https://x.gong.io?q", "http://u@localhost:1", "*.gong.io/x", "evil.com\\x"]) {
      expect(() => parseHostList(bad), bad).toThrow(/host/i);
    }
  });
});
