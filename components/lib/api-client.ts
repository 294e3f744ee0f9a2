// Browser-side JSON calls to our route handlers, and the one error type the UI shows for them. Client-safe:
// nothing here imports server code. Route handlers answer failures as { error: { code, message, fields? } }
// (lib/http.ts errorResponse), and that message is what the user sees. When an answer carries no message
// (no network, a proxy's HTML page) each screen area words the fallback itself, so those texts live next to
// the screens that show them (components/calls/api.ts, components/integrations/api.ts).

/** A request that failed. status 0: no answer at all (network). `fields`: per-input messages of a 400. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code?: string,
    readonly fields: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** What to say when the server's answer has no message of its own. */
export type FallbackMessages = {
  /** The request never got an answer. */
  network: string;
  /** By HTTP status, checked before `other`. */
  status: Partial<Record<number, string>>;
  other: (status: number) => string;
};

export type ApiRequest = { method?: "GET" | "POST" | "PUT" | "PATCH" | "DELETE"; body?: unknown };

type ErrorShape = { error?: { code?: unknown; message?: unknown; fields?: unknown } };

function serverError(data: unknown): { code?: string; message?: string; fields: Record<string, string> } {
  const e = data && typeof data === "object" ? (data as ErrorShape).error : undefined;
  if (!e || typeof e !== "object") return { fields: {} };
  return {
    code: typeof e.code === "string" ? e.code : undefined,
    message: typeof e.message === "string" ? e.message : undefined,
    fields: e.fields && typeof e.fields === "object" ? (e.fields as Record<string, string>) : {},
  };
}

/**
 * A JSON request function with the given fallback wording. Never cached by the browser (these answers are
 * live state); a body is sent as JSON, and every change says it is JSON even without a body (Sync now,
 * Disconnect): route handlers refuse changes of any other type (lib/http.ts assertJsonContentType).
 * Resolves with the parsed answer (null when a 2xx is not JSON) and rejects with an ApiError.
 */
export function apiClient(fallback: FallbackMessages) {
  return async function request<T>(url: string, { method = "GET", body }: ApiRequest = {}): Promise<T> {
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        cache: "no-store",
        ...(method === "GET" ? {} : { headers: { "Content-Type": "application/json" } }),
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch {
      throw new ApiError(fallback.network, 0);
    }
    const data: unknown = await res.json().catch(() => null);
    if (!res.ok) {
      const e = serverError(data);
      throw new ApiError(e.message ?? fallback.status[res.status] ?? fallback.other(res.status), res.status, e.code, e.fields);
    }
    return data as T;
  };
}
