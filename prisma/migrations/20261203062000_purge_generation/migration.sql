-- Purge can never eat new data (issue 15, item 2): an integration being purged is PURGING (nothing connects
-- meanwhile), and every call records the generation (connection) that last wrote it, so a purge deletes only
-- the calls of the connection it was started for.
ALTER TYPE "IntegrationStatus" ADD VALUE 'PURGING';

ALTER TABLE "Call" ADD COLUMN "syncGeneration" INTEGER NOT NULL DEFAULT 0;

-- Calls synced before this column existed belong to their integration's current connection (or an older one).
UPDATE "Call" c SET "syncGeneration" = i.generation FROM "Integration" i WHERE c."integrationId" = i.id;
