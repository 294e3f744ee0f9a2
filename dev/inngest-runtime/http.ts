// The runtime's HTTP surface (node:http): the SDK-facing endpoints an Inngest dev server exposes
// (`POST /fn/register`, `POST /e/:key`) plus JSON debugging endpoints (`/v1/...`, `/health`).
// Every request but GET /health is checked first (auth.ts): Host/Origin, JSON body, signature, once.
import http from "node:http";
import { z } from "zod";
import { checkContentType, checkHost, checkSignature, ForeignAppUrlError, isAppUrl } from "./auth";
import type { RuntimeContext } from "./context";
import { eventInputSchema, registerBodySchema, type EventInput } from "./protocol";
import { foreignUrlsIn, registerApp, syncApp } from "./registry";
import { finishRun, insertEvent } from "./runs";
import { query, withTx, type RunRow, type StepRow } from "./store";

const MAX_BODY = 10 * 1024 * 1024;

export class HttpError extends Error {
  override name = "HttpError";
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new HttpError(413, "Request body too large");
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function parseJsonBody(text: string): unknown {
  if (!text.trim()) throw new HttpError(400, "Request body is empty; expected JSON");
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new HttpError(400, `Request body is not valid JSON: ${(err as Error).message}`);
  }
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

const iso = (ms: number | null) => (ms === null || ms === undefined ? null : new Date(ms).toISOString());

function runSummary(r: RunRow) {
  return {
    id: r.id,
    function_id: r.function_id,
    status: r.status,
    attempts: r.attempts,
    event_name: r.event.name,
    output: r.output,
    error: r.error,
    last_error: r.last_error,
    parent_run_id: r.parent_run_id,
    created_at: iso(r.created_at),
    started_at: iso(r.started_at),
    ended_at: iso(r.ended_at),
    duration_ms: r.ended_at !== null && r.started_at !== null ? r.ended_at - r.started_at : null,
  };
}

function describeIssues(error: z.ZodError, prefix: string): string {
  return error.issues.map((i) => `${prefix}${i.path.length ? `${i.path.join(".")}: ` : ""}${i.message}`).join("; ");
}

/** Validates an intake body: one event object or a non-empty-or-empty array of them. */
export function parseEvents(body: unknown): EventInput[] {
  const list = Array.isArray(body) ? body : [body];
  if (!Array.isArray(body) && (typeof body !== "object" || body === null)) {
    throw new HttpError(400, "Expected an event object or an array of event objects");
  }
  return list.map((item, i) => {
    const parsed = eventInputSchema.safeParse(item);
    if (!parsed.success) throw new HttpError(400, describeIssues(parsed.error, Array.isArray(body) ? `event[${i}] ` : "event "));
    return parsed.data;
  });
}

/** The request's body, already read and authenticated by the listener. */
type Route = (body: string, res: http.ServerResponse, params: string[], url: URL) => Promise<void>;

/** Routes anyone on this machine may call: a liveness probe that reads and writes nothing. */
const OPEN = (method: string, path: string) => method === "GET" && /^\/(?:health)?$/.test(path);

export function createHandler(ctx: RuntimeContext, info: () => Record<string, unknown>, hosts: () => Set<string>): http.RequestListener {
  const routes: Array<[string, RegExp, Route]> = [
    ["GET", /^\/(?:health)?$/, async (_body, res) => send(res, 200, { status: "ok", ...info() })],

    [
      "POST",
      /^\/fn\/register$/,
      async (body, res) => {
        const parsed = registerBodySchema.safeParse(parseJsonBody(body));
        if (!parsed.success) {
          send(res, 400, { status: 400, error: `Invalid registration: ${describeIssues(parsed.error, "")}` });
          return;
        }
        const foreign = foreignUrlsIn(ctx, parsed.data);
        if (foreign.length) {
          send(res, 403, { status: 403, error: `Not a configured app URL: ${foreign.join(", ")}; the runtime only calls its configured apps` });
          return;
        }
        const out = await registerApp(ctx, parsed.data);
        send(res, 200, { ok: true, modified: true, app_id: out.appId, functions: out.functions });
      },
    ],

    [
      "POST",
      /^\/e\/([^/]*)$/,
      async (body, res) => {
        let events: EventInput[];
        try {
          events = parseEvents(parseJsonBody(body));
        } catch (err) {
          if (err instanceof HttpError) {
            send(res, err.status, { status: err.status, error: err.message });
            return;
          }
          throw err;
        }
        const ids = await withTx(ctx.db, async (tx) => {
          const out: string[] = [];
          for (const e of events) {
            const stored = await insertEvent(tx, ctx, {
              name: e.name,
              data: e.data,
              externalId: e.id,
              ts: e.ts,
              v: e.v,
              user: e.user,
            });
            out.push(stored.id);
          }
          return out;
        });
        ctx.wake();
        send(res, 200, { ids, status: 200 });
      },
    ],

    [
      "GET",
      /^\/v1\/runs$/,
      async (_body, res, _p, url) => {
        const status = url.searchParams.get("status");
        const fn = url.searchParams.get("function");
        const limit = Math.min(1000, Number(url.searchParams.get("limit") ?? 100) || 100);
        const runs = await query<RunRow>(
          ctx.db,
          `SELECT * FROM ${ctx.s}.runs WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR function_id = $2)
           ORDER BY created_at DESC, id DESC LIMIT $3`,
          [status, fn, limit],
        );
        send(res, 200, { data: runs.rows.map(runSummary) });
      },
    ],

    [
      "GET",
      /^\/v1\/runs\/([^/]+)$/,
      async (_body, res, [id]) => {
        const run = (await query<RunRow>(ctx.db, `SELECT * FROM ${ctx.s}.runs WHERE id = $1`, [id])).rows[0];
        if (!run) {
          send(res, 404, { error: `Run ${id} not found` });
          return;
        }
        const [steps, jobs, waits] = await Promise.all([
          query<StepRow>(ctx.db, `SELECT * FROM ${ctx.s}.steps WHERE run_id = $1 ORDER BY created_at, completion_seq NULLS LAST`, [id]),
          query(ctx.db, `SELECT kind, step_id, attempt, available_at FROM ${ctx.s}.jobs WHERE run_id = $1 ORDER BY available_at`, [id]),
          query(ctx.db, `SELECT step_id, event_name, expression, expires_at FROM ${ctx.s}.waits WHERE run_id = $1`, [id]),
        ]);
        send(res, 200, {
          data: {
            ...runSummary(run),
            event: run.event,
            steps: steps.rows.map((s) => ({
              id: s.step_id,
              name: s.display_name ?? s.name,
              op: s.op,
              status: s.status,
              attempts: s.attempts,
              output: s.result?.type === "data" ? s.result.data : undefined,
              error: s.result?.type === "error" ? s.result.error : (s.last_error ?? undefined),
              created_at: iso(s.created_at),
              ended_at: iso(s.ended_at),
            })),
            pending: jobs.rows,
            waits: waits.rows,
          },
        });
      },
    ],

    [
      "POST",
      /^\/v1\/runs\/([^/]+)\/cancel$/,
      async (_body, res, [id]) => {
        const cancelled = await withTx(ctx.db, async (tx) => {
          const run = (await tx.query<RunRow>(`SELECT * FROM ${ctx.s}.runs WHERE id = $1 FOR UPDATE`, [id])).rows[0];
          return run ? finishRun(tx, ctx, run, { status: "Cancelled" }) : null;
        });
        if (cancelled === null) send(res, 404, { error: `Run ${id} not found` });
        else send(res, 200, { cancelled });
      },
    ],

    [
      "GET",
      /^\/v1\/events$/,
      async (_body, res, _p, url) => {
        const name = url.searchParams.get("name");
        const limit = Math.min(1000, Number(url.searchParams.get("limit") ?? 100) || 100);
        const rows = await query<{ id: string; payload: unknown; received_at: number; processed_at: number | null }>(
          ctx.db,
          `SELECT id, payload, received_at, processed_at FROM ${ctx.s}.events WHERE ($1::text IS NULL OR name = $1)
           ORDER BY seq DESC LIMIT $2`,
          [name, limit],
        );
        send(res, 200, {
          data: rows.rows.map((r) => ({ internal_id: r.id, ...(r.payload as object), received_at: iso(r.received_at), processed: r.processed_at !== null })),
        });
      },
    ],

    [
      "GET",
      /^\/v1\/functions$/,
      async (_body, res) => {
        const rows = await query(ctx.db, `SELECT id, app_id, name, url, config FROM ${ctx.s}.functions ORDER BY id`);
        send(res, 200, { data: rows.rows });
      },
    ],

    [
      "POST",
      /^\/v1\/apps\/sync$/,
      async (text, res) => {
        const body = z.object({ url: z.string().url() }).safeParse(parseJsonBody(text));
        if (!body.success) {
          send(res, 400, { error: describeIssues(body.error, "") });
          return;
        }
        if (!isAppUrl(ctx, body.data.url)) {
          send(res, 403, { error: `${body.data.url} is not a configured app URL; the runtime only syncs its configured apps` });
          return;
        }
        send(res, 200, await syncApp(ctx, body.data.url));
      },
    ],
  ];

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse, url: URL, method: string): Promise<void> => {
    const foreign = checkHost(req, hosts());
    if (foreign) {
      send(res, foreign.status, { status: foreign.status, error: foreign.error });
      return;
    }
    const route = routes.find(([m, re]) => m === method && re.test(url.pathname));
    if (!route) {
      const known = routes.some(([, re]) => re.test(url.pathname));
      send(res, known ? 405 : 404, { error: known ? `Method ${method} not allowed` : `No route for ${method} ${url.pathname}` });
      return;
    }
    const notJson = OPEN(method, url.pathname) ? null : checkContentType(req);
    if (notJson) {
      send(res, notJson.status, { status: notJson.status, error: notJson.error });
      return;
    }
    const body = await readBody(req);
    const unsigned = OPEN(method, url.pathname) ? null : await checkSignature(ctx, req, body);
    if (unsigned) {
      send(res, unsigned.status, { status: unsigned.status, error: unsigned.error });
      return;
    }
    const params = (route[1].exec(url.pathname) ?? []).slice(1).map(decodeURIComponent);
    await route[2](body, res, params, url);
  };

  return (req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const method = req.method ?? "GET";
    handle(req, res, url, method).catch((err: unknown) => {
      const status = err instanceof HttpError ? err.status : err instanceof ForeignAppUrlError ? 403 : 500;
      if (status === 500) ctx.log.error(`${method} ${url.pathname}: ${(err as Error).stack ?? err}`);
      if (!res.headersSent) send(res, status, { status, error: (err as Error).message });
      else res.end();
    });
  };
}
