-- OAuth attempts are bound to the browser that started them (issue 15, item 3): the hash of the nonce
-- kept in that browser's cookie. Attempts started before this migration have none and are refused at the
-- callback (they expire within 10 minutes anyway).
ALTER TABLE "OAuthState" ADD COLUMN "nonceHash" TEXT;
