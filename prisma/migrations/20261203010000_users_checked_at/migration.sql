ALTER TABLE "Integration" ADD COLUMN "usersCheckedAt" TIMESTAMP(3);
