-- Failed sign-in counters of rate-limiter-flexible's Prisma store (lib/auth/throttle.ts), kept in PostgreSQL so
-- every app process shares them and a restart forgets nothing.
CREATE TABLE "LoginThrottle" (
    "key" TEXT NOT NULL,
    "points" INTEGER NOT NULL DEFAULT 0,
    "expire" TIMESTAMP(3),

    CONSTRAINT "LoginThrottle_pkey" PRIMARY KEY ("key")
);

CREATE INDEX "LoginThrottle_expire_idx" ON "LoginThrottle"("expire");
