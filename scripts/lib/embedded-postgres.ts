// Embedded PostgreSQL for machines without a server: PGlite (PostgreSQL 17 in WASM) served over the
// Postgres wire protocol, so the app, the Prisma CLI and tests connect to it like any other server.
// Versions are pinned (pglite 0.4.3 + pglite-socket 0.1.3): newer pglite crashes Prisma 6.19's engine.
import net from "node:net";
import fs from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { btree_gin } from "@electric-sql/pglite/contrib/btree_gin";
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
  // btree_gin: the search indexes lead with the workspace (migration 20261203064000_search_workspace_bound).
  const extensions = { btree_gin };
  const db = opts.dataDir ? await PGlite.create(opts.dataDir, { extensions }) : await PGlite.create({ extensions });
  const port = await freePort(opts.port ?? 0);
  const server = new PGLiteSocketServer({ db, port, host: "127.0.0.1", maxConnections: 32 });
  makeExtendedQueriesAtomic(server, db);
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

type QueuedMessage = {
  handlerId: number;
  message: Uint8Array;
  resolve: (bytes: number) => void;
  reject: (error: unknown) => void;
  onData: (data: Uint8Array) => void;
};
type QueryQueue = {
  queue: QueuedMessage[];
  processing: boolean;
  lastHandlerId: number | null;
  processQueue: () => Promise<void>;
  clearQueueForHandler: (handlerId: number) => void;
};

// Extended-protocol messages that continue a sequence ended by Sync ('S'): Parse, Bind, Describe,
// Execute, Close, Flush.
const CONTINUES_SEQUENCE = new Set([0x50, 0x42, 0x44, 0x45, 0x43, 0x48]);

/**
 * Defect workaround (pglite-socket 0.1.3): its queue hands PGlite one wire message at a time from
 * whichever connection is next, keeping a connection exclusive only inside a transaction. A
 * parameterized query outside a transaction is several messages (Parse/Bind/Execute/Sync), so two
 * connections' statements could interleave and bind each other's parameters. This replaces the
 * queue's scheduler with one that also keeps a connection exclusive from its first extended-protocol
 * message until its Sync.
 */
function makeExtendedQueriesAtomic(server: PGLiteSocketServer, db: PGlite) {
  const queue = (server as unknown as { queryQueue: QueryQueue }).queryQueue;
  let sticky: number | null = null;
  const originalClear = queue.clearQueueForHandler.bind(queue);
  queue.clearQueueForHandler = (handlerId: number) => {
    if (sticky === handlerId) sticky = null;
    originalClear(handlerId);
  };
  queue.processQueue = async function processQueue(this: QueryQueue) {
    if (this.processing || this.queue.length === 0) return;
    this.processing = true;
    try {
      while (this.queue.length > 0) {
        const owner = sticky ?? (db.isInTransaction() ? this.lastHandlerId : null);
        const index = owner === null ? 0 : this.queue.findIndex((m) => m.handlerId === owner);
        if (index === -1) break; // wait for the owning connection's next message
        const item = this.queue.splice(index, 1)[0]!;
        let bytes = 0;
        try {
          await db.runExclusive(() =>
            db.execProtocolRawStream(item.message, {
              onRawData: (data: Uint8Array) => {
                bytes += data.length;
                item.onData(data);
              },
            }),
          );
        } catch (error) {
          item.reject(error);
          continue;
        }
        const type = item.message[0] ?? 0;
        sticky = CONTINUES_SEQUENCE.has(type) ? item.handlerId : null;
        this.lastHandlerId = item.handlerId;
        item.resolve(bytes);
      }
    } finally {
      this.processing = false;
    }
  };
}
