-- A per-user run (User retry, User backfill) names the user it is for, so the sync history can say whom it
-- retried and read as that user's outcome (issue 17.4).
ALTER TABLE "SyncRun" ADD COLUMN "userSyncId" TEXT;
ALTER TABLE "SyncRun" ADD CONSTRAINT "SyncRun_userSyncId_fkey" FOREIGN KEY ("userSyncId") REFERENCES "UserSync"("id") ON DELETE SET NULL ON UPDATE CASCADE;
