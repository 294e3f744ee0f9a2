// `npm run secrets:rotate`: every stored secret re-encrypted with the current key, in batches, idempotent;
// afterwards the old key can be removed and everything still opens.
import { createCipheriv, randomBytes } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createScratchDatabase, type ScratchDatabase } from "../../scripts/lib/database";

// A database of its own: rotation walks every row, and other files write secrets with the suite's key meanwhile.
let scratch: ScratchDatabase;
const runDatabase = process.env.DATABASE_URL;
beforeAll(async () => {
  scratch = await createScratchDatabase("callsync_rotate");
  process.env.DATABASE_URL = scratch.url;
}, 60_000);
afterAll(async () => {
  process.env.DATABASE_URL = runDatabase;
  await scratch?.drop();
});

const uid = () => randomBytes(4).toString("hex");
async function createWorkspace(name: string) {
  const { db } = await import("@/lib/db");
  const workspace = await db.workspace.create({ data: { name, slug: `${name.toLowerCase()}-${uid()}` } });
  const admin = await db.user.create({ data: { email: `admin-${uid()}@test.local`, name: "Admin" } });
  await db.membership.create({ data: { userId: admin.id, workspaceId: workspace.id, role: "ADMIN" } });
  return { workspace, admin };
}

const OLD = Buffer.alloc(32, 21).toString("base64");
const NEW = Buffer.alloc(32, 22).toString("base64");
const KEY_VARS = ["ENCRYPTION_KEY", "ENCRYPTION_KEYS", "ENCRYPTION_KEY_ID"] as const;
const saved = Object.fromEntries(KEY_VARS.map((k) => [k, process.env[k]]));

async function withKeys(vars: Partial<Record<(typeof KEY_VARS)[number], string>>) {
  for (const k of KEY_VARS) {
    if (vars[k] === undefined) delete process.env[k];
    else process.env[k] = vars[k];
  }
  vi.resetModules();
  return {
    crypto: await import("@/lib/crypto"),
    secrets: await import("@/lib/secrets"),
    db: (await import("@/lib/db")).db,
  };
}

afterEach(() => {
  for (const k of KEY_VARS) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
  vi.resetModules();
});

function legacyV1(plaintext: string, keyB64: string) {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", Buffer.from(keyB64, "base64"), iv);
  const ct = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return ["v1", iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), ct.toString("base64url")].join(".");
}

