// The environment the app processes get from `npm run dev` / `npm start` / e2e: database, secrets,
// URLs. Secrets not given in the environment are generated once and kept in .data/secrets.json so
// sessions and encrypted credentials survive restarts.
import fs from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { root } from "./database";

export const dataDir = path.join(root, ".data");

export function localSecrets(): { NEXTAUTH_SECRET: string; ENCRYPTION_KEY: string } {
  const file = path.join(dataDir, "secrets.json");
  fs.mkdirSync(dataDir, { recursive: true });
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, "utf8"));
  const secrets = { NEXTAUTH_SECRET: randomBytes(32).toString("base64url"), ENCRYPTION_KEY: randomBytes(32).toString("base64") };
  fs.writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
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
    ENCRYPTION_KEY: process.env.ENCRYPTION_KEY ?? secrets.ENCRYPTION_KEY,
    PORT: String(opts.port),
    ...opts.extra,
  };
}
