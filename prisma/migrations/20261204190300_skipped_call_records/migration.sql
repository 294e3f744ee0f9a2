-- Issue 16 items 5 and 6: call records a sync skipped (failed validation), and the holder of the token-refresh lease.
ALTER TABLE "Integration" ADD COLUMN "refreshLockHolder" TEXT;

CREATE TABLE "SkippedCallRecord" (
    "id" TEXT NOT NULL,
    "integrationId" TEXT NOT NULL,
    "providerCallId" TEXT NOT NULL,
    "field" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "firstSeenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastSeenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "runId" TEXT,

    CONSTRAINT "SkippedCallRecord_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "SkippedCallRecord_integrationId_providerCallId_key" ON "SkippedCallRecord"("integrationId", "providerCallId");
CREATE INDEX "SkippedCallRecord_integrationId_lastSeenAt_idx" ON "SkippedCallRecord"("integrationId", "lastSeenAt");

ALTER TABLE "SkippedCallRecord" ADD CONSTRAINT "SkippedCallRecord_integrationId_fkey" FOREIGN KEY ("integrationId") REFERENCES "Integration"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "SkippedCallRecord" ADD CONSTRAINT "SkippedCallRecord_runId_fkey" FOREIGN KEY ("runId") REFERENCES "SyncRun"("id") ON DELETE SET NULL ON UPDATE CASCADE;
