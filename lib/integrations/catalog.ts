// Static facts about the providers we integrate with, shown in the UI. No secrets, no server imports.
export type ProviderKey = "GONG" | "SALESLOFT" | "CLARI";

export const PROVIDERS: Array<{
  key: ProviderKey;
  slug: "gong" | "salesloft" | "clari";
  name: string;
  auth: "oauth" | "apiKey";
  description: string;
}> = [
  { key: "GONG", slug: "gong", name: "Gong", auth: "oauth", description: "Calls, transcripts, AI briefs and CRM context from Gong. Connect via OAuth." },
  { key: "SALESLOFT", slug: "salesloft", name: "Salesloft", auth: "oauth", description: "Conversations, transcripts, summaries and action items from Salesloft. Connect via OAuth." },
  { key: "CLARI", slug: "clari", name: "Clari Copilot", auth: "apiKey", description: "Calls, transcripts and summaries from Clari Copilot. Connect with an API key and secret." },
];

export const STATUS_LABEL: Record<string, string> = {
  NOT_CONNECTED: "Not connected",
  CONNECTING: "Connecting",
  SYNCING: "Syncing",
  CONNECTED: "Connected",
  RECONNECT_REQUIRED: "Reconnect required",
  DISCONNECTED: "Disconnected",
};
