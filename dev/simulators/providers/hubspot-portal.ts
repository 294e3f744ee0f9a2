// HubSpot portal data for the simulator: owners, deal pipelines, companies, contacts, deals and their
// associations. The demo portal holds the 24 demo deals (lib/demo/data.ts, HubSpot ids), which the demo
// workspace imports from here (the seed writes no deals), plus a few awkward records; a generated large portal (e.g. 20,000 deals, 10,000 companies, 100,000
// contacts) serves the benchmark. Deterministic from (seed, anchor). Shapes: see hubspot.ts.
import { DEMO_DEALS, DEMO_UNMATCHED_PROVIDER_USERS, DEMO_USERS, hubspotCompanyId, hubspotDealId } from "../../../lib/demo/data";
import type { SimConfig } from "../config";
import { between, pick, rng } from "../util";

export type HubspotObjectType = "deals" | "companies" | "contacts";

/** A CRM record: HubSpot property values are strings (or null when unset). */
export interface HubspotRecord {
  id: string;
  type: HubspotObjectType;
  properties: Record<string, string | null>;
  createdAt: number;
  /** hs_lastmodifieddate (contacts: lastmodifieddate too). */
  updatedAt: number;
  archivedAt: number | null;
}

export interface HubspotOwner {
  id: string;
  userId: number;
  email: string;
  firstName: string;
  lastName: string;
  archived: boolean;
  createdAt: number;
  updatedAt: number;
}

export interface HubspotStage {
  id: string;
  label: string;
  displayOrder: number;
  isClosed: boolean;
  probability: number;
}

export interface HubspotPipeline {
  id: string;
  label: string;
  displayOrder: number;
  stages: HubspotStage[];
}

/** HubSpot-defined association type ids (v4). */
export const ASSOC = {
  dealToCompanyPrimary: 5,
  dealToCompany: 341,
  dealToContact: 3,
  contactToDeal: 4,
  contactToCompanyPrimary: 1,
  contactToCompany: 279,
  companyToContactPrimary: 2,
  companyToContact: 280,
  companyToDealPrimary: 6,
  companyToDeal: 342,
} as const;

export interface HubspotPortal {
  owners: HubspotOwner[];
  pipelines: HubspotPipeline[];
  /** Per object type, sorted by numeric id. */
  records: Record<HubspotObjectType, HubspotRecord[]>;
  byId: Record<HubspotObjectType, Map<string, HubspotRecord>>;
  /** deal id -> primary company id. */
  dealCompany: Map<string, string>;
  /** deal id -> contact ids. */
  dealContacts: Map<string, string[]>;
  /** A stage id that deals may still carry after the stage was deleted from its pipeline. */
  deletedStageId: string;
}

const DAY = 86_400_000;
const HOUR = 3_600_000;
const pad = (n: number, w: number) => String(n).padStart(w, "0");
export const hubspotContactId = (i: number) => `60${pad(i, 8)}`;
const iso = (ms: number) => new Date(ms).toISOString();

/** The default pipeline keeps HubSpot's internal stage ids with the portal's renamed labels. */
export const SALES_PIPELINE: HubspotPipeline = {
  id: "default",
  label: "Sales Pipeline",
  displayOrder: 0,
  stages: [
    { id: "appointmentscheduled", label: "Prospecting", displayOrder: 0, isClosed: false, probability: 0.2 },
    { id: "qualifiedtobuy", label: "Discovery", displayOrder: 1, isClosed: false, probability: 0.4 },
    { id: "presentationscheduled", label: "Proposal", displayOrder: 2, isClosed: false, probability: 0.6 },
    { id: "contractsent", label: "Negotiation", displayOrder: 3, isClosed: false, probability: 0.8 },
    { id: "closedwon", label: "Closed Won", displayOrder: 4, isClosed: true, probability: 1 },
    { id: "closedlost", label: "Closed Lost", displayOrder: 5, isClosed: true, probability: 0 },
  ],
};

