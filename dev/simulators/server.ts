// One node:http server for all three simulators, routed by prefix:
//   /gong/...                 Gong OAuth (consent page, generate-customer-token) and call pages
//   /gong-api/<tenant>/v2/... Gong API (api_base_url_for_customer = <base>/gong-api/<tenant>)
//   /salesloft/oauth/...      Salesloft OAuth
//   /salesloft-api/v2/...     Salesloft API
//   /clari-api/...            Clari Copilot API
//   /hubspot/...              HubSpot app host (consent page, token endpoint); /hubspot-api/... HubSpot API host
//   /media/<provider>/...     signed recording URLs and Salesloft transcription artifacts (403 once expired)
//   /__sim/...                control API (stats, reset, faults, clock, calls, transcripts, gong/token-api-base, gong/users, gong/calls, clari/users, clari/calls)
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { SimConfigInput, SimProvider } from "./config";
import type { Area, ProviderSim, SimRequest, SimResponse } from "./core";
import type { FaultInput } from "./faults";
import { PROVIDER_LIST, type SimulatorMount } from "../../lib/providers/registry";
import { clariControl, clariSim } from "./providers/clari";
import { gongControl, gongSim } from "./providers/gong";
import { HUBSPOT_MOUNT, hubspotControl, hubspotSim } from "./providers/hubspot";
import { SALESFORCE_ROUTE_PATTERNS, salesforceControl, salesforceSim } from "./providers/salesforce";
import { SALESLOFT_ARTIFACT_DOWNLOAD, salesloftArtifactFile, salesloftSim } from "./providers/salesloft";
import { SimState } from "./state";
import { corruptField, corruptRecord } from "./util";

export interface StartOptions extends SimConfigInput {
  port?: number;
  host?: string;
}

