// Salesforce simulator: login hosts (OAuth 2.0 web server flow with PKCE) and an org's REST API, built
// from Salesforce's documentation (not from our client):
//   OAuth web server flow + PKCE   https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_web_server_flow.htm
//                                  https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_pkce.htm
//   OAuth errors (access_denied on deny; refresh: {"error":"invalid_grant","error_description":"expired access/refresh token"})
//                                  https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_flow_errors.htm
//   Token response (access_token, refresh_token, instance_url, id, issued_at, signature, token_type; refresh
//   does not return a new refresh token)
//                                  https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/intro_understanding_refresh_token_oauth.htm
//   Query / Query More (2,000 per batch, done, nextRecordsUrl "/services/data/vXX.X/query/01g...-2000", totalSize)
//                                  https://developer.salesforce.com/docs/platform/api-rest/guide/resources-query.html
//                                  https://developer.salesforce.com/docs/platform/api-rest/guide/resources-query-more-results.html
//   QueryAll (includes IsDeleted rows)  https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_queryall.htm
//   Query Options header (batchSize 200..2000; child records count toward the batch)
//                                  https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/headers_queryoptions.htm
//   sObject Get Deleted (deletedRecords[{id,deletedDate}], earliestDateAvailable, latestDateCovered; 15-day log;
//   INVALID_REPLICATION_DATE)      https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api/resources_getdeleted.htm
//                                  https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_calls_getdeleted.htm
//   Limit Info header (Sforce-Limit-Info: api-usage=N/LIMIT on each response)
//                                  https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/headers_api_usage.htm
//   Limits resource                https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_limits.htm
//   Status codes and error bodies ([{message,errorCode}]; 401 INVALID_SESSION_ID; 403 REQUEST_LIMIT_EXCEEDED;
//   400 MALFORMED_QUERY / INVALID_FIELD)  https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm
//   SOQL (SELECT, relationship fields, child subqueries, WHERE/AND/OR/IN, semi-joins (not with OR), ORDER BY,
//   LIMIT, date/dateTime literals unquoted)  https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/
//   OpportunityContactRole fields  https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_opportunitycontactrole.htm
//   ID field type (15-character case-sensitive, 18-character case-safe)
//                                  https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/field_types.htm
//
// Mounts (the registry's CRM simulator mount, crmSpec("SALESFORCE").simulator, plus the other login hosts):
//   /salesforce                 login.salesforce.com (production)
//   /salesforce-test            test.salesforce.com (sandbox login; issues tokens for the sandbox org)
//   /salesforce-my/<name>       <name>.my.salesforce.com (My Domain login host of org <name>)
//   /salesforce-api/<org>       the org's instance_url; API under /services/data/vXX.X/
// Control API: /__sim/salesforce/... (see salesforceControl).
import { createHash, createHmac, randomBytes } from "node:crypto";
import { DEMO_DEALS, DEMO_UNMATCHED_PROVIDER_USERS, DEMO_USERS } from "../../../lib/demo/data";
import { crmSpec } from "../../../lib/providers/registry";
import { type ProviderSim, type Route, type SimRequest, type SimResponse, json, params, redirect } from "../core";
import { consentPage, errorPage, redirectWith } from "../oauth";
import { SIM_DEFAULTS } from "../config";
import type { SimState } from "../state";
import { escapeHtml, rng } from "../util";

// ----- configuration -------------------------------------------------------------------------------

export interface SalesforceSimOptions {
  clientId: string;
  clientSecret: string;
  /** Daily API request limit of each org (Sforce-Limit-Info). */
  dailyLimit: number;
  /** Access token lifetime (the org's session timeout), seconds. */
  sessionTtlSec: number;
  /** Add the awkward records (no amount, contact without email, deleted opportunity, inactive owner). */
  awkward: boolean;
  /** Extra generated records on top of the demo deals (the benchmark's large org). */
  generated: { opportunities: number; accounts: number; contacts: number };
  /** Seed for generated records. */
  seed: number;
}

export const SALESFORCE_SIM_DEFAULTS: SalesforceSimOptions = {
  ...SIM_DEFAULTS.salesforce,
  dailyLimit: 100_000,
  sessionTtlSec: 7_200,
  awkward: true,
  generated: { opportunities: 0, accounts: 0, contacts: 0 },
  seed: 7,
};

/** The benchmark's org: 20,000 opportunities, 10,000 accounts, 100,000 contacts. */
export const SALESFORCE_LARGE_ORG = { opportunities: 20_000, accounts: 10_000, contacts: 100_000 } as const;

export const SALESFORCE_ORG = "acme";
export const SALESFORCE_SANDBOX_ORG = "acme--uat";
const MOUNT = crmSpec("SALESFORCE").simulator;
export const SALESFORCE_MOUNTS = {
  login: MOUNT.oauth,
  sandboxLogin: MOUNT.sandboxOauth ?? `${MOUNT.oauth}-test`,
  myDomain: `${MOUNT.oauth}-my`,
  api: MOUNT.api,
} as const;

/** Paths below the simulator's base URL that belong to this simulator (server.ts routes them here). */
const name = MOUNT.oauth.slice(1);
export const SALESFORCE_ROUTE_PATTERNS: Array<{ area: "api" | "oauth"; re: RegExp }> = [
  { area: "api", re: new RegExp(`^${MOUNT.api}/([^/]+)(/.*)$`) },
  { area: "oauth", re: new RegExp(`^/(${name}|${SALESFORCE_MOUNTS.sandboxLogin.slice(1)}|${name}-my/[^/]+)(/.*)$`) },
];

// ----- ids (the documented case-safe suffix, written here independently of lib/providers/salesforce) --------

const SUFFIX = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";
export function sfId18(id15: string): string {
  let out = id15;
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) if (/[A-Z]/.test(id15[chunk * 5 + i]!)) bits += 1 << i;
    out += SUFFIX[bits];
  }
  return out;
}
/** The record an id names, as its 15-character case-sensitive key (18-char ids are case-insensitive). */
function key15(id: string): string | null {
  if (/^[a-zA-Z0-9]{15}$/.test(id)) return id;
  if (!/^[a-zA-Z0-9]{18}$/.test(id)) return null;
  let out = "";
  for (let chunk = 0; chunk < 3; chunk++) {
    const bits = SUFFIX.indexOf(id[15 + chunk]!.toUpperCase());
    if (bits < 0) return null;
    for (let i = 0; i < 5; i++) {
      const ch = id[chunk * 5 + i]!;
      out += (bits >> i) & 1 ? ch.toUpperCase() : ch.toLowerCase();
    }
  }
  return out;
}
const B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
function base62(n: number, width: number): string {
  let s = "";
  for (let i = 0; i < width; i++) {
    s = B62[n % 62] + s;
    n = Math.floor(n / 62);
  }
  return s;
}
const pad2 = (n: number) => String(n).padStart(2, "0");
/** Demo deal n (1-based): 15-char 006Dn00000Acm<nn> + suffix. */
export const demoOpportunityId = (n: number) => sfId18(`006Dn00000Acm${pad2(n)}`);
export const demoAccountId = (n: number) => sfId18(`001Dn00000Acm${pad2(n)}`);
/** Generated ids: key prefix + pod "Dn" + "0" + 9 base-62 characters (mixed case, so case matters). */
const genId = (prefix: string, n: number) => sfId18(`${prefix}Dn0${base62(n * 7919 + 1_000_003, 9)}`);

// ----- the org's data ----------------------------------------------------------------------------------

type Row = Record<string, unknown> & { Id: string; IsDeleted: boolean; SystemModstamp: number };
interface Deletion {
  id: string;
  deletedAt: number;
}

type FieldType = "id" | "reference" | "string" | "email" | "datetime" | "date" | "boolean" | "currency" | "picklist";
interface FieldDef {
  name: string;
  type: FieldType;
  /** reference: the object it points to and the relationship name (AccountId -> Account). */
  ref?: { object: string; relationship: string };
}
interface ObjectDef {
  name: string;
  prefix: string;
  fields: FieldDef[];
  /** Child relationships usable as subqueries (Opportunity.OpportunityContactRoles). */
  children?: Record<string, { object: string; field: string }>;
  deletable: boolean;
}

const f = (name: string, type: FieldType, ref?: FieldDef["ref"]): FieldDef => ({ name, type, ...(ref ? { ref } : {}) });
const SYSTEM = [f("Id", "id"), f("IsDeleted", "boolean"), f("CreatedDate", "datetime"), f("LastModifiedDate", "datetime"), f("SystemModstamp", "datetime")];
const OWNER = f("OwnerId", "reference", { object: "User", relationship: "Owner" });

