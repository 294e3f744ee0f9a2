-- Issue 16 item 10: two recorders of one meeting. Calls of different providers that recorded the same
-- meeting share a meetingId (lib/sync/meetings.ts); lists show one row per meeting.
ALTER TABLE "Call" ADD COLUMN "meetingId" TEXT;
CREATE INDEX "Call_workspaceId_meetingId_idx" ON "Call"("workspaceId", "meetingId");
