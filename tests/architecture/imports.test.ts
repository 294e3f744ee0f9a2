// lib/ imports one way: never the app, components, Inngest functions or dev tools, never a relative path
// out of lib/, layers providers < sync < integrations, and no cycle between lib/ folders (single files
// such as lib/db.ts are leaves). lib/generated (the Prisma client) is generated code and not read.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { checkLib, importsOf } from "./import-graph";

const ROOT = path.resolve(import.meta.dirname, "../..");

function libFiles(): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const entry of readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
      const rel = `${dir}/${entry.name}`;
      if (entry.isDirectory()) {
        if (rel !== "lib/generated" && entry.name !== "node_modules") walk(rel);
      } else if (/\.tsx?$/.test(entry.name)) out[rel] = readFileSync(path.join(ROOT, rel), "utf8");
    }
  };
  walk("lib");
  return out;
}

describe("lib/ imports", () => {
  it("break none of the rules", () => {
    const files = libFiles();
    expect(Object.keys(files).length).toBeGreaterThan(20);
    const { violations, cycles } = checkLib(files);
    expect(violations).toEqual([]);
    expect(cycles).toEqual([]);
  });
});

describe("the checker itself, on fixture graphs", () => {
  it("reads every kind of import", () => {
    const src = `import "server-only";\nimport { a } from "@/lib/a/x";\nimport type { B } from "../b";\nexport { c } from './c';\nconst d = await import("@/lib/d/y");\nconst e = require("e");\nimport {\n  f,\n  g,\n} from "@/lib/f/z";`;
    expect(importsOf(src).sort()).toEqual(["../b", "./c", "@/lib/a/x", "@/lib/d/y", "@/lib/f/z", "e", "server-only"].sort());
  });

  it("fails on imports of the app, components, Inngest functions and dev tools", () => {
    const { violations } = checkLib({
      "lib/sync/a.ts": `import { inngest } from "@/inngest/client";`,
      "lib/calls/b.ts": `import Page from "@/app/page";\nimport { Button } from "@/components/ui/button";`,
      "lib/db.ts": `import { sims } from "@/dev/simulators";`,
      "lib/deals/ok.ts": `import { x } from "@/lib/calls/queries";\nimport { y } from "@/lib/db";\nimport z from "@/appendix";`,
    });
    expect(violations.map((v) => [v.file, v.spec])).toEqual([
      ["lib/sync/a.ts", "@/inngest/client"],
      ["lib/calls/b.ts", "@/app/page"],
      ["lib/calls/b.ts", "@/components/ui/button"],
      ["lib/db.ts", "@/dev/simulators"],
    ]);
  });

  it("fails on relative imports that leave lib/", () => {
    const { violations } = checkLib({
      "lib/sync/a.ts": `import { functions } from "../../inngest/functions";\nimport { b } from "../providers/types";\nimport { c } from "./c";`,
      "lib/env.ts": `import x from "../app/x";`,
    });
    expect(violations.map((v) => [v.file, v.spec, v.rule])).toEqual([
      ["lib/sync/a.ts", "../../inngest/functions", "relative import leaves lib/"],
      ["lib/env.ts", "../app/x", "relative import leaves lib/"],
    ]);
  });

  it("fails when a lower layer imports a higher one (sync -> integrations, providers -> sync)", () => {
    const { violations } = checkLib({
      "lib/sync/engine.ts": `import { findIntegration } from "@/lib/integrations/connect";`,
      "lib/providers/gong/client.ts": `import { db } from "@/lib/db";\nimport { x } from "../../sync/clients";`,
      "lib/integrations/connect.ts": `import { y } from "@/lib/sync/engine";`,
    });
    expect(violations.map((v) => [v.file, v.rule])).toEqual([
      ["lib/sync/engine.ts", "layers are providers < sync < integrations: sync must not import integrations"],
      ["lib/providers/gong/client.ts", "layers are providers < sync < integrations: providers must not import sync"],
    ]);
  });

  it("finds cycles between folders, direct and through others; single files stay leaves", () => {
    const { cycles } = checkLib({
      "lib/calls/a.ts": `import { d } from "@/lib/deals/queries";`,
      "lib/deals/queries.ts": `import { s } from "@/lib/search/x";`,
      "lib/search/x.ts": `import { a } from "../calls/a";`,
      "lib/auth/session.ts": `import { h } from "@/lib/http";`,
      "lib/http.ts": `import { s } from "@/lib/auth/session";`,
      "lib/demo/data.ts": `import { c } from "@/lib/calls/a";`,
    });
    expect(cycles).toEqual([["calls", "deals", "search", "calls"]]);
    const direct = checkLib({ "lib/a/x.ts": `import "@/lib/b/y";`, "lib/b/y.ts": `import "@/lib/a/x";` });
    expect(direct.cycles).toEqual([["a", "b", "a"]]);
  });

  it("today's tree has the expected folder edges (sanity: the graph is really built)", () => {
    const { edges } = checkLib(libFiles());
    expect([...(edges.get("integrations") ?? [])]).toContain("sync");
    expect([...(edges.get("sync") ?? [])]).toContain("providers");
  });
});
