// CSV deal import (issue 14, item 6): a file of --rows deals (11 columns, two contact emails each, an owner
// who is a member) through the same phases the app runs (lib/deals/import-csv.ts): upload in 512 KB parts,
// check and stage in 5,000-row steps, commit in 5,000-row upserts; then the same file again (every row an
// update). Each phase is timed; the Inngest function's own overhead (one HTTP round trip per step with the
// local runtime) is not included. Benchmarks measure; they never assert wall-clock limits.
//
//   node --conditions=react-server --import tsx scripts/bench/deals-import.ts [--rows 50000] [--json out.json] [--out docs/benchmarks/deals-import.md | --no-doc]
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { createScratchDatabase, root } from "../lib/database";
import { argValue, describeMachine, machine as machineInfo, type Machine } from "./common";

const args = process.argv.slice(2);
const ROWS = Math.max(100, Math.trunc(Number(argValue(args, "--rows")) || 50_000));
const JSON_OUT = argValue(args, "--json");
const DOC_OUT = args.includes("--no-doc") ? null : path.resolve(argValue(args, "--out") ?? path.join(root, "docs", "benchmarks", "deals-import.md"));

type Phase = { ms: number; steps: number };
export interface DealsImportResult {
  kind: "deals-import";
  generatedAt: string;
  machine: Machine;
  rows: number;
  fileMiB: number;
  first: { upload: Phase; check: Phase; write: Phase; totalMs: number; created: number };
  again: { upload: Phase; check: Phase; write: Phase; totalMs: number; updated: number };
  contacts: number;
  load?: { before: number; after: number };
}

function file(rows: number, owner: string): Buffer {
  const lines = ["External ID,Name,Stage,Amount,Currency,Close Date,Owner Email,Account Name,CRM Deal ID,CRM Account ID,Contact Emails"];
  for (let i = 0; i < rows; i++) {
    lines.push(
      `B-${i},Bench deal ${i},${i % 5 === 0 ? "Closed Won" : "Discovery"},${(i * 7) % 90_000}.50,USD,2026-0${(i % 9) + 1}-15,${owner},Account ${i % 700},OPP${i},ACC${i % 700},"c${i}@cust.test; d${i}@cust.test"`,
    );
  }
  return Buffer.from(lines.join("\n"));
}