const SCHEMA: Record<string, ObjectDef> = {
  Organization: {
    name: "Organization",
    prefix: "00D",
    fields: [
      f("Id", "id"),
      f("Name", "string"),
      f("OrganizationType", "string"),
      f("IsSandbox", "boolean"),
      f("InstanceName", "string"),
      f("DefaultCurrencyIsoCode", "picklist"),
    ],
    deletable: false,
  },
  User: {
    name: "User",
    prefix: "005",
    fields: [
      f("Id", "id"),
      f("Name", "string"),
      f("FirstName", "string"),
      f("LastName", "string"),
      f("Email", "email"),
      f("Username", "string"),
      f("IsActive", "boolean"),
      f("UserType", "picklist"),
      f("SystemModstamp", "datetime"),
    ],
    deletable: false,
  },
  Account: {
    name: "Account",
    prefix: "001",
    fields: [...SYSTEM, f("Name", "string"), f("Website", "string"), OWNER],
    children: { Contacts: { object: "Contact", field: "AccountId" }, Opportunities: { object: "Opportunity", field: "AccountId" } },
    deletable: true,
  },
  Contact: {
    name: "Contact",
    prefix: "003",
    fields: [
      ...SYSTEM,
      f("FirstName", "string"),
      f("LastName", "string"),
      f("Name", "string"),
      f("Email", "email"),
      f("Title", "string"),
      f("AccountId", "reference", { object: "Account", relationship: "Account" }),
      OWNER,
    ],
    deletable: true,
  },
  Opportunity: {
    name: "Opportunity",
    prefix: "006",
    fields: [
      ...SYSTEM,
      f("Name", "string"),
      f("StageName", "picklist"),
      f("Amount", "currency"),
      f("CloseDate", "date"),
      f("IsClosed", "boolean"),
      f("IsWon", "boolean"),
      f("Probability", "currency"),
      f("AccountId", "reference", { object: "Account", relationship: "Account" }),
      OWNER,
    ],
    children: { OpportunityContactRoles: { object: "OpportunityContactRole", field: "OpportunityId" } },
    deletable: true,
  },
  OpportunityContactRole: {
    name: "OpportunityContactRole",
    prefix: "00K",
    fields: [
      ...SYSTEM,
      f("OpportunityId", "reference", { object: "Opportunity", relationship: "Opportunity" }),
      f("ContactId", "reference", { object: "Contact", relationship: "Contact" }),
      f("Role", "picklist"),
      f("IsPrimary", "boolean"),
    ],
    deletable: true,
  },
};
const OBJECT_BY_LOWER = new Map(Object.keys(SCHEMA).map((k) => [k.toLowerCase(), SCHEMA[k]!]));

const STAGES: Record<string, { isClosed: boolean; isWon: boolean; probability: number }> = {
  Prospecting: { isClosed: false, isWon: false, probability: 10 },
  Discovery: { isClosed: false, isWon: false, probability: 20 },
  Qualification: { isClosed: false, isWon: false, probability: 20 },
  Proposal: { isClosed: false, isWon: false, probability: 60 },
  Negotiation: { isClosed: false, isWon: false, probability: 80 },
  "Closed Won": { isClosed: true, isWon: true, probability: 100 },
  "Closed Lost": { isClosed: true, isWon: false, probability: 0 },
};

const DAY = 86_400_000;
const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);
/** Salesforce's dateTime format in JSON: 2013-05-20T20:49:32.000+0000. */
export const sfDateTime = (ms: number) => new Date(ms).toISOString().replace("Z", "+0000");

export class SalesforceOrg {
  readonly rows = new Map<string, Map<string, Row>>();
  /** Delete log per object (getDeleted). */
  readonly deleted = new Map<string, Deletion[]>();
  apiUsed = 0;
  dailyLimit: number;
  readonly orgId: string;
  readonly adminUserId: string;

  constructor(
    readonly key: string,
    readonly name: string,
    readonly isSandbox: boolean,
    options: SalesforceSimOptions,
    now: number,
  ) {
    this.dailyLimit = options.dailyLimit;
    for (const o of Object.keys(SCHEMA)) {
      this.rows.set(o, new Map());
      this.deleted.set(o, []);
    }
    this.orgId = sfId18(isSandbox ? "00DDn0000000UaT" : "00DDn0000000AcM");
    this.insert("Organization", {
      Id: this.orgId,
      Name: name,
      OrganizationType: "Enterprise Edition",
      IsSandbox: isSandbox,
      InstanceName: "SIM1",
      DefaultCurrencyIsoCode: "USD",
      SystemModstamp: now,
    });
    const users = [
      ...DEMO_USERS.map((u) => ({ ...u, active: true })),
      ...DEMO_UNMATCHED_PROVIDER_USERS.map((u) => ({ ...u, active: u.email !== "former.rep@acme.test" })),
    ];
    const userIds = new Map<string, string>();
    users.forEach((u, i) => {
      const id = sfId18(`005Dn00000Usr${pad2(i + 1)}`);
      userIds.set(u.email, id);
      const [first, ...rest] = u.name.split(" ");
      this.insert("User", {
        Id: id,
        Name: u.name,
        FirstName: first,
        LastName: rest.join(" "),
        Email: u.email,
        Username: `${u.email}${isSandbox ? ".uat" : ""}`,
        IsActive: u.active,
        UserType: "Standard",
        SystemModstamp: now - 400 * DAY,
      });
    });
    this.adminUserId = userIds.get("admin@acme.test")!;
    const stamp = (n: number) => now - (n % 60) * DAY - 3_600_000;

    DEMO_DEALS.forEach((d, i) => {
      const n = i + 1;
      const accountId = demoAccountId(n);
      const ownerId = userIds.get(d.ownerEmail) ?? this.adminUserId;
      this.insert("Account", { Id: accountId, Name: d.accountName, Website: `https://www.${d.domain}`, OwnerId: ownerId, SystemModstamp: stamp(n + 3) });
      const stage = STAGES[d.stage] ?? STAGES.Prospecting!;
      const oppId = demoOpportunityId(n);
      this.insert("Opportunity", {
        Id: oppId,
        Name: d.name,
        StageName: d.stage,
        Amount: d.amount,
        CloseDate: isoDate(now + d.closeInDays * DAY),
        IsClosed: stage.isClosed,
        IsWon: stage.isWon,
        Probability: stage.probability,
        AccountId: accountId,
        OwnerId: ownerId,
        SystemModstamp: stamp(n),
      });
      d.contacts.forEach((c, ci) => {
        const contactId = sfId18(`003Dn00000C${pad2(n)}${pad2(ci)}`);
        const [first, ...rest] = c.name.split(" ");
        this.insert("Contact", {
          Id: contactId,
          FirstName: first,
          LastName: rest.join(" "),
          Name: c.name,
          Email: c.email,
          Title: c.title,
          AccountId: accountId,
          OwnerId: ownerId,
          SystemModstamp: stamp(n + ci),
        });
        this.insert("OpportunityContactRole", {
          Id: sfId18(`00KDn00000R${pad2(n)}${pad2(ci)}`),
          OpportunityId: oppId,
          ContactId: contactId,
          Role: ci === 0 ? "Decision Maker" : "Evaluator",
          IsPrimary: ci === 0,
          SystemModstamp: stamp(n),
        });
      });
    });

    if (options.awkward) {
      const former = userIds.get("former.rep@acme.test")!;
      const acc = sfId18("001Dn00000Acm90");
      this.insert("Account", { Id: acc, Name: "Zorg Corporation", Website: null, OwnerId: former, SystemModstamp: now - 2 * DAY });
      const noEmail = sfId18("003Dn00000C9000");
      this.insert("Contact", {
        Id: noEmail,
        FirstName: null,
        LastName: "Zorg",
        Name: "Zorg",
        Email: null,
        Title: null,
        AccountId: acc,
        OwnerId: former,
        SystemModstamp: now - 2 * DAY,
      });
      const opp = sfId18("006Dn00000Acm90");
      this.insert("Opportunity", {
        Id: opp,
        Name: "Zorg Corporation - Amount to be confirmed",
        StageName: "Qualification",
        Amount: null,
        CloseDate: isoDate(now + 45 * DAY),
        IsClosed: false,
        IsWon: false,
        Probability: 20,
        AccountId: acc,
        OwnerId: former,
        SystemModstamp: now - 2 * DAY,
      });
      this.insert("OpportunityContactRole", {
        Id: sfId18("00KDn00000R9000"),
        OpportunityId: opp,
        ContactId: noEmail,
        Role: null,
        IsPrimary: true,
        SystemModstamp: now - 2 * DAY,
      });
      const gone = sfId18("006Dn00000Acm91");
      this.insert("Opportunity", {
        Id: gone,
        Name: "Zorg Corporation - Duplicate (deleted)",
        StageName: "Prospecting",
        Amount: 1000,
        CloseDate: isoDate(now + 30 * DAY),
        IsClosed: false,
        IsWon: false,
        Probability: 10,
        AccountId: acc,
        OwnerId: former,
        SystemModstamp: now - 3 * DAY,
      });
      this.remove(gone, now - 1 * DAY);
    }
    if (options.generated.accounts + options.generated.opportunities + options.generated.contacts > 0) this.generate(options, userIds, now);
  }

