// Runs in every test worker before the test files: points lib/env at the run's own database.
import { inject } from "vitest";

process.env.DATABASE_URL = inject("databaseUrl");
// Harnesses that need a database of their own create it on the same server, or a new embedded one.
process.env.TEST_DATABASE_EMBEDDED = inject("databaseEmbedded") ? "1" : "0";
process.env.NEXTAUTH_SECRET ??= "test-secret-test-secret-test-secret-0000";
process.env.ENCRYPTION_KEY ??= Buffer.alloc(32, 7).toString("base64");
process.env.APP_URL ??= "http://localhost:3000";
process.env.LOG_LEVEL ??= "warn";
