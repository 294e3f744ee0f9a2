// The one Prisma client of the app (a singleton that survives Next dev hot reloads).
import "server-only";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { env } from "@/lib/env";

function create(): PrismaClient {
  // JIT compilation costs ~20 ms on ordinary list queries and never pays off for these short OLTP
  // reads (measured in docs/benchmarks/pages.md); the embedded server ignores the option.
  const adapter = new PrismaPg({ connectionString: env.DATABASE_URL, max: 10, options: "-c jit=off" });
  return new PrismaClient({ adapter, log: env.LOG_LEVEL === "debug" ? ["query", "warn", "error"] : ["warn", "error"] });
}

const globalForPrisma = globalThis as unknown as { __callsyncPrisma?: PrismaClient };

export const db: PrismaClient = globalForPrisma.__callsyncPrisma ?? create();
if (env.NODE_ENV !== "production") globalForPrisma.__callsyncPrisma = db;

export type { PrismaClient };
export { Prisma } from "@/lib/generated/prisma/client";
export * from "@/lib/generated/prisma/enums";

/**
 * Whether `error` carries PostgreSQL SQLSTATE `code` (e.g. 40P01 deadlock_detected, 57014 query_canceled),
 * wherever the client put it: on the error, its cause, its meta or the driver adapter's error.
 */
export function hasSqlState(error: unknown, code: string): boolean {
  const seen = new Set<unknown>();
  const stack: unknown[] = [error];
  while (stack.length > 0) {
    const e = stack.pop();
    if (!e || typeof e !== "object" || seen.has(e)) continue;
    seen.add(e);
    const o = e as Record<string, unknown>;
    if (o.code === code || o.originalCode === code) return true;
    stack.push(o.cause, o.meta, o.driverAdapterError);
  }
  return false;
}
