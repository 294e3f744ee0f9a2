// The per-response security headers (lib/security-headers.ts) and the proxy that sets them (proxy.ts).
import { describe, expect, it } from "vitest";
import { NextRequest } from "next/server";
import { contentSecurityPolicy, HSTS, newNonce, securityHeaders } from "@/lib/security-headers";
import { proxy } from "@/proxy";

const scriptSrc = (csp: string) => csp.split("; ").find((d) => d.startsWith("script-src "))!;

describe("securityHeaders", () => {
  it("script-src allows only this response's nonce ('strict-dynamic'), never 'unsafe-inline'; eval only in development", () => {
    const prod = securityHeaders({ nonce: "abc123", appUrl: "https://callsync.example.com", production: true })["Content-Security-Policy"]!;
    expect(scriptSrc(prod)).toBe("script-src 'self' 'nonce-abc123' 'strict-dynamic'");
    expect(prod).toContain("object-src 'none'");
    expect(prod).toContain("frame-ancestors 'none'");
    expect(prod).toContain("base-uri 'self'");
    const dev = contentSecurityPolicy({ nonce: "abc123", dev: true });
    expect(scriptSrc(dev)).toBe("script-src 'self' 'nonce-abc123' 'strict-dynamic' 'unsafe-eval'");
    expect(dev).not.toContain("upgrade-insecure-requests");
  });

  it("HSTS exactly when a production APP_URL is https", () => {
    expect(securityHeaders({ nonce: "n", appUrl: "https://callsync.example.com", production: true })["Strict-Transport-Security"]).toBe(
      "max-age=63072000; includeSubDomains",
    );
    expect(HSTS).toBe("max-age=63072000; includeSubDomains");
    expect(securityHeaders({ nonce: "n", appUrl: "https://callsync.example.com", production: true })["Content-Security-Policy"]).toContain(
      "upgrade-insecure-requests",
    );
    expect(securityHeaders({ nonce: "n", appUrl: "http://localhost:3000", production: true })["Strict-Transport-Security"]).toBeUndefined();
    expect(securityHeaders({ nonce: "n", appUrl: "https://localhost:3000", production: false })["Strict-Transport-Security"]).toBeUndefined();
  });

  it("nonces are 128 random bits, new every time", () => {
    const nonces = new Set(Array.from({ length: 200 }, () => newNonce()));
    expect(nonces.size).toBe(200);
    for (const n of nonces) expect(Buffer.from(n, "base64")).toHaveLength(16);
  });
});

describe("proxy", () => {
  it("sets the CSP on the response and hands the render the same nonce, replacing what the client sent", async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 3; i++) {
      const req = new NextRequest("http://localhost:3000/api/health", {
        headers: { "x-nonce": "attacker", "Content-Security-Policy": "script-src 'nonce-attacker'" },
      });
      const res = await proxy(req);
      const csp = res.headers.get("content-security-policy")!;
      const nonce = /'nonce-([^']+)'/.exec(csp)![1]!;
      expect(nonce).not.toBe("attacker");
      // NextResponse.next({ request: { headers } }) carries the overridden request headers like this.
      expect(res.headers.get("x-middleware-request-x-nonce")).toBe(nonce);
      expect(res.headers.get("x-middleware-request-content-security-policy")).toBe(csp);
      // APP_URL is http here: no HSTS.
      expect(res.headers.get("strict-transport-security")).toBeNull();
      seen.add(nonce);
    }
    expect(seen.size).toBe(3);
  });

  it("the sign-in redirect and the malformed-URL answer carry the CSP too", async () => {
    const redirect = await proxy(new NextRequest("http://localhost:3000/deals"));
    expect(redirect.status).toBe(307);
    expect(redirect.headers.get("content-security-policy")).toMatch(/script-src 'self' 'nonce-[^']+' 'strict-dynamic'/);
    const bad = await proxy(new NextRequest("http://localhost:3000/deals/%E0%A4%A"));
    expect(bad.status).toBe(400);
    expect(bad.headers.get("content-security-policy")).toMatch(/'nonce-/);
  });
});
