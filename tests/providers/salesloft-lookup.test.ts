// Salesloft's by-id read for "Why isn't my call here?" (SalesloftClient.lookupCall) against the simulator:
// GET /v2/conversations/{id}/extensive, and the plain GET /v2/conversations/{id} only when /extensive answers 404
// (some tenants never serve it). Every request goes through the gate, at interactive priority.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { GateAcquire, RequestGate } from "@/lib/providers/types";
import type { RunningSimulators, SimStats } from "@/dev/simulators";
import { connectedClient, control, startTestSimulators } from "./helpers";

let sims: RunningSimulators;
const stats = async () => (await control(sims, "/stats", undefined, "GET")) as SimStats;
const endpointTotal = (s: SimStats, endpoint: string) => s.salesloft.byEndpoint[endpoint]?.total ?? 0;

beforeAll(async () => {
  sims = await startTestSimulators({ callsPerUser: 20 });
});
afterAll(async () => {
  await sims.stop();
});
beforeEach(async () => {
  await control(sims, "/reset", {});
});

/** A gate that lets everything through and keeps what was asked of it. */
function recordingGate() {
  const acquired: GateAcquire[] = [];
  const gate: RequestGate = {
    acquire: async (r) => {
      acquired.push(r);
    },
    report: () => {},
  };
  return { gate, acquired };
}

const visible = () => sims.state.dataset.calls.filter((c) => sims.state.isVisible(c));

describe("SalesloftClient.lookupCall", () => {
  it("a conversation: ONE request to /extensive, through the gate at interactive priority; attendees, invitees and owner", async () => {
    const { gate, acquired } = recordingGate();
    const { client } = await connectedClient("SALESLOFT", sims, { gate });
    const call = visible().find((c) => !c.salesloftNoExtensive && c.participants.some((p) => p.attendee) && c.participants.some((p) => p.invitee))!;
    expect(call, "the simulator has a conversation with attendees and invitees").toBeTruthy();
    const id = sims.state.salesloftId(call);
    const owner = sims.state.dataset.users[call.ownerIdx]!;
    acquired.length = 0;
    const before = await stats();

    const lookup = await client.lookupCall!(id);

    const after = await stats();
    expect(after.salesloft.apiRequests - before.salesloft.apiRequests).toBe(1);
    expect(endpointTotal(after, "GET /v2/conversations/:id/extensive") - endpointTotal(before, "GET /v2/conversations/:id/extensive")).toBe(1);
    expect(acquired).toEqual([
      expect.objectContaining({ provider: "SALESLOFT", endpoint: "GET /v2/conversations/:id/extensive", cost: 1, priority: "interactive" }),
    ]);
    expect(lookup).toMatchObject({ recorded: true, status: null, invalidField: null });
    expect(lookup!.call).toMatchObject({
      provider: "SALESLOFT",
      providerCallId: id,
      title: call.title,
      isPrivate: false,
      ownerProviderUserId: owner.salesloftGuid,
    });
    const expectedEmails = [...new Set(call.participants.filter((p) => p.attendee || p.invitee).map((p) => p.person.email.toLowerCase()))].sort();
    expect([...new Set(lookup!.call!.participants.map((p) => p.email))].sort()).toEqual(expectedEmails);
    // No CRM lookups: the answer is about who is on the call.
    expect(acquired.some((r) => r.endpoint.startsWith("GET /v2/opportunities") || r.endpoint.startsWith("GET /v2/accounts"))).toBe(false);
  });

  it("/extensive answers 404: the plain conversation, its owner and no participants, after a second request", async () => {
    const { gate, acquired } = recordingGate();
    const { client } = await connectedClient("SALESLOFT", sims, { gate });
    const call = visible().find((c) => c.salesloftNoExtensive)!;
    expect(call, "the simulator has a conversation without /extensive").toBeTruthy();
    const id = sims.state.salesloftId(call);
    acquired.length = 0;

    const lookup = await client.lookupCall!(id, { priority: "interactive" });

    expect(acquired.map((r) => [r.endpoint, r.priority])).toEqual([
      ["GET /v2/conversations/:id/extensive", "interactive"],
      ["GET /v2/conversations/:id", "interactive"],
    ]);
    expect(lookup!.call).toMatchObject({ providerCallId: id, participants: [], ownerProviderUserId: sims.state.dataset.users[call.ownerIdx]!.salesloftGuid });
    expect(lookup!.recorded).toBe(true);
  });

  it("an id Salesloft does not have: null (404 on both reads), no error", async () => {
    const { gate, acquired } = recordingGate();
    const { client } = await connectedClient("SALESLOFT", sims, { gate });
    acquired.length = 0;
    const before = await stats();
    expect(await client.lookupCall!("0b3c6f6e-1f7e-4a59-9d0c-8c1b3b0a7e11")).toBeNull();
    const after = await stats();
    expect(after.salesloft.byStatus["404"]! - (before.salesloft.byStatus["404"] ?? 0)).toBe(2);
    expect(acquired.map((r) => r.endpoint)).toEqual(["GET /v2/conversations/:id/extensive", "GET /v2/conversations/:id"]);
  });

  it("a conversation that fails validation: no call, the field at fault (the sync skips it the same way)", async () => {
    const { client } = await connectedClient("SALESLOFT", sims);
    const call = visible().find((c) => !c.salesloftNoExtensive)!;
    const id = sims.state.salesloftId(call);
    await control(sims, "/faults", { provider: "salesloft", kind: "malformed", callId: id, field: "created_at" });
    expect(await client.lookupCall!(id)).toEqual({ call: null, recorded: true, status: null, invalidField: "created_at" });
  });
});
