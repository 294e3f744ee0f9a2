import type { Metadata } from "next";
import { AccountSettings } from "@/components/account/account-settings";
import { accountOverview } from "@/lib/accounts/passwords";
import { browserTimeZone } from "@/lib/accounts/time-zone";
import { timeZoneNames } from "@/lib/time-zones";
import { requirePageSession } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Account" };

export default async function AccountPage() {
  const session = await requirePageSession("/settings/account");
  const account = await accountOverview(session.userId);
  const browserZone = await browserTimeZone();
  return (
    <div className="space-y-6">
      <div>
        <p className="text-sm text-slate-500">Settings</p>
        <h1 className="text-2xl font-semibold tracking-tight">Account</h1>
        <p className="mt-1 max-w-2xl text-sm text-slate-600">Your own sign-in, the same in every workspace you belong to.</p>
      </div>
      <AccountSettings
        name={account.name}
        email={account.email}
        hasPassword={account.hasPassword}
        timeZone={{ saved: account.timeZone, browser: browserZone, names: timeZoneNames() }}
      />
    </div>
  );
}
