-- CRM sync (issue 14): deals know the CRM connection that syncs them, won/owner/modified facts and a "no longer
-- syncing" marker; CRM accounts and contacts are kept as read; skipped records per run; a link's note.

-- AlterTable
ALTER TABLE "CallDealLink" ADD COLUMN     "note" TEXT;

-- AlterTable
ALTER TABLE "Deal" ADD COLUMN     "crmModifiedAt" TIMESTAMP(3),
ADD COLUMN     "crmOwnerId" TEXT,
ADD COLUMN     "crmSyncStoppedAt" TIMESTAMP(3),
ADD COLUMN     "integrationId" TEXT,
ADD COLUMN     "isWon" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "DealContact" ADD COLUMN     "crmContactId" TEXT;

-- AlterTable
ALTER TABLE "Integration" ADD COLUMN     "crmCurrency" TEXT,
ADD COLUMN     "quotaLimit" INTEGER,
ADD COLUMN     "quotaReadAt" TIMESTAMP(3),
ADD COLUMN     "quotaUsed" INTEGER;

-- AlterTable
ALTER TABLE "SyncRun" ADD COLUMN     "accountsSynced" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "contactsSynced" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "dealsAdded" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "dealsDeleted" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "dealsUpdated" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "recordsSkipped" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "CrmAccount" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "integrationId" TEXT,
    "crmSource" "CrmSource" NOT NULL,
    "crmId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "domain" TEXT,
    "crmModifiedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CrmAccount_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CrmContact" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "integrationId" TEXT,
    "crmSource" "CrmSource" NOT NULL,
    "crmId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "email" TEXT,
    "title" TEXT,
    "accountCrmId" TEXT,
    "crmModifiedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CrmContact_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CrmSkippedRecord" (
    "id" TEXT NOT NULL,
    "runId" TEXT NOT NULL,
    "integrationId" TEXT NOT NULL,
    "object" TEXT NOT NULL,
    "crmId" TEXT,
    "field" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CrmSkippedRecord_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "CrmAccount_workspaceId_domain_idx" ON "CrmAccount"("workspaceId", "domain");

-- CreateIndex
CREATE UNIQUE INDEX "CrmAccount_workspaceId_crmSource_crmId_key" ON "CrmAccount"("workspaceId", "crmSource", "crmId");

-- CreateIndex
CREATE INDEX "CrmContact_workspaceId_email_idx" ON "CrmContact"("workspaceId", "email");

-- CreateIndex
CREATE UNIQUE INDEX "CrmContact_workspaceId_crmSource_crmId_key" ON "CrmContact"("workspaceId", "crmSource", "crmId");

-- CreateIndex
CREATE INDEX "CrmSkippedRecord_runId_idx" ON "CrmSkippedRecord"("runId");

-- CreateIndex
CREATE INDEX "CrmSkippedRecord_integrationId_createdAt_idx" ON "CrmSkippedRecord"("integrationId", "createdAt");

-- CreateIndex
CREATE INDEX "Deal_integrationId_crmOwnerId_idx" ON "Deal"("integrationId", "crmOwnerId");

-- CreateIndex
CREATE INDEX "DealContact_workspaceId_crmContactId_idx" ON "DealContact"("workspaceId", "crmContactId");

-- AddForeignKey
ALTER TABLE "Deal" ADD CONSTRAINT "Deal_integrationId_fkey" FOREIGN KEY ("integrationId") REFERENCES "Integration"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CrmAccount" ADD CONSTRAINT "CrmAccount_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CrmAccount" ADD CONSTRAINT "CrmAccount_integrationId_fkey" FOREIGN KEY ("integrationId") REFERENCES "Integration"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CrmContact" ADD CONSTRAINT "CrmContact_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CrmContact" ADD CONSTRAINT "CrmContact_integrationId_fkey" FOREIGN KEY ("integrationId") REFERENCES "Integration"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CrmSkippedRecord" ADD CONSTRAINT "CrmSkippedRecord_runId_fkey" FOREIGN KEY ("runId") REFERENCES "SyncRun"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CrmSkippedRecord" ADD CONSTRAINT "CrmSkippedRecord_integrationId_fkey" FOREIGN KEY ("integrationId") REFERENCES "Integration"("id") ON DELETE CASCADE ON UPDATE CASCADE;