export interface RunningSimulators {
  url: string;
  state: SimState;
  stop(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function send(res: ServerResponse, r: SimResponse): void {
  if (res.writableEnded || res.destroyed) return;
  const headers: Record<string, string> = { ...r.headers };
  let body = "";
  if (r.html !== undefined) {
    headers["content-type"] = "text/html; charset=utf-8";
    body = r.html;
  } else if (r.json !== undefined) {
    headers["content-type"] = "application/json; charset=utf-8";
    body = JSON.stringify(r.json);
  }
  headers.date = new Date().toUTCString();
  res.writeHead(r.status, headers);
  res.end(body);
}

interface Located {
  provider: SimProvider;
  area: Area;
  path: string;
  tenant: string | null;
}

/** Which simulator a path belongs to: the registry's simulator mounts (API mounts first: "/gong-api" vs "/gong"). */
const MOUNTS: Array<{ provider: SimProvider; area: Area; re: RegExp }> = [
  ...PROVIDER_LIST.flatMap((p) => {
    const m: SimulatorMount = p.simulator;
    return [
      { provider: p.slug, area: "api" as const, re: new RegExp(m.tenantInApiPath ? `^${m.api}/([^/]+)(/.*)$` : `^${m.api}()(/.*)$`) },
      ...(m.oauth ? [{ provider: p.slug, area: "oauth" as const, re: new RegExp(`^${m.oauth}()(/.*)$`) }] : []),
    ];
  }),
  // CRM simulators: the registry's CRM simulator mounts (crmSpec(id).simulator); Salesforce adds its sandbox and
  // My Domain login hosts (tenant = org / login host).
  { provider: "hubspot" as const, area: "api" as const, re: new RegExp(`^${HUBSPOT_MOUNT.api}()(/.*)$`) },
  { provider: "hubspot" as const, area: "oauth" as const, re: new RegExp(`^${HUBSPOT_MOUNT.oauth}()(/.*)$`) },
  ...SALESFORCE_ROUTE_PATTERNS.map((m) => ({ provider: "salesforce" as const, ...m })),
];

function locate(pathname: string): Located | null {
  for (const { provider, area, re } of MOUNTS) {
    const m = re.exec(pathname);
    if (m) return { provider, area, tenant: m[1] || null, path: m[2]! };
  }
  return null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A malformed call record's default field: each provider's start time (required by the providers' docs). */
const RECORD_START_FIELD: Record<SimProvider, string> = {
  gong: "metaData.started",
  salesloft: "created_at",
  clari: "time",
  hubspot: "properties.createdate",
  salesforce: "SystemModstamp",
};

export function createSimulatorHandler(state: SimState) {
  const sims: Record<SimProvider, ProviderSim> = {
    gong: gongSim(state),
    salesloft: salesloftSim(state),
    clari: clariSim(state),
    hubspot: hubspotSim(state),
    salesforce: salesforceSim(state),
  };

  async function handleProvider(loc: Located, req: SimRequest, res: ServerResponse): Promise<void> {
    const sim = sims[loc.provider];
    let endpoint = `${req.method} ${loc.path}`;
    let isApi = loc.area === "api";
    // The network round trip (config.latencyMs, 0 by default): the request leg before the simulator handles the
    // request (its rate limits see the arrival), the response leg before the response is sent.
    const roundTrip = state.nextLatencyMs();
    const requestLeg = roundTrip / 2;
    if (requestLeg > 0) await sleep(requestLeg);
    const finish = async (r: SimResponse) => {
      state.stats.record(loc.provider, endpoint, r.status, isApi);
      if (roundTrip - requestLeg > 0) await sleep(roundTrip - requestLeg);
      send(res, r);
    };
    let match: RegExpMatchArray | null = null;
    const route = sim.routes.find((r) => r.area === loc.area && r.method === req.method && (match = r.pattern.exec(loc.path)) !== null);
    if (!route || !match) {
      isApi = false;
      return finish(sim.error(404, `No route for ${req.method} ${loc.path}`));
    }
    endpoint = route.endpoint;
    if (route.oauthOnApiHost) isApi = false;
    const m: RegExpMatchArray = match;
    const cost = route.cost?.(req) ?? 1;
    let extraHeaders: Record<string, string> = {};

    if (isApi) {
      const lim = sim.limit(req, cost);
      extraHeaders = lim.headers;
      if (lim.blocked) return finish(lim.blocked);
    }
    const fired = state.faults.take({
      provider: loc.provider,
      endpoint,
      users: new Set(route.users?.(req, m) ?? []),
      isRefresh: route.isRefresh?.(req) ?? false,
      isApi,
    });
    let malformed: string | null = null;
    const badRecords: Array<{ callId: string; field: string }> = [];
    for (const f of fired) {
      if (f.kind === "timeout") await sleep(f.hangMs ?? 30_000);
      // A slow token endpoint: the refresh is answered normally, late (single-use tokens still apply).
      if (f.kind === "slow_token") await sleep(f.hangMs ?? 5_000);
      if (f.kind === "rate_limit") {
        const r = sim.error(429, "Too many requests");
        return finish({ ...r, headers: { ...r.headers, ...extraHeaders, "retry-after": String(f.retryAfterSec ?? state.config.faultRetryAfterSec) } });
      }
      if (f.kind === "server_error")
        return finish(f.body !== undefined ? { status: f.status ?? 500, html: f.body } : sim.error(f.status ?? 500, "Internal server error"));
      if (f.kind === "revoked")
        return finish(sim.error(endpoint === "GET /v2/users" && loc.provider === "gong" ? 403 : 401, "The access token has been revoked"));
      if (f.kind === "invalid_grant") {
        return finish({ status: 400, json: { error: "invalid_grant", error_description: "The refresh token is invalid, expired or revoked." } });
      }
      if (f.kind === "malformed" && f.callId) badRecords.push({ callId: f.callId, field: f.field ?? RECORD_START_FIELD[loc.provider] });
      else if (f.kind === "malformed") malformed = f.field ?? route.malformedField ?? null;
    }
    if (res.destroyed) return finish({ status: 499 });
    const denied = sim.authenticate(req, route);
    if (denied) return finish({ ...denied, headers: { ...denied.headers, ...extraHeaders } });
    const out = route.handle(req, m);
    if (malformed && out.json !== undefined && out.status < 300) corruptField(out.json, malformed);
    if (out.json !== undefined && out.status < 300) for (const b of badRecords) corruptRecord(out.json, b.callId, b.field);
    return finish({ ...out, headers: { ...out.headers, ...extraHeaders } });
  }

  async function handleControl(path: string, method: string, body: string, res: ServerResponse): Promise<void> {
    let input: Record<string, unknown> = {};
    if (body) {
      try {
        input = JSON.parse(body) as Record<string, unknown>;
      } catch {
        return send(res, { status: 400, json: { error: "invalid JSON" } });
      }
    }
    try {
      if (path.startsWith("/salesforce/")) return send(res, salesforceControl(state, method, path.slice("/salesforce".length), input));
      if (method === "GET" && path === "/stats") return send(res, { status: 200, json: state.stats.snapshot() });
      if (path.startsWith("/hubspot/")) return send(res, hubspotControl(state, method, path.slice("/hubspot".length), input));
      if (path === "/gong/users" || path === "/gong/calls") return send(res, gongControl(state, method, path.slice("/gong".length), input));
      if (path === "/clari/users" || path === "/clari/calls") return send(res, clariControl(state, method, path.slice("/clari".length), input));
      if (method === "POST" && path === "/reset") {
        state.reset(input as SimConfigInput);
        return send(res, { status: 200, json: { ok: true, config: state.config, calls: state.dataset.calls.length } });
      }
      if (method === "GET" && path === "/config") return send(res, { status: 200, json: state.config });
      if (method === "POST" && path === "/limits") {
        state.setLimits(input as SimConfigInput["limits"]);
        return send(res, { status: 200, json: state.config.limits });
      }
      if (method === "GET" && path === "/faults") return send(res, { status: 200, json: state.faults.list() });
      if (method === "POST" && path === "/faults") {
        const list = Array.isArray(input) ? (input as FaultInput[]) : [input as unknown as FaultInput];
        return send(res, { status: 200, json: list.map((f) => state.faults.add(f)) });
      }
      if (method === "DELETE" && path === "/faults") {
        state.faults.clear();
        return send(res, { status: 200, json: { ok: true } });
      }
      if (method === "POST" && path === "/clock") {
        if (typeof input.advanceMs === "number") state.advance(input.advanceMs);
        else state.setNow(typeof input.now === "string" ? input.now : null);
        return send(res, { status: 200, json: { now: new Date(state.now()).toISOString(), fixed: state.config.now !== null } });
      }
      if (method === "POST" && path === "/calls") {
        const call = state.addCall({
          ownerEmail: typeof input.ownerEmail === "string" ? input.ownerEmail : undefined,
          startedAt: typeof input.startedAt === "string" ? Date.parse(input.startedAt) : undefined,
          durationSec: typeof input.durationSec === "number" ? input.durationSec : undefined,
          transcriptReady: input.transcriptReady === true,
          crmDealKey: typeof input.crmDealKey === "string" ? input.crmDealKey : undefined,
          isPrivate: typeof input.isPrivate === "boolean" ? input.isPrivate : undefined,
          gongImported: input.gongImported === true,
          salesloftNoExtensive: input.salesloftNoExtensive === true,
          crmReadyAt: typeof input.crmReadyAt === "string" ? Date.parse(input.crmReadyAt) : undefined,
        });
        return send(res, { status: 201, json: state.idsOf(call) });
      }
      if (method === "POST" && path === "/calls/update") {
        // A change at the provider after sync: {callId | index, title?, isPrivate?, crmDealKey? (null: none), deleted?: true}.
        const call = state.findCall({
          index: typeof input.index === "number" ? input.index : undefined,
          id: typeof input.callId === "string" ? input.callId : undefined,
        });
        if (!call) return send(res, { status: 404, json: { error: "call not found" } });
        state.updateCall(call, {
          title: typeof input.title === "string" ? input.title : undefined,
          isPrivate: typeof input.isPrivate === "boolean" ? input.isPrivate : undefined,
          crmDealKey: typeof input.crmDealKey === "string" || input.crmDealKey === null ? (input.crmDealKey as string | null) : undefined,
          deleted: input.deleted === true,
        });
        return send(res, { status: 200, json: state.idsOf(call) });
      }
      if (method === "POST" && path === "/transcripts/ready") {
        const call = state.findCall({
          index: typeof input.index === "number" ? input.index : undefined,
          id: typeof input.callId === "string" ? input.callId : undefined,
        });
        if (!call) return send(res, { status: 404, json: { error: "call not found" } });
        state.makeTranscriptReady(call);
        return send(res, { status: 200, json: state.idsOf(call) });
      }
      if (method === "POST" && path === "/gong/token-api-base") {
        // {url: "https://…"} hands that out as api_base_url_for_customer, {url: null} leaves the field out,
        // {} restores the tenant's own base URL.
        if (input.url !== undefined && input.url !== null && typeof input.url !== "string") {
          return send(res, { status: 400, json: { error: "url must be a string, null, or absent" } });
        }
        state.gongTokenApiBase = "url" in input ? (input.url as string | null) : undefined;
        return send(res, { status: 200, json: { apiBase: state.gongTokenApiBase ?? "(default)" } });
      }
      if (method === "POST" && path === "/salesloft/view-as") {
        // {email: "rep1@acme.test"}: Salesloft as that (non-admin) user sees it; {email: null}: as an admin.
        if (input.email !== null && typeof input.email !== "string") return send(res, { status: 400, json: { error: "email must be a string or null" } });
        state.salesloftViewAs = input.email === null ? null : String(input.email).toLowerCase();
        return send(res, { status: 200, json: { viewAs: state.salesloftViewAs } });
      }
      if (method === "POST" && path === "/salesloft/downloads") {
        // {allowed: false}: the connecting user's role lacks "Download Conversations" (artifacts answer 403).
        if (typeof input.allowed !== "boolean") return send(res, { status: 400, json: { error: "allowed must be a boolean" } });
        state.salesloftDownloads = input.allowed;
        return send(res, { status: 200, json: { downloads: state.salesloftDownloads } });
      }
      if (method === "POST" && path === "/media/expire") {
        // {}: every media URL issued so far answers 403 (as if expired); {clear: true}: back to their own expiry.
        state.mediaRevokedUpTo = input.clear === true ? null : state.mediaSerial;
        return send(res, { status: 200, json: { revokedUpTo: state.mediaRevokedUpTo } });
      }
      if (method === "POST" && path === "/tokens/expire") {
        state.gongOAuth.expireAll();
        state.salesloftOAuth.expireAll();
        state.hubspot.expireAll();
        for (const t of state.salesforce.access.values()) t.expiresAt = state.now();
        return send(res, { status: 200, json: { ok: true } });
      }
      if (method === "GET" && path === "/dataset") {
        const now = state.now();
        return send(res, {
          status: 200,
          json: {
            now: new Date(now).toISOString(),
            calls: state.dataset.calls.length,
            visible: state.dataset.calls.filter((c) => state.isVisible(c, now)).length,
            transcriptsReady: state.dataset.calls.filter((c) => state.isVisible(c, now) && state.transcriptReady(c, now)).length,
            users: state.dataset.users.map((u) => ({
              email: u.email,
              name: u.name,
              inWorkspace: u.inWorkspace,
              gongId: u.gongId,
              salesloftGuid: u.salesloftGuid,
              clariId: u.clariId,
            })),
          },
        });
      }
      return send(res, { status: 404, json: { error: `unknown control endpoint ${method} /__sim${path}` } });
    } catch (err) {
      return send(res, { status: 400, json: { error: err instanceof Error ? err.message : String(err) } });
    }
  }

  function handleMedia(url: URL, res: ServerResponse): void {
    const expires = Number(url.searchParams.get("expires"));
    const serial = Number(url.searchParams.get("n") ?? 0);
    const revoked = state.mediaRevokedUpTo !== null && !(serial > state.mediaRevokedUpTo);
    const artifact = /^\/media\/salesloft-artifacts\/([^/]+)\.json$/.exec(url.pathname);
    if (!Number.isFinite(expires) || expires <= state.now() || revoked) {
      if (artifact) state.stats.record("salesloft", SALESLOFT_ARTIFACT_DOWNLOAD, 403, false);
      return send(res, { status: 403, html: "<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>" });
    }
    if (artifact) {
      // Outside the API: no bearer token, no cost, counted apart from the API requests.
      const body = salesloftArtifactFile(state, artifact[1]!);
      state.stats.record("salesloft", SALESLOFT_ARTIFACT_DOWNLOAD, body ? 200 : 404, false);
      return body ? send(res, { status: 200, json: body }) : send(res, { status: 404, html: "<Error><Code>NoSuchKey</Code></Error>" });
    }
    res.writeHead(200, { "content-type": url.pathname.endsWith(".mp4") ? "video/mp4" : "audio/mpeg" });
    res.end(Buffer.from("SIMULATED-MEDIA"));
  }

  return async function handler(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const url = new URL(req.url ?? "/", "http://sim.local");
      const body = await readBody(req);
      if (url.pathname.startsWith("/__sim/")) return await handleControl(url.pathname.slice("/__sim".length), req.method ?? "GET", body, res);
      if (url.pathname.startsWith("/media/")) return handleMedia(url, res);
      if (url.pathname === "/" || url.pathname === "/health")
        return send(res, { status: 200, json: { ok: true, providers: ["gong", "salesloft", "clari", "hubspot"] } });
      const loc = locate(url.pathname);
      if (!loc) return send(res, { status: 404, json: { error: "unknown simulator route" } });
      await handleProvider(loc, { method: req.method ?? "GET", path: loc.path, query: url.searchParams, headers: req.headers, body, tenant: loc.tenant }, res);
    } catch (err) {
      send(res, { status: 500, json: { error: err instanceof Error ? err.message : String(err) } });
    }
  };
}

export async function startSimulators(options: StartOptions = {}): Promise<RunningSimulators> {
  const { port = 0, host = "127.0.0.1", ...config } = options;
  const state = new SimState(config);
  const server: Server = createServer(createSimulatorHandler(state));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const url = `http://${host}:${addr.port}`;
  state.baseUrl = url;
  return {
    url,
    state,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
