// One database per test run: a new database on DATABASE_URL's server, or a new in-memory embedded
// PostgreSQL when DATABASE_URL is not set. Migrated before any test, dropped after the last.
import type { TestProject } from "vitest/node";
import { createScratchDatabase } from "../../scripts/lib/database";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
    databaseEmbedded: boolean;
  }
}

export default async function setup(project: TestProject) {
  const started = Date.now();
  const scratch = await createScratchDatabase("callsync_test");
  project.provide("databaseUrl", scratch.url);
  project.provide("databaseEmbedded", scratch.embedded);
  process.env.TEST_DATABASE_URL = scratch.url;
  console.log(`[tests] ${scratch.embedded ? "embedded PGlite" : "PostgreSQL"} database ready in ${Date.now() - started} ms`);
  return async () => {
    await scratch.drop();
  };
}
