// The e2e launcher's browser check (scripts/lib/chromium.ts): use it, install Debian's chromium
// (root with apt-get), or stop with one line saying what to install. Filesystem, uid and apt are fakes.
import { describe, expect, it } from "vitest";
import { DEFAULT_CHROMIUM_PATH, ensureChromium, planChromium, type ChromiumHost } from "../../scripts/lib/chromium";

function host(opts: { present?: string[]; root?: boolean; apt?: boolean }): ChromiumHost & { present: Set<string> } {
  const present = new Set(opts.present ?? []);
  return { present, isExecutable: (file) => present.has(file), isRoot: () => opts.root ?? false, hasAptGet: () => opts.apt ?? false };
}

const MISSING_LINE = "Chromium not found at /usr/bin/chromium: install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH";

describe("planChromium", () => {
  it("uses the browser at CHROMIUM_PATH, default /usr/bin/chromium, whoever we are", () => {
    expect(planChromium({}, host({ present: [DEFAULT_CHROMIUM_PATH] }))).toEqual({ action: "use", path: DEFAULT_CHROMIUM_PATH });
    expect(planChromium({ CHROMIUM_PATH: "/opt/chrome" }, host({ present: ["/opt/chrome"] }))).toEqual({ action: "use", path: "/opt/chrome" });
    expect(planChromium({ CHROMIUM_PATH: "" }, host({ present: [DEFAULT_CHROMIUM_PATH] }))).toEqual({ action: "use", path: DEFAULT_CHROMIUM_PATH });
  });

  it("installs Debian's chromium when it is missing and we are root with apt-get", () => {
    expect(planChromium({}, host({ root: true, apt: true }))).toEqual({
      action: "install",
      path: DEFAULT_CHROMIUM_PATH,
      notice: "Chromium not found at /usr/bin/chromium: installing Debian's chromium (apt-get install chromium)",
    });
  });

  it("stops with one line saying what to install when it cannot install", () => {
    for (const h of [host({ root: false, apt: true }), host({ root: true, apt: false }), host({})]) {
      expect(planChromium({}, h)).toEqual({ action: "fail", message: MISSING_LINE });
    }
  });

  it("does not install for a custom CHROMIUM_PATH, where Debian's package would not land", () => {
    expect(planChromium({ CHROMIUM_PATH: "/opt/chrome" }, host({ root: true, apt: true }))).toEqual({
      action: "fail",
      message: "Chromium not found at /opt/chrome: install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH",
    });
  });
});

describe("ensureChromium", () => {
  const noInstall = async () => {
    throw new Error("must not install");
  };

  it("returns the path without installing or printing when the browser is there", async () => {
    const lines: string[] = [];
    await expect(ensureChromium({}, host({ present: [DEFAULT_CHROMIUM_PATH], root: true, apt: true }), noInstall, (l) => lines.push(l))).resolves.toBe(
      DEFAULT_CHROMIUM_PATH,
    );
    expect(lines).toEqual([]);
  });

  it("prints one line, installs, and returns the path once it exists", async () => {
    const h = host({ root: true, apt: true });
    const lines: string[] = [];
    let installs = 0;
    const install = async () => {
      installs++;
      h.present.add(DEFAULT_CHROMIUM_PATH);
    };
    await expect(ensureChromium({}, h, install, (l) => lines.push(l))).resolves.toBe(DEFAULT_CHROMIUM_PATH);
    expect(installs).toBe(1);
    expect(lines).toEqual(["Chromium not found at /usr/bin/chromium: installing Debian's chromium (apt-get install chromium)"]);
  });

  it("fails with the one line, without trying apt, when it cannot install", async () => {
    const err = await ensureChromium({}, host({ root: false, apt: true }), noInstall, () => {}).catch((e: Error) => e);
    expect((err as Error).message).toBe(MISSING_LINE);
  });

  it("fails with a first line saying what to do when apt-get fails, and keeps apt's output after it", async () => {
    const install = async () => {
      throw new Error("apt-get install -y -qq chromium exited with 100\nE: Unable to locate package chromium");
    };
    const err = (await ensureChromium({}, host({ root: true, apt: true }), install, () => {}).catch((e: Error) => e)) as Error;
    const [first, ...rest] = err.message.split("\n");
    expect(first).toBe("Installing Debian's chromium failed: install it (apt-get install chromium) or set CHROMIUM_PATH");
    expect(rest.join("\n")).toContain("Unable to locate package chromium");
  });

  it("fails when apt-get succeeded but the browser is still not at the path", async () => {
    const err = (await ensureChromium(
      {},
      host({ root: true, apt: true }),
      async () => {},
      () => {},
    ).catch((e: Error) => e)) as Error;
    expect(err.message).toBe(`apt-get installed chromium, but still ${MISSING_LINE}`);
  });
});
