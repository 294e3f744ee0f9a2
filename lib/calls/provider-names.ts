// Display names of providers; safe for client and server. The names themselves live in the registry.
import { PROVIDER_LIST, type ProviderId } from "@/lib/providers/registry";

export const PROVIDER_NAMES = Object.fromEntries(PROVIDER_LIST.map((p) => [p.id, p.displayName])) as Record<ProviderId, string>;