  private generate(options: SalesforceSimOptions, userIds: Map<string, string>, now: number): void {
    const r = rng(options.seed);
    const reps = DEMO_USERS.filter((u) => u.role === "MEMBER").map((u) => userIds.get(u.email)!);
    const { accounts, opportunities, contacts } = options.generated;
    const accountIds: string[] = [];
    const contactsByAccount: string[][] = [];
    for (let a = 0; a < accounts; a++) {
      const id = genId("001", a);
      accountIds.push(id);
      contactsByAccount.push([]);
      this.insert("Account", {
        Id: id,
        Name: `Generated Account ${a + 1}`,
        Website: `https://account${a + 1}.example`,
        OwnerId: reps[a % reps.length],
        SystemModstamp: now - Math.floor(r() * 700) * DAY,
      });
    }
    for (let c = 0; c < contacts; c++) {
      const id = genId("003", c);
      const acc = accounts ? accountIds[c % accounts]! : null;
      if (acc) contactsByAccount[c % accounts]!.push(id);
      this.insert("Contact", {
        Id: id,
        FirstName: "Contact",
        LastName: `No${c + 1}`,
        Name: `Contact No${c + 1}`,
        Email: c % 50 === 49 ? null : `contact${c + 1}@account${(c % Math.max(1, accounts)) + 1}.example`,
        Title: "Buyer",
        AccountId: acc,
        OwnerId: reps[c % reps.length],
        SystemModstamp: now - Math.floor(r() * 700) * DAY,
      });
    }
    const stageNames = Object.keys(STAGES);
    for (let o = 0; o < opportunities; o++) {
      const id = genId("006", o);
      const stageName = stageNames[Math.floor(r() * stageNames.length)]!;
      const stage = STAGES[stageName]!;
      const a = accounts ? o % accounts : -1;
      const closeOffset = stage.isClosed ? -Math.floor(r() * 1000) : Math.floor(r() * 365);
      this.insert("Opportunity", {
        Id: id,
        Name: `Generated Opportunity ${o + 1}`,
        StageName: stageName,
        Amount: o % 97 === 0 ? null : 5_000 + Math.floor(r() * 200) * 500,
        CloseDate: isoDate(now + closeOffset * DAY),
        IsClosed: stage.isClosed,
        IsWon: stage.isWon,
        Probability: stage.probability,
        AccountId: a >= 0 ? accountIds[a] : null,
        OwnerId: reps[o % reps.length],
        SystemModstamp: now - Math.floor(r() * 700) * DAY,
      });
      const pool = a >= 0 ? contactsByAccount[a]! : [];
      const roles = Math.min(pool.length, 1 + (o % 3));
      for (let k = 0; k < roles; k++) {
        this.insert("OpportunityContactRole", {
          Id: genId("00K", o * 3 + k),
          OpportunityId: id,
          ContactId: pool[(o + k) % pool.length],
          Role: k === 0 ? "Decision Maker" : "Influencer",
          IsPrimary: k === 0,
          SystemModstamp: now - Math.floor(r() * 700) * DAY,
        });
      }
    }
  }

  insert(object: string, values: Record<string, unknown>): Row {
    const def = SCHEMA[object]!;
    const row: Row = { IsDeleted: false, ...values } as Row;
    for (const fd of def.fields) if (!(fd.name in row)) row[fd.name] = null;
    row.CreatedDate ??= row.SystemModstamp;
    row.LastModifiedDate ??= row.SystemModstamp;
    this.rows.get(object)!.set(key15(row.Id)!, row);
    return row;
  }

  objectOf(id: string): string | null {
    const prefix = id.slice(0, 3);
    return Object.values(SCHEMA).find((o) => o.prefix === prefix)?.name ?? null;
  }

  find(id: string): { object: string; row: Row } | null {
    const k = key15(id);
    const object = k ? this.objectOf(k) : null;
    const row = object ? this.rows.get(object)!.get(k!) : undefined;
    return row && object ? { object, row } : null;
  }

  touch(row: Row, now: number): void {
    row.SystemModstamp = Math.max(now, row.SystemModstamp + 1);
    row.LastModifiedDate = row.SystemModstamp;
  }

  /** Moves a record to the recycle bin (IsDeleted, delete log); an Opportunity takes its contact roles with it. */
  remove(id: string, now: number): boolean {
    const hit = this.find(id);
    if (!hit || hit.row.IsDeleted || !SCHEMA[hit.object]!.deletable) return false;
    hit.row.IsDeleted = true;
    this.touch(hit.row, now);
    this.deleted.get(hit.object)!.push({ id: hit.row.Id, deletedAt: hit.row.SystemModstamp });
    if (hit.object === "Opportunity" || hit.object === "Contact") {
      const field = hit.object === "Opportunity" ? "OpportunityId" : "ContactId";
      for (const r of this.rows.get("OpportunityContactRole")!.values()) if (!r.IsDeleted && r[field] === hit.row.Id) this.remove(r.Id, now);
    }
    return true;
  }
}

// ----- SOQL (a small parser for the subset the docs describe and our sync needs) ---------------------------

export class SoqlError extends Error {
  constructor(
    readonly errorCode: "MALFORMED_QUERY" | "INVALID_FIELD" | "INVALID_TYPE" | "INVALID_QUERY_FILTER_OPERATOR",
    message: string,
  ) {
    super(message);
  }
}

type Tok = { t: "id" | "str" | "num" | "date" | "datetime" | "op" | "punct"; v: string };

function tokenize(q: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < q.length) {
    const c = q[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "'") {
      let s = "";
      i++;
      for (;;) {
        if (i >= q.length) throw new SoqlError("MALFORMED_QUERY", "unterminated string literal");
        const ch = q[i]!;
        if (ch === "\\") {
          const nx = q[i + 1];
          const map: Record<string, string> = { n: "\n", r: "\r", t: "\t", b: "\b", f: "\f", '"': '"', "'": "'", "\\": "\\", _: "\\_", "%": "\\%" };
          if (nx === undefined || !(nx in map)) throw new SoqlError("MALFORMED_QUERY", `Invalid string literal: bad escape sequence \\${nx ?? ""}`);
          s += map[nx];
          i += 2;
          continue;
        }
        if (ch === "'") {
          i++;
          break;
        }
        s += ch;
        i++;
      }
      out.push({ t: "str", v: s });
      continue;
    }
    const dt = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?(?:Z|[+-]\d{2}:?\d{2})/.exec(q.slice(i));
    if (dt) {
      out.push({ t: "datetime", v: dt[0] });
      i += dt[0].length;
      continue;
    }
    const d = /^\d{4}-\d{2}-\d{2}(?![\d:T])/.exec(q.slice(i));
    if (d) {
      out.push({ t: "date", v: d[0] });
      i += d[0].length;
      continue;
    }
    const num = /^-?\d+(?:\.\d+)?/.exec(q.slice(i));
    if (num) {
      out.push({ t: "num", v: num[0] });
      i += num[0].length;
      continue;
    }
    const op = /^(<=|>=|!=|<>|=|<|>)/.exec(q.slice(i));
    if (op) {
      out.push({ t: "op", v: op[0] === "<>" ? "!=" : op[0] });
      i += op[0].length;
      continue;
    }
    if (c === "(" || c === ")" || c === ",") {
      out.push({ t: "punct", v: c });
      i++;
      continue;
    }
    const ident = /^[A-Za-z_][A-Za-z0-9_.]*(?::\d+)?/.exec(q.slice(i));
    if (ident) {
      out.push({ t: "id", v: ident[0] });
      i += ident[0].length;
      continue;
    }
    throw new SoqlError("MALFORMED_QUERY", `unexpected token: '${c}'`);
  }
  return out;
}

type Literal = { kind: "str" | "num" | "date" | "datetime" | "bool" | "null"; v: string };
type Cond =
  | { op: "and" | "or"; left: Cond; right: Cond }
  | { op: "not"; inner: Cond }
  | { op: "cmp"; field: string; cmp: string; value: Literal }
  | { op: "in"; field: string; not: boolean; values: Literal[] }
  | { op: "semi"; field: string; not: boolean; sub: Query };
interface SubQuery {
  relationship: string;
  query: Query;
}
export interface Query {
  fields: string[];
  subqueries: SubQuery[];
  object: string;
  where: Cond | null;
  orderBy: Array<{ field: string; desc: boolean; nullsLast: boolean }>;
  limit: number | null;
}

const KEYWORDS = new Set([
  "select",
  "from",
  "where",
  "and",
  "or",
  "not",
  "in",
  "order",
  "by",
  "limit",
  "asc",
  "desc",
  "nulls",
  "first",
  "last",
  "like",
  "offset",
  "group",
  "having",
]);

class Parser {
  private i = 0;
  constructor(private readonly toks: Tok[]) {}
  private peek(o = 0): Tok | undefined {
    return this.toks[this.i + o];
  }
  private isKw(kw: string, o = 0): boolean {
    const t = this.peek(o);
    return t?.t === "id" && t.v.toLowerCase() === kw;
  }
  private eatKw(kw: string): void {
    if (!this.isKw(kw)) throw new SoqlError("MALFORMED_QUERY", `expecting '${kw.toUpperCase()}', found '${this.peek()?.v ?? "EOF"}'`);
    this.i++;
  }
  private eatPunct(p: string): void {
    const t = this.peek();
    if (t?.t !== "punct" || t.v !== p) throw new SoqlError("MALFORMED_QUERY", `expecting '${p}', found '${t?.v ?? "EOF"}'`);
    this.i++;
  }
  private ident(): string {
    const t = this.peek();
    if (t?.t !== "id" || KEYWORDS.has(t.v.toLowerCase())) throw new SoqlError("MALFORMED_QUERY", `unexpected token: '${t?.v ?? "EOF"}'`);
    this.i++;
    return t.v;
  }
  done(): boolean {
    return this.i >= this.toks.length;
  }

