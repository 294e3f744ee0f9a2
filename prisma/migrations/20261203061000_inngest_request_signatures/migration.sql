-- Signatures the Inngest serve route accepted, so a captured request is refused the second time.
CREATE TABLE "InngestRequestSignature" (
    "signature" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "InngestRequestSignature_pkey" PRIMARY KEY ("signature")
);

CREATE INDEX "InngestRequestSignature_expiresAt_idx" ON "InngestRequestSignature"("expiresAt");
