-- CreateTable
CREATE TABLE "ProviderRateLimit" (
    "integrationId" TEXT NOT NULL,
    "state" JSONB NOT NULL DEFAULT '{}',
    "blockedUntil" TIMESTAMP(3),
    "consecutive429" INTEGER NOT NULL DEFAULT 0,
    "breakerOpenUntil" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ProviderRateLimit_pkey" PRIMARY KEY ("integrationId")
);

-- AddForeignKey
ALTER TABLE "ProviderRateLimit" ADD CONSTRAINT "ProviderRateLimit_integrationId_fkey" FOREIGN KEY ("integrationId") REFERENCES "Integration"("id") ON DELETE CASCADE ON UPDATE CASCADE;
