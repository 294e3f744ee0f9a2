import { PageSkeleton } from "@/components/ui/page-skeleton";

export default function LoadingSearch() {
  return (
    <PageSkeleton
      label="Searching"
      announce="Searching…"
      lines={["h-8 w-64 rounded bg-slate-200", "h-10 rounded-md bg-slate-200"]}
      rows={4}
      listClass="space-y-3"
      rowClass="h-28 rounded-lg bg-slate-200"
    />
  );
}
