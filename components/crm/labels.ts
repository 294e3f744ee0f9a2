// Display facts of the CRM screens (client-safe). Statuses and their colours are the recorders' own
// (lib/integrations/catalog.ts): a CRM connection is an Integration row with the same lifecycle.
export { STATUS_LABEL, STATUS_TONE } from "@/lib/integrations/catalog";

export const CRM_RUN_KIND_LABEL: Record<string, string> = {
  BACKFILL: "First import",
  POLL: "Automatic sync",
  MANUAL: "Sync now",
};

export const OBJECT_LABEL: Record<string, string> = { deal: "Deal", account: "Account", contact: "Contact" };

/** Why the CRM comes first (the help centre's wording): shown above the CRM cards and on recorder cards without one. */
export const CRM_FIRST_REASON =
  "Calls are matched to deals by the CRM ids your call recorder carries on each call, with contact emails as the fallback. Without a CRM connection, calls won't auto-link to your deals.";
export const NO_CRM_RECORDER_NOTICE = "No CRM is connected: calls will not auto-link to deals. Connect Salesforce or HubSpot first.";
