import { redirect } from "next/navigation";
import { requirePageAdmin } from "@/lib/auth/session";

// Settings -> Deals has one page today: Import.
export default async function DealsSettingsPage() {
  await requirePageAdmin("/settings/deals");
  redirect("/settings/deals/import");
}
