import Link from "next/link";
import { NavLinks } from "@/components/layout/nav-links";
import { WorkspaceSwitcher } from "@/components/layout/workspace-switcher";

export function TopNav({
  name,
  email,
  workspaceId,
  workspaceName,
  workspaces,
  isAdmin,
}: {
  name: string | null;
  email: string;
  workspaceId: string;
  workspaceName: string;
  workspaces: Array<{ id: string; name: string }>;
  isAdmin: boolean;
}) {
  const links = [{ href: "/deals", label: "Deals" }];
  if (isAdmin) links.push({ href: "/settings/integrations", label: "Integrations" });
  // Settings -> Deals (CSV import). Not labelled "Deals": that is the deals list's link.
  if (isAdmin) links.push({ href: "/settings/deals", label: "Deal import" });
  links.push({ href: "/settings/members", label: "Members" });
  if (isAdmin) links.push({ href: "/settings/activity", label: "Activity" });
  return (
    <header className="border-b border-slate-200 bg-white">
      <div className="mx-auto flex max-w-7xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-3 sm:px-6">
        <Link href="/deals" className="text-lg font-bold tracking-tight text-slate-900">
          Call<span className="text-brand-600">sync</span>
        </Link>
        {workspaces.length > 1 ? (
          <WorkspaceSwitcher current={workspaceId} workspaces={workspaces} />
        ) : (
          <span className="hidden text-sm text-slate-500 sm:inline" aria-label="Workspace">
            {workspaceName}
          </span>
        )}
        <nav aria-label="Main" className="order-3 w-full sm:order-none sm:w-auto">
          <NavLinks links={links} />
        </nav>
        <div className="ml-auto flex items-center gap-3 text-sm">
          <span className="hidden text-slate-600 md:inline" title={email}>
            {name ?? email}
          </span>
          <Link href="/settings/account" className="rounded-md px-2 py-1 text-slate-700 hover:bg-slate-100">
            Account
          </Link>
          <Link href="/signout" className="rounded-md px-2 py-1 text-slate-700 hover:bg-slate-100">
            Sign out
          </Link>
        </div>
      </div>
    </header>
  );
}
