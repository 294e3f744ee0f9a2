// Before the demo specs: the demo workspace's deals are not seeded, the demo start connects HubSpot (its
// simulator) for Acme through the product's connect code and runs the first import (scripts/lib/stack.ts,
// lib/demo/crm.ts). The stack answers /api/health before that import ends; this waits until the stack
// says the import finished, and fails with its reason when it did not.
import { expect, test } from "@playwright/test";
import { stackInfo } from "./integrations-support";

test("the demo workspace's HubSpot first import has brought its deals", async () => {
  test.setTimeout(300_000);
  let state: ReturnType<typeof stackInfo>["demoCrm"] = null;
  await expect
    .poll(
      () => {
        state = stackInfo().demoCrm ?? null;
        return state?.status ?? "no demo import";
      },
      { timeout: 290_000, intervals: [500] },
    )
    .not.toBe("importing");
  expect(state, "the demo stack's demo import").not.toBeNull();
  expect(state!.status, state!.message ?? "").toBe("connected");
  expect(state!.deals).toBeGreaterThan(0);
});
