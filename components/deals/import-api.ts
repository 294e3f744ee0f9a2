"use client";
// Browser side of the CSV deal import routes (app/api/deals/import/**), with this area's wording for answers
// that carry no message of their own. The file goes up in fixed-size parts as base64 inside JSON: every
// change to the app is JSON (lib/http.ts), so a multipart upload would be refused.
import { apiClient } from "@/components/lib/api-client";
import { IMPORT_LIMITS } from "@/lib/deals/import-csv-rules";
import type { ImportView } from "@/lib/deals/import-csv";

export const importApi = apiClient({
  network: "We could not reach Callsync. Check your network connection and try again.",
  status: { 403: "Only workspace admins can import deals.", 401: "Your session ended. Sign in again.", 413: "The file is too large." },
  other: () => "Something went wrong. Try again.",
});

function base64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** Uploads the file part by part; `onProgress` gets the bytes sent so far. Resolves with the import id. */
export async function uploadFile(file: File, onProgress: (sent: number) => void): Promise<string> {
  const { id } = await importApi<{ id: string }>("/api/deals/import", { method: "POST", body: { fileName: file.name, fileBytes: file.size } });
  const size = IMPORT_LIMITS.uploadChunkBytes;
  for (let start = 0, index = 0; start < file.size; start += size, index++) {
    const bytes = new Uint8Array(await file.slice(start, start + size).arrayBuffer());
    await importApi(`/api/deals/import/${id}/chunks`, { method: "POST", body: { index, data: base64(bytes) } });
    onProgress(Math.min(file.size, start + size));
  }
  return id;
}

export const fetchImport = (id: string, page: number, kind?: "errors" | "warnings") =>
  importApi<ImportView>(`/api/deals/import/${id}?page=${page}${kind ? `&kind=${kind}` : ""}`);

export const commitImport = (id: string, mode: "ALL" | "VALID_ONLY") => importApi(`/api/deals/import/${id}/commit`, { method: "POST", body: { mode } });

export const cancelImport = (id: string) => importApi(`/api/deals/import/${id}/cancel`, { method: "POST", body: {} });