  query(inner = false): Query {
    this.eatKw("select");
    const fields: string[] = [];
    const subqueries: SubQuery[] = [];
    for (;;) {
      const t = this.peek();
      if (t?.t === "punct" && t.v === "(") {
        if (inner) throw new SoqlError("MALFORMED_QUERY", "nested subqueries are not supported");
        this.i++;
        const sub = this.query(true);
        this.eatPunct(")");
        subqueries.push({ relationship: sub.object, query: sub });
      } else fields.push(this.ident());
      const sep = this.peek();
      if (sep?.t === "punct" && sep.v === ",") {
        this.i++;
        continue;
      }
      break;
    }
    this.eatKw("from");
    const object = this.ident();
    let where: Cond | null = null;
    if (this.isKw("where")) {
      this.i++;
      where = this.orExpr();
    }
    const orderBy: Query["orderBy"] = [];
    if (this.isKw("order")) {
      this.i++;
      this.eatKw("by");
      for (;;) {
        const field = this.ident();
        let desc = false;
        if (this.isKw("asc")) this.i++;
        else if (this.isKw("desc")) {
          this.i++;
          desc = true;
        }
        let nullsLast = desc;
        if (this.isKw("nulls")) {
          this.i++;
          if (this.isKw("first")) nullsLast = false;
          else if (this.isKw("last")) nullsLast = true;
          else throw new SoqlError("MALFORMED_QUERY", "expecting FIRST or LAST after NULLS");
          this.i++;
        }
        orderBy.push({ field, desc, nullsLast });
        const sep = this.peek();
        if (sep?.t === "punct" && sep.v === ",") {
          this.i++;
          continue;
        }
        break;
      }
    }
    let limit: number | null = null;
    if (this.isKw("limit")) {
      this.i++;
      const t = this.peek();
      if (t?.t !== "num" || !/^\d+$/.test(t.v)) throw new SoqlError("MALFORMED_QUERY", "LIMIT must be a non-negative integer");
      this.i++;
      limit = Number(t.v);
    }
    return { fields, subqueries, object, where, orderBy, limit };
  }

  private orExpr(): Cond {
    let left = this.andExpr();
    while (this.isKw("or")) {
      this.i++;
      left = { op: "or", left, right: this.andExpr() };
    }
    return left;
  }
  private andExpr(): Cond {
    let left = this.notExpr();
    while (this.isKw("and")) {
      this.i++;
      left = { op: "and", left, right: this.notExpr() };
    }
    return left;
  }
  private notExpr(): Cond {
    if (this.isKw("not")) {
      this.i++;
      return { op: "not", inner: this.notExpr() };
    }
    const t = this.peek();
    if (t?.t === "punct" && t.v === "(") {
      this.i++;
      const c = this.orExpr();
      this.eatPunct(")");
      return c;
    }
    const field = this.ident();
    let not = false;
    if (this.isKw("not") && this.isKw("in", 1)) {
      this.i++;
      not = true;
    }
    if (this.isKw("in")) {
      this.i++;
      this.eatPunct("(");
      if (this.isKw("select")) {
        const sub = this.query(true);
        this.eatPunct(")");
        return { op: "semi", field, not, sub };
      }
      const values: Literal[] = [];
      for (;;) {
        values.push(this.literal());
        const sep = this.peek();
        if (sep?.t === "punct" && sep.v === ",") {
          this.i++;
          continue;
        }
        break;
      }
      this.eatPunct(")");
      return { op: "in", field, not, values };
    }
    if (this.isKw("like")) {
      this.i++;
      return { op: "cmp", field, cmp: "like", value: this.literal() };
    }
    const op = this.peek();
    if (op?.t !== "op") throw new SoqlError("MALFORMED_QUERY", `unexpected token: '${op?.v ?? "EOF"}'`);
    this.i++;
    return { op: "cmp", field, cmp: op.v, value: this.literal() };
  }
  private literal(): Literal {
    const t = this.peek();
    if (!t) throw new SoqlError("MALFORMED_QUERY", "unexpected end of query");
    this.i++;
    if (t.t === "str") return { kind: "str", v: t.v };
    if (t.t === "num") return { kind: "num", v: t.v };
    if (t.t === "date") return { kind: "date", v: t.v };
    if (t.t === "datetime") return { kind: "datetime", v: t.v };
    if (t.t === "id") {
      const l = t.v.toLowerCase();
      if (l === "true" || l === "false") return { kind: "bool", v: l };
      if (l === "null") return { kind: "null", v: "" };
    }
    throw new SoqlError("MALFORMED_QUERY", `unexpected token: '${t.v}'`);
  }
}

export function parseSoql(q: string): Query {
  const p = new Parser(tokenize(q));
  const query = p.query();
  if (!p.done()) throw new SoqlError("MALFORMED_QUERY", "unexpected token after the end of the query");
  return query;
}

function hasSemiUnderOr(c: Cond | null, underOr = false): boolean {
  if (!c) return false;
  if (c.op === "semi") return underOr;
  if (c.op === "and") return hasSemiUnderOr(c.left, underOr) || hasSemiUnderOr(c.right, underOr);
  if (c.op === "or") return hasSemiUnderOr(c.left, true) || hasSemiUnderOr(c.right, true);
  if (c.op === "not") return hasSemiUnderOr(c.inner, underOr);
  return false;
}

// ----- query execution ---------------------------------------------------------------------------------

interface Resolved {
  /** Canonical path, e.g. ["Account", "Name"] or ["Name"]. */
  path: string[];
  def: FieldDef;
  /** Object of each relationship hop. */
  objects: string[];
}

function resolveField(object: string, raw: string): Resolved {
  const parts = raw.split(".");
  let def = SCHEMA[object]!;
  const path: string[] = [];
  const objects: string[] = [];
  for (let i = 0; i < parts.length - 1; i++) {
    const rel = def.fields.find((fd) => fd.ref && fd.ref.relationship.toLowerCase() === parts[i]!.toLowerCase());
    if (!rel) {
      throw new SoqlError(
        "INVALID_FIELD",
        `Didn't understand relationship '${parts[i]}' in field path. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name.`,
      );
    }
    path.push(rel.ref!.relationship);
    objects.push(rel.ref!.object);
    def = SCHEMA[rel.ref!.object]!;
  }
  const last = parts[parts.length - 1]!;
  const fd = def.fields.find((x) => x.name.toLowerCase() === last.toLowerCase());
  if (!fd)
    throw new SoqlError(
      "INVALID_FIELD",
      `No such column '${last}' on entity '${def.name}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name.`,
    );
  path.push(fd.name);
  return { path, def: fd, objects };
}

type Value = string | number | boolean | null;

export class QueryEngine {
  constructor(
    private readonly org: SalesforceOrg,
    private readonly version: string,
  ) {}

  private url(object: string, id: string) {
    return `/services/data/${this.version}/sobjects/${object}/${id}`;
  }

  /** Follows the relationship hops of a resolved field path from a row of `object`. */
  private get(row: Row, r: Resolved, object: string = this.objectOfRow(row)): Value {
    let cur: Row | undefined = row;
    let curObject = object;
    for (let i = 0; i < r.path.length - 1; i++) {
      const refField: FieldDef = SCHEMA[curObject]!.fields.find((fd) => fd.ref?.relationship === r.path[i])!;
      const id = cur![refField.name] as string | null;
      cur = id ? this.org.find(id)?.row : undefined;
      curObject = refField.ref!.object;
      if (!cur) return null;
    }
    return (cur![r.path[r.path.length - 1]!] as Value) ?? null;
  }

  private objectOfRow(row: Row): string {
    return this.org.objectOf(row.Id)!;
  }

  private literalFor(fd: FieldDef, lit: Literal): Value {
    if (lit.kind === "null") return null;
    switch (fd.type) {
      case "datetime":
        if (lit.kind !== "datetime")
          throw new SoqlError(
            "MALFORMED_QUERY",
            `value of filter criterion for field '${fd.name}' must be of type dateTime and should not be enclosed in quotes`,
          );
        return Date.parse(lit.v.replace(/([+-]\d{2})(\d{2})$/, "$1:$2"));
      case "date":
        if (lit.kind !== "date")
          throw new SoqlError("MALFORMED_QUERY", `value of filter criterion for field '${fd.name}' must be of type date and should not be enclosed in quotes`);
        return lit.v;
      case "boolean":
        if (lit.kind !== "bool")
          throw new SoqlError(
            "MALFORMED_QUERY",
            `value of filter criterion for field '${fd.name}' must be of type boolean and should not be enclosed in quotes`,
          );
        return lit.v === "true";
      case "currency":
        if (lit.kind !== "num")
          throw new SoqlError(
            "MALFORMED_QUERY",
            `value of filter criterion for field '${fd.name}' must be of type double and should not be enclosed in quotes`,
          );
        return Number(lit.v);
      case "id":
      case "reference": {
        if (lit.kind !== "str")
          throw new SoqlError("MALFORMED_QUERY", `value of filter criterion for field '${fd.name}' must be of type id and should be enclosed in quotes`);
        const k = key15(lit.v);
        if (!k) throw new SoqlError("INVALID_QUERY_FILTER_OPERATOR", `invalid ID field: ${lit.v}`);
        return k;
      }
      default:
        if (lit.kind !== "str")
          throw new SoqlError("MALFORMED_QUERY", `value of filter criterion for field '${fd.name}' must be of type string and should be enclosed in quotes`);
        return lit.v.toLowerCase();
    }
  }

  private norm(fd: FieldDef, v: Value): Value {
    if (v === null) return null;
    if (fd.type === "id" || fd.type === "reference") return key15(String(v));
    if (typeof v === "string" && fd.type !== "date") return v.toLowerCase();
    return v;
  }