/** A second pipeline with numeric stage ids, as pipelines created in the UI get. */
export const RENEWALS_PIPELINE: HubspotPipeline = {
  id: "75123456",
  label: "Renewals",
  displayOrder: 1,
  stages: [
    { id: "131000001", label: "Renewal due", displayOrder: 0, isClosed: false, probability: 0.5 },
    { id: "131000002", label: "Renewal committed", displayOrder: 1, isClosed: false, probability: 0.9 },
    { id: "131000003", label: "Renewed", displayOrder: 2, isClosed: true, probability: 1 },
    { id: "131000004", label: "Churned", displayOrder: 3, isClosed: true, probability: 0 },
  ],
};

export const DELETED_STAGE_ID = "131000099";

export function stageById(portal: Pick<HubspotPortal, "pipelines">, id: string): { pipeline: HubspotPipeline; stage: HubspotStage } | null {
  for (const pipeline of portal.pipelines) {
    const stage = pipeline.stages.find((s) => s.id === id);
    if (stage) return { pipeline, stage };
  }
  return null;
}

function splitName(name: string): [string, string] {
  const i = name.indexOf(" ");
  return i < 0 ? [name, ""] : [name.slice(0, i), name.slice(i + 1)];
}

function buildOwners(anchor: number, extra: number): HubspotOwner[] {
  const people = [...DEMO_USERS, ...DEMO_UNMATCHED_PROVIDER_USERS.filter((u) => u.email.endsWith("@acme.test"))];
  const owners = people.map((u, i) => {
    const [firstName, lastName] = splitName(u.name);
    return {
      id: String(41_629_700 + i),
      userId: 9_586_500 + i,
      email: u.email,
      firstName,
      lastName,
      archived: false,
      createdAt: anchor - 400 * DAY,
      updatedAt: anchor - 30 * DAY,
    };
  });
  for (let i = 0; i < extra; i++) {
    owners.push({
      id: String(41_629_800 + i),
      userId: 9_586_600 + i,
      email: `owner${i + 1}@acme.test`,
      firstName: "Owner",
      lastName: String(i + 1),
      archived: false,
      createdAt: anchor - 400 * DAY,
      updatedAt: anchor - 30 * DAY,
    });
  }
  // A deactivated user: listed only with archived=true.
  owners.push({
    id: "41629999",
    userId: 9_586_999,
    email: "gone@acme.test",
    firstName: "Gone",
    lastName: "User",
    archived: true,
    createdAt: anchor - 700 * DAY,
    updatedAt: anchor - 200 * DAY,
  });
  return owners;
}

function emptyPortal(owners: HubspotOwner[]): HubspotPortal {
  return {
    owners,
    pipelines: [SALES_PIPELINE, RENEWALS_PIPELINE],
    records: { deals: [], companies: [], contacts: [] },
    byId: { deals: new Map(), companies: new Map(), contacts: new Map() },
    dealCompany: new Map(),
    dealContacts: new Map(),
    deletedStageId: DELETED_STAGE_ID,
  };
}

function add(portal: HubspotPortal, r: HubspotRecord): void {
  portal.records[r.type].push(r);
  portal.byId[r.type].set(r.id, r);
}

function company(id: string, name: string, domain: string | null, createdAt: number, updatedAt: number): HubspotRecord {
  return {
    id,
    type: "companies",
    properties: { name, domain, hs_object_id: id, createdate: iso(createdAt), hs_lastmodifieddate: iso(updatedAt) },
    createdAt,
    updatedAt,
    archivedAt: null,
  };
}

function contact(
  id: string,
  name: string,
  email: string | null,
  title: string | null,
  companyId: string | null,
  createdAt: number,
  updatedAt: number,
): HubspotRecord {
  const [firstname, lastname] = splitName(name);
  return {
    id,
    type: "contacts",
    properties: {
      firstname,
      lastname: lastname || null,
      email,
      jobtitle: title,
      associatedcompanyid: companyId,
      hs_object_id: id,
      createdate: iso(createdAt),
      lastmodifieddate: iso(updatedAt),
      hs_lastmodifieddate: iso(updatedAt),
    },
    createdAt,
    updatedAt,
    archivedAt: null,
  };
}

interface DealInput {
  id: string;
  name: string;
  amount: number | null;
  stageId: string;
  pipelineId: string;
  closeAt: number | null;
  ownerId: string | null;
  currency: string | null;
  createdAt: number;
  updatedAt: number;
}

