// The browser Playwright runs (playwright.config.ts reads CHROMIUM_PATH too). We never download
// Playwright's own builds (no CDN here); Debian's chromium is the browser. Checked before the e2e
// build starts, so a fresh machine gets the browser or one clear line instead of a launch error
// minutes later.
import fs from "node:fs";
import path from "node:path";
import { run } from "./database";

export const DEFAULT_CHROMIUM_PATH = "/usr/bin/chromium";

/** What the decision depends on, injectable for tests. */
export type ChromiumHost = {
  isExecutable: (file: string) => boolean;
  isRoot: () => boolean;
  hasAptGet: () => boolean;
};

// Only CHROMIUM_PATH is read; a plain record so tests need not build a whole ProcessEnv.
type ChromiumEnv = Record<string, string | undefined>;

export type ChromiumPlan = { action: "use"; path: string } | { action: "install"; path: string; notice: string } | { action: "fail"; message: string };

export function chromiumPath(env: ChromiumEnv): string {
  return env.CHROMIUM_PATH || DEFAULT_CHROMIUM_PATH;
}

const missing = (file: string) => `Chromium not found at ${file}: install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH`;

export function planChromium(env: ChromiumEnv, host: ChromiumHost): ChromiumPlan {
  const file = chromiumPath(env);
  if (host.isExecutable(file)) return { action: "use", path: file };
  // Debian's package lands at the default path only; installing cannot fix a custom CHROMIUM_PATH.
  if (file === DEFAULT_CHROMIUM_PATH && host.isRoot() && host.hasAptGet()) {
    return { action: "install", path: file, notice: `Chromium not found at ${file}: installing Debian's chromium (apt-get install chromium)` };
  }
  return { action: "fail", message: missing(file) };
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

export const systemHost: ChromiumHost = {
  isExecutable,
  isRoot: () => process.getuid?.() === 0,
  hasAptGet: () => (process.env.PATH ?? "").split(path.delimiter).some((dir) => dir && isExecutable(path.join(dir, "apt-get"))),
};

/** The same two steps as .ci/run. */
async function aptInstallChromium(): Promise<void> {
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  await run("apt-get", ["update", "-qq"], env, { quiet: true });
  await run("apt-get", ["install", "-y", "-qq", "chromium"], env, { quiet: true });
}

/**
 * Returns the browser's path, installing Debian's chromium first where we can (root with apt-get).
 * Throws an Error whose first line says what to install otherwise.
 */
export async function ensureChromium(
  env: ChromiumEnv = process.env,
  host: ChromiumHost = systemHost,
  install: () => Promise<void> = aptInstallChromium,
  log: (line: string) => void = (line) => console.log(line),
): Promise<string> {
  const plan = planChromium(env, host);
  if (plan.action === "use") return plan.path;
  if (plan.action === "fail") throw new Error(plan.message);
  log(plan.notice);
  try {
    await install();
  } catch (err) {
    // apt's own output (kept by run()) follows the one line, for whoever needs the detail.
    throw new Error(`Installing Debian's chromium failed: install it (apt-get install chromium) or set CHROMIUM_PATH\n${(err as Error).message}`, {
      cause: err,
    });
  }
  if (!host.isExecutable(plan.path)) throw new Error(`apt-get installed chromium, but still ${missing(plan.path)}`);
  return plan.path;
}
