// Which job server a start uses (scripts/lib/choices.ts inngestChoice, called by scripts/lib/stack.ts before
// anything starts) and what the app itself accepts in production (lib/env.ts validateEnv): production
// runs on Inngest Cloud or a self-hosted Inngest with signing keys, and refuses to start without them
// unless the operator asks for the bundled runtime (INNGEST_LOCAL=1).
import { describe, expect, it } from "vitest";
import { inngestChoice } from "@/scripts/lib/choices";
import { validateEnv } from "@/lib/env";

const SIGNING = `signkey-prod-${"0a".repeat(32)}`;

describe("npm start: which Inngest", () => {
  it("refuses to start without keys, saying what to set", () => {
    expect(() => inngestChoice("prod", {})).toThrow(
      /Inngest Cloud or a self-hosted Inngest server, and INNGEST_SIGNING_KEY and INNGEST_EVENT_KEY are not set\. Set INNGEST_SIGNING_KEY and INNGEST_EVENT_KEY .*INNGEST_BASE_URL.*or set INNGEST_LOCAL=1/,
    );
    expect(() => inngestChoice("prod", { INNGEST_SIGNING_KEY: SIGNING })).toThrow(/INNGEST_EVENT_KEY is not set/);
    expect(() => inngestChoice("prod", { INNGEST_EVENT_KEY: "e" })).toThrow(/INNGEST_SIGNING_KEY is not set/);
    // INNGEST_LOCAL=0 (today's way to leave the bundled runtime) needs the keys just the same.
    expect(() => inngestChoice("prod", { INNGEST_LOCAL: "0" })).toThrow(/INNGEST_LOCAL=1/);
  });

  it("refuses a malformed signing key, a bad INNGEST_BASE_URL and INNGEST_DEV", () => {
    expect(() => inngestChoice("prod", { INNGEST_SIGNING_KEY: "secret", INNGEST_EVENT_KEY: "e" })).toThrow(/not an Inngest signing key/);
    expect(() => inngestChoice("prod", { INNGEST_SIGNING_KEY: SIGNING, INNGEST_EVENT_KEY: "e", INNGEST_BASE_URL: "inngest:8288" })).toThrow(
      /INNGEST_BASE_URL is not a URL/,
    );
    expect(() => inngestChoice("prod", { INNGEST_SIGNING_KEY: SIGNING, INNGEST_EVENT_KEY: "e", INNGEST_DEV: "1" })).toThrow(/INNGEST_DEV.*signature checks/);
  });

  it("uses Inngest Cloud with keys, a self-hosted server with INNGEST_BASE_URL, the bundled runtime only when asked", () => {
    expect(inngestChoice("prod", { INNGEST_SIGNING_KEY: SIGNING, INNGEST_EVENT_KEY: "e" })).toEqual({ kind: "cloud" });
    expect(inngestChoice("prod", { INNGEST_SIGNING_KEY: "0a0b", INNGEST_EVENT_KEY: "e", INNGEST_BASE_URL: "http://inngest.internal:8288/" })).toEqual({
      kind: "self-hosted",
      baseUrl: "http://inngest.internal:8288",
    });
    expect(inngestChoice("prod", { INNGEST_LOCAL: "1" })).toEqual({ kind: "bundled" });
    expect(inngestChoice("prod", { INNGEST_LOCAL: "true", INNGEST_SIGNING_KEY: SIGNING })).toEqual({ kind: "bundled" });
  });

  it("npm run dev keeps the bundled runtime unless INNGEST_LOCAL=0", () => {
    expect(inngestChoice("dev", {})).toEqual({ kind: "bundled" });
    expect(inngestChoice("dev", { INNGEST_LOCAL: "0" })).toEqual({ kind: "sdk-env" });
  });
});

describe("the app in production: never the SDK's unsigned dev mode without a key", () => {
  const base = {
    NODE_ENV: "production",
    DATABASE_URL: "postgresql://u@localhost:5432/db",
    NEXTAUTH_SECRET: "x".repeat(40),
    ENCRYPTION_KEY: Buffer.alloc(32, 1).toString("base64"),
  };

  it("refuses neither Inngest keys nor the bundled runtime's key", () => {
    expect(() => validateEnv(base)).toThrow(/INNGEST_SIGNING_KEY: required in production: set INNGEST_SIGNING_KEY and INNGEST_EVENT_KEY/);
    expect(() => validateEnv({ ...base, INNGEST_SIGNING_KEY: SIGNING })).toThrow(/INNGEST_EVENT_KEY: required in production/);
    expect(() => validateEnv({ ...base, INNGEST_DEV: "1" })).toThrow(/INNGEST_APP_KEY: required in production with INNGEST_DEV/);
  });

  it("accepts Inngest Cloud keys, or dev mode with the runtime's key", () => {
    expect(validateEnv({ ...base, INNGEST_SIGNING_KEY: SIGNING, INNGEST_EVENT_KEY: "e" }).INNGEST_SIGNING_KEY).toBe(SIGNING);
    expect(validateEnv({ ...base, INNGEST_DEV: "1", INNGEST_APP_KEY: "k".repeat(32), INNGEST_BASE_URL: "http://127.0.0.1:8288" }).INNGEST_APP_KEY).toBe(
      "k".repeat(32),
    );
  });
});