function deal(portal: Pick<HubspotPortal, "pipelines">, d: DealInput): HubspotRecord {
  const found = stageById(portal, d.stageId);
  const closed = found?.stage.isClosed ?? false;
  return {
    id: d.id,
    type: "deals",
    properties: {
      dealname: d.name,
      amount: d.amount === null ? null : String(d.amount),
      dealstage: d.stageId,
      pipeline: d.pipelineId,
      closedate: d.closeAt === null ? null : iso(d.closeAt),
      hubspot_owner_id: d.ownerId,
      deal_currency_code: d.currency,
      hs_is_closed: String(closed),
      hs_is_closed_won: String(closed && (found?.stage.probability ?? 0) >= 1),
      hs_object_id: d.id,
      createdate: iso(d.createdAt),
      hs_lastmodifieddate: iso(d.updatedAt),
    },
    createdAt: d.createdAt,
    updatedAt: d.updatedAt,
    archivedAt: null,
  };
}

/** Sets a deal's stage (id) with the derived closed flags; the caller bumps the modification time. */
export function applyStage(portal: HubspotPortal, r: HubspotRecord, stageId: string): void {
  const found = stageById(portal, stageId);
  r.properties.dealstage = stageId;
  if (found) r.properties.pipeline = found.pipeline.id;
  const closed = found?.stage.isClosed ?? false;
  r.properties.hs_is_closed = String(closed);
  r.properties.hs_is_closed_won = String(closed && (found?.stage.probability ?? 0) >= 1);
}

export function touch(r: HubspotRecord, now: number): void {
  r.updatedAt = now;
  r.properties.hs_lastmodifieddate = iso(now);
  if (r.type === "contacts") r.properties.lastmodifieddate = iso(now);
}

const STAGE_BY_LABEL = new Map(SALES_PIPELINE.stages.map((s) => [s.label, s.id]));

