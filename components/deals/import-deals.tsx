"use client";
// Settings -> Deals -> Import: choose a CSV, watch it upload and get checked, read the column mapping and
// every row's problem, then import (or knowingly import only the valid rows) and watch it being written.
// The state lives on the server (DealImport): a reload resumes polling where the import is.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { ApiError } from "@/components/lib/api-client";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Time } from "@/components/ui/time-zone";
import { FIELD_LABELS, IMPORT_FIELDS, IMPORT_LIMITS, REQUIRED_FIELDS } from "@/lib/deals/import-csv-rules";
import type { ImportView } from "@/lib/deals/import-csv";
import { cancelImport, commitImport, fetchImport, uploadFile } from "./import-api";

const RUNNING = new Set(["UPLOADING", "VALIDATING", "IMPORTING"]);
const nf = new Intl.NumberFormat("en-US");
const count = (n: number, one: string, many = `${one}s`) => `${nf.format(n)} ${n === 1 ? one : many}`;
const pct = (part: number, whole: number) => (whole > 0 ? Math.min(100, Math.floor((part / whole) * 100)) : 0);

function Progress({ label, value, max, detail }: { label: string; value: number; max: number; detail: string }) {
  return (
    <div className="space-y-1">
      <div className="flex justify-between text-sm">
        <span className="font-medium text-slate-800">{label}</span>
        <span className="text-slate-600">{detail}</span>
      </div>
      <progress aria-label={label} value={value} max={Math.max(1, max)} className="h-2 w-full overflow-hidden rounded accent-brand-600" />
    </div>
  );
}

