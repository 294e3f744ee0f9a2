// CSV deal import (Settings -> Deals -> Import), the server side. Four phases, each resumable:
//  1. upload: the browser sends the file in fixed-size chunks (JSON, base64: changes are JSON only,
//     lib/http.ts); they are stored as DealImportChunk rows, so nothing depends on one process or request;
//  2. check (Inngest "deals-import", phase validate): the stored bytes are checked as a whole (binary,
//     encoding, header, required columns), then parsed with csv-parse from a byte offset in windows of
//     ROWS_PER_STEP rows, one durable step each; every row is validated and staged as a DealImportRow with
//     its problems. Duplicates and CRM-id clashes are found in SQL at the end. Nothing touches Deal here;
//  3. preview: the page shows the column mapping and the problems; the admin imports (only when no row has
//     an error) or explicitly imports only the valid rows;
//  4. commit (phase commit): staged rows are upserted by (workspaceId, externalId) in multi-row
//     INSERT … ON CONFLICT statements straight from the staging table, a window per step, each window and
//     its progress in one transaction; then `deals.changed` relinks calls.
// The pure rules (aliases, row checks, file sniffing) are in ./import-csv-rules.ts.
import "server-only";
import { Readable } from "node:stream";
import { parse, type Info } from "csv-parse";
import { z } from "zod";
import { recordAudit } from "@/lib/audit";
import { db, Prisma } from "@/lib/db";
import { ConflictError, DomainError, NotFoundError, ValidationError } from "@/lib/errors";
import { appEvent, type SendEvents } from "@/lib/events";
import { ID_PATTERN } from "@/lib/calls/visibility";
import { isOneLine } from "@/lib/validation";
import {
  acceptedHeaders,
  checkRow,
  describeParseError,
  detectDelimiter,
  FIELD_LABELS,
  IMPORT_LIMITS,
  mapHeaders,
  NOT_UTF8,
  sniffFile,
  type ColumnMapping,
  type ImportField,
  type RowIssue,
} from "./import-csv-rules";

export { IMPORT_LIMITS } from "./import-csv-rules";

/** Rows parsed, validated and staged per durable step (and written per commit step). */
export const ROWS_PER_STEP = 5_000;
/** Rows per INSERT statement while staging. */
const STAGE_BATCH = 1_000;
const ISSUES_PAGE_SIZE = 50;
/** Interactive transactions here handle thousands of rows: Prisma's 5 s default is too short on a busy machine. */
const LONG_TX = { timeout: 120_000, maxWait: 30_000 };

const ACTIVE = ["UPLOADING", "VALIDATING", "IMPORTING"] as const;
const STALE_MS = 15 * 60_000;

type StoredMapping = { columns: ColumnMapping[]; fieldIndex: Partial<Record<ImportField, number>>; headerCount: number };

const mb = (bytes: number) => `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB`;

// ---------------------------------------------------------------------------------------------
// 1. Upload
// ---------------------------------------------------------------------------------------------

export async function createImport(p: { workspaceId: string; userId: string; fileName: string; fileBytes: number }) {
  if (p.fileBytes <= 0) throw new ValidationError("The file is empty. Choose a CSV file with a header row and one row per deal.");
  if (p.fileBytes > IMPORT_LIMITS.maxFileBytes) {
    throw new DomainError(
      "PAYLOAD_TOO_LARGE",
      `The file is ${mb(p.fileBytes)}; the limit is ${mb(IMPORT_LIMITS.maxFileBytes)} (about ${IMPORT_LIMITS.maxRows.toLocaleString("en-US")} rows). Split it into smaller files and import them one after another.`,
    );
  }
  // A run that made no progress for STALE_MS (its event was lost, the runtime was down) ends here, so it
  // cannot block the workspace's imports for ever. Every step of a live run moves updatedAt.
  await db.dealImport.updateMany({
    where: { workspaceId: p.workspaceId, status: { in: ["VALIDATING", "IMPORTING"] }, updatedAt: { lt: new Date(Date.now() - STALE_MS) } },
    data: {
      status: "FAILED",
      finishedAt: new Date(),
      error: "This import stopped without finishing (no progress for 15 minutes). Upload the file again: rows already imported are updated, not duplicated.",
    },
  });
  const running = await db.dealImport.findFirst({ where: { workspaceId: p.workspaceId, status: { in: ["VALIDATING", "IMPORTING"] } }, select: { id: true } });
  if (running) throw new ConflictError("Another import is being checked or written. Wait for it to finish, then upload this file.");
  // Uploads left unfinished (a closed tab) end here: one upload at a time per workspace.
  await db.dealImport.updateMany({ where: { workspaceId: p.workspaceId, status: "UPLOADING" }, data: { status: "CANCELLED", finishedAt: new Date() } });
  await db.dealImportChunk.deleteMany({ where: { import: { workspaceId: p.workspaceId, status: "CANCELLED" } } });
  return db.dealImport.create({
    data: { workspaceId: p.workspaceId, createdById: p.userId, fileName: p.fileName, fileBytes: p.fileBytes },
    select: { id: true },
  });
}