  /** Field resolution and literals of a condition, computed once per query instead of once per row. */
  private readonly cache = new WeakMap<Cond, unknown>();
  private prepared<T>(object: string, c: Cond, make: () => T): T {
    let hit = this.cache.get(c) as { object: string; value: T } | undefined;
    if (!hit || hit.object !== object) {
      hit = { object, value: make() };
      this.cache.set(c, hit);
    }
    return hit.value;
  }

  private test(object: string, row: Row, c: Cond): boolean {
    switch (c.op) {
      case "and":
        return this.test(object, row, c.left) && this.test(object, row, c.right);
      case "or":
        return this.test(object, row, c.left) || this.test(object, row, c.right);
      case "not":
        return !this.test(object, row, c.inner);
      case "in": {
        const { r, set } = this.prepared(object, c, () => {
          const r = resolveField(object, c.field);
          return { r, set: new Set(c.values.map((lit) => this.literalFor(r.def, lit))) };
        });
        const hit = set.has(this.norm(r.def, this.get(row, r)));
        return c.not ? !hit : hit;
      }
      case "semi": {
        const r = resolveField(object, c.field);
        const v = this.norm(r.def, this.get(row, r));
        const set = (c as { cache?: Set<Value> }).cache!;
        return c.not ? !set.has(v) : set.has(v);
      }
      case "cmp": {
        const { r, lit } = this.prepared(object, c, () => {
          const r = resolveField(object, c.field);
          return { r, lit: this.literalFor(r.def, c.value) };
        });
        const v = this.norm(r.def, this.get(row, r));
        if (c.cmp === "like") {
          if (typeof lit !== "string" || typeof v !== "string") return false;
          const re = new RegExp(
            `^${lit
              .replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
              .replace(/%/g, ".*")
              .replace(/_/g, ".")}$`,
            "s",
          );
          return re.test(v);
        }
        if (c.cmp === "=") return v === lit;
        if (c.cmp === "!=") return v !== lit;
        if (v === null || lit === null) return false;
        if (c.cmp === "<") return v < lit;
        if (c.cmp === "<=") return v <= lit;
        if (c.cmp === ">") return v > lit;
        return v >= lit;
      }
    }
  }

  private prepareSemi(c: Cond | null, includeDeleted: boolean): void {
    if (!c) return;
    if (c.op === "and" || c.op === "or") {
      this.prepareSemi(c.left, includeDeleted);
      this.prepareSemi(c.right, includeDeleted);
    } else if (c.op === "not") this.prepareSemi(c.inner, includeDeleted);
    else if (c.op === "semi") {
      if (c.sub.fields.length !== 1 || c.sub.subqueries.length) throw new SoqlError("MALFORMED_QUERY", "a semi-join subquery selects exactly one id field");
      const rows = this.select(c.sub, includeDeleted);
      const r = resolveField(c.sub.object, c.sub.fields[0]!);
      if (r.def.type !== "id" && r.def.type !== "reference")
        throw new SoqlError("MALFORMED_QUERY", "semi-join subqueries must select an id or reference field");
      (c as { cache?: Set<Value> }).cache = new Set(rows.map((row) => this.norm(r.def, this.get(row, r))));
    }
  }

  /** Rows of the top-level object that match, sorted and limited. */
  select(q: Query, includeDeleted: boolean): Row[] {
    const def = OBJECT_BY_LOWER.get(q.object.toLowerCase());
    if (!def)
      throw new SoqlError(
        "INVALID_TYPE",
        `sObject type '${q.object}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name.`,
      );
    q.object = def.name;
    for (const fld of q.fields) resolveField(def.name, fld);
    if (hasSemiUnderOr(q.where)) throw new SoqlError("MALFORMED_QUERY", "Semi join sub-selects are not allowed with the 'OR' operator");
    this.prepareSemi(q.where, false);
    let rows = [...this.org.rows.get(def.name)!.values()].filter(
      (row) => (includeDeleted || !row.IsDeleted) && (!q.where || this.test(def.name, row, q.where)),
    );
    if (q.orderBy.length) {
      const keys = q.orderBy.map((o) => ({ ...o, r: resolveField(def.name, o.field) }));
      rows = rows.sort((a, b) => {
        for (const k of keys) {
          const va = this.norm(k.r.def, this.get(a, k.r));
          const vb = this.norm(k.r.def, this.get(b, k.r));
          if (va === vb) continue;
          if (va === null) return k.nullsLast ? 1 : -1;
          if (vb === null) return k.nullsLast ? -1 : 1;
          const cmp = va < vb ? -1 : 1;
          return k.desc ? -cmp : cmp;
        }
        return 0;
      });
    }
    return q.limit === null ? rows : rows.slice(0, q.limit);
  }

  render(row: Row, object: string, fields: string[]): Record<string, unknown> {
    const out: Record<string, unknown> = { attributes: { type: object, url: this.url(object, row.Id) } };
    for (const raw of fields) {
      const r = resolveField(object, raw);
      if (r.path.length === 1) {
        out[r.path[0]!] = this.json(r.def, row[r.path[0]!] as Value);
        continue;
      }
      // Relationship fields nest: Account: {attributes, Name}; a null reference is Account: null.
      let target: Record<string, unknown> = out;
      let cur: Row | undefined = row;
      let curObject = object;
      for (let i = 0; i < r.path.length - 1; i++) {
        const rel = r.path[i]!;
        const refField: FieldDef = SCHEMA[curObject]!.fields.find((fd) => fd.ref?.relationship === rel)!;
        const refId: string | null = cur ? (cur[refField.name] as string | null) : null;
        cur = refId ? this.org.find(refId)?.row : undefined;
        curObject = refField.ref!.object;
        if (!cur) {
          if (!(rel in target)) target[rel] = null;
          break;
        }
        if (!target[rel]) target[rel] = { attributes: { type: curObject, url: this.url(curObject, cur.Id) } };
        target = target[rel] as Record<string, unknown>;
        if (i === r.path.length - 2) target[r.path[i + 1]!] = this.json(r.def, cur[r.path[i + 1]!] as Value);
      }
    }
    return out;
  }

  private json(fd: FieldDef, v: Value): Value {
    if (v === null || v === undefined) return null;
    if (fd.type === "datetime") return sfDateTime(v as number);
    return v;
  }

  /** Every row of the result, rendered (child subqueries resolved per row). Counts child rows for batching. */
  run(q: Query, includeDeleted: boolean): Array<{ readonly record: Record<string, unknown>; weight: number }> {
    const rows = this.select(q, includeDeleted);
    const def = SCHEMA[q.object]!;
    const subs = q.subqueries.map((s) => {
      const child = Object.entries(def.children ?? {}).find(([name]) => name.toLowerCase() === s.relationship.toLowerCase());
      if (!child)
        throw new SoqlError(
          "INVALID_TYPE",
          `Didn't understand relationship '${s.relationship}' in FROM part of query call. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name.`,
        );
      const [name, rel] = child;
      const childDef = SCHEMA[rel.object]!;
      for (const fld of s.query.fields) resolveField(childDef.name, fld);
      // Index children by parent once per query.
      const byParent = new Map<string, Row[]>();
      const childQuery: Query = { ...s.query, object: childDef.name, limit: null };
      for (const c of this.select(childQuery, includeDeleted)) {
        const parent = key15(String(c[rel.field] ?? ""));
        if (!parent) continue;
        const list = byParent.get(parent) ?? [];
        list.push(c);
        byParent.set(parent, list);
      }
      return { name, childDef, fields: s.query.fields, limit: s.query.limit, byParent };
    });
    const render = (row: Row, kidsOf: Row[][]): Record<string, unknown> => {
      const record = this.render(row, def.name, q.fields);
      subs.forEach((sub, i) => {
        const kids = kidsOf[i]!;
        // Salesforce returns null, not an empty result, for a parent without child rows.
        record[sub.name] = kids.length ? { totalSize: kids.length, done: true, records: kids.map((k) => this.render(k, sub.childDef.name, sub.fields)) } : null;
      });
      return record;
    };
    // Rows are rendered when their page is served (the matching rows are a snapshot, like a query locator's);
    // the weight (the row plus its child rows) decides the batch boundaries.
    return rows.map((row) => {
      const kidsOf = subs.map((sub) => (sub.byParent.get(key15(row.Id)!) ?? []).slice(0, sub.limit ?? undefined));
      return {
        weight: 1 + kidsOf.reduce((n, k) => n + k.length, 0),
        get record() {
          return render(row, kidsOf);
        },
      };
    });
  }
}

// ----- the simulator -----------------------------------------------------------------------------------

interface AccessToken {
  org: string;
  userId: string;
  expiresAt: number;
}
interface RefreshToken {
  org: string;
  userId: string;
  revoked: boolean;
  loginHost: string;
}
interface CodeGrant {
  org: string;
  loginHost: string;
  redirectUri: string;
  clientId: string;
  challenge: string | null;
  expiresAt: number;
  used: boolean;
}
interface Locator {
  org: string;
  records: Array<{ readonly record: Record<string, unknown>; weight: number }>;
  batch: number;
  lastUsed: number;
}

const LOCATOR_TTL_MS = 15 * 60_000;
const DELETE_LOG_DAYS = 15;
const MAX_URI_BYTES = 16_384;

