-- AlterTable
ALTER TABLE "Integration" ADD COLUMN     "refreshLockedUntil" TIMESTAMP(3),
ADD COLUMN     "syncLockRunId" TEXT,
ADD COLUMN     "syncLockedUntil" TIMESTAMP(3);
