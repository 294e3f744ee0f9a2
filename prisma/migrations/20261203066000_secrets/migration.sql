-- Google sign-in tokens are not stored (nothing calls Google APIs): the columns, and any values they held, go.
ALTER TABLE "Account" DROP COLUMN "access_token",
DROP COLUMN "refresh_token",
DROP COLUMN "id_token";
