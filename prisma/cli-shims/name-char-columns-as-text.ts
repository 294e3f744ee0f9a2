// CLI-only shim for prisma/orm#27403: @prisma/adapter-pg 6.19 cannot map the Postgres `name` (oid 19)
// and `"char"` (oid 18) column types, which the schema engine's introspection queries return, and fails
// with UnsupportedNativeDataType. In the CLI process only, report those columns as `text` (oid 25); their
// values already arrive as strings. Never imported by the app runtime.
import pg from "pg";

const NAME_OID = 19;
const CHAR_OID = 18;
const TEXT_OID = 25;

type QueryResultLike = { fields?: Array<{ dataTypeID: number }> };

function retypeFields(result: unknown): unknown {
  const fields = (result as QueryResultLike | undefined)?.fields;
  if (Array.isArray(fields)) {
    for (const field of fields) {
      if (field.dataTypeID === NAME_OID || field.dataTypeID === CHAR_OID) field.dataTypeID = TEXT_OID;
    }
  }
  return result;
}

const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown; __callsyncPatched?: boolean };
if (!proto.__callsyncPatched) {
  const originalQuery = proto.query;
  proto.query = function patchedQuery(this: unknown, ...args: unknown[]) {
    // pg.Pool#query calls Client#query with a trailing callback; direct callers get a promise.
    const last = args[args.length - 1];
    if (typeof last === "function") {
      const callback = last as (err: unknown, result: unknown) => void;
      args[args.length - 1] = (err: unknown, result: unknown) => callback(err, err ? result : retypeFields(result));
    }
    const out = originalQuery.apply(this, args);
    if (out && typeof (out as Promise<unknown>).then === "function") {
      return (out as Promise<unknown>).then(retypeFields);
    }
    return out;
  };
  proto.__callsyncPatched = true;
}

export {};
