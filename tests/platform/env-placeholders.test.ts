// A production process refuses to start with a placeholder secret, even with SKIP_ENV_VALIDATION=1
// (which only exists so `next build` and tooling can load the modules without the runtime settings).
import { afterEach, describe, expect, it, vi } from "vitest";

const VARS = [
  "NODE_ENV",
  "SKIP_ENV_VALIDATION",
  "NEXTAUTH_SECRET",
  "ENCRYPTION_KEY",
  "ENCRYPTION_KEYS",
  "ENCRYPTION_KEY_ID",
  "NEXT_PHASE",
  "INNGEST_DEV",
  "INNGEST_APP_KEY",
  "INNGEST_SIGNING_KEY",
  "INNGEST_EVENT_KEY",
] as const;
// Production also needs its Inngest keys (lib/env.ts): every case has valid ones, so only the secret under test fails.
const INNGEST_CLOUD = { INNGEST_SIGNING_KEY: `signkey-prod-${"ab".repeat(32)}`, INNGEST_EVENT_KEY: "evt-key-for-the-placeholder-tests" };
const saved = Object.fromEntries(VARS.map((k) => [k, process.env[k]]));
const GOOD_SECRET = "Zr8Qe0x3Vb7yWm2Kp5Ls9Tn1Hc4Jd6Fg";
const GOOD_KEY = "q3tK2v9mC1x8ZbN4pR7sL0wY5eU6hJ2aD8fG3kQ1zXc=";

async function loadEnv(given: Partial<Record<(typeof VARS)[number], string>>) {
  const vars: Partial<Record<(typeof VARS)[number], string>> = { ...INNGEST_CLOUD, ...given };
  for (const k of VARS) {
    if (vars[k] === undefined) delete process.env[k];
    else (process.env as Record<string, string>)[k] = vars[k]!;
  }
  vi.resetModules();
  return import("@/lib/env");
}

afterEach(() => {
  for (const k of VARS) {
    if (saved[k] === undefined) delete process.env[k];
    else (process.env as Record<string, string>)[k] = saved[k]!;
  }
  vi.resetModules();
});

describe("placeholder secrets in production", () => {
  it("refuses the build-time NEXTAUTH_SECRET placeholder with SKIP_ENV_VALIDATION=1, naming the variable", async () => {
    await expect(
      loadEnv({ NODE_ENV: "production", SKIP_ENV_VALIDATION: "1", NEXTAUTH_SECRET: "build-time-placeholder-secret-000000000", ENCRYPTION_KEY: GOOD_KEY }),
    ).rejects.toThrow(/NEXTAUTH_SECRET/);
  });

  it("refuses an all-zero (or other constant-byte) ENCRYPTION_KEY with SKIP_ENV_VALIDATION=1, naming the variable", async () => {
    await expect(
      loadEnv({ NODE_ENV: "production", SKIP_ENV_VALIDATION: "1", NEXTAUTH_SECRET: GOOD_SECRET, ENCRYPTION_KEY: Buffer.alloc(32).toString("base64") }),
    ).rejects.toThrow(/ENCRYPTION_KEY/);
    await expect(loadEnv({ NODE_ENV: "production", NEXTAUTH_SECRET: GOOD_SECRET, ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64") })).rejects.toThrow(
      /ENCRYPTION_KEY/,
    );
  });

  it("refuses a production start with no secrets at all and SKIP_ENV_VALIDATION=1 (the build fills in placeholders)", async () => {
    await expect(loadEnv({ NODE_ENV: "production", SKIP_ENV_VALIDATION: "1" })).rejects.toThrow(/NEXTAUTH_SECRET/);
  });

  it("refuses the test suite's own secrets in production", async () => {
    await expect(loadEnv({ NODE_ENV: "production", NEXTAUTH_SECRET: "test-secret-test-secret-test-secret-0000", ENCRYPTION_KEY: GOOD_KEY })).rejects.toThrow(
      /NEXTAUTH_SECRET/,
    );
  });

  it("starts with real secrets in production, and with placeholders during `next build` and outside production", async () => {
    const prod = await loadEnv({ NODE_ENV: "production", NEXTAUTH_SECRET: GOOD_SECRET, ENCRYPTION_KEY: GOOD_KEY });
    expect(prod.env.NEXTAUTH_SECRET).toBe(GOOD_SECRET);
    const build = await loadEnv({ NODE_ENV: "production", NEXT_PHASE: "phase-production-build" });
    expect(build.env.NODE_ENV).toBe("production");
    const dev = await loadEnv({ NODE_ENV: "development", SKIP_ENV_VALIDATION: "1" });
    expect(dev.env.NODE_ENV).toBe("development");
  });
});
