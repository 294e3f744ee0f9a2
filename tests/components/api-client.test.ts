// The browser-side JSON helper every client component uses: the server's error shape becomes one ApiError,
// and answers without a message (no network, non-JSON pages) get the caller's wording.
import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError, apiClient } from "@/components/lib/api-client";

const request = apiClient({ network: "No network.", status: { 403: "Admins only." }, other: (s) => `Failed (${s}).` });

function answer(status: number, body: string, contentType = "application/json") {
  const fetchMock = vi.fn(async () => new Response(body, { status, headers: { "Content-Type": contentType } }));
  vi.stubGlobal("fetch", fetchMock);
  return fetchMock;
}

async function failure(p: Promise<unknown>): Promise<ApiError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ApiError);
  return e as ApiError;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("apiClient", () => {
  it("sends JSON bodies, never from the browser cache, and resolves with the parsed answer", async () => {
    const fetchMock = answer(200, JSON.stringify({ ok: true }));
    await expect(request("/api/x", { method: "POST", body: { a: 1 } })).resolves.toEqual({ ok: true });
    expect(fetchMock).toHaveBeenCalledWith("/api/x", { method: "POST", cache: "no-store", headers: { "Content-Type": "application/json" }, body: '{"a":1}' });
    await request("/api/y");
    expect(fetchMock).toHaveBeenLastCalledWith("/api/y", { method: "GET", cache: "no-store" });
  });

  it("says JSON on every change, even without a body (Sync now, Disconnect): route handlers refuse other types", async () => {
    const fetchMock = answer(200, JSON.stringify({ ok: true }));
    for (const method of ["POST", "PUT", "PATCH", "DELETE"] as const) {
      await request("/api/z", { method });
      expect(fetchMock).toHaveBeenLastCalledWith("/api/z", { method, cache: "no-store", headers: { "Content-Type": "application/json" } });
    }
  });

  it("turns the server's { error: { code, message, fields } } into one ApiError", async () => {
    answer(400, JSON.stringify({ error: { code: "VALIDATION", message: "Check the fields.", fields: { apiKey: "Required." } } }));
    const e = await failure(request("/api/x", { method: "POST", body: {} }));
    expect({ message: e.message, status: e.status, code: e.code, fields: e.fields }).toEqual({
      message: "Check the fields.",
      status: 400,
      code: "VALIDATION",
      fields: { apiKey: "Required." },
    });
  });

  it("words answers without a message by status, then by the caller's catch-all", async () => {
    answer(403, "<html>Forbidden</html>", "text/html");
    const forbidden = await failure(request("/api/x"));
    expect({ message: forbidden.message, status: forbidden.status, code: forbidden.code, fields: forbidden.fields }).toEqual({
      message: "Admins only.",
      status: 403,
      code: undefined,
      fields: {},
    });
    answer(502, JSON.stringify({ error: { code: "UPSTREAM" } }));
    const upstream = await failure(request("/api/x"));
    expect([upstream.message, upstream.code]).toEqual(["Failed (502).", "UPSTREAM"]);
  });

  it("says the request never got an answer when the network fails (status 0)", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(async () => Promise.reject(new TypeError("Failed to fetch"))),
    );
    const e = await failure(request("/api/x"));
    expect([e.message, e.status]).toEqual(["No network.", 0]);
  });

  it("resolves with null when a successful answer is not JSON", async () => {
    answer(200, "", "text/plain");
    await expect(request("/api/x")).resolves.toBeNull();
  });
});
