// Fault suite, CRM cases (issue 14): a 429 storm, 5xx bursts and timeouts during a first import and a later
// sync end exactly equal to a clean run (same deals, accounts, contacts, deal contacts, owners; nothing
// doubled, nothing lost, every run finished). The faults are the ProviderErrors the HTTP path ends in after
// its own retries (RATE_LIMITED with Retry-After; TRANSIENT for 5xx and timeouts), thrown by the in-memory
// CRM (tests/crm/fake-client.ts) at the scheduled calls; the real step sequence handles them as the runtime
// would (a rate limit: a durable sleep and a fresh step; TRANSIENT: the step retried).
import { afterAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { crmWorkspace, snapshot, testStep } from "../crm/harness";
import type { FakeCrm, FakeFault } from "../crm/fake-client";

afterAll(() => db.$disconnect());

function seed(fake: FakeCrm, memberEmail: string) {
  fake.pageSize = 4;
  fake.owners = [{ crmId: "o1", email: memberEmail, name: "Member" }];
  for (let a = 1; a <= 5; a++) fake.putAccount({ crmId: `a${a}`, name: `Account ${a}`, domain: `account${a}.example` });
  for (let c = 1; c <= 12; c++)
    fake.putContact({ crmId: `c${String(c).padStart(2, "0")}`, email: `person${c}@account${(c % 5) + 1}.example`, accountCrmId: `a${(c % 5) + 1}` });
  for (let d = 1; d <= 14; d++) {
    fake.putDeal({
      crmId: `d${String(d).padStart(2, "0")}`,
      name: `Deal ${d}`,
      accountCrmId: `a${(d % 5) + 1}`,
      contactCrmIds: [`c${String((d % 12) + 1).padStart(2, "0")}`, `c${String(((d + 5) % 12) + 1).padStart(2, "0")}`],
      ownerCrmId: d % 2 ? "o1" : null,
    });
  }
}

/** What the workspace holds, the owner as "member" (workspaces differ). */
async function state(w: Awaited<ReturnType<typeof crmWorkspace>>) {
  return JSON.parse(JSON.stringify(await snapshot(w.workspace.id)).replaceAll(w.member.id, "member")) as unknown;
}

async function scenario(faults: { import?: FakeFault[]; sync?: FakeFault[] }) {
  const w = await crmWorkspace();
  seed(w.fake, w.member.email);
  w.fake.faults = faults.import ?? [];
  // One log for both runs; each run its own step memo (as each is its own function run).
  const log = { ids: [] as string[], sleeps: 0, attempts: 0 };
  const first = await w.importAll(testStep(log));
  expect(first.failed).toBeNull();
  // A change, a deletion and a new contact in the CRM, then a sync under the second set of faults.
  w.fake.putDeal({ crmId: "d03", stage: "Negotiation", contactCrmIds: ["c01", "c13"] });
  w.fake.putContact({ crmId: "c13", email: "late@account1.example", accountCrmId: "a1" });
  w.fake.remove("deal", "d07");
  w.fake.faults = faults.sync ?? [];
  const second = await w.sync("POLL", testStep(log));
  expect(second.failed).toBeNull();
  // Every run ended, the lease is free, no fault is left unspent.
  expect(
    await db.syncRun.findMany({ where: { integrationId: w.integrationId, status: { not: "SUCCEEDED" } }, select: { kind: true, status: true, error: true } }),
  ).toEqual([]);
  expect((await db.integration.findUniqueOrThrow({ where: { id: w.integrationId } })).syncLockRunId).toBeNull();
  expect(w.fake.faults.filter((f) => f.times > 0)).toEqual([]);
  const runs = await db.syncRun.findMany({ where: { integrationId: w.integrationId }, orderBy: { startedAt: "asc" } });
  return { w, log, runs, state: await state(w) };
}

let clean: Awaited<ReturnType<typeof scenario>>;

describe("CRM fault suite", () => {
  it("clean run (the reference)", async () => {
    clean = await scenario({});
    expect(clean.log.sleeps).toBe(0);
    expect(await db.deal.count({ where: { workspaceId: clean.w.workspace.id } })).toBe(13);
    expect(clean.runs.map((r) => [r.kind, r.dealsAdded, r.dealsUpdated, r.dealsDeleted])).toEqual([
      ["BACKFILL", 14, 0, 0],
      ["POLL", 0, 1, 1],
    ]);
  });

  it("a 429 storm (Retry-After on every kind of call, 8 in a row on the deals listing) ends equal to the clean run", async () => {
    const storm = (method: FakeFault["method"], times: number): FakeFault => ({ method, kind: "RATE_LIMITED", times, retryAfterMs: 2_000 });
    const r = await scenario({
      import: [storm("listDeals", 8), storm("getAccounts", 2), storm("getContacts", 3), storm("listOwners", 2)],
      sync: [storm("listDeals", 3), storm("listModifiedContacts", 2), storm("listDeleted", 4)],
    });
    expect(r.state).toEqual(clean.state);
    // Each 429 became a durable sleep, never a spent retry or a failed step.
    expect(r.log.sleeps).toBe(24);
    expect(r.runs.map((x) => [x.dealsAdded, x.dealsUpdated, x.dealsDeleted])).toEqual(clean.runs.map((x) => [x.dealsAdded, x.dealsUpdated, x.dealsDeleted]));
  });

  it("5xx bursts and timeouts (TRANSIENT after the client's own retries) end equal to the clean run", async () => {
    const transient = (method: FakeFault["method"], times: number): FakeFault => ({ method, kind: "TRANSIENT", times });
    const r = await scenario({
      import: [transient("listDeals", 3), transient("getContacts", 2), transient("listOwners", 1)],
      sync: [transient("listModifiedAccounts", 3), transient("listDeleted", 2), transient("listOwners", 1)],
    });
    expect(r.state).toEqual(clean.state);
    expect(r.log.sleeps).toBe(0);
    expect(r.runs.map((x) => [x.dealsAdded, x.dealsUpdated, x.dealsDeleted])).toEqual(clean.runs.map((x) => [x.dealsAdded, x.dealsUpdated, x.dealsDeleted]));
  });

  it("a run whose steps give up (TRANSIENT for good) fails with the reason; the next sync then ends equal to the clean run", async () => {
    const w = await crmWorkspace();
    seed(w.fake, w.member.email);
    w.fake.faults = [{ method: "getContacts", kind: "TRANSIENT", times: Infinity }];
    const first = await w.importAll();
    expect(first.failed).toBeTruthy();
    const after = await db.integration.findUniqueOrThrow({ where: { id: w.integrationId } });
    // A first import that stopped leaves the CRM connected, saying so; the next sync imports again.
    expect(after.status).toBe("CONNECTED");
    // The fake answers TRANSIENT with a 503: an answer, so it reads as HubSpot answering with an error (issue 17.4).
    expect(after.statusMessage).toMatch(/^The first import stopped before it finished: HubSpot answered with an error \(HTTP 503/);
    expect(after.lastSuccessfulSyncAt).toBeNull();
    w.fake.faults = [];
    w.fake.putDeal({ crmId: "d03", stage: "Negotiation", contactCrmIds: ["c01", "c13"] });
    w.fake.putContact({ crmId: "c13", email: "late@account1.example", accountCrmId: "a1" });
    w.fake.remove("deal", "d07");
    // Without a previous successful run the sync is a full import (it cannot see the deletion as such)...
    expect((await w.sync()).failed).toBeNull();
    // ...so d07 is still there until the sync after it, which lists the deletion.
    w.fake.remove("deal", "d07");
    expect((await w.sync()).failed).toBeNull();
    expect(await state(w)).toEqual(clean.state);
    expect((await db.integration.findUniqueOrThrow({ where: { id: w.integrationId } })).statusMessage).toBeNull();
  });
});
