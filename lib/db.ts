// The one Prisma client of the app (a singleton that survives Next dev hot reloads).
import "server-only";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { env } from "@/lib/env";

function create(): PrismaClient {
  const adapter = new PrismaPg({ connectionString: env.DATABASE_URL, max: 10 });
  return new PrismaClient({ adapter, log: env.LOG_LEVEL === "debug" ? ["query", "warn", "error"] : ["warn", "error"] });
}

const globalForPrisma = globalThis as unknown as { __callsyncPrisma?: PrismaClient };

export const db: PrismaClient = globalForPrisma.__callsyncPrisma ?? create();
if (env.NODE_ENV !== "production") globalForPrisma.__callsyncPrisma = db;

export type { PrismaClient };
export { Prisma } from "@/lib/generated/prisma/client";
export * from "@/lib/generated/prisma/enums";
