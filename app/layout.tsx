import type { Metadata } from "next";
import { headers } from "next/headers";
import { connection } from "next/server";
import type { ReactNode } from "react";
import { Providers } from "@/components/providers";
import { viewerTimeZone } from "@/lib/accounts/time-zone";
import { TIME_ZONE_COOKIE } from "@/lib/time-zones";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Callsync", template: "%s · Callsync" },
  description: "Every sales call on the deal it belongs to.",
};

// Runs before anything is painted: tells the server this browser's time zone (TIME_ZONE_COOKIE) and, when this
// page was rendered in another zone because the server did not know it yet (first visit, a new zone, not a
// zone the user chose in Settings → Account), renders it again at once, so times never flash from UTC to local.
// At most one reload per tab (sessionStorage), so a browser that refuses cookies is not caught in a loop.
const TIME_ZONE_SCRIPT = `(function(){try{
var d=document.documentElement,z=Intl.DateTimeFormat().resolvedOptions().timeZone;if(!z)return;
var c="${TIME_ZONE_COOKIE}=",v=encodeURIComponent(z);
if(document.cookie.split("; ").indexOf(c+v)===-1){document.cookie=c+v+"; path=/; max-age=31536000; samesite=lax"+(location.protocol==="https:"?"; secure":"");}
var k="callsync-tz-reload";
if(d.getAttribute("data-tz-source")==="user"||d.getAttribute("data-tz")===z){sessionStorage.removeItem(k);return;}
if(document.cookie.split("; ").indexOf(c+v)!==-1&&!sessionStorage.getItem(k)){sessionStorage.setItem(k,"1");location.reload();}
}catch(e){}})();`;

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Every page renders per request: its scripts carry the nonce of this response's Content-Security-Policy
  // (proxy.ts), which a page rendered at build time could not know.
  await connection();
  const nonce = (await headers()).get("x-nonce") ?? undefined;
  const tz = await viewerTimeZone();
  return (
    <html lang="en" data-tz={tz.zone} data-tz-source={tz.source}>
      <head>
        <script nonce={nonce} dangerouslySetInnerHTML={{ __html: TIME_ZONE_SCRIPT }} />
      </head>
      <body className="min-h-screen">
        <Providers timeZone={tz.zone}>{children}</Providers>
      </body>
    </html>
  );
}
