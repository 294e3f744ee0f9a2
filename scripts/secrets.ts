// npm run secrets:rotate — re-encrypts every stored secret (lib/secrets.ts) with the current key, in
// batches; idempotent (a second run re-encrypts nothing). Against DATABASE_URL, or the embedded database
// in .data/; keys from the environment (ENCRYPTION_KEY / ENCRYPTION_KEYS / ENCRYPTION_KEY_ID), else the
// local .data/secrets.json.
//
// Rotating a key: add the new one and make it current, keeping the old one readable, e.g.
//   ENCRYPTION_KEY=<old> ENCRYPTION_KEYS=k2027:<new> ENCRYPTION_KEY_ID=k2027   (app and this command)
// restart the app (new values use k2027), run this command until it reports 0 left on older keys, then
// remove the old key from the settings. Exit code 1 when a secret could not be decrypted (reported by id;
// the app shows that integration as "Credentials unreadable: reconnect").
import path from "node:path";
import { startEmbeddedPostgres } from "./lib/embedded-postgres";
import { dataDir, localSecrets } from "./lib/runtime-env";

const [command, ...rest] = process.argv.slice(2);
const batchArg = rest.indexOf("--batch-size");
const batchSize = batchArg >= 0 ? Number(rest[batchArg + 1]) : 200;

async function main() {
  if (command !== "rotate" || !Number.isInteger(batchSize) || batchSize < 1) {
    console.error("usage: tsx scripts/secrets.ts rotate [--batch-size N]");
    process.exitCode = 2;
    return;
  }
  const embedded = process.env.DATABASE_URL ? null : await startEmbeddedPostgres({ dataDir: path.join(dataDir, "pglite") });
  process.env.DATABASE_URL ??= embedded!.url;
  if (!process.env.ENCRYPTION_KEY && !process.env.ENCRYPTION_KEYS) process.env.ENCRYPTION_KEY = localSecrets().ENCRYPTION_KEY;
  // Only the keys and the database matter to this command.
  process.env.NEXTAUTH_SECRET ??= localSecrets().NEXTAUTH_SECRET;
  try {
    const { countStaleSecrets, rotateSecrets } = await import("../lib/secrets");
    const { db } = await import("../lib/db");
    const before = await countStaleSecrets();
    console.log(`Current key: ${(await import("../lib/crypto")).currentKeyId()}. Secrets on older keys or the old format: ${before.total}.`);
    const report = await rotateSecrets({
      batchSize,
      onBatch: (b) => console.log(`  ${b.field}: batch of ${b.size}, ${b.reencrypted} re-encrypted`),
    });
    for (const [field, r] of Object.entries(report.byField)) {
      console.log(
        `${field}: ${r.total} stored, ${r.reencrypted} re-encrypted, ${r.changedMeanwhile} rewritten by the app meanwhile, ${r.unreadable} unreadable, ${r.current} on the current key`,
      );
    }
    const after = await countStaleSecrets();
    console.log(`Done: ${report.reencrypted} re-encrypted; ${report.current} on key ${report.keyId}; ${after.total} left on older keys.`);
    if (report.unreadable.length) {
      console.error(`${report.unreadable.length} secret(s) could not be decrypted with any configured key (left as they are):`);
      for (const u of report.unreadable) console.error(`  ${u.field} ${u.id}`);
      process.exitCode = 1;
    } else if (after.total === 0) {
      console.log("Every secret is on the current key: older keys can be removed from the settings.");
    }
    await db.$disconnect();
  } finally {
    await embedded?.stop();
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
