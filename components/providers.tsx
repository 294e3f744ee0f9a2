"use client";

import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { SessionProvider } from "next-auth/react";
import { useState, type ReactNode } from "react";
import { TimeZoneProvider } from "@/components/ui/time-zone";

export function Providers({ children, timeZone }: { children: ReactNode; timeZone: string }) {
  const [queryClient] = useState(() => new QueryClient({ defaultOptions: { queries: { staleTime: 5_000, refetchOnWindowFocus: false, retry: 1 } } }));
  return (
    <SessionProvider>
      <TimeZoneProvider zone={timeZone}>
        <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
      </TimeZoneProvider>
    </SessionProvider>
  );
}
