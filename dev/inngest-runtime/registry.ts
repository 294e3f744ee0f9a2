// App and function registration: `POST /fn/register` from an app's `PUT /api/inngest`, or a sync
// this runtime starts itself by calling `PUT <serve url>` in-band (the app answers with its
// function configs directly, so it needs no INNGEST_BASE_URL pointing back here).
import { appFetch, isAppUrl, ForeignAppUrlError } from "./auth";
import type { RuntimeContext } from "./context";
import { syncCrons } from "./events";
import { inBandSyncResponseSchema, type RegisterBody } from "./protocol";
import { json, withTx, type FunctionRow } from "./store";

export class SyncError extends Error {
  override name = "SyncError";
}

const lastSyncSignature = new Map<string, string>();

/** Function options the local runtime accepts but does not enforce (see README). */
const NOT_HONOURED = ["throttle", "rateLimit", "debounce", "batchEvents", "priority", "timeouts"] as const;

function warnNotHonoured(ctx: RuntimeContext, body: RegisterBody): void {
  for (const fn of body.functions) {
    const used = NOT_HONOURED.filter((k) => fn[k] !== undefined && fn[k] !== null);
    if (used.length) ctx.log.warn(`${fn.id}: ${used.join(", ")} not honoured by the local runtime (accepted, ignored)`);
    for (const t of fn.triggers) if ("cron" in t && t.jitter) ctx.log.warn(`${fn.id}: cron jitter ignored`);
  }
}

/** An out-of-band registration may only name configured app URLs (the runtime would sign requests to them). */
export function foreignUrlsIn(ctx: RuntimeContext, body: RegisterBody): string[] {
  const urls = [body.url, ...body.functions.flatMap((f) => Object.values(f.steps).map((st) => st.runtime.url))];
  return [...new Set(urls.filter((u) => !isAppUrl(ctx, u)))];
}

/** In-band: the functions live where we asked, whatever URL the app believes it has (only the query is kept). */
function atAppUrl(appUrl: string, url: string): string {
  const target = new URL(appUrl);
  let given: URL;
  try {
    given = new URL(url, appUrl);
  } catch {
    return appUrl;
  }
  target.search = given.search;
  return target.href;
}

export async function registerApp(ctx: RuntimeContext, body: RegisterBody): Promise<{ appId: string; functions: string[] }> {
  const now = ctx.clock.now();
  const appId = body.appName;
  const ids = body.functions.map((f) => f.id);
  warnNotHonoured(ctx, body);
  await withTx(ctx.db, async (tx) => {
    await tx.query(
      `INSERT INTO ${ctx.s}.apps (id, url, sdk, framework, synced_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (id) DO UPDATE SET url = EXCLUDED.url, sdk = EXCLUDED.sdk, framework = EXCLUDED.framework, synced_at = EXCLUDED.synced_at`,
      [appId, body.url, body.sdk ?? null, body.framework ?? null, now],
    );
    const removed = await tx.query<{ id: string }>(`DELETE FROM ${ctx.s}.functions WHERE app_id = $1 AND id <> ALL($2) RETURNING id`, [appId, ids]);
    const rows: FunctionRow[] = [];
    for (const fn of body.functions) {
      const url = Object.values(fn.steps)[0]?.runtime.url ?? body.url;
      const row = (
        await tx.query<FunctionRow>(
          `INSERT INTO ${ctx.s}.functions (id, app_id, name, url, config, updated_at) VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (id) DO UPDATE SET app_id = EXCLUDED.app_id, name = EXCLUDED.name, url = EXCLUDED.url,
             config = EXCLUDED.config, updated_at = EXCLUDED.updated_at
           RETURNING *`,
          [fn.id, appId, fn.name ?? fn.id, url, json(fn), now],
        )
      ).rows[0];
      rows.push(row);
    }
    await syncCrons(
      tx,
      ctx,
      rows,
      removed.rows.map((r) => r.id),
    );
  });
  // Periodic re-syncs (dev) would repeat this line every few seconds: say it once per distinct set.
  const signature = `${appId}|${body.url}|${JSON.stringify(body.functions)}`;
  const message = `synced app "${appId}" (${ids.length} function${ids.length === 1 ? "" : "s"}) from ${body.url}`;
  if (lastSyncSignature.get(appId) !== signature) ctx.log.info(message);
  else ctx.log.debug(message);
  lastSyncSignature.set(appId, signature);
  ctx.wake();
  return { appId, functions: ids };
}

/**
 * Asks the app at `appUrl` (its serve endpoint, e.g. http://localhost:3000/api/inngest, which must be a
 * configured app URL: ForeignAppUrlError otherwise, nothing sent) for its functions. In-band when the SDK allows it; otherwise the SDK registers out-of-band by POSTing to
 * its own INNGEST_BASE_URL / INNGEST_DEV URL, which must then be this runtime.
 */
export async function syncApp(ctx: RuntimeContext, appUrl: string): Promise<{ appId?: string; functions?: string[]; inBand: boolean }> {
  let res: Response;
  try {
    res = await appFetch(ctx, appUrl, {
      method: "PUT",
      headers: { "content-type": "application/json", "x-inngest-sync-kind": "in_band", "x-inngest-server-kind": "dev" },
      body: JSON.stringify({ url: appUrl }),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (err) {
    if (err instanceof ForeignAppUrlError) throw err;
    throw new SyncError(`Cannot reach ${appUrl}: ${(err as Error).message}`);
  }
  const text = await res.text();
  if (!res.ok) throw new SyncError(`PUT ${appUrl} answered ${res.status}: ${text.slice(0, 500)}`);
  if (res.headers.get("x-inngest-sync-kind") === "in_band") {
    let parsedJson: unknown;
    try {
      parsedJson = JSON.parse(text);
    } catch {
      throw new SyncError(`PUT ${appUrl} returned invalid JSON`);
    }
    const parsed = inBandSyncResponseSchema.safeParse(parsedJson);
    if (!parsed.success) throw new SyncError(`Invalid in-band sync response from ${appUrl}: ${parsed.error.message}`);
    const out = await registerApp(ctx, {
      url: appUrl,
      appName: parsed.data.app_id,
      functions: parsed.data.functions.map((fn) => ({
        ...fn,
        steps: Object.fromEntries(Object.entries(fn.steps).map(([k, st]) => [k, { ...st, runtime: { ...st.runtime, url: atAppUrl(appUrl, st.runtime.url) } }])),
      })),
      sdk: parsed.data.sdk,
      framework: parsed.data.framework,
    });
    return { ...out, inBand: true };
  }
  return { inBand: false };
}
