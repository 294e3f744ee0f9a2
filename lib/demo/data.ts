// Demo data shared by the database seed (workspace and members only) and the provider simulators: the
// HubSpot simulator's demo portal holds these deals, companies and contacts (in HubSpot's shapes), the demo
// start imports them through the real HubSpot connection (lib/demo/crm.ts), and the call recorders'
// simulated calls carry the same HubSpot deal/company ids and deal-contact emails, so they link.
// Pure data (its one import is pure too): safe for scripts, simulators and tests alike.
import { toSalesforceId18 } from "../providers/salesforce/ids";

export const DEMO_PASSWORD = "callsync";

export const DEMO_WORKSPACE = { name: "Acme", slug: "acme", domain: "acme.test" } as const;

export type DemoUser = { email: string; name: string; role: "ADMIN" | "MEMBER"; title: string };

export const DEMO_USERS: DemoUser[] = [
  { email: "admin@acme.test", name: "Alex Admin", role: "ADMIN", title: "Revenue Operations" },
  { email: "rep1@acme.test", name: "Riley Park", role: "MEMBER", title: "Account Executive" },
  { email: "rep2@acme.test", name: "Jordan Mills", role: "MEMBER", title: "Account Executive" },
  { email: "rep3@acme.test", name: "Casey Nguyen", role: "MEMBER", title: "Senior Account Executive" },
  { email: "rep4@acme.test", name: "Morgan Diaz", role: "MEMBER", title: "Sales Development Rep" },
  { email: "rep5@acme.test", name: "Taylor Brooks", role: "MEMBER", title: "Solutions Engineer" },
];

/** Provider users who exist in the call recorder but not in the workspace (listed apart in the wizard). */
export const DEMO_UNMATCHED_PROVIDER_USERS = [
  { email: "former.rep@acme.test", name: "Drew Former", title: "Account Executive" },
  { email: "contractor@partners.example", name: "Sky Contractor", title: "Contract SDR" },
];

export type DemoContact = { name: string; email: string; title: string };
export type DemoDeal = {
  key: string;
  name: string;
  accountName: string;
  domain: string;
  stage: string;
  isClosed: boolean;
  amount: number;
  closeInDays: number;
  ownerEmail: string;
  /** The CRM the recorders' call context names for this deal: HubSpot, the demo workspace's CRM. */
  crmSource: "SALESFORCE" | "HUBSPOT";
  crmDealId: string;
  crmAccountId: string;
  contacts: DemoContact[];
};

const COMPANIES = [
  "Globex",
  "Initech",
  "Umbrella",
  "Stark Industries",
  "Wayne Enterprises",
  "Hooli",
  "Pied Piper",
  "Soylent",
  "Wonka Industries",
  "Tyrell",
  "Cyberdyne",
  "Massive Dynamic",
  "Vandelay Industries",
  "Aperture Science",
  "Black Mesa",
  "Oscorp",
  "Gringotts",
  "Monarch Solutions",
  "Dunder Mifflin",
  "Prestige Worldwide",
  "Nakatomi Trading",
  "Blue Sun",
  "Virtucon",
  "Bluth Company",
];
const PRODUCTS = ["Platform rollout", "Expansion", "Renewal", "Pilot", "Enterprise upgrade", "Analytics add-on"];
const STAGES: Array<{ stage: string; isClosed: boolean }> = [
  { stage: "Prospecting", isClosed: false },
  { stage: "Discovery", isClosed: false },
  { stage: "Proposal", isClosed: false },
  { stage: "Negotiation", isClosed: false },
  { stage: "Closed Won", isClosed: true },
  { stage: "Closed Lost", isClosed: true },
];
const FIRST = [
  "Avery",
  "Blake",
  "Cameron",
  "Dana",
  "Elliot",
  "Frankie",
  "Harper",
  "Jamie",
  "Kendall",
  "Logan",
  "Parker",
  "Quinn",
  "Reese",
  "Sage",
  "Rowan",
  "Emerson",
];
const LAST = ["Shaw", "Ortiz", "Kim", "Patel", "Fischer", "Okafor", "Larsen", "Moreau", "Silva", "Tanaka", "Walsh", "Haddad"];
const TITLES = ["VP of Sales", "Head of RevOps", "CFO", "Director of IT", "Procurement Manager", "CTO", "Sales Manager"];

const pad = (n: number, width: number) => String(n).padStart(width, "0");

/**
 * Valid Salesforce ids with the real key prefixes (006 Opportunity, 001 Account): 15 characters plus the
 * documented case-safe suffix, so they are 18 characters as the API returns them (the Salesforce simulator
 * serves the same ids; recorder calls carry them).
 */
export const salesforceOpportunityId = (i: number) => toSalesforceId18(`006Dn00000Acm${pad(i, 2)}`);
export const salesforceAccountId = (i: number) => toSalesforceId18(`001Dn00000Acm${pad(i, 2)}`);
/** HubSpot numeric ids. */
export const hubspotDealId = (i: number) => `90${pad(i, 8)}`;
export const hubspotCompanyId = (i: number) => `70${pad(i, 8)}`;

function buildDeals(): DemoDeal[] {
  const reps = DEMO_USERS.filter((u) => u.role === "MEMBER" && u.title.includes("Account Executive"));
  return COMPANIES.map((company, i) => {
    const n = i + 1;
    const { stage, isClosed } = STAGES[i % STAGES.length]!;
    const domain = `${company.toLowerCase().replace(/[^a-z]+/g, "")}.example`;
    const contactCount = 2 + (i % 2);
    const contacts: DemoContact[] = Array.from({ length: contactCount }, (_, c) => {
      const first = FIRST[(i * 3 + c) % FIRST.length]!;
      const last = LAST[(i * 5 + c * 7) % LAST.length]!;
      return { name: `${first} ${last}`, email: `${first}.${last}@${domain}`.toLowerCase(), title: TITLES[(i + c) % TITLES.length]! };
    });
    // Every demo deal lives in the HubSpot simulator's portal and reaches the demo workspace through the
    // HubSpot import, so the recorders' calls carry its HubSpot ids (the Salesforce simulator serves the
    // same deals under salesforceOpportunityId(n) / salesforceAccountId(n) for a Salesforce-connected workspace).
    return {
      key: `deal-${pad(n, 2)}`,
      name: `${company} - ${PRODUCTS[i % PRODUCTS.length]}`,
      accountName: company,
      domain,
      stage,
      isClosed,
      amount: 12_000 + ((i * 7919) % 40) * 2_500,
      closeInDays: isClosed ? -((i * 13) % 90) - 5 : ((i * 17) % 120) + 10,
      ownerEmail: reps[i % reps.length]!.email,
      crmSource: "HUBSPOT",
      crmDealId: hubspotDealId(n),
      crmAccountId: hubspotCompanyId(n),
      contacts,
    };
  });
}

export const DEMO_DEALS: DemoDeal[] = buildDeals();
