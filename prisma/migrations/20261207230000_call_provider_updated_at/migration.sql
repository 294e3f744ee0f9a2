-- The provider's last-modified time of a call as last listed (Salesloft updated_at, Clari last_modified_time;
-- null where the listing has none): a poll whose overlap lists a call stored at that very version spends no
-- further request on it (issue 18 target 7: Salesloft read every re-listed conversation's /extensive again).
ALTER TABLE "Call" ADD COLUMN "providerUpdatedAt" TIMESTAMP(3);
