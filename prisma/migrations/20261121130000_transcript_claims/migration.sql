-- A worker claims the transcripts it is about to fetch, so two users' pages that list the same call
-- (Clari lists by participant) fetch it once. Claims expire, so a crashed worker's calls are fetched again.
ALTER TABLE "Call" ADD COLUMN "transcriptClaimBy" TEXT,
ADD COLUMN "transcriptClaimUntil" TIMESTAMP(3);