async function findImport(workspaceId: string, importId: string) {
  const found = await db.dealImport.findFirst({ where: { id: importId, workspaceId } });
  if (!found) throw new NotFoundError("That import");
  return found;
}

/**
 * Stores chunk `index` (every chunk but the last is exactly uploadChunkBytes long). Sending the chunk the
 * server already has again is harmless (a retried request). The last chunk starts the check.
 */
export async function appendChunk(p: { workspaceId: string; importId: string; index: number; data: Buffer; send: SendEvents }) {
  const imp = await findImport(p.workspaceId, p.importId);
  if (imp.status !== "UPLOADING") {
    if (p.index < imp.chunkCount) return { receivedBytes: imp.receivedBytes, complete: imp.receivedBytes === imp.fileBytes };
    throw new ConflictError("This upload has ended. Choose the file again to start a new import.");
  }
  if (p.index < imp.chunkCount) return { receivedBytes: imp.receivedBytes, complete: false };
  if (p.index !== imp.chunkCount)
    throw new ValidationError(`Part ${p.index + 1} of the file arrived before part ${imp.chunkCount + 1}. Choose the file again.`);
  const received = imp.receivedBytes + p.data.length;
  const last = received >= imp.fileBytes;
  if (received > imp.fileBytes || (!last && p.data.length !== IMPORT_LIMITS.uploadChunkBytes) || p.data.length === 0) {
    throw new ValidationError("The file changed while it was being uploaded. Choose it again.");
  }
  const updated = await db.$transaction(async (tx) => {
    const moved = await tx.dealImport.updateMany({
      where: { id: imp.id, status: "UPLOADING", chunkCount: p.index },
      data: { chunkCount: p.index + 1, receivedBytes: received, ...(last ? { status: "VALIDATING" } : {}) },
    });
    if (moved.count === 0) return false;
    await tx.dealImportChunk.create({ data: { importId: imp.id, index: p.index, data: new Uint8Array(p.data) } });
    return true;
  });
  if (!updated) {
    const now = await findImport(p.workspaceId, p.importId);
    return { receivedBytes: now.receivedBytes, complete: now.receivedBytes === now.fileBytes };
  }
  if (last) await p.send(appEvent("dealsImport", { workspaceId: imp.workspaceId, importId: imp.id, phase: "validate" }));
  return { receivedBytes: received, complete: last };
}

/** The stored file's bytes from `offset` on, one chunk row at a time. */
async function* fileFrom(importId: string, offset: number): AsyncGenerator<Buffer> {
  const size = IMPORT_LIMITS.uploadChunkBytes;
  for (let index = Math.floor(offset / size); ; index++) {
    const chunk = await db.dealImportChunk.findUnique({ where: { importId_index: { importId, index } }, select: { data: true } });
    if (!chunk) return;
    const buf = Buffer.from(chunk.data);
    yield index === Math.floor(offset / size) ? buf.subarray(offset % size) : buf;
  }
}

// ---------------------------------------------------------------------------------------------
// 2. Check (one call = one durable step)
// ---------------------------------------------------------------------------------------------

async function failImport(importId: string, message: string) {
  await db.$transaction([
    db.dealImport.update({ where: { id: importId }, data: { status: "FAILED", error: message, finishedAt: new Date() } }),
    db.dealImportRow.deleteMany({ where: { importId } }),
    db.dealImportChunk.deleteMany({ where: { importId } }),
  ]);
}

type StepResult = { done: boolean };

/**
 * One step of the check. The first reads the whole stored file once (binary? UTF-8? header and required
 * columns?) and records the mapping; each later one parses up to ROWS_PER_STEP rows from where the previous
 * stopped; the last looks across rows (duplicates, CRM ids used by other deals) and opens the preview.
 */
