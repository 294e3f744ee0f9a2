// Links to a call's recording, for server and client: pure. They go through the open route
// (app/api/calls/[callId]/recording/open), which checks or refreshes the provider's signed URL at click time.

export type RecordingMedia = "audio" | "video";

/** The open route for a call's media, optionally at a moment (seconds from the start). */
export const openHref = (callId: string, media: RecordingMedia, at?: number | null) =>
  `/api/calls/${callId}/recording/open?media=${media}${at ? `&t=${Math.floor(at)}` : ""}`;

/** "12 minutes", "7 hours 59 minutes", "less than a minute": what is left of a link. */
export function timeLeft(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return "less than a minute";
  if (minutes < 60) return plural(minutes, "minute");
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return m ? `${plural(h, "hour")} ${plural(m, "minute")}` : plural(h, "hour");
}

const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? "" : "s"}`;

/** When a page was rendered (ms): the first value of a client countdown, so server and client agree. */
export const renderedNow = () => Date.now();
