// Guards the Inngest serve route (/api/inngest): only the job server may call it, and each of its requests
// only once.
// - Bundled local runtime (INNGEST_APP_KEY set): the request must carry the runtime's signature over
//   method, path, timestamp and body (inngest/runtime-signature.ts).
// - Inngest Cloud / self-hosted (INNGEST_SIGNING_KEY): the SDK checks X-Inngest-Signature itself; this guard
//   checks it too so it can refuse a replay. Unsigned GET (the SDK's minimal introspection) and unsigned PUT
//   (`curl -X PUT` after a deploy: the SDK registers itself with the configured server) reach the SDK as
//   Inngest documents them; an unsigned POST (a function invocation) never does.
// - Neither: refused in production (lib/env.ts already refuses to start so); elsewhere the SDK's dev mode.
// A signature is accepted once: it is stored (PostgreSQL, so every app process sees it) until its
// timestamp leaves the window, and a second request with it is a 401.
import "server-only";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { SIGNATURE_HEADER, verifyInngestSignature, verifyRequest, type Verdict } from "./runtime-signature";

const refuse = (message: string, status = 401) => Response.json({ error: { code: "UNAUTHORIZED", message } }, { status });
const NOT_THE_RUNTIME = "This endpoint only answers the app's Inngest runtime.";

/** Remembers a signature until it expires; false when it was seen before (a replay). */
export async function firstUse(signature: string, expiresAt: number): Promise<boolean> {
  const now = new Date();
  await db.inngestRequestSignature.deleteMany({ where: { expiresAt: { lt: now } } });
  const inserted = await db.inngestRequestSignature.createMany({ data: [{ signature, expiresAt: new Date(expiresAt) }], skipDuplicates: true });
  return inserted.count === 1;
}

async function verdictFor(req: Request): Promise<Verdict | "pass"> {
  const body = req.method === "GET" || req.method === "HEAD" ? "" : await req.clone().text();
  if (env.INNGEST_APP_KEY) return verifyRequest(env.INNGEST_APP_KEY, req.headers.get(SIGNATURE_HEADER), { method: req.method, url: req.url, body });
  if (env.INNGEST_SIGNING_KEY) {
    const header = req.headers.get("x-inngest-signature");
    if (!header && (req.method === "GET" || req.method === "PUT")) return "pass";
    const keys = [env.INNGEST_SIGNING_KEY, env.INNGEST_SIGNING_KEY_FALLBACK].filter((k): k is string => Boolean(k));
    return verifyInngestSignature(keys, header, body);
  }
  return env.NODE_ENV === "production" ? { ok: false, reason: "no job server is configured" } : "pass";
}

export function guardServeHandler<R extends Request, A extends unknown[]>(handler: (req: R, ...rest: A) => Promise<Response>) {
  return async (req: R, ...rest: A): Promise<Response> => {
    const verdict = await verdictFor(req);
    if (verdict !== "pass") {
      if (!verdict.ok) return refuse(NOT_THE_RUNTIME);
      if (!(await firstUse(verdict.signature, verdict.expiresAt))) return refuse(`${NOT_THE_RUNTIME} This signed request was already used.`);
    }
    return handler(req, ...rest);
  };
}
