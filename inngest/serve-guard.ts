// Guards the Inngest serve route: with the bundled local runtime (INNGEST_APP_KEY set), only requests
// carrying the runtime's key reach the SDK; anyone else gets 401 and no function runs.
import "server-only";
import { createHash, timingSafeEqual } from "node:crypto";
import { env } from "@/lib/env";
import { RUNTIME_KEY_HEADER } from "./runtime-key";

const digest = (s: string) => createHash("sha256").update(s).digest();

export function runtimeKeyMatches(given: string | null, expected: string): boolean {
  return given !== null && timingSafeEqual(digest(given), digest(expected));
}

export function guardServeHandler<R extends Request, A extends unknown[]>(handler: (req: R, ...rest: A) => Promise<Response>) {
  return async (req: R, ...rest: A): Promise<Response> => {
    const key = env.INNGEST_APP_KEY;
    if (key && !runtimeKeyMatches(req.headers.get(RUNTIME_KEY_HEADER), key)) {
      return Response.json({ error: { code: "UNAUTHORIZED", message: "This endpoint only answers the app's Inngest runtime." } }, { status: 401 });
    }
    return handler(req, ...rest);
  };
}
