// Salesforce records -> the CRM model (lib/providers/crm/types.ts). Each record is validated on its
// own: one that fails is skipped with its id and the offending field, never stopping the page.
import type { z } from "zod";
import type { CrmAccount, CrmContact, CrmDeal, CrmObject, CrmSkipped } from "../crm/types";
import { issuePath } from "../parse";
import { isSalesforceId, toSalesforceId18 } from "./ids";
import type { AccountRecord, ContactRecord, DealRecord } from "./schemas";

export interface Parsed<T> {
  records: T[];
  skipped: CrmSkipped[];
}

/** Validates records one by one; failures become CrmSkipped (id when the record has a readable one). */
export function parseRecords<S extends z.ZodType>(object: CrmObject, schema: S, raw: readonly unknown[]): Parsed<z.output<S>> {
  const records: Array<z.output<S>> = [];
  const skipped: CrmSkipped[] = [];
  for (const item of raw) {
    const r = schema.safeParse(item);
    if (r.success) {
      records.push(r.data);
      continue;
    }
    const issue = r.error.issues[0];
    const id = typeof item === "object" && item !== null ? (item as { Id?: unknown }).Id : undefined;
    skipped.push({
      object,
      crmId: isSalesforceId(id) ? toSalesforceId18(id) : null,
      field: issue ? issuePath(issue.path) : "(record)",
      message: issue?.message ?? "invalid record",
    });
  }
  return { records, skipped };
}

/** Decimal string with two places ("12500.00"), or null. */
export function amountString(amount: number | null): string | null {
  return amount === null ? null : amount.toFixed(2);
}

/** "https://www.Globex.example/path" -> "globex.example"; null when there is no usable host. */
export function domainOf(website: string | null): string | null {
  if (!website) return null;
  const raw = website.trim();
  if (!raw) return null;
  try {
    const host = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `https://${raw}`).hostname.toLowerCase();
    const bare = host.replace(/^www\./, "");
    return bare.includes(".") ? bare : null;
  } catch {
    return null;
  }
}

export function toDeal(r: DealRecord): CrmDeal {
  const contacts: string[] = [];
  const seen = new Set<string>();
  for (const role of r.OpportunityContactRoles?.records ?? []) {
    const key = role.ContactId.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    contacts.push(role.ContactId);
  }
  return {
    crmId: r.Id,
    name: r.Name,
    stage: r.StageName,
    isClosed: r.IsClosed,
    isWon: r.IsWon,
    amount: amountString(r.Amount),
    // Single-currency orgs have no CurrencyIsoCode: null means the org's company currency.
    currency: null,
    closeDate: r.CloseDate,
    ownerCrmId: r.OwnerId,
    accountCrmId: r.AccountId,
    contactCrmIds: contacts,
    modifiedAt: r.SystemModstamp,
  };
}

export function toAccount(r: AccountRecord): CrmAccount {
  return { crmId: r.Id, name: r.Name, domain: domainOf(r.Website), modifiedAt: r.SystemModstamp };
}

export function toContact(r: ContactRecord): CrmContact {
  return { crmId: r.Id, name: r.Name, email: r.Email ? r.Email.toLowerCase() : null, title: r.Title, accountCrmId: r.AccountId, modifiedAt: r.SystemModstamp };
}

/** The account and contacts a deal row carries through its relationship fields (no extra request). */
export function relatedOf(r: DealRecord): { account: CrmAccount | null; contacts: CrmContact[] } {
  const account =
    r.AccountId && r.Account
      ? toAccount({ Id: r.AccountId, Name: r.Account.Name, Website: r.Account.Website, SystemModstamp: r.Account.SystemModstamp })
      : null;
  const contacts: CrmContact[] = [];
  for (const role of r.OpportunityContactRoles?.records ?? []) {
    if (!role.Contact) continue;
    contacts.push(toContact({ Id: role.ContactId, ...role.Contact }));
  }
  return { account, contacts };
}