/** The demo portal: the 24 demo deals with HubSpot ids, their companies and contacts, and awkward records. */
export function demoPortal(config: SimConfig): HubspotPortal {
  const anchor = Date.parse(config.anchor);
  const portal = emptyPortal(buildOwners(anchor, 0));
  const ownerByEmail = new Map(portal.owners.map((o) => [o.email, o.id]));
  let contactN = 0;
  DEMO_DEALS.forEach((d, i) => {
    const n = i + 1;
    const createdAt = anchor - (120 + i * 3) * DAY;
    const updatedAt = anchor - (i * 37 + 5) * HOUR;
    const companyId = hubspotCompanyId(n);
    add(portal, company(companyId, d.accountName, d.domain, createdAt, updatedAt - HOUR));
    const contactIds = d.contacts.map((c) => {
      const id = hubspotContactId(++contactN);
      add(portal, contact(id, c.name, c.email, c.title, companyId, createdAt + HOUR, updatedAt - 2 * HOUR));
      return id;
    });
    const id = hubspotDealId(n);
    add(
      portal,
      deal(portal, {
        id,
        name: d.name,
        amount: d.amount,
        stageId: STAGE_BY_LABEL.get(d.stage) ?? "appointmentscheduled",
        pipelineId: "default",
        closeAt: Math.floor((anchor + d.closeInDays * DAY) / DAY) * DAY,
        ownerId: ownerByEmail.get(d.ownerEmail) ?? null,
        currency: null,
        createdAt,
        updatedAt,
      }),
    );
    portal.dealCompany.set(id, companyId);
    portal.dealContacts.set(id, contactIds);
  });

  // Awkward records, after the demo ones.
  const extraCompany = (n: number, name: string, domain: string | null) => {
    const id = hubspotCompanyId(n);
    add(portal, company(id, name, domain, anchor - 90 * DAY, anchor - 20 * DAY));
    return id;
  };
  // 25: a deal with no amount; one of its contacts has no email.
  const initrode = extraCompany(25, "Initrode", "initrode.example");
  const c1 = hubspotContactId(++contactN);
  add(portal, contact(c1, "Pat Nomail", null, "Office Manager", initrode, anchor - 80 * DAY, anchor - 10 * DAY));
  const c2 = hubspotContactId(++contactN);
  add(portal, contact(c2, "Robin Vale", "robin.vale@initrode.example", "COO", initrode, anchor - 80 * DAY, anchor - 10 * DAY));
  const d25 = hubspotDealId(25);
  add(
    portal,
    deal(portal, {
      id: d25,
      name: "Initrode - Scoping",
      amount: null,
      stageId: "qualifiedtobuy",
      pipelineId: "default",
      closeAt: null,
      ownerId: ownerByEmail.get("rep1@acme.test") ?? null,
      currency: null,
      createdAt: anchor - 60 * DAY,
      updatedAt: anchor - 3 * HOUR,
    }),
  );
  portal.dealCompany.set(d25, initrode);
  portal.dealContacts.set(d25, [c1, c2]);
  // 26: an archived (deleted) deal.
  const duff = extraCompany(26, "Duff Beer", "duffbeer.example");
  const d26 = hubspotDealId(26);
  const archived = deal(portal, {
    id: d26,
    name: "Duff Beer - Pilot",
    amount: 9_000,
    stageId: "presentationscheduled",
    pipelineId: "default",
    closeAt: anchor + 30 * DAY,
    ownerId: ownerByEmail.get("rep2@acme.test") ?? null,
    currency: null,
    createdAt: anchor - 50 * DAY,
    updatedAt: anchor - 4 * DAY,
  });
  archived.archivedAt = anchor - 2 * DAY;
  add(portal, archived);
  portal.dealCompany.set(d26, duff);
  // 27: a deal still in a stage that was deleted from its pipeline, owned by a user not in the workspace.
  const kwik = extraCompany(27, "Kwik-E-Mart", null);
  const d27 = hubspotDealId(27);
  add(
    portal,
    deal(portal, {
      id: d27,
      name: "Kwik-E-Mart - Expansion",
      amount: 31_500.5,
      stageId: DELETED_STAGE_ID,
      pipelineId: RENEWALS_PIPELINE.id,
      closeAt: anchor + 45 * DAY,
      ownerId: ownerByEmail.get("former.rep@acme.test") ?? null,
      currency: null,
      createdAt: anchor - 40 * DAY,
      updatedAt: anchor - 6 * HOUR,
    }),
  );
  portal.dealCompany.set(d27, kwik);
  // 28: a renewal in the second pipeline, in EUR, on the first demo company.
  const d28 = hubspotDealId(28);
  add(
    portal,
    deal(portal, {
      id: d28,
      name: `${DEMO_DEALS[0]!.accountName} - Renewal 2027`,
      amount: 48_000,
      stageId: "131000001",
      pipelineId: RENEWALS_PIPELINE.id,
      closeAt: anchor + 200 * DAY,
      ownerId: ownerByEmail.get(DEMO_DEALS[0]!.ownerEmail) ?? null,
      currency: "EUR",
      createdAt: anchor - 20 * DAY,
      updatedAt: anchor - 30 * HOUR,
    }),
  );
  portal.dealCompany.set(d28, hubspotCompanyId(1));
  portal.dealContacts.set(d28, [hubspotContactId(1)]);
  return portal;
}

const WORDS = ["Apex", "Blue", "Cobalt", "Delta", "Ember", "Falcon", "Granite", "Harbor", "Iris", "Juniper", "Kestrel", "Lumen", "Maple", "Nimbus", "Orbit"];
const SUFFIX = ["Labs", "Systems", "Group", "Holdings", "Works", "Partners", "Logistics", "Health", "Energy", "Foods"];
const FIRST = ["Avery", "Blake", "Casey", "Dana", "Eli", "Frankie", "Gale", "Harper", "Indy", "Jules", "Kai", "Lane", "Morgan", "Noor", "Oakley", "Peyton"];
const LAST = ["Shaw", "Ortiz", "Kim", "Patel", "Fischer", "Okafor", "Larsen", "Moreau", "Silva", "Tanaka", "Walsh", "Haddad", "Nguyen", "Brooks"];
const PRODUCTS = ["Platform rollout", "Expansion", "Renewal", "Pilot", "Enterprise upgrade", "Analytics add-on"];