export async function checkImportStep(importId: string): Promise<StepResult> {
  const imp = await db.dealImport.findUnique({ where: { id: importId } });
  if (!imp || imp.status !== "VALIDATING") return { done: true };
  if (!imp.mapping) return checkFile(imp.id);
  const mapping = imp.mapping as unknown as StoredMapping;
  if (imp.parsedBytes >= imp.fileBytes) return finishCheck(imp.id, imp.workspaceId);
  return stageRows(imp.id, imp.workspaceId, imp.parsedBytes, imp.delimiter ?? ",", mapping);
}

async function checkFile(importId: string): Promise<StepResult> {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let head: Buffer | null = null;
  let firstLine = "";
  try {
    for await (const buf of fileFrom(importId, 0)) {
      if (!head) {
        head = buf;
        const problem = sniffFile(buf.subarray(0, 4096));
        if (problem) return fail(problem);
        const text = buf.subarray(0, 64 * 1024).toString("utf8");
        firstLine = text.replace(/^\uFEFF/, "").split(/\r?\n/, 1)[0] ?? "";
      } else if (buf.includes(0)) return fail(sniffFile(Buffer.from([0]))!);
      decoder.decode(buf, { stream: true });
    }
    decoder.decode();
  } catch {
    return fail(NOT_UTF8);
  }
  if (!head) return fail("The file is empty.");
  const delimiter = detectDelimiter(firstLine);
  let header: { record: string[]; bytes: number } | null = null;
  try {
    const parser = Readable.from(fileFrom(importId, 0)).pipe(parse({ delimiter, bom: true, relax_column_count: true, skip_empty_lines: true, info: true }));
    for await (const item of parser as AsyncIterable<{ record: string[]; info: Info }>) {
      header = { record: item.record, bytes: item.info.bytes };
      parser.destroy();
      break;
    }
  } catch (error) {
    return fail(describeParseError((error as { code?: string }).code, 1));
  }
  if (!header || header.record.every((h) => !h.trim()))
    return fail("The file has no header row. The first row must name the columns, e.g. External ID, Name, Stage, Amount.");
  const { columns, fieldIndex, missing } = mapHeaders(header.record);
  if (missing.length) {
    const found = header.record.filter((h) => h.trim()).slice(0, 8);
    return fail(
      `The file has no column for ${missing.map((f) => FIELD_LABELS[f]).join(", ")}. ${missing.map((f) => `${FIELD_LABELS[f]}: name the column ${acceptedHeaders(f)}.`).join(" ")} Columns found: ${found.map((h) => `"${h}"`).join(", ") || "none"}${delimiter === "," ? "" : ` (separated by ${delimiter === ";" ? "semicolons" : "tabs"})`}.`,
    );
  }
  const mapping: StoredMapping = { columns, fieldIndex, headerCount: header.record.length };
  await db.dealImport.update({
    where: { id: importId },
    data: { mapping: mapping as unknown as Prisma.InputJsonValue, delimiter, parsedBytes: header.bytes },
  });
  return { done: false };

  async function fail(message: string): Promise<StepResult> {
    await failImport(importId, message);
    return { done: true };
  }
}

