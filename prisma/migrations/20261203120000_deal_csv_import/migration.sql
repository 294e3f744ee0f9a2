-- CSV deal import: Deal.externalId (the import's upsert key, unique per workspace), the upload, its rows and progress.
-- CreateEnum
CREATE TYPE "DealImportStatus" AS ENUM ('UPLOADING', 'VALIDATING', 'READY', 'IMPORTING', 'DONE', 'FAILED', 'CANCELLED');

-- AlterTable
ALTER TABLE "Deal" ADD COLUMN     "externalId" TEXT;

-- CreateTable
CREATE TABLE "DealImport" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "createdById" TEXT,
    "fileName" TEXT NOT NULL,
    "fileBytes" INTEGER NOT NULL,
    "receivedBytes" INTEGER NOT NULL DEFAULT 0,
    "chunkCount" INTEGER NOT NULL DEFAULT 0,
    "status" "DealImportStatus" NOT NULL DEFAULT 'UPLOADING',
    "error" TEXT,
    "mapping" JSONB,
    "delimiter" TEXT,
    "parsedBytes" INTEGER NOT NULL DEFAULT 0,
    "totalRows" INTEGER NOT NULL DEFAULT 0,
    "errorRows" INTEGER NOT NULL DEFAULT 0,
    "warningRows" INTEGER NOT NULL DEFAULT 0,
    "mode" TEXT,
    "toWriteRows" INTEGER NOT NULL DEFAULT 0,
    "writeCursor" INTEGER NOT NULL DEFAULT 0,
    "writtenRows" INTEGER NOT NULL DEFAULT 0,
    "createdDeals" INTEGER NOT NULL DEFAULT 0,
    "updatedDeals" INTEGER NOT NULL DEFAULT 0,
    "skippedRows" INTEGER NOT NULL DEFAULT 0,
    "validatedAt" TIMESTAMP(3),
    "importStartedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "DealImport_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DealImportChunk" (
    "importId" TEXT NOT NULL,
    "index" INTEGER NOT NULL,
    "data" BYTEA NOT NULL,

    CONSTRAINT "DealImportChunk_pkey" PRIMARY KEY ("importId","index")
);

-- CreateTable
CREATE TABLE "DealImportRow" (
    "importId" TEXT NOT NULL,
    "rowNumber" INTEGER NOT NULL,
    "externalId" TEXT,
    "values" JSONB NOT NULL,
    "issues" JSONB NOT NULL,
    "hasError" BOOLEAN NOT NULL,
    "hasWarning" BOOLEAN NOT NULL,

    CONSTRAINT "DealImportRow_pkey" PRIMARY KEY ("importId","rowNumber")
);

-- CreateIndex
CREATE INDEX "DealImport_workspaceId_createdAt_idx" ON "DealImport"("workspaceId", "createdAt" DESC);

-- CreateIndex
CREATE INDEX "DealImportRow_importId_externalId_idx" ON "DealImportRow"("importId", "externalId");

-- CreateIndex
CREATE INDEX "DealImportRow_importId_hasError_rowNumber_idx" ON "DealImportRow"("importId", "hasError", "rowNumber");

-- CreateIndex
CREATE UNIQUE INDEX "Deal_workspaceId_externalId_key" ON "Deal"("workspaceId", "externalId");

-- AddForeignKey
ALTER TABLE "DealImport" ADD CONSTRAINT "DealImport_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DealImportChunk" ADD CONSTRAINT "DealImportChunk_importId_fkey" FOREIGN KEY ("importId") REFERENCES "DealImport"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DealImportRow" ADD CONSTRAINT "DealImportRow_importId_fkey" FOREIGN KEY ("importId") REFERENCES "DealImport"("id") ON DELETE CASCADE ON UPDATE CASCADE;