async function main() {
  process.env.NEXTAUTH_SECRET ??= "bench-secret-bench-secret-bench-secret-00";
  process.env.ENCRYPTION_KEY ??= Buffer.alloc(32, 1).toString("base64");
  process.env.LOG_LEVEL ??= "warn";
  const scratch = await createScratchDatabase("callsync_bench_import");
  process.env.DATABASE_URL = scratch.url;
  try {
    // lib modules read DATABASE_URL when first imported: import them only now.
    const { db } = await import("../../lib/db");
    const csv = await import("../../lib/deals/import-csv");
    const workspace = await db.workspace.create({ data: { name: "Bench", slug: "bench-import" } });
    const admin = await db.user.create({ data: { email: "admin@bench.test", name: "Admin" } });
    const rep = await db.user.create({ data: { email: "rep@bench.test", name: "Rep" } });
    await db.membership.createMany({
      data: [
        { userId: admin.id, workspaceId: workspace.id, role: "ADMIN" },
        { userId: rep.id, workspaceId: workspace.id, role: "MEMBER" },
      ],
    });
    const bytes = file(ROWS, rep.email);
    const loadBefore = os.loadavg()[0]!;
    const send = async () => undefined;

    const once = async () => {
      const t0 = performance.now();
      const { id } = await csv.createImport({ workspaceId: workspace.id, userId: admin.id, fileName: "bench.csv", fileBytes: bytes.length });
      const size = csv.IMPORT_LIMITS.uploadChunkBytes;
      let parts = 0;
      for (let i = 0; i < bytes.length; i += size, parts++) {
        await csv.appendChunk({ workspaceId: workspace.id, importId: id, index: parts, data: bytes.subarray(i, i + size), send });
      }
      const t1 = performance.now();
      let checks = 1;
      while (!(await csv.checkImportStep(id)).done) checks++;
      const t2 = performance.now();
      await csv.startCommit({ workspaceId: workspace.id, importId: id, mode: "ALL", send });
      let writes = 1;
      while (!(await csv.writeImportStep(id)).done) writes++;
      await csv.finishImport(id);
      const t3 = performance.now();
      const view = await csv.getImportView(workspace.id, id);
      if (view.status !== "DONE") throw new Error(`import ended ${view.status}: ${view.error}`);
      return {
        upload: { ms: Math.round(t1 - t0), steps: parts },
        check: { ms: Math.round(t2 - t1), steps: checks },
        write: { ms: Math.round(t3 - t2), steps: writes },
        totalMs: Math.round(t3 - t0),
        created: view.createdDeals,
        updated: view.updatedDeals,
      };
    };

    const first = await once();
    console.log(`first import of ${ROWS} rows: ${JSON.stringify(first)}`);
    const again = await once();
    console.log(`same file again: ${JSON.stringify(again)}`);
    const contacts = await db.dealContact.count({ where: { workspaceId: workspace.id } });
    const serverVersion = ((await db.$queryRaw<Array<{ v: string }>>`SELECT current_setting('server_version') AS v`)[0]?.v ?? "?") as string;
    const result: DealsImportResult = {
      kind: "deals-import",
      generatedAt: new Date().toISOString(),
      machine: machineInfo(scratch.embedded ? `PGlite (${serverVersion})` : `PostgreSQL ${serverVersion}`),
      rows: ROWS,
      fileMiB: Math.round((bytes.length / 1048576) * 10) / 10,
      first: { upload: first.upload, check: first.check, write: first.write, totalMs: first.totalMs, created: first.created },
      again: { upload: again.upload, check: again.check, write: again.write, totalMs: again.totalMs, updated: again.updated },
      contacts,
      load: { before: loadBefore, after: os.loadavg()[0]! },
    };
    if (JSON_OUT) fs.writeFileSync(JSON_OUT, JSON.stringify(result, null, 2));
    if (DOC_OUT) fs.writeFileSync(DOC_OUT, render(result));
    await db.$disconnect();
  } finally {
    await scratch.drop();
  }
}

export function render(r: DealsImportResult): string {
  const row = (name: string, p: Phase) => `| ${name} | ${p.steps} | ${(p.ms / 1000).toFixed(1)} s |`;
  return [
    "# CSV deal import",
    "",
    `${r.rows.toLocaleString("en-US")} rows (${r.fileMiB} MB, 11 columns, 2 contact emails a row), measured ${r.generatedAt.slice(0, 10)} on ${describeMachine(r.machine)}` +
      (r.load ? `, 1-minute load ${r.load.before.toFixed(1)} before and ${r.load.after.toFixed(1)} after.` : "."),
    "Generated by `scripts/bench/deals-import.ts`; the phases are those of lib/deals/import-csv.ts without the Inngest round trip per step.",
    "",
    "| first import | steps | time |",
    "| --- | ---: | ---: |",
    row("upload (512 KB parts)", r.first.upload),
    row("check and stage (5,000 rows a step)", r.first.check),
    row("write (5,000-row upserts + contacts)", r.first.write),
    `| **total** | | **${(r.first.totalMs / 1000).toFixed(1)} s** (${r.first.created.toLocaleString("en-US")} created) |`,
    "",
    "| same file again | steps | time |",
    "| --- | ---: | ---: |",
    row("upload", r.again.upload),
    row("check and stage", r.again.check),
    row("write", r.again.write),
    `| **total** | | **${(r.again.totalMs / 1000).toFixed(1)} s** (${r.again.updated.toLocaleString("en-US")} updated) |`,
    "",
    `Contacts after both: ${r.contacts.toLocaleString("en-US")} (the second run updates them in place).`,
    "",
  ].join("\n");
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
