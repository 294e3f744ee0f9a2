// Deterministic randomness and small formatting helpers for the simulators.
import { createHash, randomBytes } from "node:crypto";

/** 32-bit FNV-1a of a string key. */
export function hash32(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** mulberry32: tiny, fast, deterministic PRNG. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
export const between = (r: () => number, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));

/** Deterministic UUID (v4 layout) from a key. */
export function uuidFrom(key: string): string {
  const h = createHash("sha1").update(key).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export const randomToken = (prefix: string) => `${prefix}${randomBytes(24).toString("base64url")}`;
export const requestId = () => randomBytes(10).toString("hex").slice(0, 19);

/** ISO-8601 with an explicit offset and `digits` fractional digits, like Salesloft/Gong timestamps. */
export function isoWithOffset(ms: number, offsetMinutes: number, digits = 3): string {
  const local = new Date(ms + offsetMinutes * 60_000);
  const base = local.toISOString().slice(0, 19);
  const frac = digits > 0 ? `.${String(local.getUTCMilliseconds()).padStart(3, "0").padEnd(digits, "0")}` : "";
  const sign = offsetMinutes < 0 ? "-" : "+";
  const abs = Math.abs(offsetMinutes);
  return `${base}${frac}${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/** Sets a dot-path ("calls.0.metaData.started") to a value of the wrong type. Returns false if absent. */
export function corruptField(obj: unknown, path: string): boolean {
  const parts = path.split(".");
  let cur: unknown = obj;
  for (let i = 0; i < parts.length - 1; i++) {
    if (cur === null || typeof cur !== "object") return false;
    cur = (cur as Record<string, unknown>)[parts[i]!];
  }
  if (cur === null || typeof cur !== "object") return false;
  const last = parts[parts.length - 1]!;
  const rec = cur as Record<string, unknown>;
  if (!(last in rec)) return false;
  const v = rec[last];
  rec[last] = typeof v === "string" ? 12345 : typeof v === "number" ? "not-a-number" : typeof v === "boolean" ? "yes" : 42;
  return true;
}

/**
 * Corrupts `field` (a dot-path inside the record) of every call record in `json` whose id is `callId`
 * (`id`, or Gong's `metaData.id`), wherever it sits in the response; the rest stays valid.
 */
export function corruptRecord(json: unknown, callId: string, field: string): number {
  let hit = 0;
  const visit = (node: unknown, depth: number): void => {
    if (node === null || typeof node !== "object" || depth > 6) return;
    if (Array.isArray(node)) {
      for (const n of node) visit(n, depth + 1);
      return;
    }
    const rec = node as Record<string, unknown>;
    const meta = rec.metaData as Record<string, unknown> | undefined;
    if (rec.id === callId || (meta && typeof meta === "object" && meta.id === callId)) {
      if (corruptField(rec, field)) hit++;
      return;
    }
    for (const v of Object.values(rec)) visit(v, depth + 1);
  };
  visit(json, 0);
  return hit;
}
