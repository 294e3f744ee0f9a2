// The CRM client interface the CRM sync engine (lib/crm/) programs against. Every difference between
// HubSpot and Salesforce (auth, paging, batching, ids, limits) lives behind it; the engine never
// branches on provider. Types only: safe to import from anywhere. Contract: /work/crm-contract.md
// (may be added to, never broken).
import type { ConnectResult, ProviderCredentials, RequestPriority } from "../types";
export type CrmId = "HUBSPOT" | "SALESFORCE";
export type CrmObject = "deal" | "account" | "contact";
export interface CrmDeal {
  crmId: string; // Salesforce: always the 18-character case-safe id; HubSpot: the numeric id as string
  name: string;
  stage: string; // the stage LABEL (HubSpot: resolved through the pipeline; Salesforce: StageName)
  isClosed: boolean;
  isWon: boolean;
  amount: string | null; // decimal as string, e.g. "12500.00"
  currency: string | null; // ISO code; null = the CRM's company currency
  closeDate: string | null; // YYYY-MM-DD
  ownerCrmId: string | null;
  accountCrmId: string | null; // Salesforce AccountId / HubSpot primary associated company
  contactCrmIds: string[]; // OpportunityContactRole contacts / associated contacts
  modifiedAt: string; // ISO (SystemModstamp / hs_lastmodifieddate)
}
export interface CrmAccount {
  crmId: string;
  name: string;
  domain: string | null;
  modifiedAt: string;
}
export interface CrmContact {
  crmId: string;
  name: string;
  email: string | null;
  title: string | null;
  accountCrmId: string | null;
  modifiedAt: string;
}
export interface CrmOwner {
  crmId: string;
  email: string | null;
  name: string | null;
}
/** A record that failed validation: skipped, counted, shown with its id and field; never stops a sync. */
export interface CrmSkipped {
  object: CrmObject;
  crmId: string | null;
  field: string;
  message: string;
}
export interface CrmPage<T> {
  records: T[];
  skipped: CrmSkipped[];
  cursor: string | null /* null = done */;
  /**
   * Added (listDeals): accounts and contacts the page's deals name that came with it at no extra request
   * (Salesforce relationship fields). The engine stores them, so it asks for none of them by id.
   */
  related?: { accounts: CrmAccount[]; contacts: CrmContact[] };
}
export interface CrmAccountInfo {
  accountId: string /* HubSpot hub id / Salesforce org id (18) */;
  accountName: string;
  apiBaseUrl: string | null /* Salesforce instance_url */;
  /** Added: the company currency (ISO), in which deals with currency null are; absent/null = unknown. */
  defaultCurrency?: string | null;
}
export interface CrmQuota {
  used: number;
  limit: number;
  window: "day";
}
export interface CrmCallOptions {
  priority?: RequestPriority;
}
export interface CrmClient {
  readonly provider: CrmId;
  authorizationUrl(p: { state: string; redirectUri?: string; codeVerifier?: string | null }): string;
  exchangeCode(p: { code: string; redirectUri?: string; codeVerifier?: string | null }): Promise<ConnectResult>;
  refreshCredentials(): Promise<ProviderCredentials>;
  accountInfo(o?: CrmCallOptions): Promise<CrmAccountInfo>;
  listOwners(o?: CrmCallOptions): Promise<CrmOwner[]>;
  /** modifiedSince null (first import): every OPEN deal plus deals closed with closeDate >= closedSince.
   *  modifiedSince set (incremental): every deal whose record OR contact associations changed at/after it. */
  listDeals(p: { modifiedSince: Date | null; closedSince: Date; cursor: string | null } & CrmCallOptions): Promise<CrmPage<CrmDeal>>;
  /** By id, batched as the API allows (HubSpot batch read 100; Salesforce SOQL IN (...)). Unknown ids are omitted. */
  getAccounts(ids: string[], o?: CrmCallOptions): Promise<CrmPage<CrmAccount>>;
  getContacts(ids: string[], o?: CrmCallOptions): Promise<CrmPage<CrmContact>>;
  listModifiedAccounts(p: { since: Date; cursor: string | null } & CrmCallOptions): Promise<CrmPage<CrmAccount>>;
  listModifiedContacts(p: { since: Date; cursor: string | null } & CrmCallOptions): Promise<CrmPage<CrmContact>>;
  /** Ids deleted (Salesforce getDeleted/queryAll IsDeleted; HubSpot archived=true) in [since, until). */
  listDeleted(object: CrmObject, p: { since: Date; until: Date } & CrmCallOptions): Promise<string[]>;
  /** Last daily-quota reading from response headers (Sforce-Limit-Info api-usage / X-HubSpot-RateLimit-Daily*), null before any. */
  quota(): CrmQuota | null;
}
