import { describe, expect, it } from "vitest";
import { decryptJson, decryptString, encryptJson, encryptString } from "@/lib/crypto";
import { CryptoError } from "@/lib/errors";

describe("secrets at rest", () => {
  it("round-trips and never stores the plaintext", () => {
    const secret = "gong-access-token-123";
    const sealed = encryptString(secret);
    expect(sealed).not.toContain(secret);
    expect(sealed.startsWith("v1.")).toBe(true);
    expect(decryptString(sealed)).toBe(secret);
  });

  it("uses a fresh IV per value", () => {
    expect(encryptString("same")).not.toBe(encryptString("same"));
  });

  it("rejects tampered ciphertext", () => {
    const sealed = encryptJson({ accessToken: "a", refreshToken: "b" });
    const parts = sealed.split(".");
    const tampered = [...parts.slice(0, 3), parts[3]!.slice(0, -2) + (parts[3]!.endsWith("A") ? "BB" : "AA")].join(".");
    expect(() => decryptJson(tampered)).toThrow(CryptoError);
    expect(decryptJson<{ accessToken: string }>(sealed).accessToken).toBe("a");
  });
});
