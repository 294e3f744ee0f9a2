import { PhoneCall } from "lucide-react";
import { ButtonLink } from "@/components/ui/button";
import type { RecorderSetup } from "@/lib/integrations/queries";

const RECORDERS = "Gong, Salesloft or Clari Copilot";

function adminList(admins: RecorderSetup["admins"]): string {
  const names = admins.map((a) => (a.name ? `${a.name} (${a.email})` : a.email));
  if (names.length <= 1) return names[0] ?? "an admin of this workspace";
  return `${names.slice(0, -1).join(", ")} or ${names[names.length - 1]}`;
}

/**
 * What a workspace without a call recorder shows instead of empty lists (issue 17.7): what will appear,
 * when, and who sets it up. Admins get the way to do it; members get the names of the admins to ask.
 */
export function DayOneNotice({ setup, isAdmin }: { setup: RecorderSetup; isAdmin: boolean }) {
  if (setup.connected) return null;
  const underWay = setup.settingUp.length > 0 ? `${setup.settingUp.join(" and ")} is being set up.` : null;
  return (
    <section aria-labelledby="day-one-title" className="rounded-lg border border-brand-100 bg-brand-50 px-5 py-4 text-sm text-slate-700">
      <div className="flex items-start gap-3">
        <PhoneCall aria-hidden className="mt-0.5 h-5 w-5 shrink-0 text-brand-700" />
        <div className="space-y-2">
          <h2 id="day-one-title" className="text-base font-semibold text-slate-900">
            Your calls will appear here
          </h2>
          <p>
            No call recorder is connected yet.{underWay ? ` ${underWay}` : ""} Once {RECORDERS} is connected, every recorded call lands on the deal it belongs
            to, with who was on it and a searchable, speaker-attributed transcript. History is brought in first, then new calls every two hours.
          </p>
          {isAdmin ? (
            <div>
              <ButtonLink href="/settings/integrations">Connect a call recorder</ButtonLink>
            </div>
          ) : (
            <p data-testid="day-one-admins">An admin connects it from Settings → Integrations. Ask {adminList(setup.admins)}.</p>
          )}
        </div>
      </div>
    </section>
  );
}