describe("secrets:rotate", () => {
  it("re-encrypts every secret of every kind with the current key, batch by batch; a second run changes nothing; the old key is then removable", async () => {
    // Written by today's code (v1, no key id) and by the old key under the new format.
    let { secrets, db } = await withKeys({ ENCRYPTION_KEY: OLD });
    const { workspace, admin } = await createWorkspace("Rotate");
    const creds = { kind: "apiKey", apiKey: `key-${uid()}`, apiSecret: `secret-${uid()}` };
    const clari = await db.integration.create({ data: { workspaceId: workspace.id, provider: "CLARI", status: "CONNECTED" } });
    await db.integration.update({ where: { id: clari.id }, data: { credentialsEnc: legacyV1(JSON.stringify(creds), OLD) } });
    const gong = await db.integration.create({ data: { workspaceId: workspace.id, provider: "GONG", status: "CONNECTED" } });
    const gongCreds = { kind: "oauth", accessToken: `at-${uid()}`, refreshToken: `rt-${uid()}` };
    await db.integration.update({
      where: { id: gong.id },
      data: { credentialsEnc: secrets.sealSecret("integration.credentials", gong.id, JSON.stringify(gongCreds)) },
    });
    const state = randomBytes(16).toString("base64url");
    await db.oAuthState.create({
      data: {
        state,
        integrationId: gong.id,
        userId: admin.id,
        codeVerifier: secrets.sealSecret("oauthState.codeVerifier", state, "verifier-123"),
        expiresAt: new Date(Date.now() + 600_000),
      },
    });
    const invitations = [];
    for (let i = 0; i < 5; i++) {
      const inv = await db.invitation.create({
        data: {
          workspaceId: workspace.id,
          email: `rot-${i}-${uid()}@test.local`,
          role: "MEMBER",
          tokenHash: `h-${uid()}-${i}`,
          invitedById: admin.id,
          expiresAt: new Date(Date.now() + 86_400_000),
        },
      });
      await db.invitation.update({ where: { id: inv.id }, data: { tokenCiphertext: secrets.sealSecret("invitation.token", inv.id, `token-${i}`) } });
      invitations.push(inv.id);
    }
    const ours = { integrations: [clari.id, gong.id], states: [state], invitations };

    // Rotation config: new current key, old key kept for reading.
    const during = await withKeys({ ENCRYPTION_KEY: OLD, ENCRYPTION_KEYS: `k2:${NEW}`, ENCRYPTION_KEY_ID: "k2" });
    ({ secrets, db } = during);
    const crypto = during.crypto;
    const staleBefore = await secrets.countStaleSecrets();
    expect(staleBefore.total).toBe(8);
    const batches: number[] = [];
    const report = await secrets.rotateSecrets({ batchSize: 2, onBatch: (b) => batches.push(b.size) });
    expect(report.unreadable).toEqual([]);
    expect(report.reencrypted).toBe(staleBefore.total);
    expect(Math.max(...batches)).toBeLessThanOrEqual(2);
    expect((await secrets.countStaleSecrets()).total).toBe(0);

    // Every one of our rows now carries the new key's id.
    const rows = [
      ...(await db.integration.findMany({ where: { id: { in: ours.integrations } }, select: { credentialsEnc: true } })).map((r) => r.credentialsEnc!),
      ...(await db.oAuthState.findMany({ where: { state: { in: ours.states } }, select: { codeVerifier: true } })).map((r) => r.codeVerifier!),
      ...(await db.invitation.findMany({ where: { id: { in: ours.invitations } }, select: { tokenCiphertext: true } })).map((r) => r.tokenCiphertext!),
    ];
    expect(rows).toHaveLength(8);
    for (const env of rows) expect(crypto.envelopeKeyId(env)).toBe("k2");

    // Idempotent: a second run re-encrypts nothing.
    const again = await secrets.rotateSecrets({ batchSize: 2 });
    expect(again.reencrypted).toBe(0);
    expect(again.current).toBe(8);

    // The old key removed: every secret still opens, bound to its row.
    ({ secrets, db } = await withKeys({ ENCRYPTION_KEYS: `k2:${NEW}`, ENCRYPTION_KEY_ID: "k2" }));
    expect(crypto.currentKeyId()).toBe("k2");
    const c = await db.integration.findUniqueOrThrow({ where: { id: clari.id } });
    expect(JSON.parse(secrets.openSecret("integration.credentials", clari.id, c.credentialsEnc!))).toEqual(creds);
    const g = await db.integration.findUniqueOrThrow({ where: { id: gong.id } });
    expect(JSON.parse(secrets.openSecret("integration.credentials", gong.id, g.credentialsEnc!))).toEqual(gongCreds);
    const s = await db.oAuthState.findUniqueOrThrow({ where: { state } });
    expect(secrets.openSecret("oauthState.codeVerifier", state, s.codeVerifier!)).toBe("verifier-123");
    for (const [i, invId] of invitations.entries()) {
      const inv = await db.invitation.findUniqueOrThrow({ where: { id: invId } });
      expect(secrets.openSecret("invitation.token", invId, inv.tokenCiphertext!)).toBe(`token-${i}`);
    }
  });

  it("reports a secret it cannot read (and leaves it as it is) instead of stopping", async () => {
    const { secrets, db } = await withKeys({ ENCRYPTION_KEYS: `k2:${NEW}`, ENCRYPTION_KEY_ID: "k2" });
    const { workspace } = await createWorkspace("RotateBad");
    const row = await db.integration.create({ data: { workspaceId: workspace.id, provider: "CLARI", status: "CONNECTED" } });
    const foreign = legacyV1("{}", Buffer.alloc(32, 99).toString("base64"));
    await db.integration.update({ where: { id: row.id }, data: { credentialsEnc: foreign } });
    const report = await secrets.rotateSecrets({ batchSize: 50 });
    expect(report.unreadable).toContainEqual({ field: "integration.credentials", id: row.id });
    expect((await db.integration.findUniqueOrThrow({ where: { id: row.id } })).credentialsEnc).toBe(foreign);
    await db.integration.delete({ where: { id: row.id } });
  });
});
