// JSON calls of the call screens (transcript, deal picker, move / unlink, fresh recording links), with their
// wording for answers that carry no message of their own. The mechanics and ApiError: components/lib/api-client.ts.
import { apiClient } from "@/components/lib/api-client";

export const callApi = apiClient({
  network: "Could not reach Callsync. Check your connection and try again.",
  status: { 401: "Your session has ended. Sign in again.", 404: "This call no longer exists or you cannot see it." },
  other: (status) => `Request failed (${status}).`,
});
