// HubSpot records -> the CRM model (lib/providers/crm/types.ts). Pure functions: stage labels come from
// the deal pipelines, the primary company and the contacts from the v4 associations.
import type { z } from "zod";
import { issuePath } from "../parse";
import type { CrmAccount, CrmContact, CrmDeal, CrmObject, CrmSkipped } from "../crm/types";
import type { HubspotCompanyRecord, HubspotContactRecord, HubspotDealRecord, HubspotPipelines } from "./schemas";

export interface StageInfo {
  label: string;
  isClosed: boolean;
  isWon: boolean;
}

/** Stage id -> label and closed/won flags (isClosed metadata; won = closed with probability 1). */
export function stageMap(pipelines: HubspotPipelines): Map<string, StageInfo> {
  const map = new Map<string, StageInfo>();
  for (const p of pipelines.results) {
    for (const s of p.stages) {
      const isClosed = String(s.metadata?.isClosed ?? "false").toLowerCase() === "true";
      const probability = Number(s.metadata?.probability ?? NaN);
      map.set(s.id, { label: s.label, isClosed, isWon: isClosed && probability >= 1 });
    }
  }
  return map;
}

/** ISO string or epoch milliseconds (HubSpot accepts both for dates) -> ISO. */
export function toIso(value: string): string {
  return new Date(/^\d{10,}$/.test(value) ? Number(value) : Date.parse(value)).toISOString();
}

/** A decimal as a string with two places ("12500" -> "12500.00"); null when unset. */
export function decimal(value: string | null | undefined): string | null {
  if (value === null || value === undefined || value.trim() === "") return null;
  const v = value.trim();
  const n = Number(v);
  if (!Number.isFinite(n)) return null;
  const m = /^(-?\d+)(?:\.(\d{0,2}))?$/.exec(v);
  return m ? `${m[1]}.${(m[2] ?? "").padEnd(2, "0")}` : n.toFixed(2);
}

const bool = (v: string | null | undefined): boolean | null => (v === null || v === undefined || v === "" ? null : v.toLowerCase() === "true");

export interface DealLinks {
  companyId: string | null;
  contactIds: string[];
}

export function mapDeal(r: HubspotDealRecord, stages: Map<string, StageInfo>, links: DealLinks): CrmDeal {
  const p = r.properties;
  const stage = stages.get(p.dealstage);
  // hs_is_closed / hs_is_closed_won are HubSpot's own calculation; the pipeline metadata is the fallback.
  const isClosed = bool(p.hs_is_closed) ?? stage?.isClosed ?? false;
  const isWon = bool(p.hs_is_closed_won) ?? stage?.isWon ?? false;
  return {
    crmId: r.id,
    name: p.dealname,
    // A stage deleted from its pipeline keeps its id on the deal: shown as such rather than dropped.
    stage: stage?.label ?? `Unknown stage (${p.dealstage})`,
    isClosed,
    isWon: isClosed && isWon,
    amount: decimal(p.amount),
    currency: p.deal_currency_code?.trim() ? p.deal_currency_code.trim().toUpperCase() : null,
    closeDate: p.closedate ? toIso(p.closedate).slice(0, 10) : null,
    ownerCrmId: p.hubspot_owner_id?.trim() ? p.hubspot_owner_id.trim() : null,
    accountCrmId: links.companyId,
    contactCrmIds: links.contactIds,
    modifiedAt: toIso(p.hs_lastmodifieddate),
  };
}

export function mapCompany(r: HubspotCompanyRecord): CrmAccount {
  const domain = r.properties.domain?.trim().toLowerCase() || null;
  return {
    crmId: r.id,
    // Companies may have no name in HubSpot: the domain, else the id, stands in.
    name: r.properties.name?.trim() || domain || `Company ${r.id}`,
    domain,
    modifiedAt: toIso(r.properties.hs_lastmodifieddate),
  };
}

export function mapContact(r: HubspotContactRecord): CrmContact {
  const p = r.properties;
  const email = p.email?.trim().toLowerCase() || null;
  const name = [p.firstname?.trim(), p.lastname?.trim()].filter(Boolean).join(" ");
  return {
    crmId: r.id,
    name: name || email || `Contact ${r.id}`,
    email,
    title: p.jobtitle?.trim() || null,
    accountCrmId: p.associatedcompanyid?.trim() || null,
    modifiedAt: toIso((p.lastmodifieddate ?? p.hs_lastmodifieddate)!),
  };
}

/** Parses each raw record; failures become CrmSkipped entries naming the record and the field. */
export function parseRecords<T>(object: CrmObject, schema: z.ZodType<T>, raw: unknown[]): { ok: T[]; skipped: CrmSkipped[] } {
  const ok: T[] = [];
  const skipped: CrmSkipped[] = [];
  for (const item of raw) {
    const parsed = schema.safeParse(item);
    if (parsed.success) {
      ok.push(parsed.data);
      continue;
    }
    const issue = parsed.error.issues[0];
    const id = typeof item === "object" && item !== null ? (item as { id?: unknown }).id : undefined;
    skipped.push({
      object,
      crmId: typeof id === "string" || typeof id === "number" ? String(id) : null,
      field: issue ? issuePath(issue.path) : "(record)",
      message: issue?.message ?? "invalid record",
    });
  }
  return { ok, skipped };
}
