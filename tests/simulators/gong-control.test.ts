// The Gong simulator's control API for tests (POST /__sim/gong/users, POST /__sim/gong/calls): a user only
// Gong has, and a call with the test's parties and CRM context, listed by Gong's API as the real one would
// list them, invisible to Salesloft and Clari and to the other Gong users' listings, gone after a reset.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { RunningSimulators } from "@/dev/simulators";
import { NOW, connectOAuth, control, startTestSimulators } from "../providers/helpers";

let sims: RunningSimulators;
let token: string;
beforeAll(async () => {
  sims = await startTestSimulators();
});
afterAll(async () => {
  await sims.stop();
});
beforeEach(async () => {
  await control(sims, "/reset", { now: NOW });
  token = (await connectOAuth("GONG", sims)).accessToken;
});

const gong = (path: string, body?: unknown) =>
  fetch(`${sims.url}/gong-api/acme${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

const post = (path: string, body: unknown) =>
  fetch(`${sims.url}/__sim${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

type Extensive = {
  calls: Array<{
    metaData: { id: string; title: string; primaryUserId: string; started: string };
    parties?: Array<{ emailAddress?: string; userId?: string; affiliation: string }>;
    context?: Array<{ system: string; objects: Array<{ objectType: string; objectId: string; fields?: unknown[] }> }>;
  }>;
};

async function allUsers(): Promise<Array<{ id: string; emailAddress: string }>> {
  const out: Array<{ id: string; emailAddress: string }> = [];
  let cursor: string | undefined;
  do {
    const res = await gong(`/v2/users${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ""}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { users: Array<{ id: string; emailAddress: string }>; records: { cursor?: string } };
    out.push(...body.users);
    cursor = body.records.cursor;
  } while (cursor);
  return out;
}

const CONTEXT = [
  {
    system: "Salesforce",
    objects: [{ objectType: "Opportunity", objectId: "006Dn00000Opp01", fields: [{ name: "Name", value: "Initech renewal" }], timing: "Now" }],
  },
];

describe("POST /__sim/gong/users", () => {
  it("adds a Gong user that /v2/users lists; an email Gong already has is refused", async () => {
    const before = await allUsers();
    const res = await post("/gong/users", { email: "Pat.Test@Journey.test", firstName: "Pat", lastName: "Test" });
    expect(res.status).toBe(201);
    const user = (await res.json()) as { id: string; email: string };
    expect(user.email).toBe("pat.test@journey.test");
    expect(user.id).toMatch(/^\d{19}$/);
    const after = await allUsers();
    expect(after).toHaveLength(before.length + 1);
    expect(after.find((u) => u.id === user.id)?.emailAddress).toBe("pat.test@journey.test");
    expect(before.some((u) => u.id === user.id)).toBe(false);

    expect((await post("/gong/users", { email: "pat.test@journey.test", firstName: "Pat" })).status).toBe(400);
    expect((await post("/gong/users", { email: before[0]!.emailAddress, firstName: "Dup" })).status).toBe(400);
    expect((await post("/gong/users", { email: "not-an-email", firstName: "X" })).status).toBe(400);
  });
});

describe("POST /__sim/gong/calls", () => {
  it("lists a call with the given primary user, parties and CRM context, for that user only", async () => {
    const user = (await (await post("/gong/users", { email: "owner@journey.test", firstName: "Owner", lastName: "Test" })).json()) as { id: string };
    const callsBefore = sims.state.dataset.calls.length;
    const res = await post("/gong/calls", {
      primaryUserEmail: "owner@journey.test",
      title: "Initech renewal review",
      parties: [{ email: "buyer@initech.test", name: "Bea Buyer", affiliation: "External" }],
      context: CONTEXT,
    });
    expect(res.status).toBe(201);
    const added = (await res.json()) as { id: string; started: string };
    expect(added.id).toMatch(/^\d{19}$/);
    // Not one of the dataset's calls: Salesloft and Clari never list it.
    expect(sims.state.dataset.calls).toHaveLength(callsBefore);

    const selector = { context: "Extended", exposedFields: { parties: true } };
    const window = { fromDateTime: "2026-06-01T00:00:00Z", toDateTime: "2026-06-16T00:00:00Z" };
    const mine = await gong("/v2/calls/extensive", { filter: { ...window, primaryUserIds: [user.id] }, contentSelector: selector });
    expect(mine.status).toBe(200);
    const body = (await mine.json()) as Extensive;
    expect(body.calls).toHaveLength(1);
    const call = body.calls[0]!;
    expect(call.metaData).toMatchObject({ id: added.id, title: "Initech renewal review", primaryUserId: user.id });
    expect(call.context).toEqual(CONTEXT);
    expect(call.parties?.map((p) => [p.emailAddress, p.affiliation, p.userId ?? null])).toEqual([
      ["owner@journey.test", "Internal", user.id],
      ["buyer@initech.test", "External", null],
    ]);

    // Basic context: the objects without their fields; by call id too.
    const basic = (await (await gong("/v2/calls/extensive", { filter: { callIds: [added.id] }, contentSelector: { context: "Basic" } })).json()) as Extensive;
    expect(basic.calls[0]!.context).toEqual([{ system: "Salesforce", objects: [{ objectType: "Opportunity", objectId: "006Dn00000Opp01", timing: "Now" }] }]);
    expect((await gong(`/v2/calls/${added.id}`)).status).toBe(200);

    // Another Gong user's listing does not have it.
    const other = (await allUsers())[0]!;
    const theirs = await gong("/v2/calls/extensive", { filter: { ...window, primaryUserIds: [other.id] } });
    if (theirs.status === 200) expect(((await theirs.json()) as Extensive).calls.map((c) => c.metaData.id)).not.toContain(added.id);
    else expect(theirs.status).toBe(404);
  });

  it("refuses an unknown primary user or a malformed context, and a reset drops the added users and calls", async () => {
    expect((await post("/gong/calls", { primaryUserEmail: "nobody@journey.test", title: "x" })).status).toBe(400);
    await post("/gong/users", { email: "owner@journey.test", firstName: "Owner" });
    expect((await post("/gong/calls", { primaryUserEmail: "owner@journey.test", title: "x", context: [{ system: "Pipedrive", objects: [] }] })).status).toBe(
      400,
    );
    const added = (await (await post("/gong/calls", { primaryUserEmail: "owner@journey.test", title: "kept until reset" })).json()) as { id: string };
    expect((await gong(`/v2/calls/${added.id}`)).status).toBe(200);

    await control(sims, "/reset", { now: NOW });
    token = (await connectOAuth("GONG", sims)).accessToken;
    expect((await gong(`/v2/calls/${added.id}`)).status).toBe(404);
    expect((await allUsers()).some((u) => u.emailAddress === "owner@journey.test")).toBe(false);
  });
});
