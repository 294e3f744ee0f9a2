-- CRMs are integrations too (issue 14): HubSpot and Salesforce join the Provider enum. Values added here are
-- not used in this migration (PostgreSQL allows ADD VALUE in a transaction, not using it before commit).
ALTER TYPE "Provider" ADD VALUE 'HUBSPOT';
ALTER TYPE "Provider" ADD VALUE 'SALESFORCE';

-- Salesforce: the login host an admin chose (production, sandbox, My Domain), for the attempt and the connection.
ALTER TABLE "Integration" ADD COLUMN "oauthBaseUrl" TEXT;
ALTER TABLE "OAuthState" ADD COLUMN "oauthBaseUrl" TEXT;
