// The demo start's HubSpot connection for the demo workspace (lib/demo/crm.ts). Not a user route: no
// session, it is keyed by DEMO_SETUP_KEY, which only the demo start sets (a fresh random value each time it
// seeds the demo workspace with the simulators on) and sends as `x-demo-setup-key`. Without that key in the
// environment the route answers 404, as in every production start.
// POST: connects HubSpot (once) and starts the first import; GET: where the connection and import are.
import { createHash, timingSafeEqual } from "node:crypto";
import { NextResponse, type NextRequest } from "next/server";
import { sendEvents } from "@/inngest/client";
import { connectDemoCrm, demoCrmState } from "@/lib/demo/crm";
import { env } from "@/lib/env";

export const dynamic = "force-dynamic";

const digest = (v: string) => createHash("sha256").update(v).digest();

function allowed(req: NextRequest): boolean {
  const key = env.DEMO_SETUP_KEY;
  const given = req.headers.get("x-demo-setup-key");
  return Boolean(key && given && timingSafeEqual(digest(key), digest(given)));
}

const notFound = () => NextResponse.json({ error: "Not found" }, { status: 404 });

export async function GET(req: NextRequest) {
  if (!allowed(req)) return notFound();
  return NextResponse.json(await demoCrmState());
}

export async function POST(req: NextRequest) {
  if (!allowed(req)) return notFound();
  try {
    return NextResponse.json(await connectDemoCrm(sendEvents));
  } catch (e) {
    console.error("[demo] connecting HubSpot for the demo workspace failed:", e);
    return NextResponse.json({ error: e instanceof Error ? e.message : String(e) }, { status: 500 });
  }
}
