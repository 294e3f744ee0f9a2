// GET: open a call's recording (the Audio / Video / "Open at 12:34" links): at click time the stored link
// if it is not near expiry and the provider still serves it, else a fresh one (lib/calls/recording.ts
// openRecording), then a 303 to it (with #t=SECONDS for a moment). Whatever fails, a 303 back to the call
// page, which says what happened and offers "Get a fresh link": never a provider's raw error page.
import { NextResponse } from "next/server";
import { z } from "zod";
import { withCall } from "@/lib/api/call";
import { env } from "@/lib/env";
import { openRecording, type OpenFailure } from "@/lib/calls/recording";
import { logFailureDetail, newReference } from "@/lib/sync/failures";

const query = z.object({
  media: z.enum(["audio", "video"]).default("audio"),
  t: z.coerce.number().int().min(0).max(86_400).optional(),
});

export const GET = withCall(async (req, { session, call }) => {
  const url = new URL(req.url);
  const parsed = query.safeParse({ media: url.searchParams.get("media") ?? undefined, t: url.searchParams.get("t") ?? undefined });
  const media = parsed.success ? parsed.data.media : "audio";
  const at = parsed.success ? (parsed.data.t ?? null) : null;
  const back = (reason: OpenFailure) => {
    const page = new URL(`/calls/${call.id}`, env.APP_URL);
    page.searchParams.set("recording", reason);
    page.searchParams.set("media", media);
    if (at !== null) page.searchParams.set("t", String(at));
    return NextResponse.redirect(page, 303);
  };
  let result;
  try {
    result = await openRecording(call, session.userId, media, at);
  } catch (error) {
    logFailureDetail(newReference(), "[recording] open failed", error);
    return back("unavailable");
  }
  if (!result.ok) return back(result.reason);
  const res = NextResponse.redirect(result.url, 303);
  res.headers.set("Cache-Control", "no-store");
  res.headers.set("Referrer-Policy", "no-referrer");
  return res;
});