/** Mutable Salesforce state kept on SimState (rebuilt on reset). */
export class SalesforceSimState {
  options: SalesforceSimOptions;
  readonly orgs = new Map<string, SalesforceOrg>();
  readonly codes = new Map<string, CodeGrant>();
  readonly access = new Map<string, AccessToken>();
  readonly refresh = new Map<string, RefreshToken>();
  readonly locators = new Map<string, Locator>();
  /** What the token endpoint returns as instance_url instead of the org's own (trust tests); null = omitted. */
  instanceUrlOverride: string | null | undefined = undefined;

  constructor(
    input: Partial<SalesforceSimOptions> | undefined,
    private readonly clock: () => number,
  ) {
    const now = clock();
    this.options = { ...SALESFORCE_SIM_DEFAULTS, ...input, generated: { ...SALESFORCE_SIM_DEFAULTS.generated, ...input?.generated } };
    this.orgs.set(SALESFORCE_ORG, new SalesforceOrg(SALESFORCE_ORG, "Acme", false, this.options, now));
    this.orgs.set(
      SALESFORCE_SANDBOX_ORG,
      new SalesforceOrg(
        SALESFORCE_SANDBOX_ORG,
        "Acme (UAT sandbox)",
        true,
        { ...this.options, generated: { opportunities: 0, accounts: 0, contacts: 0 } },
        now,
      ),
    );
  }

  org(key: string = SALESFORCE_ORG): SalesforceOrg {
    const o = this.orgs.get(key);
    if (!o) throw new Error(`unknown Salesforce org ${key}`);
    return o;
  }

  /** Tokens without the consent page (tests and scripts). */
  issueDirect(orgKey: string = SALESFORCE_ORG): { accessToken: string; refreshToken: string } {
    const org = this.org(orgKey);
    const accessToken = `${org.orgId.slice(0, 15)}!${randomBytes(30).toString("base64url")}`;
    const refreshToken = `5Aep${randomBytes(40).toString("base64url")}`;
    this.access.set(accessToken, { org: orgKey, userId: org.adminUserId, expiresAt: this.clock() + this.options.sessionTtlSec * 1000 });
    this.refresh.set(refreshToken, { org: orgKey, userId: org.adminUserId, revoked: false, loginHost: SALESFORCE_MOUNTS.login });
    return { accessToken, refreshToken };
  }
}

const sfError = (status: number, errorCode: string, message: string, headers?: Record<string, string>): SimResponse =>
  json(status, [{ message, errorCode }], headers);
const oauthError = (status: number, error: string, description: string): SimResponse => json(status, { error, error_description: description });

/** The login host a request came to: "/salesforce", "/salesforce-test" or "/salesforce-my/<name>". */
function loginOrg(loginHost: string): string | null {
  if (`/${loginHost}` === SALESFORCE_MOUNTS.login) return SALESFORCE_ORG;
  if (`/${loginHost}` === SALESFORCE_MOUNTS.sandboxLogin) return SALESFORCE_SANDBOX_ORG;
  const m = new RegExp(`^${SALESFORCE_MOUNTS.myDomain.slice(1)}/(.+)$`).exec(loginHost);
  return m && m[1] === SALESFORCE_ORG ? SALESFORCE_ORG : null;
}

