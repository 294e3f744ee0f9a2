// Prisma CLI configuration: Prisma 6.19 with the bundled WASM schema engine through @prisma/adapter-pg,
// so no engine binary is ever downloaded. The shims patch known 6.19 defects in the CLI process only.
import "./prisma/cli-shims/unref-long-timers";
import "./prisma/cli-shims/name-char-columns-as-text";
import { defineConfig } from "prisma/config";
import { createCliAdapter } from "./prisma/cli-shims/shadow-db-adapter";

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  adapter: async () => {
    // The CLI config is outside the app, so it reads the environment directly; scripts/db.ts sets
    // DATABASE_URL (real server or the embedded one) before running the CLI.
    const url = process.env.DATABASE_URL;
    if (!url) throw new Error("DATABASE_URL is not set. Use `npm run db:migrate`, which starts the embedded database when needed.");
    return createCliAdapter(url, process.env.SHADOW_DATABASE_URL || undefined);
  },
});
