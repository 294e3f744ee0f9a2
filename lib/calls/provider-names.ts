// Display names of providers; safe for client and server. The names themselves live in the registry.
import { ANY_PROVIDER_LIST, type AnyProviderId } from "@/lib/providers/registry";

export const PROVIDER_NAMES = Object.fromEntries(ANY_PROVIDER_LIST.map((p) => [p.id, p.displayName])) as Record<AnyProviderId, string>;
