// The zone every time is shown in for this viewer: their Settings → Account choice, else the zone their
// browser reported (TIME_ZONE_COOKIE, set by the root layout's script before the first paint), else UTC.
// The root layout hands the same zone to client components, so server and client renders agree.
import "server-only";
import { cookies } from "next/headers";
import { cache } from "react";
import { z } from "zod";
import { getSignedInUser } from "@/lib/auth/session";
import { db } from "@/lib/db";
import { DEFAULT_TIME_ZONE, isTimeZone, TIME_ZONE_COOKIE } from "@/lib/time-zones";
import { parseInput } from "@/lib/validation";

export type ViewerTimeZone = { zone: string; source: "user" | "browser" | "default" };

export const viewerTimeZone = cache(async (): Promise<ViewerTimeZone> => {
  const user = await getSignedInUser();
  if (user?.timeZone && isTimeZone(user.timeZone)) return { zone: user.timeZone, source: "user" };
  const fromBrowser = await browserTimeZone();
  if (fromBrowser) return { zone: fromBrowser, source: "browser" };
  return { zone: DEFAULT_TIME_ZONE, source: "default" };
});

/** The zone this browser reported, or null before it has (or when the cookie is not a zone). */
export async function browserTimeZone(): Promise<string | null> {
  const cookie = (await cookies()).get(TIME_ZONE_COOKIE)?.value;
  const zone = cookie ? safeDecode(cookie) : null;
  return zone && isTimeZone(zone) ? zone : null;
}

function safeDecode(value: string): string | null {
  try {
    return decodeURIComponent(value);
  } catch {
    return null;
  }
}

const timeZoneSchema = z.object({
  // null: follow the browser's zone again.
  timeZone: z.string().max(64).refine(isTimeZone, { message: "Choose a time zone from the list (an IANA name such as Europe/Paris)." }).nullable(),
});

/** Saves the user's own time zone (null: the browser's). Nothing is written when the input is refused. */
export async function setUserTimeZone(userId: string, raw: unknown): Promise<{ timeZone: string | null }> {
  const { timeZone } = parseInput(timeZoneSchema, raw);
  await db.user.update({ where: { id: userId }, data: { timeZone }, select: { id: true } });
  return { timeZone };
}