async function stageRows(importId: string, workspaceId: string, start: number, delimiter: string, mapping: StoredMapping): Promise<StepResult> {
  const lastRow = await db.dealImportRow.aggregate({ where: { importId }, _max: { rowNumber: true }, _count: true });
  // Spreadsheet rows: the header is row 1 (or later, after empty lines), the first deal row 2.
  const base = lastRow._max.rowNumber ?? 1;
  const parsed: Array<{ cells: string[]; rowNumber: number }> = [];
  let consumed = 0;
  let reachedEnd = true;
  try {
    const parser = Readable.from(fileFrom(importId, start)).pipe(
      parse({ delimiter, bom: false, relax_column_count: true, skip_empty_lines: true, info: true }),
    );
    for await (const item of parser as AsyncIterable<{ record: string[]; info: Info }>) {
      parsed.push({ cells: item.record, rowNumber: base + item.info.records + item.info.empty_lines });
      consumed = item.info.bytes;
      if (parsed.length >= ROWS_PER_STEP) {
        reachedEnd = false;
        parser.destroy();
        break;
      }
    }
  } catch (error) {
    const row = base + parsed.length + 1;
    await failImport(importId, describeParseError((error as { code?: string }).code, row));
    return { done: true };
  }
  if (lastRow._count + parsed.length > IMPORT_LIMITS.maxRows) {
    await failImport(
      importId,
      `The file has more than ${IMPORT_LIMITS.maxRows.toLocaleString("en-US")} deal rows, the most one import takes. Split it into smaller files and import them one after another.`,
    );
    return { done: true };
  }

  const ownerIndex = mapping.fieldIndex.ownerEmail;
  const ownerEmails = ownerIndex === undefined ? [] : [...new Set(parsed.map((r) => (r.cells[ownerIndex] ?? "").trim().toLowerCase()).filter(Boolean))];
  const members = ownerEmails.length
    ? await db.membership.findMany({
        where: { workspaceId, status: "ACTIVE", user: { email: { in: ownerEmails } } },
        select: { user: { select: { email: true } } },
      })
    : [];
  const memberEmails = new Set(members.map((m) => m.user.email.toLowerCase()));

  const rows = parsed.map(({ cells, rowNumber }) => {
    const { values, issues } = checkRow(cells, mapping.fieldIndex, (e) => memberEmails.has(e), mapping.headerCount);
    return {
      importId,
      rowNumber,
      externalId: values.externalId || null,
      values: values as unknown as Prisma.InputJsonValue,
      issues: issues as unknown as Prisma.InputJsonValue,
      hasError: issues.some((i) => i.level === "error"),
      hasWarning: issues.some((i) => i.level === "warning"),
    };
  });
  const next = reachedEnd ? Number.MAX_SAFE_INTEGER : start + consumed;
  await db.$transaction(async (tx) => {
    // One JSON parameter per statement (not 7 bind parameters a row): the staging insert stays one round trip.
    for (let i = 0; i < rows.length; i += STAGE_BATCH) {
      const batch = JSON.stringify(rows.slice(i, i + STAGE_BATCH));
      await tx.$executeRaw`
        INSERT INTO "DealImportRow" ("importId", "rowNumber", "externalId", values, issues, "hasError", "hasWarning")
        SELECT "importId", "rowNumber", "externalId", values, issues, "hasError", "hasWarning"
        FROM jsonb_to_recordset(${batch}::jsonb)
          AS x("importId" text, "rowNumber" int, "externalId" text, values jsonb, issues jsonb, "hasError" boolean, "hasWarning" boolean)
        ON CONFLICT DO NOTHING`;
    }
    const imp = await tx.dealImport.findUniqueOrThrow({ where: { id: importId }, select: { fileBytes: true } });
    await tx.dealImport.update({
      where: { id: importId },
      data: { parsedBytes: Math.min(next, imp.fileBytes), totalRows: { increment: rows.length } },
    });
  }, LONG_TX);
  return { done: false };
}

const issueSql = (column: string, message: Prisma.Sql, fix: string) =>
  Prisma.sql`jsonb_build_array(jsonb_build_object('column', ${column}::text, 'level', 'error', 'message', ${message}, 'fix', ${fix}::text))`;

