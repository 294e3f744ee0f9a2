// Small presentational pieces shared by call lists and the call page (server- and client-safe).
import Link from "next/link";
import { Lock } from "lucide-react";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { PROVIDER_SPECS, type ProviderId } from "@/lib/providers/registry";

export function ProviderBadge({ provider }: { provider: ProviderId }) {
  const spec = PROVIDER_SPECS[provider];
  return <Badge tone={spec.tone satisfies BadgeTone}>{spec.displayName}</Badge>;
}

export function PrivateBadge() {
  return (
    <span title="Private call: visible to its participants and admins only">
      <Badge tone="amber">
        <Lock aria-hidden className="mr-1 h-3 w-3" />
        Private
      </Badge>
    </span>
  );
}

export const LINK_SOURCE_LABEL = {
  CRM_ID: "Linked by CRM id",
  EMAIL: "Linked by contact email",
  MANUAL: "Linked by hand",
} as const;

/** Newer / Older links for keyset-paginated lists. */
export function KeysetPager({
  basePath,
  newerCursor,
  olderCursor,
  label,
}: {
  basePath: string;
  newerCursor: string | null;
  olderCursor: string | null;
  label: string;
}) {
  if (!newerCursor && !olderCursor) return null;
  // basePath may carry its own query (a view, e.g. /calls/unlinked?view=internal).
  const sep = basePath.includes("?") ? "&" : "?";
  const cls = "rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm hover:bg-slate-50";
  const off = "rounded-md border border-slate-200 bg-slate-50 px-3 py-1.5 text-sm text-slate-400";
  return (
    <nav aria-label={label} className="flex items-center justify-between gap-2 text-sm">
      {newerCursor ? (
        <Link className={cls} href={`${basePath}${sep}after=${newerCursor}`} rel="prev" scroll={false}>
          ← Newer calls
        </Link>
      ) : (
        <span className={off} aria-disabled="true">
          ← Newer calls
        </span>
      )}
      {newerCursor ? (
        <Link href={basePath} className="text-slate-600 hover:underline">
          Back to newest
        </Link>
      ) : null}
      {olderCursor ? (
        <Link className={cls} href={`${basePath}${sep}before=${olderCursor}`} rel="next" scroll={false}>
          Older calls →
        </Link>
      ) : (
        <span className={off} aria-disabled="true">
          Older calls →
        </span>
      )}
    </nav>
  );
}