export function ImportDeals({ initial }: { initial: ImportView | null }) {
  const queryClient = useQueryClient();
  const [importId, setImportId] = useState<string | null>(initial?.id ?? null);
  const [file, setFile] = useState<File | null>(null);
  const [uploaded, setUploaded] = useState<{ sent: number; total: number } | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [page, setPage] = useState(1);
  const [kind, setKind] = useState<"errors" | "warnings" | undefined>(undefined);
  const [skipBad, setSkipBad] = useState(false);
  const [busy, setBusy] = useState(false);

  const query = useQuery({
    queryKey: ["deal-import", importId, page, kind],
    queryFn: () => fetchImport(importId!, page, kind),
    enabled: importId !== null && uploaded === null,
    initialData: initial && initial.id === importId && page === 1 && kind === undefined ? initial : undefined,
    initialDataUpdatedAt: 0,
    staleTime: 0,
    refetchInterval: (q) => (q.state.data && RUNNING.has(q.state.data.status) ? 1000 : false),
  });
  const view = importId ? query.data : undefined;

  const failed = (err: unknown) => setMessage(err instanceof ApiError ? err.message : "Something went wrong. Try again.");

  async function start() {
    if (!file) return setMessage("Choose a CSV file first.");
    if (file.size > IMPORT_LIMITS.maxFileBytes)
      return setMessage(`The file is larger than ${IMPORT_LIMITS.maxFileBytes / 1048576} MB. Split it into smaller files.`);
    setMessage(null);
    setPage(1);
    setKind(undefined);
    setSkipBad(false);
    setUploaded({ sent: 0, total: file.size });
    try {
      const id = await uploadFile(file, (sent) => setUploaded({ sent, total: file.size }));
      setImportId(id);
    } catch (err) {
      failed(err);
    } finally {
      setUploaded(null);
    }
  }

  async function act(fn: () => Promise<unknown>, after?: () => void) {
    setBusy(true);
    setMessage(null);
    try {
      await fn();
      after?.();
      await queryClient.invalidateQueries({ queryKey: ["deal-import"] });
    } catch (err) {
      failed(err);
    } finally {
      setBusy(false);
    }
  }

  const startOver = () => {
    setImportId(null);
    setFile(null);
    setMessage(null);
  };

  const showForm = uploaded === null && (!view || ["DONE", "FAILED", "CANCELLED"].includes(view.status));

  return (
    <div className="space-y-6">
      {message ? (
        <p role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
          {message}
        </p>
      ) : null}

      {uploaded ? (
        <Progress
          label="Uploading"
          value={uploaded.sent}
          max={uploaded.total}
          detail={`${pct(uploaded.sent, uploaded.total)}% of ${file?.name ?? "the file"}`}
        />
      ) : null}

      {view ? (
        <ImportStatus
          view={view}
          busy={busy}
          skipBad={skipBad}
          setSkipBad={setSkipBad}
          page={page}
          setPage={setPage}
          kind={kind}
          setKind={setKind}
          act={act}
          onStartOver={startOver}
        />
      ) : null}

      {showForm ? (
        <section aria-labelledby="upload-heading" className="space-y-4 rounded-xl border border-slate-200 bg-white p-5 shadow-sm">
          <h2 id="upload-heading" className="text-lg font-semibold">
            {view ? "Import another file" : "Upload a CSV file"}
          </h2>
          <div className="text-sm text-slate-600">
            <p>
              One row per deal under a header row. Required columns: {REQUIRED_FIELDS.map((f) => FIELD_LABELS[f]).join(", ")}. Optional:{" "}
              {IMPORT_FIELDS.filter((f) => !REQUIRED_FIELDS.includes(f))
                .map((f) => FIELD_LABELS[f])
                .join(", ")}{" "}
              (several contact emails in one cell, separated by ; or ,). Header names may differ in case and spacing, and common names such as “Deal Name”,
              “Company” or “Owner” are recognised.
            </p>
            <p className="mt-1">
              Deals are matched by External ID: importing a file again updates its deals instead of adding new ones. Up to{" "}
              {IMPORT_LIMITS.maxFileBytes / 1048576} MB and {nf.format(IMPORT_LIMITS.maxRows)} rows, UTF-8 text (Excel: “CSV UTF-8”). Nothing is written before
              you have seen the preview.
            </p>
          </div>
          <div className="flex flex-wrap items-end gap-3">
            <label className="block text-sm font-medium text-slate-700">
              CSV file
              <input
                type="file"
                accept=".csv,.tsv,.txt,text/csv"
                className="mt-1 block text-sm"
                onChange={(e) => {
                  setFile(e.target.files?.[0] ?? null);
                  setMessage(null);
                }}
              />
            </label>
            <Button type="button" onClick={start} disabled={!file}>
              Upload and check
            </Button>
          </div>
        </section>
      ) : null}
    </div>
  );
}

