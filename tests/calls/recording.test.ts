import { afterAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { ConflictError, NotFoundError } from "@/lib/errors";
import { refreshRecording } from "@/lib/calls/recording";
import { findVisibleCall } from "@/lib/calls/visibility";
import { canonicalCall, callsWorkspace, person } from "./fixture";

afterAll(() => db.$disconnect());

describe("fresh recording links", () => {
  it("says clearly when the integration is disconnected or needs reconnecting, and changes nothing", async () => {
    const w = await callsWorkspace();
    const expired = new Date(Date.now() - 60_000);
    const ids = await w.ingest([
      canonicalCall("r", [person(w.admin.email, "INTERNAL")], { recording: { audioUrl: "https://r/old.mp3", videoUrl: null, expiresAt: expired } }),
    ]);
    await db.integration.update({ where: { id: w.integration.id }, data: { status: "DISCONNECTED" } });
    const e = await findVisibleCall(w.viewers.admin, ids.r!)
      .then(refreshRecording)
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ConflictError);
    expect((e as Error).message).toBe(
      "The Gong integration is disconnected, so a fresh recording link cannot be fetched. Open the call in Gong instead, or ask an admin to reconnect Gong.",
    );
    await db.integration.update({ where: { id: w.integration.id }, data: { status: "RECONNECT_REQUIRED" } });
    await expect(findVisibleCall(w.viewers.admin, ids.r!).then(refreshRecording)).rejects.toThrow("The Gong integration needs to be reconnected");
    expect(await db.call.findUniqueOrThrow({ where: { id: ids.r! } })).toMatchObject({ audioUrl: "https://r/old.mp3", recordingExpiresAt: expired });
  });

  it("a connected integration without stored credentials asks for a reconnect; another workspace's call is not found", async () => {
    const w = await callsWorkspace();
    const other = await callsWorkspace();
    const ids = await w.ingest([canonicalCall("r", [person(w.admin.email, "INTERNAL")])]);
    await expect(findVisibleCall(w.viewers.admin, ids.r!).then(refreshRecording)).rejects.toThrow("Gong no longer accepts this workspace's connection");
    await expect(findVisibleCall(other.viewers.admin, ids.r!).then(refreshRecording)).rejects.toBeInstanceOf(NotFoundError);
  });
});
