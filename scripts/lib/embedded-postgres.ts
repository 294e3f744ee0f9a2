// Embedded PostgreSQL for machines without a server: PGlite (PostgreSQL 17 in WASM) served over the
// Postgres wire protocol, so the app, the Prisma CLI and tests connect to it like any other server.
// Versions are pinned (pglite 0.4.3 + pglite-socket 0.1.3): newer pglite crashes Prisma 6.19's engine.
import net from "node:net";
import fs from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";

export type EmbeddedPostgres = { url: string; port: number; stop: () => Promise<void> };

export async function freePort(preferred = 0): Promise<number> {
  const tryPort = (port: number) =>
    new Promise<number>((resolve, reject) => {
      const srv = net.createServer();
      srv.unref();
      srv.once("error", reject);
      srv.listen(port, "127.0.0.1", () => {
        const addr = srv.address();
        const got = typeof addr === "object" && addr ? addr.port : port;
        srv.close(() => resolve(got));
      });
    });
  if (preferred) {
    try {
      return await tryPort(preferred);
    } catch {
      // taken: fall through to a random port
    }
  }
  return tryPort(0);
}

/**
 * Starts PGlite on 127.0.0.1. `dataDir` persists the database (e.g. `.data/pglite`); omit it for an
 * in-memory database that disappears on stop (tests).
 */
export async function startEmbeddedPostgres(opts: { dataDir?: string; port?: number } = {}): Promise<EmbeddedPostgres> {
  if (opts.dataDir) fs.mkdirSync(opts.dataDir, { recursive: true });
  const db = opts.dataDir ? await PGlite.create(opts.dataDir) : await PGlite.create();
  const port = await freePort(opts.port ?? 0);
  const server = new PGLiteSocketServer({ db, port, host: "127.0.0.1", maxConnections: 32 });
  await server.start();
  // PGlite serves one database whatever name the client asks for; "postgres" keeps URLs conventional.
  const url = `postgresql://postgres@127.0.0.1:${port}/postgres?sslmode=disable`;
  return {
    url,
    port,
    stop: async () => {
      await server.stop().catch(() => undefined);
      await db.close().catch(() => undefined);
    },
  };
}
