// Issue 16.3: the simulators' data holds calls hosted by a provider user outside the workspace (a former rep,
// a contractor) that a workspace user attended, with the parties Gong and Salesloft serve: the calls a
// backfill that lists users' calls by host never sees. The engine test and the fault suite count on them.
import { describe, expect, it } from "vitest";
import { defaultConfig, mergeConfig } from "@/dev/simulators/config";
import { generateDataset, type SimCall } from "@/dev/simulators/data";

describe("calls hosted outside the workspace", () => {
  for (const input of [
    { seed: 7, callsPerUser: 12 }, // tests/sync/engine.test.ts
    { seed: 16, callsPerUser: 6 }, // tests/sync/provider-fidelity.test.ts
    { seed: 23, callsPerUser: 4 }, // tests/faults/faults.test.ts
  ]) {
    it(`seed ${input.seed}: some have a workspace user among their served parties, on Gong and on Salesloft`, () => {
      const { users, calls } = generateDataset(mergeConfig(defaultConfig(), input));
      const outsideHosts = users.filter((u) => !u.inWorkspace);
      expect(outsideHosts.length).toBeGreaterThan(0);
      const attended = (c: SimCall) => !users[c.ownerIdx]!.inWorkspace && c.participants.some((p) => p.userIdx >= 0 && users[p.userIdx]!.inWorkspace);
      const outside = calls.filter(attended);
      expect(outside.filter((c) => !c.gongImported).length).toBeGreaterThanOrEqual(3);
      expect(outside.filter((c) => !c.salesloftNoExtensive).length).toBeGreaterThanOrEqual(3);
      // Every outside host hosts some of them.
      for (const u of outsideHosts) expect(outside.some((c) => c.ownerIdx === u.idx)).toBe(true);
    });
  }
});
