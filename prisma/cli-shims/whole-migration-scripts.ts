// CLI-only shim for @prisma/adapter-pg 6.19's `executeScript`, which splits a migration on every ";" and
// sends the pieces one by one: a semicolon in a comment, a string or a function body breaks the
// migration. The whole script goes to PostgreSQL as one simple query instead (which also runs it as one
// implicit transaction). Never imported by the app runtime.
type ScriptAdapter = {
  executeScript(script: string): Promise<void>;
};
type Internals = ScriptAdapter & { client: { query(sql: string): Promise<unknown> }; onError(error: unknown): never };

export function runWholeScripts<T extends ScriptAdapter>(adapter: T): T {
  const a = adapter as unknown as Internals;
  a.executeScript = async (script: string) => {
    if (process.env.CALLSYNC_SHIM_DEBUG) console.error(`[shim] executeScript (${script.length} chars, one query)`);
    try {
      await a.client.query(script);
    } catch (error) {
      a.onError(error);
    }
  };
  return adapter;
}
