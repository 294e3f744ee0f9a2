import type { ReactNode } from "react";
import { TopNav } from "@/components/layout/top-nav";
import { requirePageSession } from "@/lib/auth/session";

export default async function AppLayout({ children }: { children: ReactNode }) {
  const session = await requirePageSession();
  return (
    <>
      <TopNav name={session.name} email={session.email} workspaceName={session.workspaceName} isAdmin={session.role === "ADMIN"} />
      <main className="mx-auto max-w-7xl px-4 py-8 sm:px-6">{children}</main>
    </>
  );
}
