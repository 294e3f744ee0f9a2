import type { ReactNode } from "react";
import { TopNav } from "@/components/layout/top-nav";
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
      <TopNav
        name={session.name}
        email={session.email}
        workspaceId={session.workspaceId}
        workspaceName={session.workspaceName}
        workspaces={workspaces}
        isAdmin={session.role === "ADMIN"}
      />
      <main className="mx-auto max-w-7xl px-4 py-8 sm:px-6">{children}</main>
    </>
  );
}
