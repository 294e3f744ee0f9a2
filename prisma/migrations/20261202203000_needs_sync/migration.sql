-- "Needs sync": a provider user matched to a member who joined after the integration's backfill; their history
-- waits for an admin's per-user Backfill (a USER_BACKFILL run).
ALTER TYPE "UserSyncStatus" ADD VALUE 'NEEDS_SYNC' BEFORE 'PENDING';
ALTER TYPE "SyncRunKind" ADD VALUE 'USER_BACKFILL' BEFORE 'PURGE';
