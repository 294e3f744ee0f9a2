-- Fresh recording links are fetched at most once per interval per call (issue 15, item 8).
ALTER TABLE "Call" ADD COLUMN "recordingFetchedAt" TIMESTAMP(3);
