-- Unlinked calls triage: a person can dismiss an unlinked call (not about any deal). Kept on the call row,
-- which the sync's upsert never touches, so a poll or re-scan does not bring it back to Unlinked calls.
ALTER TABLE "Call" ADD COLUMN "dismissedAt" TIMESTAMP(3), ADD COLUMN "dismissedById" TEXT;
ALTER TABLE "Call" ADD CONSTRAINT "Call_dismissedById_fkey" FOREIGN KEY ("dismissedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;
