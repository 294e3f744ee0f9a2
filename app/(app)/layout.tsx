import type { ReactNode } from "react";
import { TopNav } from "@/components/layout/top-nav";
import { Toaster } from "@/components/ui/toast";
import { redirect } from "next/navigation";
import { connection } from "next/server";
import { hasAnyWorkspace } from "@/lib/accounts/signup";
import { getMyWorkspaces, requirePageSession } from "@/lib/auth/session";

export default async function AppLayout({ children }: { children: ReactNode }) {
  // First run: a database without any workspace leads every page to "Create your workspace".
  await connection(); // per request, never at build time
  if (!(await hasAnyWorkspace())) redirect("/signup");
  const session = await requirePageSession();
  const workspaces = (await getMyWorkspaces()) ?? [];
  return (
    <>
      <a
        href="#main-content"
        className="sr-only rounded-md bg-white px-3 py-2 text-sm font-medium text-brand-700 shadow ring-2 ring-brand-600 focus:not-sr-only focus:fixed focus:top-3 focus:left-3 focus:z-50"
      >
        Skip to content
      </a>
      <TopNav
        name={session.name}
        email={session.email}
        workspaceId={session.workspaceId}
        workspaceName={session.workspaceName}
        workspaces={workspaces}
        isAdmin={session.role === "ADMIN"}
      />
      {/* Toasts: in the page under the top bar, not laid over it (components/ui/toast.tsx). */}
      <Toaster />
      <main id="main-content" tabIndex={-1} className="mx-auto max-w-7xl px-4 py-8 outline-none sm:px-6">
        {children}
      </main>
    </>
  );
}
