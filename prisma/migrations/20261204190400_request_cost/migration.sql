-- Issue 17.4: the quota gauge of a cost-budgeted provider (Salesloft: 600 cost units a minute) counts in
-- cost units. Earlier hours are carried over at the default endpoint cost of 1 per request.
ALTER TABLE "ProviderRequestCount" ADD COLUMN "cost" INTEGER NOT NULL DEFAULT 0;
UPDATE "ProviderRequestCount" SET "cost" = "requests";
