import { afterEach, describe, expect, it, vi } from "vitest";
import { decryptJson, decryptString, encryptJson, encryptString } from "@/lib/crypto";
import { CryptoError } from "@/lib/errors";

const row = { purpose: "integration.credentials", id: "row-1" } as const;
const A = Buffer.alloc(32, 11).toString("base64");
const B = Buffer.alloc(32, 12).toString("base64");
const KEY_VARS = ["ENCRYPTION_KEY", "ENCRYPTION_KEYS", "ENCRYPTION_KEY_ID"] as const;
const saved = Object.fromEntries(KEY_VARS.map((k) => [k, process.env[k]]));

/** lib/crypto (and lib/env under it) loaded afresh with these key settings, as a restarted process would. */
async function withKeys(vars: Partial<Record<(typeof KEY_VARS)[number], string>>) {
  for (const k of KEY_VARS) {
    if (vars[k] === undefined) delete process.env[k];
    else process.env[k] = vars[k];
  }
  vi.resetModules();
  return import("@/lib/crypto");
}

afterEach(() => {
  for (const k of KEY_VARS) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
  vi.resetModules();
});

describe("secrets at rest", () => {
  it("round-trips and never stores the plaintext", () => {
    const secret = "gong-access-token-123";
    const sealed = encryptString(secret, row);
    expect(sealed).not.toContain(secret);
    expect(sealed.startsWith("v2.")).toBe(true);
    expect(decryptString(sealed, row)).toBe(secret);
  });

  it("uses a fresh IV per value", () => {
    expect(encryptString("same", row)).not.toBe(encryptString("same", row));
  });

  it("rejects tampered ciphertext", () => {
    const sealed = encryptJson({ accessToken: "a", refreshToken: "b" }, row);
    const parts = sealed.split(".");
    const last = parts.length - 1;
    const tampered = [...parts.slice(0, last), parts[last]!.slice(0, -2) + (parts[last]!.endsWith("A") ? "BB" : "AA")].join(".");
    expect(() => decryptJson(tampered, row)).toThrow(CryptoError);
    expect(decryptJson<{ accessToken: string }>(sealed, row).accessToken).toBe("a");
  });
});

describe("key ids and rotation settings", () => {
  it("the envelope names the key that encrypted it: a derived id for ENCRYPTION_KEY, the configured id for ENCRYPTION_KEYS", async () => {
    const single = await withKeys({ ENCRYPTION_KEY: A });
    const sealedA = single.encryptString("s", row);
    const kidA = single.keyIdOf(A);
    expect(kidA).toMatch(/^[A-Za-z0-9_-]{4,}$/);
    expect(sealedA.split(".").slice(0, 2)).toEqual(["v2", kidA]);
    expect(single.envelopeKeyId(sealedA)).toBe(kidA);

    const ring = await withKeys({ ENCRYPTION_KEYS: `old:${A},new:${B}`, ENCRYPTION_KEY_ID: "new" });
    expect(ring.envelopeKeyId(ring.encryptString("s", row))).toBe("new");
  });

  it("after the current key changes, values sealed with the old key still open while it is configured, and only then", async () => {
    const before = await withKeys({ ENCRYPTION_KEY: A });
    const sealedOld = before.encryptString("refresh-token-1", row);

    // Rotation config: a new current key, the old ENCRYPTION_KEY kept for reading.
    const during = await withKeys({ ENCRYPTION_KEY: A, ENCRYPTION_KEYS: `k2026:${B}`, ENCRYPTION_KEY_ID: "k2026" });
    expect(during.decryptString(sealedOld, row)).toBe("refresh-token-1");
    const sealedNew = during.encryptString("refresh-token-2", row);
    expect(during.envelopeKeyId(sealedNew)).toBe("k2026");
    expect(during.isCurrentEnvelope(sealedOld)).toBe(false);
    expect(during.isCurrentEnvelope(sealedNew)).toBe(true);

    // The old key removed: the new value opens, the old one is refused with a message naming its key id.
    const after = await withKeys({ ENCRYPTION_KEYS: `k2026:${B}`, ENCRYPTION_KEY_ID: "k2026" });
    expect(after.decryptString(sealedNew, row)).toBe("refresh-token-2");
    expect(() => after.decryptString(sealedOld, row)).toThrow(new RegExp(before.keyIdOf(A)));
  });

  it("today's v1 envelopes (no key id, no binding) are still read", async () => {
    const { createCipheriv, randomBytes } = await import("node:crypto");
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", Buffer.from(A, "base64"), iv);
    const ct = Buffer.concat([cipher.update("legacy", "utf8"), cipher.final()]);
    const v1 = ["v1", iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), ct.toString("base64url")].join(".");
    const during = await withKeys({ ENCRYPTION_KEY: A, ENCRYPTION_KEYS: `k2026:${B}`, ENCRYPTION_KEY_ID: "k2026" });
    expect(during.decryptString(v1, row)).toBe("legacy");
    expect(during.isCurrentEnvelope(v1)).toBe(false);
  });

  it("refuses settings it cannot use: a current id that is not configured, a malformed key list", async () => {
    await expect(withKeys({ ENCRYPTION_KEYS: `a:${A}`, ENCRYPTION_KEY_ID: "b" })).rejects.toThrow(/ENCRYPTION_KEY_ID/);
    await expect(withKeys({ ENCRYPTION_KEYS: `a:${A},b:${B}` })).rejects.toThrow(/ENCRYPTION_KEY_ID/);
    await expect(withKeys({ ENCRYPTION_KEYS: `a:short` })).rejects.toThrow(/ENCRYPTION_KEYS/);
    await expect(withKeys({})).rejects.toThrow(/ENCRYPTION_KEY/);
  });
});

describe("row binding", () => {
  it("a ciphertext copied to another row (or another column of the same row) does not decrypt", () => {
    const sealed = encryptJson({ kind: "apiKey", apiKey: "k", apiSecret: "s" }, { purpose: "integration.credentials", id: "integration-a" });
    expect(decryptJson(sealed, { purpose: "integration.credentials", id: "integration-a" })).toEqual({ kind: "apiKey", apiKey: "k", apiSecret: "s" });
    expect(() => decryptJson(sealed, { purpose: "integration.credentials", id: "integration-b" })).toThrow(CryptoError);
    expect(() => decryptJson(sealed, { purpose: "invitation.token", id: "integration-a" })).toThrow(CryptoError);
  });
});
