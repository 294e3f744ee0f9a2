import { PageSkeleton } from "@/components/ui/page-skeleton";

export default function LoadingUnlinked() {
  return (
    <PageSkeleton
      label="Loading unlinked calls"
      announce="Loading…"
      lines={["h-4 w-40 rounded bg-slate-200", "h-8 w-56 rounded bg-slate-200"]}
      rows={6}
      listClass="space-y-2"
      rowClass="h-24 rounded-lg bg-slate-200"
    />
  );
}