async function finishCheck(importId: string, workspaceId: string): Promise<StepResult> {
  // The staged rows arrived in this run: fresh statistics keep the planner off nested loops over them.
  await db.$executeRaw`ANALYZE "DealImportRow"`;
  const hasRows = await db.$transaction(async (tx) => {
    // The same external id twice: every row after the first is an error (one deal per id).
    await tx.$executeRaw`
      WITH d AS (
        SELECT "rowNumber", "externalId", min("rowNumber") OVER (PARTITION BY "externalId") AS first
        FROM "DealImportRow" WHERE "importId" = ${importId} AND "externalId" IS NOT NULL
      )
      UPDATE "DealImportRow" r SET "hasError" = true, issues = r.issues || ${issueSql(
        FIELD_LABELS.externalId,
        Prisma.sql`format('External ID "%s" is also on row %s.', d."externalId", d.first)`,
        "Each deal needs its own external id: merge the two rows, or give one of them another id.",
      )}
      FROM d WHERE r."importId" = ${importId} AND r."rowNumber" = d."rowNumber" AND d."rowNumber" <> d.first`;
    // The same CRM deal id on two rows with different external ids: two deals cannot share it.
    await tx.$executeRaw`
      WITH d AS (
        SELECT "rowNumber", values->>'crmDealId' AS crm, "externalId",
               first_value("rowNumber") OVER (PARTITION BY values->>'crmDealId' ORDER BY "rowNumber") AS first,
               first_value("externalId") OVER (PARTITION BY values->>'crmDealId' ORDER BY "rowNumber") AS "firstExternalId"
        FROM "DealImportRow" WHERE "importId" = ${importId} AND values->>'crmDealId' IS NOT NULL AND NOT "hasError"
      )
      UPDATE "DealImportRow" r SET "hasError" = true, issues = r.issues || ${issueSql(
        FIELD_LABELS.crmDealId,
        Prisma.sql`format('CRM deal ID "%s" is also on row %s.', d.crm, d.first)`,
        "A CRM deal belongs to one deal: remove the id from one of the rows.",
      )}
      FROM d WHERE r."importId" = ${importId} AND r."rowNumber" = d."rowNumber" AND d."rowNumber" <> d.first
        AND d."externalId" IS DISTINCT FROM d."firstExternalId"`;
    // A CRM deal id another deal of the workspace (not imported under this external id) already has.
    await tx.$executeRaw`
      WITH d AS (
        SELECT r."rowNumber", r.values->>'crmDealId' AS crm, dl.name
        FROM "DealImportRow" r
        JOIN "Deal" dl ON dl."workspaceId" = ${workspaceId} AND dl."crmSource" = 'NONE' AND dl."crmDealId" = r.values->>'crmDealId'
        WHERE r."importId" = ${importId} AND NOT r."hasError" AND dl."externalId" IS DISTINCT FROM r."externalId"
      )
      UPDATE "DealImportRow" r SET "hasError" = true, issues = r.issues || ${issueSql(
        FIELD_LABELS.crmDealId,
        Prisma.sql`format('CRM deal ID "%s" already belongs to the deal "%s".', d.crm, d.name)`,
        "Check the id; to update that deal from this file, use its external id instead.",
      )}
      FROM d WHERE r."importId" = ${importId} AND r."rowNumber" = d."rowNumber"`;
    const [counts] = await tx.$queryRaw<Array<{ total: number; errors: number; warnings: number }>>`
      SELECT count(*)::int AS total, count(*) FILTER (WHERE "hasError")::int AS errors, count(*) FILTER (WHERE "hasWarning" AND NOT "hasError")::int AS warnings
      FROM "DealImportRow" WHERE "importId" = ${importId}`;
    if (!counts || counts.total === 0) return false;
    await tx.dealImport.update({
      where: { id: importId },
      data: { status: "READY", totalRows: counts.total, errorRows: counts.errors, warningRows: counts.warnings, validatedAt: new Date() },
    });
    return true;
  }, LONG_TX);
  if (!hasRows) await failImport(importId, "The file has a header row but no deal rows under it. Add one row per deal under the header.");
  return { done: true };
}

// ---------------------------------------------------------------------------------------------
// 3. Preview and progress (what the page polls)
// ---------------------------------------------------------------------------------------------

export type ImportIssueRow = { rowNumber: number; externalId: string | null; issues: RowIssue[] };

export type ImportView = {
  id: string;
  fileName: string;
  status: "UPLOADING" | "VALIDATING" | "READY" | "IMPORTING" | "DONE" | "FAILED" | "CANCELLED";
  error: string | null;
  fileBytes: number;
  receivedBytes: number;
  chunkCount: number;
  parsedBytes: number;
  mapping: Array<{ header: string; field: ImportField | null; label: string | null; note: string | null }>;
  totalRows: number;
  errorRows: number;
  warningRows: number;
  mode: "ALL" | "VALID_ONLY" | null;
  toWriteRows: number;
  writtenRows: number;
  createdDeals: number;
  updatedDeals: number;
  skippedRows: number;
  createdAt: string;
  validatedAt: string | null;
  finishedAt: string | null;
  /** Rows with an error first, then rows with a warning; a page of ISSUES_PAGE_SIZE. */
  issues: { page: number; pageCount: number; kind: "errors" | "warnings"; rows: ImportIssueRow[] };
};

export async function getImportView(workspaceId: string, importId: string, opts: { page?: number; kind?: "errors" | "warnings" } = {}): Promise<ImportView> {
  const imp = await findImport(workspaceId, importId);
  return toView(imp, opts);
}

/** The import the page resumes after a reload: the newest one, unless it was cancelled. */
export async function latestImportView(workspaceId: string): Promise<ImportView | null> {
  const imp = await db.dealImport.findFirst({ where: { workspaceId }, orderBy: { createdAt: "desc" } });
  if (!imp || imp.status === "CANCELLED") return null;
  return toView(imp, {});
}

