// Issue 16.7: after user discovery and after the backfill, a Salesloft connection whose data looks like one
// user's view (one user discovered, or every call found belongs to one user) is flagged for the admin.
import { describe, expect, it } from "vitest";
import { connectingUserViewWarning, viewWarningText } from "@/lib/integrations/view-warning";

const user = (name: string, status: string, callsSynced: number) => ({ name, email: `${name.toLowerCase()}@acme.test`, status, callsSynced });
const team = [
  { name: "Riley Park", email: "rep1@acme.test" },
  { name: "Sam Lee", email: "rep2@acme.test" },
];

describe("one user's view of Salesloft", () => {
  it("warns when discovery found a single user", () => {
    const w = connectingUserViewWarning("SALESLOFT", [team[0]!], []);
    expect(w).toEqual({ kind: "one-user", user: "Riley Park" });
    expect(viewWarningText("Salesloft", w!)).toBe(
      "Salesloft showed Callsync only one user (Riley Park). This looks like one user's view rather than the whole team's. If your team has more people, " +
        "reconnect Salesloft as a Salesloft admin who can see every conversation; otherwise their calls will be missing.",
    );
  });

  it("warns when the finished backfill found calls for one user only, not while it runs", () => {
    const running = [user("Riley Park", "COMPLETED", 12), user("Sam Lee", "IN_PROGRESS", 0)];
    expect(connectingUserViewWarning("SALESLOFT", team, running)).toBeNull();
    const done = [user("Riley Park", "COMPLETED", 12), user("Sam Lee", "COMPLETED", 0)];
    const w = connectingUserViewWarning("SALESLOFT", team, done);
    expect(w).toEqual({ kind: "one-owner", user: "Riley Park", calls: 12, users: 2 });
    expect(viewWarningText("Salesloft", w!)).toMatch(/^Every call Salesloft showed Callsync belongs to Riley Park \(12 calls; none for the other 1 user\)/);
  });

  it("stays quiet for a team view, and for providers that show the whole company", () => {
    expect(connectingUserViewWarning("SALESLOFT", team, [user("Riley Park", "COMPLETED", 12), user("Sam Lee", "COMPLETED", 3)])).toBeNull();
    expect(connectingUserViewWarning("GONG", [team[0]!], [])).toBeNull();
  });
});
