// HubSpot API payloads (developer docs, see the sources in dev/simulators/providers/hubspot.ts).
// Envelopes are parsed strictly; records one by one (hubspotDealRecordSchema etc.), so one malformed
// record is skipped and counted instead of failing the page. No server-only: tests parse with these too.
import { z } from "zod";

const str = z.string().nullish();

/** POST /oauth/v1/token: HubSpot names the granted scopes `scopes` (an array) and adds the hub id. */
export const hubspotTokenResponseSchema = z
  .object({
    access_token: z.string().min(1),
    refresh_token: z.string().min(1),
    expires_in: z.number(),
    token_type: str,
    hub_id: z.number().int().nullish(),
    scopes: z.array(z.string()).nullish(),
    scope: str,
  })
  .transform((t) => ({ ...t, scope: t.scope ?? (t.scopes ? t.scopes.join(" ") : null) }));
export type HubspotTokenResponse = z.output<typeof hubspotTokenResponseSchema>;

/** GET /oauth/v1/access-tokens/{token}. */
export const hubspotTokenInfoSchema = z.object({
  hub_id: z.number().int(),
  hub_domain: str,
  user: str,
  scopes: z.array(z.string()).nullish(),
  expires_in: z.number().nullish(),
});

/** GET /account-info/v3/details. */
export const hubspotAccountDetailsSchema = z.object({
  portalId: z.number().int(),
  companyCurrency: str,
  timeZone: str,
  uiDomain: str,
});

const paging = z
  .object({ next: z.object({ after: z.string() }).nullish() })
  .nullish()
  .transform((p) => p?.next?.after ?? null);

/** GET /crm/v3/owners. */
export const hubspotOwnersResponseSchema = z.object({
  results: z.array(
    z.object({
      id: z.string(),
      email: str,
      firstName: str,
      lastName: str,
      archived: z.boolean().nullish(),
    }),
  ),
  paging,
});

/** GET /crm/v3/pipelines/deals: stage metadata values are strings ("true", "0.6"). */
export const hubspotPipelinesResponseSchema = z.object({
  results: z.array(
    z.object({
      id: z.string(),
      label: z.string(),
      stages: z.array(
        z.object({
          id: z.string(),
          label: z.string(),
          metadata: z.record(z.string(), z.unknown()).nullish(),
        }),
      ),
    }),
  ),
});
export type HubspotPipelines = z.infer<typeof hubspotPipelinesResponseSchema>;

/** Search, list and batch-read envelopes: records are checked one by one afterwards. */
export const hubspotPageSchema = z.object({
  total: z.number().int().nullish(),
  results: z.array(z.unknown()),
  paging,
});

/** Batch read answers 200, or 207 with `errors` for ids it could not find (omitted). */
export const hubspotBatchSchema = z.object({
  status: str,
  results: z.array(z.unknown()),
});

/** POST /crm/v4/associations/{from}/{to}/batch/read (207 lists records without any in `errors`). */
export const hubspotAssociationsResponseSchema = z.object({
  results: z.array(
    z.object({
      from: z.object({ id: z.union([z.string(), z.number()]).transform(String) }),
      to: z.array(
        z.object({
          toObjectId: z.union([z.string(), z.number()]).transform(String),
          associationTypes: z.array(z.object({ typeId: z.number().int().nullish(), label: str, category: str })).nullish(),
        }),
      ),
      paging: z
        .object({ next: z.object({ after: z.string() }).nullish() })
        .nullish()
        .transform((p) => p?.next?.after ?? null),
    }),
  ),
});

/** 403 when the token lacks a scope. */
export const hubspotMissingScopesSchema = z.object({
  category: z.literal("MISSING_SCOPES"),
  errors: z
    .array(z.object({ context: z.object({ requiredGranularScopes: z.array(z.string()).nullish(), requiredScopes: z.array(z.string()).nullish() }).nullish() }))
    .nullish(),
});

/** The 429 body: the policy tells which limit was hit. */
export const hubspotRateLimitBodySchema = z.object({
  errorType: str,
  policyName: str,
  message: str,
});

const isoOrMs = z
  .string()
  .refine((s) => /^\d{10,}$/.test(s) || !Number.isNaN(Date.parse(s)), { message: "expected an ISO-8601 date-time or epoch milliseconds" });

const numeric = z.string().refine((s) => s.trim() === "" || Number.isFinite(Number(s)), { message: "expected a number" });

const recordBase = <P extends z.ZodRawShape>(props: P) =>
  z.object({
    id: z.string().regex(/^\d+$/, { message: "expected a numeric HubSpot id" }),
    properties: z.object(props),
    archived: z.boolean().nullish(),
    archivedAt: isoOrMs.nullish(),
    updatedAt: isoOrMs.nullish(),
  });

export const hubspotDealRecordSchema = recordBase({
  dealname: z.string().min(1, { message: "a deal needs a name" }),
  amount: numeric.nullish(),
  dealstage: z.string().min(1, { message: "a deal needs a stage" }),
  pipeline: str,
  closedate: isoOrMs.nullish(),
  hubspot_owner_id: str,
  deal_currency_code: str,
  hs_is_closed: str,
  hs_is_closed_won: str,
  hs_lastmodifieddate: isoOrMs,
});
export type HubspotDealRecord = z.infer<typeof hubspotDealRecordSchema>;

export const hubspotCompanyRecordSchema = recordBase({
  name: str,
  domain: str,
  hs_lastmodifieddate: isoOrMs,
});
export type HubspotCompanyRecord = z.infer<typeof hubspotCompanyRecordSchema>;

export const hubspotContactRecordSchema = recordBase({
  firstname: str,
  lastname: str,
  email: str,
  jobtitle: str,
  associatedcompanyid: str,
  lastmodifieddate: isoOrMs.nullish(),
  hs_lastmodifieddate: isoOrMs.nullish(),
}).refine((r) => Boolean(r.properties.lastmodifieddate ?? r.properties.hs_lastmodifieddate), {
  message: "a contact needs lastmodifieddate",
  path: ["properties", "lastmodifieddate"],
});
export type HubspotContactRecord = z.infer<typeof hubspotContactRecordSchema>;

/** A bare id (archived listings ask for no properties). */
export const hubspotArchivedRecordSchema = z.object({
  id: z.string(),
  archivedAt: isoOrMs.nullish(),
  updatedAt: isoOrMs.nullish(),
});

export const DEAL_PROPERTIES = [
  "dealname",
  "amount",
  "dealstage",
  "pipeline",
  "closedate",
  "hubspot_owner_id",
  "deal_currency_code",
  "hs_is_closed",
  "hs_is_closed_won",
  "hs_lastmodifieddate",
] as const;
export const COMPANY_PROPERTIES = ["name", "domain", "hs_lastmodifieddate"] as const;
export const CONTACT_PROPERTIES = ["firstname", "lastname", "email", "jobtitle", "associatedcompanyid", "lastmodifieddate"] as const;
