// The guards every state-changing route handler runs first (lib/http.ts): where the request came from
// (403) and that it is JSON (415), before any session or body is read. APP_URL is http://localhost:3000 here.
import { describe, expect, it } from "vitest";
import { assertChangeAllowed, assertJsonContentType, assertSameOrigin, errorResponse } from "@/lib/http";

const APP = "http://localhost:3000";

function req(method: string, headers: Record<string, string>, url = `${APP}/api/x`) {
  return new Request(url, { method, headers });
}

async function refusal(fn: () => void): Promise<{ status: number; message: string } | null> {
  try {
    fn();
    return null;
  } catch (e) {
    const res = errorResponse(e);
    return { status: res.status, message: ((await res.json()) as { error: { message: string } }).error.message };
  }
}

describe("assertSameOrigin", () => {
  it("lets a change through only with APP_URL's exact origin, or Sec-Fetch-Site: same-origin without an Origin", async () => {
    expect(await refusal(() => assertSameOrigin(req("POST", { Origin: APP })))).toBeNull();
    expect(await refusal(() => assertSameOrigin(req("POST", { Origin: APP, "Sec-Fetch-Site": "same-origin" })))).toBeNull();
    expect(await refusal(() => assertSameOrigin(req("DELETE", { "Sec-Fetch-Site": "same-origin" })))).toBeNull();
  });

  const refused: Array<[string, Record<string, string>, string?]> = [
    ["neither Origin nor Sec-Fetch-Site", {}],
    ["Sec-Fetch-Site: same-site (another port or subdomain)", { "Sec-Fetch-Site": "same-site" }],
    ["same-site with that page's Origin", { "Sec-Fetch-Site": "same-site", Origin: "http://localhost:3001" }],
    ["another port of our host", { Origin: "http://localhost:3001" }],
    ["a subdomain of our host", { Origin: "http://evil.localhost:3000" }],
    ["https instead of http", { Origin: "https://localhost:3000" }],
    ["a trailing slash", { Origin: `${APP}/` }],
    ["upper case", { Origin: APP.toUpperCase() }],
    ["Origin: null", { Origin: "null" }],
    ["a foreign site", { Origin: "https://evil.example" }],
    ["Sec-Fetch-Site: cross-site with our Origin", { Origin: APP, "Sec-Fetch-Site": "cross-site" }],
    ["Sec-Fetch-Site: none", { "Sec-Fetch-Site": "none" }],
    // The request's own origin (its Host) is not ours unless it is APP_URL's.
    ["the request's own origin, not APP_URL", { Origin: "http://127.0.0.1:3000" }, "http://127.0.0.1:3000/api/x"],
  ];
  for (const [name, headers, url] of refused) {
    it(`refuses a change with ${name}: 403 with a message`, async () => {
      for (const method of ["POST", "PUT", "PATCH", "DELETE"]) {
        expect(await refusal(() => assertSameOrigin(req(method, headers, url)))).toEqual({
          status: 403,
          message: "This request came from another site and was refused. Use Callsync itself to make changes.",
        });
      }
    });
  }

  it("never refuses a read", async () => {
    for (const method of ["GET", "HEAD", "OPTIONS"]) expect(await refusal(() => assertSameOrigin(req(method, { Origin: "https://evil.example" })))).toBeNull();
  });
});

describe("assertJsonContentType", () => {
  it("takes application/json, with parameters and in any case", async () => {
    for (const type of ["application/json", "application/json; charset=utf-8", "Application/JSON", " application/json ;charset=UTF-8"]) {
      expect(await refusal(() => assertJsonContentType(req("POST", { "Content-Type": type }))), type).toBeNull();
    }
  });

  it("refuses every other type, and none at all, even without a body: 415 with a message", async () => {
    for (const type of [
      "text/plain",
      "application/x-www-form-urlencoded",
      "multipart/form-data; boundary=x",
      "application/json-seq",
      "application/jsonx",
      "text/json",
      "",
    ]) {
      const headers: Record<string, string> = type ? { "Content-Type": type } : {};
      expect(await refusal(() => assertJsonContentType(req("POST", headers))), type || "(none)").toEqual({
        status: 415,
        message: "Changes must be sent as JSON (Content-Type: application/json). Use Callsync itself to make changes.",
      });
    }
    expect(await refusal(() => assertJsonContentType(req("GET", {})))).toBeNull();
  });
});

describe("assertChangeAllowed", () => {
  it("checks the origin first: a cross-site text/plain post is a 403, not a 415", async () => {
    expect((await refusal(() => assertChangeAllowed(req("POST", { Origin: "https://evil.example", "Content-Type": "text/plain" }))))?.status).toBe(403);
    expect((await refusal(() => assertChangeAllowed(req("POST", { Origin: APP, "Content-Type": "text/plain" }))))?.status).toBe(415);
    expect(await refusal(() => assertChangeAllowed(req("POST", { Origin: APP, "Content-Type": "application/json" })))).toBeNull();
  });
});
