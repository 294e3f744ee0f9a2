-- Issue 16.3: the backfill's unit of work for calls hosted by provider users outside the workspace.
CREATE TYPE "UserSyncKind" AS ENUM ('USER', 'OUTSIDE_HOSTS');

ALTER TABLE "UserSync" ADD COLUMN "kind" "UserSyncKind" NOT NULL DEFAULT 'USER';
ALTER TABLE "UserSync" ALTER COLUMN "providerUserId" DROP NOT NULL;
-- A user's row has its provider user; the outside-hosts row has none.
ALTER TABLE "UserSync" ADD CONSTRAINT "UserSync_kind_provider_user_check" CHECK (("kind" = 'USER') = ("providerUserId" IS NOT NULL));
-- One outside-hosts row per integration (a duplicate backfill event plans it once).
CREATE UNIQUE INDEX "UserSync_outside_hosts_key" ON "UserSync"("integrationId") WHERE "kind" = 'OUTSIDE_HOSTS';
