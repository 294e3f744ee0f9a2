// The workspace's call lock (lib/sync/meetings.ts lockWorkspaceCalls). Grouping meetings updates calls of
// several providers at once; a purge batch and a re-scan's removals lock many calls of one provider. Without
// one lock order, the fault suite's side-by-side providers deadlocked ("deadlock detected" in CI, 2026-12-04):
// both deletions now queue behind a transaction holding the lock, and finish once it ends.
import { afterAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { groupMeetings, lockWorkspaceCalls } from "@/lib/sync/meetings";
import { purgeBatch, removeUnlisted } from "@/lib/sync/engine";
import { createWorkspace, uid } from "../support/db";

const created: string[] = [];
afterAll(async () => {
  await db.workspace.deleteMany({ where: { id: { in: created } } });
});

async function setup(status: "DISCONNECTED" | "CONNECTED") {
  const { workspace } = await createWorkspace("CallLock");
  created.push(workspace.id);
  const integration = await db.integration.create({ data: { workspaceId: workspace.id, provider: "GONG", status, generation: 3 } });
  const call = await db.call.create({
    data: {
      workspaceId: workspace.id,
      integrationId: integration.id,
      provider: "GONG",
      providerCallId: `lock-${uid()}`,
      title: "Held call",
      startedAt: new Date("2026-11-20T10:00:00Z"),
      createdAt: new Date("2026-11-21T00:00:00Z"),
      syncGeneration: 3,
    },
  });
  return { workspaceId: workspace.id, integrationId: integration.id, callId: call.id };
}

/** Runs `deletion` while another transaction holds the workspace's call lock; says whether it waited for it. */
async function underHeldLock(workspaceId: string, deletion: () => Promise<number>) {
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  let locked!: () => void;
  const lockTaken = new Promise<void>((r) => (locked = r));
  const holder = db.$transaction(
    async (tx) => {
      await lockWorkspaceCalls(tx, workspaceId);
      locked();
      await released;
    },
    { timeout: 30_000 },
  );
  await lockTaken;
  const result = deletion().then((n) => ({ n }));
  // Either the deletion ends on its own (it ignored the lock) or it waits on an advisory lock.
  const waiting = (async () => {
    for (;;) {
      const [row] = await db.$queryRaw<Array<{ n: number }>>`
        SELECT count(*)::int AS n FROM pg_locks
        WHERE locktype = 'advisory' AND NOT granted AND objid = (hashtext(${`meetings:${workspaceId}`})::bigint & 4294967295)::text::oid`;
      if (row!.n > 0) return "waiting" as const;
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  const first = await Promise.race([result.then(() => "finished" as const), waiting]);
  const stillThere = await db.call.count({ where: { workspaceId } });
  release();
  await holder;
  const { n } = await result;
  return { first, stillThere, deleted: n };
}

describe("bulk call deletions take the workspace's call lock", () => {
  it("a purge batch waits for the lock, then deletes", async () => {
    const { workspaceId, integrationId } = await setup("DISCONNECTED");
    const run = await db.syncRun.create({ data: { integrationId, kind: "PURGE" } });
    const r = await underHeldLock(workspaceId, () => purgeBatch(integrationId, 3, run.id));
    expect(r).toEqual({ first: "waiting", stillThere: 1, deleted: 1 });
    expect(await db.call.count({ where: { workspaceId } })).toBe(0);
    expect((await db.syncRun.findUniqueOrThrow({ where: { id: run.id } })).callsDeleted).toBe(1);
  });

  it("a re-scan's removal of unlisted calls waits for the lock, then deletes", async () => {
    const { workspaceId, integrationId } = await setup("CONNECTED");
    const run = await db.syncRun.create({ data: { integrationId, kind: "RESCAN" } });
    const window = { from: new Date("2026-11-01T00:00:00Z"), to: new Date("2026-12-01T00:00:00Z") };
    const r = await underHeldLock(workspaceId, () => removeUnlisted(integrationId, 3, run.id, window, new Date("2026-11-25T00:00:00Z"), 0));
    expect(r).toEqual({ first: "waiting", stillThere: 1, deleted: 1 });
    expect(await db.call.count({ where: { workspaceId } })).toBe(0);
  });
});

describe("grouping meetings locks only the calls whose meeting changes", () => {
  it("regrouping a meeting already grouped does not wait for a transaction holding one of its calls", async () => {
    const { workspace } = await createWorkspace("CallLockMeeting");
    created.push(workspace.id);
    const startedAt = new Date("2026-11-20T10:00:00Z");
    const emails = ["ann@acme.test", "bob@globex.example", "cy@globex.example"];
    const ids: string[] = [];
    for (const provider of ["GONG", "CLARI"] as const) {
      const call = await db.call.create({
        data: {
          workspaceId: workspace.id,
          provider,
          providerCallId: `m-${uid()}`,
          title: `Meeting (${provider})`,
          startedAt,
          participants: { create: emails.map((email) => ({ email, name: email, affiliation: email.endsWith("acme.test") ? "INTERNAL" : "EXTERNAL" })) },
        },
      });
      ids.push(call.id);
    }
    await groupMeetings(workspace.id, ids);
    const grouped = await db.call.findMany({ where: { id: { in: ids } }, select: { meetingId: true } });
    expect(new Set(grouped.map((c) => c.meetingId)).size).toBe(1);
    expect(grouped[0]!.meetingId).not.toBeNull();

    // Another provider's ingest holds the Gong call's row; grouping the Clari call again changes nothing.
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let locked!: () => void;
    const lockTaken = new Promise<void>((r) => (locked = r));
    let holderPid = 0;
    const holder = db.$transaction(
      async (tx) => {
        await tx.$queryRaw`SELECT id FROM "Call" WHERE id = ${ids[0]!} FOR UPDATE`;
        holderPid = (await tx.$queryRaw<Array<{ pid: number }>>`SELECT pg_backend_pid() AS pid`)[0]!.pid;
        locked();
        await released;
      },
      { timeout: 30_000 },
    );
    await lockTaken;
    const regroup = groupMeetings(workspace.id, [ids[1]!]).then(() => "finished" as const);
    const blocked = (async () => {
      for (;;) {
        // Some backend waits on the holder's transaction (nothing but this test's grouping touches these rows).
        const [row] = await db.$queryRaw<Array<{ n: number }>>`
          SELECT count(*)::int AS n FROM pg_stat_activity WHERE ${holderPid}::int = ANY(pg_blocking_pids(pid))`;
        if (row!.n > 0) return "waiting" as const;
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    const first = await Promise.race([regroup, blocked]);
    release();
    await holder;
    await regroup;
    expect(first).toBe("finished");
    const after = await db.call.findMany({ where: { id: { in: ids } }, select: { meetingId: true } });
    expect(after.map((c) => c.meetingId)).toEqual(grouped.map((c) => c.meetingId));
  });
});
