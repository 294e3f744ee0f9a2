// The serve route (/api/inngest) only answers the job server, and each of its requests only once:
// - with the bundled runtime (INNGEST_APP_KEY): the runtime's signature over method, path, timestamp and
//   body; the old static key header is worth nothing;
// - with Inngest Cloud / self-hosted (INNGEST_SIGNING_KEY): the SDK's X-Inngest-Signature;
// and a captured request replayed within the signature window is a 401 (the signatures it accepted are
// kept in PostgreSQL, so another app process refuses the replay too).
import { createHmac } from "node:crypto";
import { afterAll, describe, expect, it, vi } from "vitest";
import { signRequest, SIGNATURE_HEADER } from "@/inngest/runtime-signature";

const KEY = "runtime-key-runtime-key-runtime-key-0001";
const saved = { ...process.env };
afterAll(() => {
  process.env = saved;
});

async function guardWith(envVars: Record<string, string | undefined>) {
  vi.resetModules();
  process.env = { ...saved, INNGEST_APP_KEY: undefined, INNGEST_SIGNING_KEY: undefined, INNGEST_DEV: undefined, ...envVars };
  for (const [k, v] of Object.entries(process.env)) if (v === undefined) delete process.env[k];
  const { guardServeHandler } = await import("@/inngest/serve-guard");
  const calls: string[] = [];
  const guarded = guardServeHandler(async (req: Request) => {
    calls.push(await req.text());
    return new Response("ran");
  });
  return { guarded, calls };
}

const url = "http://localhost:3000/api/inngest?fnId=callsync-integration-purge&stepId=step";
const body = JSON.stringify({ event: { name: "integration/purge.requested", data: { integrationId: "x" } } });

describe("serve route guard, bundled runtime", () => {
  it("refuses unsigned requests, the old static key, another key and a changed body, before any function runs", async () => {
    const { guarded, calls } = await guardWith({ INNGEST_APP_KEY: KEY, INNGEST_DEV: "1" });
    const post = (headers: Record<string, string>, sent = body) => guarded(new Request(url, { method: "POST", body: sent, headers }));
    const refused = [
      await post({}),
      await post({ "x-callsync-runtime-key": KEY }),
      await post({ [SIGNATURE_HEADER]: signRequest(`${KEY}x`, { method: "POST", url, body }) }),
      await post({ [SIGNATURE_HEADER]: signRequest(KEY, { method: "POST", url, body }) }, body.replace('"x"', '"y"')),
      await post({ [SIGNATURE_HEADER]: signRequest(KEY, { method: "POST", url: url.replace("purge", "backfill"), body }) }),
      await post({ [SIGNATURE_HEADER]: signRequest(KEY, { method: "POST", url, body }, Date.now() - 6 * 60_000) }),
    ];
    expect(refused.map((r) => r.status)).toEqual([401, 401, 401, 401, 401, 401]);
    expect((await refused[0]!.json()).error.message).toMatch(/only answers the app's Inngest runtime/);
    expect(calls).toEqual([]);
  });

  it("passes a signed request through once, body intact; the same request again is a 401", async () => {
    const { guarded, calls } = await guardWith({ INNGEST_APP_KEY: KEY, INNGEST_DEV: "1" });
    const headers = { [SIGNATURE_HEADER]: signRequest(KEY, { method: "POST", url, body }) };
    const first = await guarded(new Request(url, { method: "POST", body, headers }));
    expect([first.status, await first.text(), calls]).toEqual([200, "ran", [body]]);
    const replay = await guarded(new Request(url, { method: "POST", body, headers }));
    expect(replay.status).toBe(401);
    expect((await replay.json()).error.message).toMatch(/already used/);
    expect(calls).toHaveLength(1);

    // A fresh module instance (as another app process loads it) refuses it as well: the store is the database.
    const other = await guardWith({ INNGEST_APP_KEY: KEY, INNGEST_DEV: "1" });
    expect((await other.guarded(new Request(url, { method: "POST", body, headers }))).status).toBe(401);
    const { db } = await import("@/lib/db");
    const stored = await db.inngestRequestSignature.findMany({ where: { signature: new URLSearchParams(headers[SIGNATURE_HEADER]).get("s")! } });
    expect(stored).toHaveLength(1);
    expect(stored[0]!.expiresAt.getTime()).toBeGreaterThan(Date.now());
  });
});

describe("serve route guard, Inngest Cloud / self-hosted", () => {
  const SIGNING_KEY = `signkey-prod-${"ab".repeat(32)}`;
  const inngestSign = (sent: string, at = Date.now(), key = SIGNING_KEY) => {
    const t = String(Math.floor(at / 1000));
    return `t=${t}&s=${createHmac("sha256", key.replace(/^signkey-\w+-/, ""))
      .update(sent + t)
      .digest("hex")}`;
  };

  it("accepts Inngest's signature once and refuses a replay, an unsigned invocation and another key", async () => {
    const { guarded, calls } = await guardWith({ INNGEST_SIGNING_KEY: SIGNING_KEY, INNGEST_EVENT_KEY: "event-key" });
    const headers = { "x-inngest-signature": inngestSign(body) };
    const first = await guarded(new Request(url, { method: "POST", body, headers }));
    expect(first.status).toBe(200);
    const replay = await guarded(new Request(url, { method: "POST", body, headers }));
    const unsigned = await guarded(new Request(url, { method: "POST", body }));
    const otherKey = await guarded(
      new Request(url, { method: "POST", body, headers: { "x-inngest-signature": inngestSign(body, Date.now(), `signkey-prod-${"cd".repeat(32)}`) } }),
    );
    const expired = await guarded(new Request(url, { method: "POST", body, headers: { "x-inngest-signature": inngestSign(body, Date.now() - 6 * 60_000) } }));
    expect([replay.status, unsigned.status, otherKey.status, expired.status]).toEqual([401, 401, 401, 401]);
    expect(calls).toHaveLength(1);
  });

  it("in production without INNGEST_APP_KEY or INNGEST_SIGNING_KEY, the route does not even load", async () => {
    vi.resetModules();
    process.env = { ...saved, NODE_ENV: "production", INNGEST_SIGNING_KEY: "", INNGEST_APP_KEY: "", INNGEST_DEV: "" };
    // lib/env refuses to load such an environment at all.
    await expect(import("@/inngest/serve-guard")).rejects.toThrow(/INNGEST_SIGNING_KEY/);
  });
});
