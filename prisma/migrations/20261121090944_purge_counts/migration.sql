-- AlterTable
ALTER TABLE "SyncRun" ADD COLUMN     "callsDeleted" INTEGER NOT NULL DEFAULT 0;
