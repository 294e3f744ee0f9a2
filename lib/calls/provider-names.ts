// Display names of providers; safe for client and server.
export const PROVIDER_NAMES: Record<"GONG" | "SALESLOFT" | "CLARI", string> = {
  GONG: "Gong",
  SALESLOFT: "Salesloft",
  CLARI: "Clari Copilot",
};
