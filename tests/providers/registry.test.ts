// The provider registry is the one list of providers: these checks keep the Prisma enum, the client
// factories, the slugs and the simulator env in step with it.
import { describe, expect, it } from "vitest";
import { Provider } from "@/lib/generated/prisma/enums";
import { CLIENT_FACTORIES } from "@/lib/providers";
import { PROVIDERS as CANONICAL_IDS } from "@/lib/providers/canonical";
import {
  ANY_PROVIDER_IDS,
  CRM_IDS,
  CRM_LIST,
  PROVIDER_IDS,
  PROVIDER_LIST,
  PROVIDER_SLUGS,
  describeProvider,
  providerFromSlug,
  providerSlugSchema,
  providerSpec,
} from "@/lib/providers/registry";
import { simulatorEnv } from "@/dev/simulators";

describe("provider registry", () => {
  it("has exactly the Prisma Provider enum values as ids (call recorders and CRMs)", () => {
    expect([...ANY_PROVIDER_IDS].sort()).toEqual(Object.values(Provider).sort());
    expect([...PROVIDER_IDS, ...CRM_IDS].sort()).toEqual(Object.values(Provider).sort());
    expect(PROVIDER_LIST.every((p) => p.kind === "recorder")).toBe(true);
    expect([...CANONICAL_IDS]).toEqual([...PROVIDER_IDS]);
  });

  it("has unique ids, slugs and display names", () => {
    for (const key of ["id", "slug", "displayName"] as const) {
      const values = PROVIDER_LIST.map((p) => p[key]);
      expect(new Set(values).size, key).toBe(values.length);
    }
  });

  it("has exactly one client factory per id, building that provider's client", () => {
    expect(Object.keys(CLIENT_FACTORIES).sort()).toEqual([...PROVIDER_IDS].sort());
    for (const id of PROVIDER_IDS) {
      const client = CLIENT_FACTORIES[id]({ apiBaseUrl: "https://api.example.test" }, {});
      expect(client.provider).toBe(id);
      expect(client.describe()).toEqual(describeProvider(id));
    }
  });

  it("maps URL slugs to ids and refuses anything else", () => {
    for (const p of PROVIDER_LIST) expect(providerFromSlug(p.slug)).toBe(p.id);
    for (const bad of ["", "GONG", "Gong", "gong ", "hubspot", "__proto__", "constructor"]) expect(providerFromSlug(bad)).toBeNull();
    expect(providerSlugSchema.options).toEqual([...PROVIDER_SLUGS]);
  });

  it("gives every OAuth provider its OAuth settings and no API-key provider any", () => {
    for (const id of PROVIDER_IDS) {
      const spec = providerSpec(id);
      if (spec.auth === "oauth") {
        expect(spec.oauth.scopes.length).toBeGreaterThan(0);
        expect(spec.env.clientId && spec.env.clientSecret && spec.env.oauthBaseUrl).toBeTruthy();
        expect(spec.simulator.oauth).toBeTruthy();
      } else {
        expect(spec.oauth).toBeNull();
      }
      expect(describeProvider(id).auth).toBe(spec.auth === "oauth" ? "oauth2" : "apiKey");
    }
  });

  it("sends PKCE to no provider whose docs do not say it accepts it (Gong, Salesloft)", () => {
    expect(providerSpec("GONG").oauth?.pkce).toBe(false);
    expect(providerSpec("SALESLOFT").oauth?.pkce).toBe(false);
  });

  it("points every env var the registry names at a simulator mount", () => {
    const env = simulatorEnv("http://127.0.0.1:4010");
    const named = PROVIDER_LIST.flatMap((p) => Object.values(p.env as Record<string, string>));
    const crmNames = new Set(CRM_LIST.flatMap((p) => Object.values(p.env as Record<string, string>)));
    // The CRMs' are checked in tests/crm/registry.test.ts.
    expect(
      Object.keys(env)
        .filter((k) => !crmNames.has(k))
        .sort(),
    ).toEqual([...named].sort());
  });
});
