-- Invitation links can be copied again by an admin: the token, encrypted with ENCRYPTION_KEY (lookups use tokenHash).
ALTER TABLE "Invitation" ADD COLUMN "tokenCiphertext" TEXT;