export function salesforceSim(state: SimState): ProviderSim {
  const sf = () => state.salesforce;
  const base = () => state.baseUrl;
  const versionRe = "v(\\d{2,3}\\.\\d)";

  function consentRoutes(): Route[] {
    const pattern = /^\/services\/oauth2\/authorize$/;
    return [
      {
        method: "GET",
        area: "oauth",
        pattern,
        endpoint: "GET /services/oauth2/authorize",
        handle: (req) => {
          const q = req.query;
          const org = loginOrg(req.tenant ?? "");
          if (!org) return { status: 404, html: errorPage("URL No Longer Exists", "The My Domain login host does not exist.") };
          const redirectUri = q.get("redirect_uri");
          if (q.get("client_id") !== sf().options.clientId)
            return { status: 400, html: errorPage("OAUTH_EC_APP_NOT_FOUND", "error=invalid_client_id&error_description=client identifier invalid") };
          if (!redirectUri || !URL.canParse(redirectUri))
            return { status: 400, html: errorPage("OAUTH_ERROR", "error=redirect_uri_mismatch&error_description=redirect_uri must match configuration") };
          const stateParam = q.get("state") ? { state: q.get("state")! } : {};
          if (q.get("response_type") !== "code")
            return redirect(redirectWith(redirectUri, { error: "unsupported_response_type", error_description: "response type not supported", ...stateParam }));
          const challenge = q.get("code_challenge");
          if (challenge && (q.get("code_challenge_method") ?? "S256") !== "S256") {
            return redirect(redirectWith(redirectUri, { error: "invalid_request", error_description: "invalid code_challenge_method", ...stateParam }));
          }
          const action = `${base()}/${req.tenant}/services/oauth2/authorize`;
          const html = consentPage({
            action,
            appName: "Callsync",
            providerName: `Salesforce (${org === SALESFORCE_SANDBOX_ORG ? "sandbox" : "production"})`,
            clientId: q.get("client_id")!,
            redirectUri,
            state: q.get("state") ?? "",
            scope: q.get("scope") ?? "",
            ...(challenge ? { extra: { code_challenge: challenge, code_challenge_method: "S256" } } : {}),
          });
          return { status: 200, html: html.replace("<main>", `<main><p>Signed in to ${escapeHtml(sf().org(org).name)} as admin@acme.test</p>`) };
        },
      },
      {
        method: "POST",
        area: "oauth",
        pattern,
        endpoint: "POST /services/oauth2/authorize",
        handle: (req) => {
          const p = params(req);
          const org = loginOrg(req.tenant ?? "");
          const redirectUri = p.get("redirect_uri");
          if (!org || p.get("client_id") !== sf().options.clientId || !redirectUri || !URL.canParse(redirectUri))
            return { status: 400, html: errorPage("OAUTH_ERROR", "Unknown client or redirect URI.") };
          const stateParam = p.get("state") ? { state: p.get("state")! } : {};
          if (p.get("decision") !== "allow")
            return redirect(redirectWith(redirectUri, { error: "access_denied", error_description: "end-user denied authorization", ...stateParam }));
          const code = `aPrx${randomBytes(36).toString("base64url")}`;
          sf().codes.set(code, {
            org,
            loginHost: `/${req.tenant}`,
            redirectUri,
            clientId: p.get("client_id")!,
            challenge: p.get("code_challenge"),
            expiresAt: state.now() + 15 * 60_000,
            used: false,
          });
          return redirect(redirectWith(redirectUri, { code, ...stateParam }));
        },
      },
    ];
  }

  function tokenBody(org: SalesforceOrg, userId: string, loginHost: string, accessToken: string, refreshToken: string | null, orgKey: string) {
    const issuedAt = String(Date.now());
    // The identity URL carries the 15-character org and user ids, as Salesforce's does.
    const id = `${base()}${loginHost}/id/${org.orgId.slice(0, 15)}/${userId.slice(0, 15)}`;
    const signature = createHmac("sha256", sf().options.clientSecret)
      .update(id + issuedAt)
      .digest("base64");
    const override = sf().instanceUrlOverride;
    const instanceUrl = override === undefined ? `${base()}${SALESFORCE_MOUNTS.api}/${orgKey}` : override;
    return {
      access_token: accessToken,
      ...(refreshToken ? { refresh_token: refreshToken } : {}),
      signature,
      scope: "refresh_token api",
      ...(instanceUrl === null ? {} : { instance_url: instanceUrl }),
      id,
      token_type: "Bearer",
      issued_at: issuedAt,
    };
  }

  const tokenRoute: Route = {
    method: "POST",
    area: "oauth",
    pattern: /^\/services\/oauth2\/token$/,
    endpoint: "POST /services/oauth2/token",
    isRefresh: (req) => params(req).get("grant_type") === "refresh_token",
    handle: (req) => {
      const p = params(req);
      const s = sf();
      const basic = /^Basic\s+(.+)$/i.exec(String(req.headers.authorization ?? ""));
      let clientId = p.get("client_id");
      let secret = p.get("client_secret");
      if (basic) [clientId, secret] = Buffer.from(basic[1]!, "base64").toString("utf8").split(":") as [string, string];
      if (clientId !== s.options.clientId) return oauthError(400, "invalid_client_id", "client identifier invalid");
      if (secret !== s.options.clientSecret) return oauthError(400, "invalid_client", "invalid client credentials");
      const grant = p.get("grant_type");
      const now = state.now();
      if (grant === "authorization_code") {
        const code = p.get("code");
        const g = code ? s.codes.get(code) : undefined;
        if (!g || g.used || g.expiresAt <= now) {
          if (g) g.used = true;
          return oauthError(400, "invalid_grant", "expired authorization code");
        }
        g.used = true;
        if (g.redirectUri !== p.get("redirect_uri")) return oauthError(400, "redirect_uri_mismatch", "redirect_uri must match configuration");
        if (g.challenge) {
          const verifier = p.get("code_verifier");
          if (!verifier || createHash("sha256").update(verifier).digest("base64url") !== g.challenge)
            return oauthError(400, "invalid_grant", "invalid code verifier");
        }
        const org = s.org(g.org);
        const accessToken = `${org.orgId.slice(0, 15)}!${randomBytes(30).toString("base64url")}`;
        const refreshToken = `5Aep${randomBytes(40).toString("base64url")}`;
        s.access.set(accessToken, { org: g.org, userId: org.adminUserId, expiresAt: now + s.options.sessionTtlSec * 1000 });
        s.refresh.set(refreshToken, { org: g.org, userId: org.adminUserId, revoked: false, loginHost: g.loginHost });
        return json(200, tokenBody(org, org.adminUserId, g.loginHost, accessToken, refreshToken, g.org));
      }
      if (grant === "refresh_token") {
        state.stats.refresh("salesforce");
        const r = s.refresh.get(p.get("refresh_token") ?? "");
        if (!r || r.revoked) return oauthError(400, "invalid_grant", "expired access/refresh token");
        const org = s.org(r.org);
        const accessToken = `${org.orgId.slice(0, 15)}!${randomBytes(30).toString("base64url")}`;
        s.access.set(accessToken, { org: r.org, userId: r.userId, expiresAt: now + s.options.sessionTtlSec * 1000 });
        // Salesforce does not rotate refresh tokens: the response has no refresh_token.
        return json(200, tokenBody(org, r.userId, r.loginHost, accessToken, null, r.org));
      }
      return oauthError(400, "unsupported_grant_type", "grant type not supported");
    },
  };

  const revokeRoute: Route = {
    method: "POST",
    area: "oauth",
    pattern: /^\/services\/oauth2\/revoke$/,
    endpoint: "POST /services/oauth2/revoke",
    handle: (req) => {
      const token = params(req).get("token") ?? "";
      const r = sf().refresh.get(token);
      if (r) r.revoked = true;
      sf().access.delete(token);
      return { status: 200 };
    },
  };

  const identityRoute: Route = {
    method: "GET",
    area: "oauth",
    pattern: /^\/id\/([a-zA-Z0-9]{15,18})\/([a-zA-Z0-9]{15,18})$/,
    endpoint: "GET /id/{orgId}/{userId}",
    handle: (req, m) => {
      const token = /^Bearer\s+(.+)$/i.exec(String(req.headers.authorization ?? ""))?.[1];
      const a = token ? sf().access.get(token) : undefined;
      if (!a || a.expiresAt <= state.now()) return { status: 403, html: "Bad_OAuth_Token" };
      const org = sf().org(a.org);
      const user = org.find(m[2]!)?.row;
      if (!user || key15(org.orgId) !== key15(m[1]!)) return { status: 404, html: "Not found" };
      return json(200, {
        id: `${base()}/${req.tenant}/id/${org.orgId}/${user.Id}`,
        organization_id: org.orgId,
        user_id: user.Id,
        username: user.Username,
        display_name: user.Name,
        email: user.Email,
        active: user.IsActive,
        urls: { rest: `${base()}${SALESFORCE_MOUNTS.api}/${a.org}/services/data/v{version}/` },
      });
    },
  };

  // ----- API routes ------------------------------------------------------------------------------

  function orgOf(req: SimRequest): SalesforceOrg | null {
    return sf().orgs.get(req.tenant ?? "") ?? null;
  }

  function page(loc: Locator, locatorId: string, offset: number, version: string): SimResponse {
    let end = offset;
    let weight = 0;
    while (end < loc.records.length) {
      const w = loc.records[end]!.weight;
      if (end > offset && weight + w > loc.batch) break;
      weight += w;
      end++;
    }
    const done = end >= loc.records.length;
    if (done) sf().locators.delete(locatorId);
    return json(200, {
      totalSize: loc.records.length,
      done,
      ...(done ? {} : { nextRecordsUrl: `/services/data/${version}/query/${locatorId}-${end}` }),
      records: loc.records.slice(offset, end).map((r) => r.record),
    });
  }

  function runQuery(req: SimRequest, version: string, includeDeleted: boolean): SimResponse {
    const org = orgOf(req)!;
    const q = req.query.get("q");
    if (!q) return sfError(400, "MALFORMED_QUERY", "A SOQL query must be provided with the q parameter");
    try {
      const parsed = parseSoql(q);
      const records = new QueryEngine(org, version).run(parsed, includeDeleted);
      const requested = /batchSize=(\d+)/.exec(String(req.headers["sforce-query-options"] ?? ""));
      const batch = requested ? Math.min(2000, Math.max(200, Number(requested[1]))) : 2000;
      const id = `01g${randomBytes(9).toString("base64url").replace(/[-_]/g, "x").slice(0, 12)}`;
      const locatorId = sfId18(id.padEnd(15, "A").slice(0, 15));
      const loc: Locator = { org: org.key, records, batch, lastUsed: state.now() };
      sf().locators.set(locatorId, loc);
      return page(loc, locatorId, 0, version);
    } catch (err) {
      if (err instanceof SoqlError) return sfError(400, err.errorCode, `\n${q.slice(0, 200)}\n${err.message}`);
      throw err;
    }
  }

  const API = (method: "GET", path: string, endpoint: string, handle: Route["handle"]): Route => ({
    method,
    area: "api",
    pattern: new RegExp(`^/services/data/${versionRe}${path}$`),
    endpoint,
    // A "malformed" fault without a field corrupts the first record's SystemModstamp (query results).
    malformedField: endpoint.includes("/deleted") ? "deletedRecords.0.id" : "records.0.SystemModstamp",
    handle,
  });

  const routes: Route[] = [
    ...consentRoutes(),
    tokenRoute,
    revokeRoute,
    identityRoute,
    API("GET", "/query/?", "GET /services/data/vXX.X/query", (req, m) => runQuery(req, `v${m[1]}`, false)),
    API("GET", "/queryAll/?", "GET /services/data/vXX.X/queryAll", (req, m) => runQuery(req, `v${m[1]}`, true)),
    API("GET", "/(?:query|queryAll)/(01g[A-Za-z0-9]{15})-(\\d+)", "GET /services/data/vXX.X/query/{locator}", (req, m) => {
      const loc = sf().locators.get(m[2]!);
      const now = state.now();
      if (!loc || loc.org !== req.tenant || now - loc.lastUsed > LOCATOR_TTL_MS) return sfError(400, "INVALID_QUERY_LOCATOR", "invalid query locator");
      loc.lastUsed = now;
      return page(loc, m[2]!, Number(m[3]), `v${m[1]}`);
    }),
    API("GET", "/sobjects/(\\w+)/deleted/?", "GET /services/data/vXX.X/sobjects/{sObject}/deleted", (req, m) => {
      const org = orgOf(req)!;
      const def = OBJECT_BY_LOWER.get(m[2]!.toLowerCase());
      if (!def || !def.deletable) return sfError(404, "NOT_FOUND", "The requested resource does not exist");
      const start = Date.parse(req.query.get("start") ?? "");
      const end = Date.parse(req.query.get("end") ?? "");
      if (!Number.isFinite(start) || !Number.isFinite(end)) return sfError(400, "INVALID_REPLICATION_DATE", "start and end must be valid dateTime values");
      const now = state.now();
      // Documented: start must precede end (by more than a minute); the window reaches back at most 30 days.
      if (end - start <= 60_000) return sfError(400, "INVALID_REPLICATION_DATE", "startDate must chronologically precede endDate by more than one minute");
      if (start < now - 30 * DAY) return sfError(400, "INVALID_REPLICATION_DATE", "startDate cannot be more than 30 days ago");
      // The delete log keeps 15 days; older entries are purged.
      const log = org.deleted.get(def.name)!.filter((d) => d.deletedAt >= now - DELETE_LOG_DAYS * DAY);
      const earliest = log.length ? Math.min(...log.map((d) => d.deletedAt)) : now - DELETE_LOG_DAYS * DAY;
      // Seconds are ignored (the API works on whole minutes).
      const minute = (ms: number) => Math.floor(ms / 60_000) * 60_000;
      const s = minute(start);
      const e = Math.min(minute(end), minute(now));
      const records = log.filter((d) => d.deletedAt >= s && d.deletedAt < e + 60_000).map((d) => ({ id: d.id, deletedDate: sfDateTime(d.deletedAt) }));
      return json(200, { deletedRecords: records, earliestDateAvailable: sfDateTime(earliest), latestDateCovered: sfDateTime(e) });
    }),
    API("GET", "/limits/?", "GET /services/data/vXX.X/limits", (req) => {
      const org = orgOf(req)!;
      return json(200, { DailyApiRequests: { Max: org.dailyLimit, Remaining: Math.max(0, org.dailyLimit - org.apiUsed) } });
    }),
    API("GET", "/sobjects/(\\w+)/([a-zA-Z0-9]{15,18})", "GET /services/data/vXX.X/sobjects/{sObject}/{id}", (req, m) => {
      const org = orgOf(req)!;
      const def = OBJECT_BY_LOWER.get(m[2]!.toLowerCase());
      const hit = org.find(m[3]!);
      if (!def || !hit || hit.object !== def.name || hit.row.IsDeleted) return sfError(404, "NOT_FOUND", "The requested resource does not exist");
      return json(
        200,
        new QueryEngine(org, `v${m[1]}`).run(
          {
            fields: def.fields.map((x) => x.name),
            subqueries: [],
            object: def.name,
            where: { op: "in", field: "Id", not: false, values: [{ kind: "str", v: hit.row.Id }] },
            orderBy: [],
            limit: 1,
          },
          false,
        )[0]!.record,
      );
    }),
  ];

  // The record page "Open in Salesforce" links to (Lightning: <instance>/lightning/r/<type>/<id>/view): a
  // plain HTML page for people, outside the API's auth and limit.
  routes.push({
    method: "GET",
    area: "api",
    pattern: /^\/lightning\/r\/(\w+)\/([a-zA-Z0-9]{15,18})\/view$/,
    endpoint: "GET /lightning/r/{type}/{id}/view",
    handle: (req, m) => {
      const org = orgOf(req)!;
      const hit = org.find(m[2]!);
      if (!hit || hit.object.toLowerCase() !== m[1]!.toLowerCase() || hit.row.IsDeleted)
        return { status: 404, html: errorPage("Record not found", "This record was deleted or you don't have access to it.") };
      const rows = SCHEMA[hit.object]!.fields.map(
        (fd) =>
          `<tr><th>${escapeHtml(fd.name)}</th><td>${escapeHtml(String(fd.type === "datetime" && hit.row[fd.name] !== null ? sfDateTime(hit.row[fd.name] as number) : (hit.row[fd.name] ?? "")))}</td></tr>`,
      ).join("");
      const title = escapeHtml(String(hit.row.Name ?? hit.row.Id));
      return {
        status: 200,
        html: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title} | ${hit.object} | Salesforce (simulator)</title></head><body><main><h1>${title}</h1><p>${hit.object} in ${escapeHtml(org.name)}</p><table>${rows}</table></main></body></html>`,
      };
    },
  });
  const isRecordPage = (req: SimRequest) => req.path.startsWith("/lightning/");

  return {
    provider: "salesforce",
    routes,
    error: (status, message) => {
      if (status === 401) return sfError(401, "INVALID_SESSION_ID", "Session expired or invalid");
      if (status === 404) return sfError(404, "NOT_FOUND", "The requested resource does not exist");
      if (status === 429 || status === 403) return sfError(status, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.");
      if (status === 400) return sfError(400, "MALFORMED_QUERY", message);
      return sfError(status, "UNKNOWN_EXCEPTION", message);
    },
    authenticate: (req, route) => {
      if (route.area !== "api" || isRecordPage(req)) return null;
      const token = /^(?:Bearer|OAuth)\s+(.+)$/i.exec(String(req.headers.authorization ?? ""))?.[1]?.trim();
      const a = token ? sf().access.get(token) : undefined;
      if (!a || a.org !== req.tenant || a.expiresAt <= state.now()) return sfError(401, "INVALID_SESSION_ID", "Session expired or invalid");
      return null;
    },
    limit: (req): { blocked: SimResponse | null; headers: Record<string, string> } => {
      const org = orgOf(req);
      if (!org) return { blocked: sfError(404, "NOT_FOUND", "The requested resource does not exist"), headers: {} };
      if (isRecordPage(req)) return { blocked: null, headers: {} };
      const uriBytes = Buffer.byteLength(req.path) + Buffer.byteLength(req.query.toString());
      if (uriBytes > MAX_URI_BYTES) return { blocked: { status: 414, html: "<h1>414 URI Too Long</h1>" }, headers: {} };
      if (org.apiUsed >= org.dailyLimit) {
        const headers = { "sforce-limit-info": `api-usage=${org.apiUsed}/${org.dailyLimit}` };
        return { blocked: sfError(403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.", headers), headers };
      }
      org.apiUsed++;
      return { blocked: null, headers: { "sforce-limit-info": `api-usage=${org.apiUsed}/${org.dailyLimit}` } };
    },
  };
}

// ----- control API (/__sim/salesforce/...) -----------------------------------------------------------

export function salesforceControl(state: SimState, method: string, path: string, input: Record<string, unknown>): SimResponse {
  const s = state.salesforce;
  const now = state.now();
  const orgKey = typeof input.org === "string" ? input.org : SALESFORCE_ORG;
  const org = () => s.org(orgKey);
  if (method === "POST" && path === "/reset") {
    state.resetSalesforce(input as Partial<SalesforceSimOptions>);
    return json(200, { ok: true, options: state.salesforce.options, opportunities: state.salesforce.org().rows.get("Opportunity")!.size });
  }
  if (method === "POST" && path === "/limits") {
    if (typeof input.dailyLimit === "number") org().dailyLimit = input.dailyLimit;
    if (typeof input.used === "number") org().apiUsed = input.used;
    return json(200, { used: org().apiUsed, limit: org().dailyLimit });
  }
  if (method === "POST" && path === "/opportunities/stage") {
    const hit = typeof input.id === "string" ? org().find(input.id) : null;
    const stage = typeof input.stage === "string" ? STAGES[input.stage] : undefined;
    if (!hit || hit.object !== "Opportunity" || hit.row.IsDeleted) return json(404, { error: "opportunity not found" });
    if (!stage) return json(400, { error: `unknown stage; use one of ${Object.keys(STAGES).join(", ")}` });
    Object.assign(hit.row, { StageName: input.stage, IsClosed: stage.isClosed, IsWon: stage.isWon, Probability: stage.probability });
    org().touch(hit.row, now);
    return json(200, { id: hit.row.Id, stage: input.stage, systemModstamp: sfDateTime(hit.row.SystemModstamp) });
  }
  if (method === "POST" && path === "/records/update") {
    const hit = typeof input.id === "string" ? org().find(input.id) : null;
    if (!hit || hit.row.IsDeleted) return json(404, { error: "record not found" });
    const fields = (input.fields ?? {}) as Record<string, unknown>;
    for (const [k, v] of Object.entries(fields)) {
      const fd = SCHEMA[hit.object]!.fields.find((x) => x.name === k);
      if (!fd || fd.type === "id" || k === "SystemModstamp" || k === "IsDeleted") return json(400, { error: `cannot set ${k}` });
      hit.row[k] = v;
    }
    org().touch(hit.row, now);
    return json(200, { id: hit.row.Id, systemModstamp: sfDateTime(hit.row.SystemModstamp) });
  }
  if (method === "POST" && path === "/records/delete") {
    if (typeof input.id !== "string" || !org().remove(input.id, now)) return json(404, { error: "record not found or not deletable" });
    return json(200, { id: input.id, deleted: true });
  }
  if (method === "POST" && path === "/contact-roles") {
    // Adds a contact role: only the OpportunityContactRole's SystemModstamp changes, not the Opportunity's.
    const opp = typeof input.opportunityId === "string" ? org().find(input.opportunityId) : null;
    const contact = typeof input.contactId === "string" ? org().find(input.contactId) : null;
    if (!opp || opp.object !== "Opportunity" || !contact || contact.object !== "Contact") return json(404, { error: "opportunity or contact not found" });
    const n = org().rows.get("OpportunityContactRole")!.size;
    const row = org().insert("OpportunityContactRole", {
      Id: sfId18(`00KDn0000X${base62(n, 5)}`),
      OpportunityId: opp.row.Id,
      ContactId: contact.row.Id,
      Role: typeof input.role === "string" ? input.role : null,
      IsPrimary: false,
      SystemModstamp: now,
    });
    return json(201, { id: row.Id });
  }
  if (method === "POST" && path === "/tokens/expire") {
    for (const a of s.access.values()) a.expiresAt = now;
    return json(200, { ok: true });
  }
  if (method === "POST" && path === "/tokens/revoke") {
    for (const r of s.refresh.values()) r.revoked = true;
    s.access.clear();
    return json(200, { ok: true });
  }
  if (method === "POST" && path === "/instance-url") {
    if (input.url !== undefined && input.url !== null && typeof input.url !== "string") return json(400, { error: "url must be a string, null, or absent" });
    s.instanceUrlOverride = "url" in input ? (input.url as string | null) : undefined;
    return json(200, { instanceUrl: s.instanceUrlOverride ?? "(default)" });
  }
  if (method === "POST" && path === "/tokens") {
    return json(200, s.issueDirect(orgKey));
  }
  if (method === "GET" && path === "/dataset") {
    const o = org();
    const live = (name: string) => [...o.rows.get(name)!.values()].filter((r) => !r.IsDeleted).length;
    return json(200, {
      org: o.key,
      orgId: o.orgId,
      instanceUrl: `${state.baseUrl}${SALESFORCE_MOUNTS.api}/${o.key}`,
      apiUsage: { used: o.apiUsed, limit: o.dailyLimit },
      counts: {
        Opportunity: live("Opportunity"),
        Account: live("Account"),
        Contact: live("Contact"),
        OpportunityContactRole: live("OpportunityContactRole"),
        User: live("User"),
      },
      demo: DEMO_DEALS.map((d, i) => ({ key: d.key, opportunityId: demoOpportunityId(i + 1), accountId: demoAccountId(i + 1), name: d.name })),
    });
  }
  if (method === "GET" && path === "/opportunities") {
    // The org's live opportunities as a test needs them: name, stage, and the contacts of their contact roles.
    const o = org();
    const roles = [...o.rows.get("OpportunityContactRole")!.values()].filter((r) => !r.IsDeleted);
    const opportunities = [...o.rows.get("Opportunity")!.values()]
      .filter((r) => !r.IsDeleted)
      .map((r) => ({
        id: r.Id,
        name: r.Name,
        stage: r.StageName,
        isClosed: r.IsClosed,
        accountId: r.AccountId,
        contacts: roles
          .filter((cr) => cr.OpportunityId === r.Id)
          .map((cr) => o.find(String(cr.ContactId)))
          .filter((hit): hit is { object: string; row: Row } => Boolean(hit && !hit.row.IsDeleted))
          .map(({ row }) => ({ id: row.Id, name: row.Name, email: row.Email })),
      }));
    return json(200, { org: o.key, opportunities });
  }
  return json(404, { error: `unknown control endpoint ${method} /__sim/salesforce${path}` });
}