async function toView(imp: Awaited<ReturnType<typeof findImport>>, opts: { page?: number; kind?: "errors" | "warnings" }): Promise<ImportView> {
  const kind = opts.kind ?? (imp.errorRows > 0 || imp.warningRows === 0 ? "errors" : "warnings");
  const total = kind === "errors" ? imp.errorRows : imp.warningRows;
  const pageCount = Math.max(1, Math.ceil(total / ISSUES_PAGE_SIZE));
  const page = Math.min(Math.max(1, Math.floor(opts.page ?? 1)), pageCount);
  const showIssues = ["READY", "IMPORTING", "DONE"].includes(imp.status) && total > 0;
  const rows = showIssues
    ? await db.dealImportRow.findMany({
        where: kind === "errors" ? { importId: imp.id, hasError: true } : { importId: imp.id, hasError: false, hasWarning: true },
        orderBy: { rowNumber: "asc" },
        skip: (page - 1) * ISSUES_PAGE_SIZE,
        take: ISSUES_PAGE_SIZE,
        select: { rowNumber: true, externalId: true, issues: true },
      })
    : [];
  const mapping = (imp.mapping as unknown as StoredMapping | null)?.columns ?? [];
  return {
    id: imp.id,
    fileName: imp.fileName,
    status: imp.status,
    error: imp.error,
    fileBytes: imp.fileBytes,
    receivedBytes: imp.receivedBytes,
    chunkCount: imp.chunkCount,
    parsedBytes: imp.parsedBytes,
    mapping: mapping.map((c) => ({ header: c.header, field: c.field, label: c.field ? FIELD_LABELS[c.field] : null, note: c.note })),
    totalRows: imp.totalRows,
    errorRows: imp.errorRows,
    warningRows: imp.warningRows,
    mode: imp.mode === "ALL" || imp.mode === "VALID_ONLY" ? imp.mode : null,
    toWriteRows: imp.toWriteRows,
    writtenRows: imp.writtenRows,
    createdDeals: imp.createdDeals,
    updatedDeals: imp.updatedDeals,
    skippedRows: imp.skippedRows,
    createdAt: imp.createdAt.toISOString(),
    validatedAt: imp.validatedAt?.toISOString() ?? null,
    finishedAt: imp.finishedAt?.toISOString() ?? null,
    issues: { page, pageCount, kind, rows: rows.map((r) => ({ rowNumber: r.rowNumber, externalId: r.externalId, issues: r.issues as unknown as RowIssue[] })) },
  };
}

export async function cancelImport(workspaceId: string, importId: string) {
  const imp = await findImport(workspaceId, importId);
  if (!["UPLOADING", "READY", "FAILED"].includes(imp.status)) {
    throw new ConflictError(
      imp.status === "DONE" ? "This import has finished; its deals are in the deals list." : "This import is running and cannot be cancelled now.",
    );
  }
  await db.$transaction([
    db.dealImport.updateMany({ where: { id: imp.id, status: imp.status }, data: { status: "CANCELLED", finishedAt: imp.finishedAt ?? new Date() } }),
    db.dealImportRow.deleteMany({ where: { importId: imp.id } }),
    db.dealImportChunk.deleteMany({ where: { importId: imp.id } }),
  ]);
}

// ---------------------------------------------------------------------------------------------
// 4. Commit
// ---------------------------------------------------------------------------------------------

/**
 * Starts writing. `ALL` is refused while any row has an error (nothing is written); `VALID_ONLY` writes the
 * rows without errors and skips the others, which the admin chose knowingly on the preview.
 */
export async function startCommit(p: { workspaceId: string; importId: string; mode: "ALL" | "VALID_ONLY"; send: SendEvents }) {
  const imp = await findImport(p.workspaceId, p.importId);
  if (imp.status !== "READY") throw new ConflictError("This import is not waiting to be imported (it is running, finished or cancelled).");
  if (p.mode === "ALL" && imp.errorRows > 0) {
    throw new ConflictError(
      `${imp.errorRows.toLocaleString("en-US")} ${imp.errorRows === 1 ? "row has an error" : "rows have errors"}, so nothing was imported. Fix the file and upload it again, or choose to import only the valid rows.`,
    );
  }
  const toWrite = imp.totalRows - imp.errorRows;
  if (toWrite === 0) throw new ConflictError("Every row has an error, so there is nothing to import. Fix the file and upload it again.");
  const moved = await db.dealImport.updateMany({
    where: { id: imp.id, status: "READY" },
    data: { status: "IMPORTING", mode: p.mode, toWriteRows: toWrite, skippedRows: imp.errorRows, importStartedAt: new Date() },
  });
  if (moved.count === 0) throw new ConflictError("This import has already started.");
  await p.send(appEvent("dealsImport", { workspaceId: imp.workspaceId, importId: imp.id, phase: "commit" }));
}

