"use client";
// Browser side of the CRM route handlers (/api/crm/[provider]/…): connect (also Reconnect), the OAuth
// attempt's status, Sync now, Disconnect, and the polled Manage page detail, with this area's wording for
// answers that carry no message of their own. The mechanics and ApiError: components/lib/api-client.ts.
import { useQuery } from "@tanstack/react-query";
import { apiClient } from "@/components/lib/api-client";
import type { CrmDetail } from "@/lib/crm/queries";

const crmApi = apiClient({
  network: "We could not reach Callsync. Check your network connection and try again.",
  status: { 403: "Only workspace admins can do this.", 401: "Your session ended. Sign in again." },
  other: () => "Something went wrong. Try again.",
});

export type LoginHostChoice = { loginHost?: "production" | "sandbox" | "custom"; myDomain?: string };

export function crmAction<T = { ok: true }>(slug: string, action: "connect" | "reconnect" | "sync" | "disconnect", body: unknown = {}): Promise<T> {
  return crmApi<T>(`/api/crm/${slug}/${action}`, { method: "POST", body });
}

export function crmOAuthStatus(slug: string, state: string): Promise<{ status: string }> {
  return crmApi(`/api/crm/${slug}/oauth-status?state=${encodeURIComponent(state)}`);
}

export const crmDetailKey = (slug: string) => ["crm", slug] as const;

export function useCrmDetail(slug: string, initialData: CrmDetail, refetchInterval: (d: CrmDetail | undefined) => number | false) {
  return useQuery({
    queryKey: crmDetailKey(slug),
    queryFn: () => crmApi<CrmDetail>(`/api/crm/${slug}`),
    initialData,
    initialDataUpdatedAt: 0,
    staleTime: 0,
    refetchInterval: (q) => refetchInterval(q.state.data),
  });
}
