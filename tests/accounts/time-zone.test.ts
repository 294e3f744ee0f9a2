// Issue 17 item 1: times in the viewer's zone (lib/time-zones.ts) and the user's own choice (lib/accounts/time-zone.ts).
import { afterAll, describe, expect, it } from "vitest";
import { setUserTimeZone } from "@/lib/accounts/time-zone";
import { db } from "@/lib/db";
import { ValidationError } from "@/lib/errors";
import { formatCalendarDate, formatDate, formatDateTime, formatHour, isTimeZone, timeZoneLabel, timeZoneNames } from "@/lib/time-zones";
import { createWorkspace } from "../support/db";

afterAll(() => db.$disconnect());

const AT = new Date("2026-07-15T16:30:00Z");

describe("times in a zone", () => {
  it("shows one instant in each viewer's zone, with the zone's name", () => {
    expect(formatDateTime(AT, "UTC")).toBe("Jul 15, 2026, 04:30 PM UTC");
    expect(formatDateTime(AT, "America/New_York")).toBe("Jul 15, 2026, 12:30 PM EDT");
    expect(formatDateTime(AT, "Asia/Tokyo")).toBe("Jul 16, 2026, 01:30 AM GMT+9");
    expect(formatDateTime(new Date("2026-12-04T16:30:00Z"), "America/New_York")).toBe("Dec 4, 2026, 11:30 AM EST");
    expect(formatDate(AT, "Asia/Tokyo")).toBe("Jul 16, 2026");
    expect(formatHour(AT, "Asia/Kolkata")).toBe("22:00");
  });

  it("keeps calendar dates (stored as midnight UTC) on their day in every zone", () => {
    const close = new Date("2026-08-01T00:00:00Z");
    expect(formatCalendarDate(close)).toBe("Aug 1, 2026");
    expect(formatDate(close, "America/Los_Angeles")).toBe("Jul 31, 2026"); // what an instant would show
  });

  it("knows real zones only, and an unknown zone shows UTC rather than failing the page", () => {
    expect(isTimeZone("Europe/Paris")).toBe(true);
    expect(isTimeZone("UTC")).toBe(true);
    for (const bad of ["Mars/Olympus", "", "x".repeat(65), 42, null]) expect(isTimeZone(bad)).toBe(false);
    expect(formatDateTime(AT, "Mars/Olympus")).toBe("Jul 15, 2026, 04:30 PM UTC");
    expect(timeZoneNames()).toEqual(expect.arrayContaining(["UTC", "Europe/Paris", "America/New_York"]));
    expect(timeZoneLabel("America/New_York", AT)).toBe("America/New York (EDT)");
    expect(timeZoneLabel("UTC", AT)).toBe("UTC");
  });
});

describe("the user's own zone", () => {
  it("saves a real zone and clears it with null", async () => {
    const { member } = await createWorkspace("Tz");
    expect(await setUserTimeZone(member.id, { timeZone: "Asia/Tokyo" })).toEqual({ timeZone: "Asia/Tokyo" });
    expect((await db.user.findUniqueOrThrow({ where: { id: member.id } })).timeZone).toBe("Asia/Tokyo");
    expect(await setUserTimeZone(member.id, { timeZone: null })).toEqual({ timeZone: null });
    expect((await db.user.findUniqueOrThrow({ where: { id: member.id } })).timeZone).toBeNull();
  });

  it("refuses a zone that does not exist, with a message, and writes nothing", async () => {
    const { member } = await createWorkspace("Tz");
    await setUserTimeZone(member.id, { timeZone: "Europe/Paris" });
    for (const body of [{ timeZone: "Mars/Olympus" }, { timeZone: 7 }, {}, "Europe/Paris"]) {
      await expect(setUserTimeZone(member.id, body)).rejects.toBeInstanceOf(ValidationError);
    }
    await expect(setUserTimeZone(member.id, { timeZone: "Mars/Olympus" })).rejects.toThrow(
      "Choose a time zone from the list (an IANA name such as Europe/Paris).",
    );
    expect((await db.user.findUniqueOrThrow({ where: { id: member.id } })).timeZone).toBe("Europe/Paris");
  });
});