const OPTIONAL_SET: Partial<Record<ImportField, Prisma.Sql>> = {
  amount: Prisma.sql`amount = EXCLUDED.amount`,
  currency: Prisma.sql`currency = EXCLUDED.currency`,
  closeDate: Prisma.sql`"closeDate" = EXCLUDED."closeDate"`,
  ownerEmail: Prisma.sql`"ownerId" = EXCLUDED."ownerId"`,
  accountName: Prisma.sql`"accountName" = EXCLUDED."accountName"`,
  crmDealId: Prisma.sql`"crmDealId" = EXCLUDED."crmDealId"`,
  crmAccountId: Prisma.sql`"crmAccountId" = EXCLUDED."crmAccountId"`,
};

/**
 * One commit step: up to ROWS_PER_STEP staged rows without errors, upserted in one statement, their contacts
 * in a second, and the progress, all in one transaction (a retried step redoes exactly its window).
 * A column the file does not have is left as it is on deals that already exist.
 */
export async function writeImportStep(importId: string): Promise<StepResult> {
  const imp = await db.dealImport.findUnique({ where: { id: importId } });
  if (!imp || imp.status !== "IMPORTING") return { done: true };
  const ws = imp.workspaceId;
  const mapping = imp.mapping as unknown as StoredMapping | null;
  if (!mapping) {
    await failImport(importId, "This import has no checked file to write. Upload the file again.");
    return { done: true };
  }
  const mapped = (f: ImportField) => mapping.fieldIndex[f] !== undefined;
  const sets = [
    Prisma.sql`name = EXCLUDED.name`,
    Prisma.sql`stage = EXCLUDED.stage`,
    Prisma.sql`"isClosed" = EXCLUDED."isClosed"`,
    ...(Object.entries(OPTIONAL_SET) as Array<[ImportField, Prisma.Sql]>).filter(([f]) => mapped(f)).map(([, sql]) => sql),
    Prisma.sql`"updatedAt" = EXCLUDED."updatedAt"`,
  ];
  const done = await db.$transaction(async (tx) => {
    const [res] = await tx.$queryRaw<Array<{ created: number; updated: number; last: number | null }>>`
        WITH src AS (
          SELECT r."rowNumber", r.values AS v FROM "DealImportRow" r
          WHERE r."importId" = ${importId} AND r."hasError" = false AND r."rowNumber" > ${imp.writeCursor}
          ORDER BY r."rowNumber" LIMIT ${ROWS_PER_STEP}
        ), owners AS (
          SELECT u.id, u.email FROM "User" u
          JOIN "Membership" m ON m."userId" = u.id AND m."workspaceId" = ${ws} AND m.status = 'ACTIVE'
          WHERE u.email IN (SELECT v->>'ownerEmail' FROM src WHERE v->>'ownerEmail' IS NOT NULL)
        ), up AS (
          INSERT INTO "Deal" (id, "workspaceId", "externalId", name, stage, "isClosed", amount, currency, "closeDate", "ownerId",
                              "accountName", "crmDealId", "crmAccountId", "createdAt", "updatedAt")
          SELECT 'imp' || replace(gen_random_uuid()::text, '-', ''), ${ws}, src.v->>'externalId', src.v->>'name', src.v->>'stage',
                 (src.v->>'isClosed')::boolean, (src.v->>'amount')::numeric, src.v->>'currency', (src.v->>'closeDate')::date::timestamp,
                 o.id, src.v->>'accountName', src.v->>'crmDealId', src.v->>'crmAccountId',
                 now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
          FROM src LEFT JOIN owners o ON o.email = src.v->>'ownerEmail'
          ON CONFLICT ("workspaceId", "externalId") DO UPDATE SET ${Prisma.join(sets, ", ")}
          RETURNING (xmax = 0) AS inserted
        )
        SELECT count(*) FILTER (WHERE inserted)::int AS created, count(*) FILTER (WHERE NOT inserted)::int AS updated,
               (SELECT max("rowNumber") FROM src) AS last
        FROM up`;
    if (!res || res.last === null) return true;
    if (mapped("contactEmails")) {
      // The cell is the deal's contact list: emails no longer in it are removed, new ones added.
      await tx.$executeRaw`
          WITH src AS (
            SELECT r.values AS v FROM "DealImportRow" r
            WHERE r."importId" = ${importId} AND r."hasError" = false AND r."rowNumber" > ${imp.writeCursor} AND r."rowNumber" <= ${res.last}
          ), d AS (
            SELECT dl.id, src.v FROM src JOIN "Deal" dl ON dl."workspaceId" = ${ws} AND dl."externalId" = src.v->>'externalId'
          ), e AS (
            SELECT d.id AS "dealId", c->>'email' AS email, c->>'name' AS name FROM d, jsonb_array_elements(d.v->'contacts') c
          ), gone AS (
            DELETE FROM "DealContact" x USING d
            WHERE x."dealId" = d.id AND NOT (d.v->'contacts' @> jsonb_build_array(jsonb_build_object('email', x.email)))
            RETURNING 1
          )
          INSERT INTO "DealContact" (id, "workspaceId", "dealId", name, email, "createdAt", "updatedAt")
          SELECT 'imc' || replace(gen_random_uuid()::text, '-', ''), ${ws}, e."dealId", e.name, e.email, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
          FROM e
          ON CONFLICT ("dealId", email) DO UPDATE SET name = EXCLUDED.name, "updatedAt" = EXCLUDED."updatedAt"
          WHERE EXCLUDED.name <> EXCLUDED.email AND "DealContact".name IS DISTINCT FROM EXCLUDED.name`;
    }
    await tx.dealImport.update({
      where: { id: importId },
      data: {
        writeCursor: res.last,
        writtenRows: { increment: res.created + res.updated },
        createdDeals: { increment: res.created },
        updatedDeals: { increment: res.updated },
      },
    });
    return false;
  }, LONG_TX);
  return { done };
}

