// The CRM half of the provider registry: ids, slugs, OAuth settings, env names, limits and record links.
import { describe, expect, it } from "vitest";
import { CRM_CLIENT_FACTORIES } from "@/lib/providers/crm";
import { simulatorEnv } from "@/dev/simulators";
import {
  CRM_IDS,
  CRM_LIST,
  PROVIDER_IDS,
  crmFromSlug,
  crmSpec,
  isCrm,
  isRecorder,
  oauthSpec,
  providerFromSlug,
  providerIdOf,
  providerName,
  rateLimitOf,
  recorderId,
} from "@/lib/providers/registry";

describe("CRM registry", () => {
  it("lists HubSpot and Salesforce as CRMs, apart from the call recorders", () => {
    expect([...CRM_IDS]).toEqual(["HUBSPOT", "SALESFORCE"]);
    expect(CRM_LIST.map((c) => [c.slug, c.kind])).toEqual([
      ["hubspot", "crm"],
      ["salesforce", "crm"],
    ]);
    for (const id of CRM_IDS) {
      expect(isCrm(id)).toBe(true);
      expect(isRecorder(id)).toBe(false);
      expect(() => recorderId(id)).toThrow(/is a CRM/);
      // Recorder slugs stay recorder-only: the call-recorder routes never resolve a CRM.
      expect(providerFromSlug(crmSpec(id).slug)).toBeNull();
    }
    for (const id of PROVIDER_IDS) expect(isCrm(id)).toBe(false);
  });

  it("maps CRM slugs and labels, refusing anything else", () => {
    expect(crmFromSlug("hubspot")).toBe("HUBSPOT");
    expect(crmFromSlug("salesforce")).toBe("SALESFORCE");
    for (const bad of ["", "HUBSPOT", "gong", "__proto__", "Salesforce "]) expect(crmFromSlug(bad)).toBeNull();
    expect(providerIdOf("HubSpot")).toBe("HUBSPOT");
    expect(providerIdOf("Salesforce")).toBe("SALESFORCE");
    expect(providerName("SALESFORCE")).toBe("Salesforce");
  });

  it("has one client factory per CRM id", () => {
    expect(Object.keys(CRM_CLIENT_FACTORIES).sort()).toEqual([...CRM_IDS].sort());
  });

  it("asks only for read scopes, with PKCE, and names its env vars", () => {
    const hubspot = oauthSpec("HUBSPOT");
    expect(hubspot.scopes.filter((s) => s !== "oauth").every((s) => s.endsWith(".read"))).toBe(true);
    expect(hubspot.tokenHost).toBe("api");
    expect(hubspot.pkce).toBe(true);
    const salesforce = oauthSpec("SALESFORCE");
    expect(salesforce.pkce).toBe(true);
    expect(salesforce.apiBaseUrlField).toBe("instance_url");
    expect(crmSpec("HUBSPOT").env).toEqual({
      apiBaseUrl: "HUBSPOT_API_BASE_URL",
      oauthBaseUrl: "HUBSPOT_OAUTH_BASE_URL",
      clientId: "HUBSPOT_CLIENT_ID",
      clientSecret: "HUBSPOT_CLIENT_SECRET",
    });
    expect(crmSpec("SALESFORCE").env).toEqual({
      oauthBaseUrl: "SALESFORCE_LOGIN_URL",
      clientId: "SALESFORCE_CLIENT_ID",
      clientSecret: "SALESFORCE_CLIENT_SECRET",
      apiHosts: "SALESFORCE_INSTANCE_HOSTS",
      sandboxLoginUrl: "SALESFORCE_SANDBOX_LOGIN_URL",
    });
  });

  it("points every CRM env var (but the OAuth app's) at a simulator mount", () => {
    const env = simulatorEnv("http://127.0.0.1:4010");
    expect(env.HUBSPOT_API_BASE_URL).toBe("http://127.0.0.1:4010/hubspot-api");
    expect(env.HUBSPOT_OAUTH_BASE_URL).toBe("http://127.0.0.1:4010/hubspot");
    expect(env.SALESFORCE_LOGIN_URL).toBe("http://127.0.0.1:4010/salesforce");
    expect(env.SALESFORCE_SANDBOX_LOGIN_URL).toBe("http://127.0.0.1:4010/salesforce-test");
    expect(env.SALESFORCE_INSTANCE_HOSTS).toBe("http://127.0.0.1:4010");
  });

  it("has the documented rate limits", () => {
    expect(rateLimitOf("HUBSPOT").windows[0]).toEqual({ limit: 110, windowMs: 10_000, align: "rolling" });
    expect(rateLimitOf("SALESFORCE").windows[0]).toEqual({ limit: 10, windowMs: 1_000, align: "rolling" });
    expect(rateLimitOf("SALESFORCE").windows[1]!.windowMs).toBe(86_400_000);
  });

  it("builds record links for Open in HubSpot / Salesforce", () => {
    const ctx = { accountId: "123456", apiBaseUrl: null };
    expect(crmSpec("HUBSPOT").recordUrl("deal", "987", ctx)).toBe("https://app.hubspot.com/contacts/123456/record/0-3/987");
    expect(crmSpec("HUBSPOT").recordUrl("account", "5", ctx)).toBe("https://app.hubspot.com/contacts/123456/record/0-2/5");
    expect(crmSpec("HUBSPOT").recordUrl("deal", "987", { accountId: null, apiBaseUrl: null })).toBeNull();
    const sf = { accountId: "00D000000000001AAA", apiBaseUrl: "https://acme.my.salesforce.com/" };
    expect(crmSpec("SALESFORCE").recordUrl("deal", "006000000000001AAA", sf)).toBe(
      "https://acme.my.salesforce.com/lightning/r/Opportunity/006000000000001AAA/view",
    );
    expect(crmSpec("SALESFORCE").recordUrl("contact", "003000000000001AAA", { accountId: null, apiBaseUrl: null })).toBeNull();
  });
});
