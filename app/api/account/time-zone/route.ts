import { NextResponse } from "next/server";
import { setUserTimeZone } from "@/lib/accounts/time-zone";
import { readJsonBody, withWorkspace } from "@/lib/http";

// PUT { timeZone: "Europe/Paris" | null }: the zone every time is shown in for the signed-in user (null: the browser's).
export const PUT = withWorkspace(async (req, { session }) => {
  const saved = await setUserTimeZone(session.userId, await readJsonBody(req));
  return NextResponse.json(saved);
});
