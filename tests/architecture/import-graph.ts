// The import rules of lib/, as pure functions over { file -> source } so they can be tested on small
// fixture graphs as well as run on the real tree (tests/architecture/imports.test.ts).
import path from "node:path";

/** Aliases lib/ must never import: lib is below the app, its components, the Inngest functions and the dev tools. */
export const FORBIDDEN_ALIASES = ["@/inngest", "@/app", "@/components", "@/dev"];

/** Layers low -> high: a folder may import folders before it, never after it. */
export const LAYERS = ["providers", "sync", "integrations"];

/** Module specifiers of a TypeScript source: static imports and re-exports, side-effect imports, import() and require(). */
export function importsOf(source: string): string[] {
  const out: string[] = [];
  const patterns = [
    /\b(?:import|export)\s[^'"`;]*?\bfrom\s*["']([^"']+)["']/g,
    /\bimport\s*["']([^"']+)["']/g,
    /\b(?:import|require)\s*\(\s*["']([^"']+)["']\s*\)/g,
  ];
  for (const re of patterns) for (const m of source.matchAll(re)) out.push(m[1]!);
  return out;
}

/** The lib/ folder a file (path relative to the repo, e.g. "lib/sync/engine.ts") belongs to; null for a single file like lib/db.ts. */
export function folderOf(file: string): string | null {
  const parts = file.split("/");
  return parts[0] === "lib" && parts.length > 2 ? parts[1]! : null;
}

/** The lib/ folder an import targets (null: a single file like @/lib/db, or outside lib). */
function targetFolder(fromFile: string, spec: string): string | null {
  if (spec.startsWith("@/lib/")) return folderOf(`lib/${spec.slice("@/lib/".length)}`) ?? (spec.split("/").length > 3 ? spec.split("/")[2]! : null);
  if (spec.startsWith(".")) return folderOf(path.posix.normalize(path.posix.join(path.posix.dirname(fromFile), spec)));
  return null;
}

export type Violation = { file: string; spec: string; rule: string };

/**
 * Every rule broken by `files` (repo-relative path -> source): forbidden aliases, relative imports that
 * leave lib/, imports against the layer order, and cycles between lib/ folders.
 */
export function checkLib(files: Record<string, string>): { violations: Violation[]; cycles: string[][]; edges: Map<string, Set<string>> } {
  const violations: Violation[] = [];
  const edges = new Map<string, Set<string>>();
  for (const [file, source] of Object.entries(files)) {
    const from = folderOf(file);
    for (const spec of importsOf(source)) {
      if (FORBIDDEN_ALIASES.some((a) => spec === a || spec.startsWith(`${a}/`)))
        violations.push({ file, spec, rule: "lib/ must not import the app, components, Inngest functions or dev tools" });
      if (spec.startsWith(".")) {
        const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(file), spec));
        if (!resolved.startsWith("lib/")) violations.push({ file, spec, rule: "relative import leaves lib/" });
      }
      const to = targetFolder(file, spec);
      // Single files (lib/db.ts, lib/env.ts, ...) are leaves: they add no edges.
      if (!from || !to || to === from) continue;
      if (!edges.has(from)) edges.set(from, new Set());
      edges.get(from)!.add(to);
      const [rf, rt] = [LAYERS.indexOf(from), LAYERS.indexOf(to)];
      if (rf >= 0 && rt > rf) violations.push({ file, spec, rule: `layers are ${LAYERS.join(" < ")}: ${from} must not import ${to}` });
    }
  }
  return { violations, cycles: findCycles(edges), edges };
}

/** Every elementary cycle's first sighting in a depth-first walk, as a path that starts and ends at the same folder. */
export function findCycles(edges: Map<string, Set<string>>): string[][] {
  const cycles: string[][] = [];
  const seen = new Set<string>();
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (node: string) => {
    state.set(node, "open");
    stack.push(node);
    for (const next of [...(edges.get(node) ?? [])].sort()) {
      if (state.get(next) === "open") {
        const cycle = [...stack.slice(stack.indexOf(next)), next];
        const key = [...cycle].slice(0, -1).sort().join(",");
        if (!seen.has(key)) {
          seen.add(key);
          cycles.push(cycle);
        }
      } else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, "done");
  };
  for (const node of [...edges.keys()].sort()) if (!state.has(node)) visit(node);
  return cycles;
}