/** After the last window: the import is done, the uploaded file is deleted; the caller sends `deals.changed`. */
export async function finishImport(importId: string) {
  const imp = await db.dealImport.findUnique({ where: { id: importId } });
  if (!imp || imp.status !== "IMPORTING") return null;
  await db.$transaction(async (tx) => {
    await tx.dealImport.update({ where: { id: importId }, data: { status: "DONE", finishedAt: new Date() } });
    await tx.dealImportChunk.deleteMany({ where: { importId } });
    // Only the rows the preview still shows (errors, warnings) are kept.
    await tx.dealImportRow.deleteMany({ where: { importId, hasError: false, hasWarning: false } });
    await recordAudit(
      {
        workspaceId: imp.workspaceId,
        actorId: imp.createdById,
        action: "deals.imported",
        summary: `Imported ${imp.fileName}: ${imp.createdDeals} deals created, ${imp.updatedDeals} updated${imp.skippedRows ? `, ${imp.skippedRows} rows with errors skipped` : ""}`,
        targetType: "DealImport",
        targetId: imp.id,
      },
      tx,
    );
  }, LONG_TX);
  return { workspaceId: imp.workspaceId };
}

/** The background run gave up (retries spent): say so; what was written stays (upserts are safe to repeat). */
export async function failImportRun(importId: string, phase: "validate" | "commit", reference: string) {
  await db.dealImport.updateMany({
    where: { id: importId, status: { in: [...ACTIVE] } },
    data: {
      status: "FAILED",
      finishedAt: new Date(),
      error:
        phase === "validate"
          ? `Checking the file failed on our side, and nothing was imported. Upload it again; if it keeps failing, contact support (reference ${reference}).`
          : `Writing the deals stopped on our side after some of them were written. Upload the same file again to finish (rows already imported are updated, not duplicated); if it keeps failing, contact support (reference ${reference}).`,
    },
  });
}

// ---------------------------------------------------------------------------------------------
// Route inputs (app/api/deals/import/**)
// ---------------------------------------------------------------------------------------------

export const createImportInput = z.object({
  fileName: z
    .string({ error: "Choose a file." })
    .trim()
    .min(1, "Choose a file.")
    .max(255, "The file name is too long (at most 255 characters).")
    .refine(isOneLine, "The file name must be on one line."),
  fileBytes: z.number({ error: "The file size is missing." }).int().min(0),
});

/** A chunk is at most uploadChunkBytes of the file, base64: the JSON body stays under this. */
export const CHUNK_BODY_BYTES = Math.ceil((IMPORT_LIMITS.uploadChunkBytes * 4) / 3) + 1024;

export const chunkInput = z.object({
  index: z.number({ error: "The part number is missing." }).int().min(0).max(10_000),
  data: z
    .string({ error: "The part's data is missing." })
    .max(CHUNK_BODY_BYTES)
    .regex(/^[A-Za-z0-9+/]*={0,2}$/, "The part's data must be base64."),
});

export const commitInput = z.object({
  mode: z.enum(["ALL", "VALID_ONLY"], { error: 'Say what to import: "ALL" or "VALID_ONLY".' }),
});

export const viewParams = z.object({
  page: z.coerce.number().int().min(1).max(100_000).default(1).catch(1),
  kind: z.enum(["errors", "warnings"]).optional().catch(undefined),
});

/** Route ids are ours (cuids): anything else is "not found" before any query. */
export function importIdOf(value: string): string {
  if (!ID_PATTERN.test(value)) throw new NotFoundError("That import");
  return value;
}
