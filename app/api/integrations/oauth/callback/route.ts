// The providers' OAuth redirect (lib/sync/clients.ts oauthRedirectUri). Runs in the consent tab:
// completes the attempt (state checked, single use, the session of the admin who started it and the
// attempt's cookie of the browser that started it, lib/integrations/oauth-binding.ts), then shows a small
// page. The wizard in the first tab learns the outcome by polling, so this page only has to say what
// happened and close itself when it can. The attempt's cookie is cleared once presented.
import { NextResponse, type NextRequest } from "next/server";
import { getSessionContext } from "@/lib/auth/session";
import { env } from "@/lib/env";
import { completeAnyOAuth } from "@/lib/crm/connect";
import { OAUTH_MESSAGES } from "@/lib/integrations/connect";
import { bindingCookieName, clearedBindingCookie } from "@/lib/integrations/oauth-binding";
import { providerName as nameOf } from "@/lib/providers/registry";
import { logFailureDetail, newReference } from "@/lib/sync/failures";
import { sendEvents } from "@/inngest/client";

export const dynamic = "force-dynamic";

function escapeHtml(s: string) {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

export async function GET(req: NextRequest) {
  const url = new URL(req.url);
  const params = Object.fromEntries(["state", "code", "error"].flatMap((k) => (url.searchParams.has(k) ? [[k, url.searchParams.get(k)!]] : [])));
  let outcome: Awaited<ReturnType<typeof completeAnyOAuth>>["outcome"] = "failed";
  let providerName = "your provider";
  let reference: string | undefined;
  try {
    const session = await getSessionContext().catch(() => null);
    const browserNonce = params.state ? (req.cookies.get(bindingCookieName(params.state))?.value ?? null) : null;
    // Recorders and CRMs alike (a CRM's completion also starts its first import).
    const result = await completeAnyOAuth(params, { userId: session?.userId ?? null, browserNonce }, sendEvents);
    outcome = result.outcome;
    reference = result.reference;
    if (result.provider) providerName = nameOf(result.provider);
  } catch (e) {
    reference = newReference();
    logFailureDetail(reference, "[oauth] callback failed", e);
  }
  const ok = outcome === "ok";
  // The Content-Security-Policy of this response allows only scripts with its nonce (proxy.ts).
  const nonce = req.headers.get("x-nonce") ?? "";
  const title = ok ? "Authorization complete — you can close this tab" : "Authorization did not complete";
  const message = ok
    ? `${providerName} is connected. Go back to the Callsync tab: the setup wizard continues there by itself.`
    : `${OAUTH_MESSAGES[outcome as Exclude<typeof outcome, "ok">]}${reference ? ` Reference: ${reference}.` : ""}`;
  const html = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(ok ? "Authorization complete" : "Authorization did not complete")} · Callsync</title>
<style>
  body{font-family:ui-sans-serif,system-ui,sans-serif;background:#f8fafc;color:#0f172a;margin:0}
  main{max-width:32rem;margin:15vh auto;padding:2rem;background:#fff;border:1px solid #e2e8f0;border-radius:.75rem}
  h1{font-size:1.25rem;margin:0 0 .75rem} p{color:#475569;line-height:1.5}
  .ok{color:#047857} .err{color:#b91c1c}
  a{color:#4338ca}
</style></head>
<body><main>
  <h1 class="${ok ? "ok" : "err"}">${escapeHtml(title)}</h1>
  <p ${ok ? "" : 'role="alert"'}>${escapeHtml(message)}</p>
  ${ok ? "" : '<p>Go back to the Callsync tab and click <strong>Try again</strong>, or <a href="/settings/integrations">open Settings → Integrations</a>.</p>'}
</main>
${ok ? `<script nonce="${escapeHtml(nonce)}">setTimeout(function(){try{window.close()}catch(e){}},1200)</script>` : ""}
</body></html>`;
  const res = new NextResponse(html, { status: ok ? 200 : 400, headers: { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" } });
  if (params.state && req.cookies.has(bindingCookieName(params.state))) {
    const cleared = clearedBindingCookie(params.state, env.APP_URL);
    res.cookies.set(cleared.name, cleared.value, cleared.options);
  }
  return res;
}
