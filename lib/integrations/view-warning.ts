// Issue 16.7: a provider whose API shows the connecting user's view only (Salesloft lists the conversations
// the connecting user may see; a rep sees their own) can be connected by the wrong person, and then every
// other user's calls are silently missing. After user discovery and after the backfill, this tells the admin
// when what was found looks like one user's view. Display-safe (no server-only import): a pure function of
// what the Manage page and the wizard already read.
import type { ProviderKey } from "@/lib/integrations/catalog";

/** Providers whose API answers with what the connecting user can see (not the whole company's data). */
export const CONNECTING_USER_VIEW: ReadonlySet<ProviderKey> = new Set<ProviderKey>(["SALESLOFT"]);

export type ViewWarning = { kind: "one-user"; user: string } | { kind: "one-owner"; user: string; calls: number; users: number } | null;

type User = { name: string | null; email: string | null; status: string; callsSynced: number };

export function connectingUserViewWarning(provider: ProviderKey, discovered: Array<{ name: string | null; email: string | null }>, users: User[]): ViewWarning {
  if (!CONNECTING_USER_VIEW.has(provider)) return null;
  const label = (u: { name: string | null; email: string | null }) => u.name ?? u.email ?? "one user";
  // Discovery found a single user: a team of one, or one user's view.
  if (discovered.length === 1) return { kind: "one-user", user: label(discovered[0]!) };
  // The backfill has finished and every call it found is one user's.
  const tracked = users.filter((u) => u.status !== "NEEDS_SYNC");
  if (tracked.length < 2 || tracked.some((u) => u.status === "PENDING" || u.status === "IN_PROGRESS")) return null;
  const withCalls = tracked.filter((u) => u.callsSynced > 0);
  if (withCalls.length !== 1) return null;
  return { kind: "one-owner", user: label(withCalls[0]!), calls: withCalls[0]!.callsSynced, users: tracked.length };
}

/** What the admin reads (the wizard's Sync and Complete steps, the Manage page). */
export function viewWarningText(name: string, w: NonNullable<ViewWarning>): string {
  const fix = `If your team has more people, reconnect ${name} as a ${name} admin who can see every conversation; otherwise their calls will be missing.`;
  return w.kind === "one-user"
    ? `${name} showed Callsync only one user (${w.user}). This looks like one user's view rather than the whole team's. ${fix}`
    : `Every call ${name} showed Callsync belongs to ${w.user} (${w.calls} call${w.calls === 1 ? "" : "s"}; none for the other ${w.users - 1} user${w.users - 1 === 1 ? "" : "s"}). This looks like one user's view of ${name}. ${fix}`;
}