/**
 * A large generated portal: `deals` deals over the last 3 years (closed ones mostly in the past, some
 * older than 2 years), `companies` companies and `contacts` contacts; each deal has a primary company
 * and 2-8 contacts. Ids grow with creation time, like HubSpot's.
 */
export function largePortal(config: SimConfig, size: { deals: number; companies: number; contacts: number }): HubspotPortal {
  const anchor = Date.parse(config.anchor);
  const r = rng(config.seed * 7919 + 17);
  const portal = emptyPortal(buildOwners(anchor, 20));
  const activeOwners = portal.owners.filter((o) => !o.archived);
  const companies = Math.max(1, size.companies);
  for (let i = 0; i < companies; i++) {
    const id = String(20_000_000_000 + i);
    const name = `${pick(r, WORDS)} ${pick(r, SUFFIX)} ${i + 1}`;
    const created = anchor - (1100 - Math.floor((i / companies) * 1000)) * DAY;
    add(
      portal,
      company(id, name, r() < 0.95 ? `${name.toLowerCase().replace(/[^a-z0-9]+/g, "")}.example` : null, created, created + between(r, 1, 900) * HOUR),
    );
  }
  const companyIds = portal.records.companies.map((c) => c.id);
  const contactsByCompany = new Map<string, string[]>();
  for (let i = 0; i < size.contacts; i++) {
    const id = String(30_000_000_000 + i);
    const companyId = companyIds[i % companyIds.length]!;
    const first = pick(r, FIRST);
    const last = pick(r, LAST);
    const created = anchor - (1100 - Math.floor((i / Math.max(1, size.contacts)) * 1000)) * DAY;
    const email = r() < 0.97 ? `${first}.${last}.${i}@${portal.byId.companies.get(companyId)!.properties.domain ?? "example.org"}`.toLowerCase() : null;
    add(
      portal,
      contact(
        id,
        `${first} ${last}`,
        email,
        r() < 0.8 ? pick(r, ["CFO", "CTO", "VP Sales", "Buyer", "Director"]) : null,
        companyId,
        created,
        created + between(r, 1, 500) * HOUR,
      ),
    );
    const list = contactsByCompany.get(companyId);
    if (list) list.push(id);
    else contactsByCompany.set(companyId, [id]);
  }
  const open = SALES_PIPELINE.stages.filter((s) => !s.isClosed);
  for (let i = 0; i < size.deals; i++) {
    const id = String(10_000_000_000 + i);
    const created = anchor - (1095 - Math.floor((i / Math.max(1, size.deals)) * 1090)) * DAY;
    const roll = r();
    const stage = roll < 0.35 ? pick(r, open) : roll < 0.7 ? SALES_PIPELINE.stages[4]! : SALES_PIPELINE.stages[5]!;
    const closeAt = stage.isClosed ? Math.min(anchor - DAY, created + between(r, 10, 200) * DAY) : anchor + between(r, 5, 300) * DAY;
    const updated = Math.min(anchor - HOUR, Math.max(created, stage.isClosed ? closeAt : anchor - between(r, 1, 2000) * HOUR));
    const companyId = companyIds[between(r, 0, companyIds.length - 1)]!;
    add(
      portal,
      deal(portal, {
        id,
        name: `${portal.byId.companies.get(companyId)!.properties.name} - ${pick(r, PRODUCTS)}`,
        amount: r() < 0.96 ? between(r, 2, 400) * 500 : null,
        stageId: stage.id,
        pipelineId: "default",
        closeAt: Math.floor(closeAt / DAY) * DAY,
        ownerId: pick(r, activeOwners).id,
        currency: null,
        createdAt: created,
        updatedAt: updated,
      }),
    );
    portal.dealCompany.set(id, companyId);
    const pool = contactsByCompany.get(companyId) ?? [];
    const want = Math.min(pool.length, between(r, 2, 8));
    const start = between(r, 0, Math.max(0, pool.length - 1));
    portal.dealContacts.set(
      id,
      Array.from({ length: want }, (_, k) => pool[(start + k) % pool.length]!),
    );
  }
  return portal;
}

export function buildPortal(config: SimConfig): HubspotPortal {
  return config.hubspot.portal ? largePortal(config, config.hubspot.portal) : demoPortal(config);
}
