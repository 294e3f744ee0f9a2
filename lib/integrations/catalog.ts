// Static facts shown in the UI. No secrets, no server imports. The providers' own facts (names, slugs,
// auth kind, card text) come from the registry.
import { PROVIDER_LIST, type ProviderId, type ProviderSlug } from "@/lib/providers/registry";

export type ProviderKey = ProviderId;

/** The integration cards, in registry order. */
export const PROVIDERS: Array<{ key: ProviderKey; slug: ProviderSlug; name: string; auth: "oauth" | "apiKey"; description: string }> = PROVIDER_LIST.map(
  (p) => ({
    key: p.id,
    slug: p.slug,
    name: p.displayName,
    auth: p.auth,
    description: p.description,
  }),
);

export const STATUS_LABEL: Record<string, string> = {
  NOT_CONNECTED: "Not connected",
  CONNECTING: "Connecting",
  SYNCING: "Syncing",
  CONNECTED: "Connected",
  RECONNECT_REQUIRED: "Reconnect required",
  DISCONNECTED: "Disconnected",
  PURGING: "Deleting synced data",
};

export const STATUS_TONE: Record<string, "gray" | "green" | "blue" | "amber" | "red"> = {
  NOT_CONNECTED: "gray",
  CONNECTING: "amber",
  SYNCING: "blue",
  CONNECTED: "green",
  RECONNECT_REQUIRED: "red",
  DISCONNECTED: "gray",
  PURGING: "amber",
};

export const WIZARD_STEPS = [
  { key: "CONNECT", slug: "connect", label: "Connect" },
  { key: "AUTHORIZE", slug: "authorize", label: "Authorize" },
  { key: "BACKFILL", slug: "backfill", label: "Backfill" },
  { key: "SYNC", slug: "sync", label: "Sync" },
  { key: "COMPLETE", slug: "complete", label: "Complete" },
] as const;
export type WizardStepKey = (typeof WIZARD_STEPS)[number]["key"];

export const BACKFILL_OPTIONS: Array<{
  value: "DAYS_30" | "DAYS_60" | "DAYS_90" | "MONTHS_6" | "YEAR_1" | "ALL_TIME";
  label: string;
  description: string;
  recommended?: boolean;
}> = [
  { value: "DAYS_30", label: "Last 30 days", description: "Quick setup – recent calls only" },
  { value: "DAYS_60", label: "Last 60 days", description: "2 months of history" },
  { value: "DAYS_90", label: "Last 90 days", description: "3 months of history: good context for most teams", recommended: true },
  { value: "MONTHS_6", label: "Last 6 months", description: "More history, a longer first sync" },
  { value: "YEAR_1", label: "Last year", description: "Full year of call data" },
  { value: "ALL_TIME", label: "All time", description: "Complete history (may take longer)" },
];

/** The period the wizard preselects: the one marked Recommended (issue 17.4), never a different one. */
export const DEFAULT_BACKFILL_PERIOD = BACKFILL_OPTIONS.find((o) => o.recommended)!.value;

export const BACKFILL_LABEL: Record<string, string> = {
  ...Object.fromEntries(BACKFILL_OPTIONS.map((o) => [o.value, o.label])),
  SKIP: "Skipped (new calls only)",
};

export const RUN_KIND_LABEL: Record<string, string> = {
  BACKFILL: "Backfill",
  POLL: "Automatic sync",
  MANUAL: "Sync now",
  USER_RETRY: "User retry",
  USER_BACKFILL: "User backfill",
  PURGE: "Delete synced data",
  RESCAN: "Daily re-scan",
};

/**
 * What the card offers: the wizard while it is not finished, Manage once connected. A wizard that was
 * started (Authorize/Backfill/Sync) is "Continue setup".
 */
export function cardAction(
  status: string,
  wizardStep: string | null | undefined,
): { label: "Connect" | "Continue setup" | "Manage"; target: "setup" | "manage" } {
  if (status === "CONNECTED" || status === "RECONNECT_REQUIRED") {
    return wizardStep && wizardStep !== "COMPLETE" && wizardStep !== "CONNECT"
      ? { label: "Continue setup", target: "setup" }
      : { label: "Manage", target: "manage" };
  }
  // Nothing connects while the synced calls are deleted; the Manage page shows the progress.
  if (status === "PURGING") return { label: "Manage", target: "manage" };
  if (status === "SYNCING" && wizardStep !== "SYNC") return { label: "Manage", target: "manage" };
  if (status === "CONNECTING" || status === "SYNCING") return { label: "Continue setup", target: "setup" };
  return { label: "Connect", target: "setup" };
}