function ImportStatus({
  view,
  busy,
  skipBad,
  setSkipBad,
  page,
  setPage,
  kind,
  setKind,
  act,
  onStartOver,
}: {
  view: ImportView;
  busy: boolean;
  skipBad: boolean;
  setSkipBad: (v: boolean) => void;
  page: number;
  setPage: (p: number) => void;
  kind: "errors" | "warnings" | undefined;
  setKind: (k: "errors" | "warnings") => void;
  act: (fn: () => Promise<unknown>, after?: () => void) => Promise<void>;
  onStartOver: () => void;
}) {
  const valid = view.totalRows - view.errorRows;
  return (
    <section aria-labelledby="import-heading" className="space-y-4 rounded-xl border border-slate-200 bg-white p-5 shadow-sm">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 id="import-heading" className="text-lg font-semibold">
          {view.fileName}
        </h2>
        <p className="text-sm text-slate-500">
          Uploaded <Time at={view.createdAt} />
          {view.finishedAt && view.status === "DONE" ? (
            <>
              {" "}
              · imported <Time at={view.finishedAt} />
            </>
          ) : null}
        </p>
      </div>

      {view.status === "UPLOADING" ? (
        <div className="space-y-3">
          <p className="text-sm text-slate-700">This upload did not finish (the page was closed or reloaded while it was sending). Nothing was imported.</p>
          <Button type="button" variant="secondary" disabled={busy} onClick={() => act(() => cancelImport(view.id), onStartOver)}>
            Discard and choose the file again
          </Button>
        </div>
      ) : null}

      {view.status === "VALIDATING" ? (
        <Progress
          label="Checking rows"
          value={view.parsedBytes}
          max={view.fileBytes}
          detail={`${pct(view.parsedBytes, view.fileBytes)}% · ${nf.format(view.totalRows)} rows read`}
        />
      ) : null}

      {view.status === "FAILED" ? (
        <div role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
          <p className="font-medium">This file was not imported.</p>
          <p>{view.error}</p>
        </div>
      ) : null}

      {view.mapping.length > 0 && ["READY", "IMPORTING", "DONE"].includes(view.status) ? <MappingTable view={view} /> : null}

      {view.status === "READY" ? (
        <div className="space-y-3">
          <p className="text-sm text-slate-800">
            {nf.format(view.totalRows)} rows checked: <strong>{nf.format(valid)} ready</strong>
            {view.errorRows ? (
              <>
                , <strong className="text-red-700">{nf.format(view.errorRows)} with errors</strong>
              </>
            ) : null}
            {view.warningRows ? <>, {nf.format(view.warningRows)} with warnings (imported as shown)</> : null}.
          </p>
          {view.errorRows === 0 ? (
            <div className="flex flex-wrap items-center gap-3">
              <Button type="button" disabled={busy} onClick={() => act(() => commitImport(view.id, "ALL"))}>
                Import {count(valid, "deal")}
              </Button>
              <Button type="button" variant="secondary" disabled={busy} onClick={() => act(() => cancelImport(view.id), onStartOver)}>
                Cancel
              </Button>
              <span className="text-sm text-slate-600">Deals whose External ID already exists are updated; the others are created.</span>
            </div>
          ) : (
            <div className="space-y-3 rounded-md border border-amber-200 bg-amber-50 p-3">
              <p role="status" className="text-sm text-amber-900">
                Nothing has been imported. Fix the rows below in your file and upload it again{valid > 0 ? ", or import only the rows without errors" : ""}.
              </p>
              {valid > 0 ? (
                <label className="flex items-start gap-2 text-sm text-slate-800">
                  <input type="checkbox" checked={skipBad} onChange={(e) => setSkipBad(e.target.checked)} className="mt-0.5" />
                  <span>
                    Import only the {count(valid, "valid row")} and skip the {count(view.errorRows, "row")} with errors (they are not imported; fix them and
                    import the file again later).
                  </span>
                </label>
              ) : null}
              <div className="flex flex-wrap gap-3">
                {valid > 0 ? (
                  <Button type="button" disabled={busy || !skipBad} onClick={() => act(() => commitImport(view.id, "VALID_ONLY"))}>
                    Import {count(valid, "valid row")}
                  </Button>
                ) : null}
                <Button type="button" variant="secondary" disabled={busy} onClick={() => act(() => cancelImport(view.id), onStartOver)}>
                  Cancel and fix the file
                </Button>
              </div>
            </div>
          )}
        </div>
      ) : null}

      {view.status === "IMPORTING" ? (
        <Progress
          label="Importing deals"
          value={view.writtenRows}
          max={view.toWriteRows}
          detail={`${nf.format(view.writtenRows)} of ${nf.format(view.toWriteRows)} deals written`}
        />
      ) : null}

      {view.status === "DONE" ? (
        <div role="status" className="space-y-2 rounded-md border border-emerald-200 bg-emerald-50 p-3 text-sm text-emerald-900">
          <p className="font-medium">
            Import finished: {nf.format(view.createdDeals)} deals created, {nf.format(view.updatedDeals)} updated
            {view.skippedRows ? `, ${nf.format(view.skippedRows)} rows with errors skipped` : ""}.
          </p>
          <p>Calls are being linked to the imported deals by CRM id and contact email.</p>
          <Link href="/deals" className="font-medium text-brand-700 underline">
            View deals
          </Link>
        </div>
      ) : null}

      {["READY", "IMPORTING", "DONE"].includes(view.status) && (view.errorRows > 0 || view.warningRows > 0) ? (
        <IssuesTable view={view} page={page} setPage={setPage} kind={kind} setKind={setKind} />
      ) : null}
    </section>
  );
}

