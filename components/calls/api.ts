// Browser-side JSON calls to our route handlers; errors carry the server's human-readable message.
export class ApiError extends Error {
  constructor(message: string, readonly status: number, readonly code?: string) {
    super(message);
  }
}

export async function apiJson<T>(url: string, init: RequestInit = {}): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, { ...init, headers: { "Content-Type": "application/json", ...(init.headers ?? {}) } });
  } catch {
    throw new ApiError("Could not reach Callsync. Check your connection and try again.", 0);
  }
  const body = (await res.json().catch(() => null)) as ({ error?: { message?: string; code?: string } } & T) | null;
  if (!res.ok) {
    const message =
      body?.error?.message ??
      (res.status === 401 ? "Your session has ended. Sign in again." : res.status === 404 ? "This call no longer exists or you cannot see it." : `Request failed (${res.status}).`);
    throw new ApiError(message, res.status, body?.error?.code);
  }
  return body as T;
}
