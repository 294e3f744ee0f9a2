// A CSV deal import (lib/deals/import-csv.ts), one durable step per window of rows: "validate" checks the
// stored upload and stages its rows for the preview; "commit" upserts the staged rows, then relinks calls.
// One import runs at a time per workspace. Step ids are numbered windows: stable across retries.
import { events, inngest } from "@/inngest/client";
import { checkImportStep, failImportRun, finishImport, writeImportStep } from "@/lib/deals/import-csv";
import { logFailureDetail, newReference } from "@/lib/sync/failures";

export const dealsImport = inngest.createFunction(
  {
    id: "deals-import",
    triggers: [events.dealsImport],
    retries: 3,
    concurrency: [{ key: "event.data.workspaceId", limit: 1 }],
    onFailure: async ({ event, error, step }) => {
      const { importId, phase } = event.data.event.data;
      await step.run("mark-failed", async () => {
        const reference = newReference();
        logFailureDetail(reference, `[deals-import] ${phase} failed`, error);
        await failImportRun(importId, phase, reference);
      });
    },
  },
  async ({ event, step }) => {
    const { importId, phase, workspaceId } = event.data;
    if (phase === "validate") {
      let steps = 0;
      while (!(await step.run(`check-${steps}`, () => checkImportStep(importId))).done) steps++;
      return { steps: steps + 1 };
    }
    let steps = 0;
    while (!(await step.run(`write-${steps}`, () => writeImportStep(importId))).done) steps++;
    const finished = await step.run("finish", () => finishImport(importId));
    if (finished) await step.sendEvent("relink", events.dealsChanged.create({ workspaceId }));
    return { steps: steps + 1 };
  },
);