function MappingTable({ view }: { view: ImportView }) {
  return (
    <details open={view.status === "READY"} className="text-sm">
      <summary className="cursor-pointer font-medium text-slate-800">Columns ({view.mapping.filter((c) => c.field).length} read)</summary>
      <table className="mt-2 min-w-full divide-y divide-slate-200">
        <caption className="sr-only">Column mapping</caption>
        <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-500">
          <tr>
            <th scope="col" className="px-3 py-2">
              Column in your file
            </th>
            <th scope="col" className="px-3 py-2">
              Read as
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {view.mapping.map((c, i) => (
            <tr key={i}>
              <td className="px-3 py-1.5 text-slate-900">{c.header || <em className="text-slate-500">(no header)</em>}</td>
              <td className="px-3 py-1.5">{c.label ? <Badge tone="green">{c.label}</Badge> : <span className="text-slate-500">{c.note}</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}

function IssuesTable({
  view,
  page,
  setPage,
  kind,
  setKind,
}: {
  view: ImportView;
  page: number;
  setPage: (p: number) => void;
  kind: "errors" | "warnings" | undefined;
  setKind: (k: "errors" | "warnings") => void;
}) {
  const current = kind ?? view.issues.kind;
  return (
    <div className="space-y-2">
      <div className="flex gap-2" role="group" aria-label="Row problems">
        {view.errorRows > 0 ? (
          <Button type="button" variant={current === "errors" ? "primary" : "secondary"} onClick={() => (setKind("errors"), setPage(1))}>
            Errors ({nf.format(view.errorRows)} rows)
          </Button>
        ) : null}
        {view.warningRows > 0 ? (
          <Button type="button" variant={current === "warnings" ? "primary" : "secondary"} onClick={() => (setKind("warnings"), setPage(1))}>
            Warnings ({nf.format(view.warningRows)} rows)
          </Button>
        ) : null}
      </div>
      <p className="text-xs text-slate-500">Row numbers are those of the spreadsheet: the header is row 1, the first deal row 2.</p>
      <div className="overflow-x-auto rounded-md border border-slate-200">
        <table className="min-w-full divide-y divide-slate-200 text-sm">
          <caption className="sr-only">{current === "errors" ? "Rows with errors" : "Rows with warnings"}</caption>
          <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-500">
            <tr>
              <th scope="col" className="px-3 py-2">
                Row
              </th>
              <th scope="col" className="px-3 py-2">
                Column
              </th>
              <th scope="col" className="px-3 py-2">
                Problem
              </th>
              <th scope="col" className="px-3 py-2">
                How to fix
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {view.issues.rows.flatMap((r) =>
              r.issues
                .filter((i) => (current === "errors" ? i.level === "error" : i.level === "warning"))
                .map((i, n) => (
                  <tr key={`${r.rowNumber}-${n}`}>
                    <td className="whitespace-nowrap px-3 py-1.5 text-slate-900">
                      {r.rowNumber}
                      {r.externalId ? <span className="ml-1 text-slate-500">({r.externalId})</span> : null}
                    </td>
                    <td className="whitespace-nowrap px-3 py-1.5">{i.column}</td>
                    <td className="px-3 py-1.5 text-slate-900">{i.message}</td>
                    <td className="px-3 py-1.5 text-slate-600">{i.fix}</td>
                  </tr>
                )),
            )}
          </tbody>
        </table>
      </div>
      {view.issues.pageCount > 1 ? (
        <div className="flex items-center gap-3 text-sm">
          <Button type="button" variant="secondary" disabled={page <= 1} onClick={() => setPage(page - 1)}>
            Previous
          </Button>
          <span>
            Page {view.issues.page} of {view.issues.pageCount}
          </span>
          <Button type="button" variant="secondary" disabled={page >= view.issues.pageCount} onClick={() => setPage(page + 1)}>
            Next
          </Button>
        </div>
      ) : null}
    </div>
  );
}
