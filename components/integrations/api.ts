"use client";
// Browser side of the integration route handlers: the actions, the OAuth attempt's status, and the polled
// detail query shared by the wizard and the Manage page, with this area's wording for answers that carry
// no message of their own. The mechanics and ApiError: components/lib/api-client.ts.
import { useQuery } from "@tanstack/react-query";
import { apiClient } from "@/components/lib/api-client";
import type { IntegrationDetail } from "@/lib/integrations/queries";

const integrationApi = apiClient({
  network: "We could not reach Callsync. Check your network connection and try again.",
  status: { 403: "Only workspace admins can do this.", 401: "Your session ended. Sign in again." },
  other: () => "Something went wrong. Try again.",
});

export function integrationAction<T = { ok: true }>(slug: string, action: string, body: unknown = {}): Promise<T> {
  return integrationApi<T>(`/api/integrations/${slug}/${action}`, { method: "POST", body });
}

export function oauthStatus(slug: string, state: string): Promise<{ status: string }> {
  return integrationApi(`/api/integrations/${slug}/oauth-status?state=${encodeURIComponent(state)}`);
}

export const detailKey = (slug: string) => ["integration", slug] as const;

export function useIntegrationDetail(
  slug: string,
  initialData: IntegrationDetail,
  refetchInterval: number | false | ((d: IntegrationDetail | undefined) => number | false),
) {
  return useQuery({
    queryKey: detailKey(slug),
    queryFn: () => integrationApi<IntegrationDetail>(`/api/integrations/${slug}`),
    initialData,
    initialDataUpdatedAt: 0,
    staleTime: 0,
    refetchInterval: typeof refetchInterval === "function" ? (q) => refetchInterval(q.state.data) : refetchInterval,
  });
}
