import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "../../scripts/lib/embedded-postgres";

describe("embedded PostgreSQL (PGlite over the wire protocol)", () => {
  let server: EmbeddedPostgres;
  let pool: pg.Pool;
  beforeAll(async () => {
    server = await startEmbeddedPostgres();
    pool = new pg.Pool({ connectionString: server.url, max: 8 });
  });
  afterAll(async () => {
    await pool.end();
    await server.stop();
  });

  it("never mixes up concurrent parameterized queries from different connections", async () => {
    const results = await Promise.all(
      // Different statement text per query: a Bind landing on another connection's Parse shows up.
      Array.from({ length: 400 }, (_, i) =>
        pool.query<{ n: number; s: string }>(i % 2 ? `SELECT $1::int + ${i} AS n, $2::text AS s` : `SELECT $2::text AS s, $1::int * ${i} AS n`, [i, `v${i}`]),
      ),
    );
    results.forEach((r, i) => expect(r.rows[0]).toEqual({ n: i % 2 ? 2 * i : i * i, s: `v${i}` }));
  });

  it("keeps transactions isolated while other connections query", async () => {
    await pool.query("CREATE TABLE IF NOT EXISTS t (id int primary key, v text)");
    const tx = await pool.connect();
    await tx.query("BEGIN");
    await tx.query("INSERT INTO t VALUES ($1, $2)", [1, "inside"]);
    // PGlite runs one transaction at a time: the outside query waits for the rollback, then sees nothing.
    const outside = pool.query("SELECT count(*)::int AS n FROM t WHERE id = $1", [1]);
    const inside = await tx.query("SELECT count(*)::int AS n FROM t WHERE id = $1", [1]);
    await tx.query("ROLLBACK");
    tx.release();
    expect(inside.rows[0].n).toBe(1);
    expect((await outside).rows[0].n).toBe(0);
  });
});
