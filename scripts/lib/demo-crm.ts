// The demo start's last step (scripts/lib/stack.ts): the demo workspace's deals come from the HubSpot
// simulator through the real path. Once the app and the job server are up, this asks the app to connect
// HubSpot for Acme (POST /api/dev/demo-crm, keyed by DEMO_SETUP_KEY: lib/demo/crm.ts runs the product's
// connect and OAuth callback code against the simulator) and waits until the first import (the crm-import
// Inngest function, the HubSpot client) has brought the deals in.
import { randomBytes } from "node:crypto";

export type DemoCrmResult = { status: "connected" | "failed"; deals: number; message: string | null };

export const newDemoSetupKey = () => randomBytes(32).toString("base64url");

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, deadline: number, probe: () => Promise<T | null>): Promise<T> {
  let last = "";
  while (Date.now() < deadline) {
    try {
      const v = await probe();
      if (v !== null) return v;
    } catch (e) {
      last = e instanceof Error ? e.message : String(e);
    }
    await sleep(500);
  }
  throw new Error(`Timed out waiting for ${what}${last ? ` (${last})` : ""}`);
}

export async function importDemoDeals(opts: { appUrl: string; key: string; jobsReady: Promise<void>; timeoutMs: number }): Promise<DemoCrmResult> {
  const deadline = Date.now() + opts.timeoutMs;
  const headers = { "x-demo-setup-key": opts.key, "content-type": "application/json", origin: new URL(opts.appUrl).origin };
  const url = `${opts.appUrl}/api/dev/demo-crm`;
  await until("the app", deadline, async () => ((await fetch(`${opts.appUrl}/api/health`)).ok ? true : null));
  await opts.jobsReady;
  const started = await fetch(url, { method: "POST", headers, body: "{}" });
  const body = (await started.json().catch(() => ({}))) as { status?: string; deals?: number; message?: string | null; error?: string };
  if (!started.ok) return { status: "failed", deals: 0, message: body.error ?? `POST /api/dev/demo-crm answered ${started.status}` };
  return until("the HubSpot first import", deadline, async () => {
    const res = await fetch(url, { headers });
    if (!res.ok) throw new Error(`GET /api/dev/demo-crm answered ${res.status}`);
    const s = (await res.json()) as { status: string; deals: number; message: string | null };
    return s.status === "connected" || s.status === "failed" ? { status: s.status, deals: s.deals, message: s.message } : null;
  });
}
