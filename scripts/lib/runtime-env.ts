// The environment the app processes get from `npm run dev` / `npm start` / e2e: database, secrets,
// URLs. Secrets not given in the environment are generated once and kept in .data/secrets.json so
// sessions and encrypted credentials survive restarts.
import fs from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { root } from "./database";

export const dataDir = path.join(root, ".data");

type LocalSecrets = { NEXTAUTH_SECRET: string; ENCRYPTION_KEY: string; INNGEST_APP_KEY: string };

export function localSecrets(): LocalSecrets {
  const file = path.join(dataDir, "secrets.json");
  fs.mkdirSync(dataDir, { recursive: true });
  const existing: Partial<LocalSecrets> = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, "utf8")) : {};
  const secrets: LocalSecrets = {
    NEXTAUTH_SECRET: existing.NEXTAUTH_SECRET ?? randomBytes(32).toString("base64url"),
    ENCRYPTION_KEY: existing.ENCRYPTION_KEY ?? randomBytes(32).toString("base64"),
    // Shared by the bundled Inngest runtime and the app: signs requests both ways (inngest/runtime-signature.ts).
    INNGEST_APP_KEY: existing.INNGEST_APP_KEY ?? randomBytes(32).toString("base64url"),
  };
  if (Object.keys(existing).length !== Object.keys(secrets).length) fs.writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}

export function appEnv(opts: { databaseUrl: string; port: number; extra?: Record<string, string> }): NodeJS.ProcessEnv {
  const secrets = localSecrets();
  const appUrl = process.env.APP_URL ?? `http://localhost:${opts.port}`;
  return {
    ...process.env,
    NEXT_TELEMETRY_DISABLED: "1",
    DATABASE_URL: opts.databaseUrl,
    APP_URL: appUrl,
    NEXTAUTH_URL: process.env.NEXTAUTH_URL ?? appUrl,
    NEXTAUTH_SECRET: process.env.NEXTAUTH_SECRET ?? secrets.NEXTAUTH_SECRET,
    // With ENCRYPTION_KEYS (a rotation, lib/env.ts) the operator names every key; no local one is added.
    ...(process.env.ENCRYPTION_KEYS ? {} : { ENCRYPTION_KEY: process.env.ENCRYPTION_KEY ?? secrets.ENCRYPTION_KEY }),
    PORT: String(opts.port),
    ...opts.extra,
  };
}
