-- The daily re-scan (issue 16): its run kind, and when it last saw each call in the provider's listing.
ALTER TYPE "SyncRunKind" ADD VALUE 'RESCAN';
ALTER TABLE "Call" ADD COLUMN "rescanSeenAt" TIMESTAMP(3);
