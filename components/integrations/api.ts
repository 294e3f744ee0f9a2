"use client";
// Browser side of the integration route handlers: JSON calls with errors the UI can show, and the
// polled detail query shared by the wizard and the Manage page.
import { useQuery } from "@tanstack/react-query";
import type { IntegrationDetail } from "@/lib/integrations/queries";

export class ApiError extends Error {
  constructor(message: string, readonly status: number, readonly fields: Record<string, string> = {}) {
    super(message);
  }
}

async function parse<T>(res: Response): Promise<T> {
  const data = (await res.json().catch(() => null)) as { error?: { message?: string; fields?: Record<string, string> } } | null;
  if (!res.ok) {
    const message =
      data?.error?.message ??
      (res.status === 403 ? "Only workspace admins can do this." : res.status === 401 ? "Your session ended. Sign in again." : "Something went wrong. Try again.");
    throw new ApiError(message, res.status, data?.error?.fields ?? {});
  }
  return data as T;
}

export async function integrationAction<T = { ok: true }>(slug: string, action: string, body: unknown = {}): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`/api/integrations/${slug}/${action}`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
  } catch {
    throw new ApiError("We could not reach Callsync. Check your network connection and try again.", 0);
  }
  return parse<T>(res);
}

export async function oauthStatus(slug: string, state: string): Promise<{ status: string }> {
  const res = await fetch(`/api/integrations/${slug}/oauth-status?state=${encodeURIComponent(state)}`, { cache: "no-store" });
  return parse(res);
}

export const detailKey = (slug: string) => ["integration", slug] as const;

export function useIntegrationDetail(slug: string, initialData: IntegrationDetail, refetchInterval: number | false | ((d: IntegrationDetail | undefined) => number | false)) {
  return useQuery({
    queryKey: detailKey(slug),
    queryFn: async () => parse<IntegrationDetail>(await fetch(`/api/integrations/${slug}`, { cache: "no-store" })),
    initialData,
    initialDataUpdatedAt: 0,
    staleTime: 0,
    refetchInterval: typeof refetchInterval === "function" ? (q) => refetchInterval(q.state.data) : refetchInterval,
  });
}
