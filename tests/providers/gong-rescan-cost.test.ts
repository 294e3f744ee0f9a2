// What Gong's late data costs in requests (issue 16 item 2), measured against the simulator: a company of
// 50 reps recording 4 calls each per weekday, the listing the engine uses (POST /v2/calls/extensive, 100 calls
// a page), read for the daily re-scan's 14 days and for one poll's window with the two-day overlap and with
// the six hours before, for every poll of a week. Extra per day = one re-scan + the polls' extra pages. Figures in docs/benchmarks.md ("Gong late data").
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningSimulators } from "@/dev/simulators";
import { describeProvider } from "@/lib/providers/registry";
import { POLL_INTERVAL_MS, POLL_OVERLAP_MS, pollOverlapMs } from "@/lib/sync/engine";
import { NOW, connectedClient, startTestSimulators } from "./helpers";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const REPS = 50;
const CALLS_PER_WEEKDAY = 4;
const GONG_DAILY_LIMIT = 10_000;

let sims: RunningSimulators;

beforeAll(async () => {
  // No generated history: only the company's last 15 days, added below.
  sims = await startTestSimulators({ callsPerUser: 0, extraWorkspaceUsers: REPS });
  const now = Date.parse(NOW);
  const users = sims.state.dataset.users;
  for (let d = 0; d <= 15; d++) {
    const dayStart = Math.floor((now - d * DAY) / DAY) * DAY;
    const weekday = new Date(dayStart).getUTCDay();
    if (weekday === 0 || weekday === 6) continue;
    for (let rep = 0; rep < REPS; rep++) {
      for (let k = 0; k < CALLS_PER_WEEKDAY; k++) {
        // Office hours, 08:00-18:00 UTC, each rep a few minutes apart.
        const startedAt = dayStart + 8 * HOUR + k * 2.5 * HOUR + rep * 3 * 60_000;
        if (startedAt + 30 * 60_000 > now) continue;
        sims.state.addCall({ ownerIdx: users.length - 1 - rep, startedAt, durationSec: 30 * 60, visibleAt: startedAt + 31 * 60_000 });
      }
    }
  }
}, 60_000);
afterAll(async () => {
  await sims?.stop();
});

describe("Gong late data: requests per day", () => {
  it("one 14-day re-scan a day and polls overlapping two days cost a few percent of Gong's 10,000 requests a day", async () => {
    const { client } = await connectedClient("GONG", sims);
    const now = new Date(NOW);
    async function pages(from: Date, to = now) {
      let n = 0;
      let calls = 0;
      let checkpoint = null;
      do {
        const page = await client.listCalls({ from, to, checkpoint, priority: "poll" });
        calls += page.calls.length;
        checkpoint = page.checkpoint;
        n++;
      } while (checkpoint);
      return { pages: n, calls };
    }
    const gong = describeProvider("GONG");
    expect(gong.rescanDays).toBe(14);
    const rescan = await pages(new Date(now.getTime() - gong.rescanDays * DAY));
    // Every poll of the last week (one each 2 h): its window with the two-day overlap, and with the 6 h before.
    let withDays = 0;
    let withHours = 0;
    const polls = (7 * DAY) / POLL_INTERVAL_MS;
    for (let i = 0; i < polls; i++) {
      const t = new Date(now.getTime() - i * POLL_INTERVAL_MS);
      withDays += (await pages(new Date(t.getTime() - POLL_INTERVAL_MS - pollOverlapMs("GONG")), t)).pages;
      withHours += (await pages(new Date(t.getTime() - POLL_INTERVAL_MS - POLL_OVERLAP_MS), t)).pages;
    }
    const extraPollPagesPerDay = (withDays - withHours) / 7;
    const extraPerDay = rescan.pages + extraPollPagesPerDay;
    console.log(
      `[gong-late-data] ${REPS} reps x ${CALLS_PER_WEEKDAY} calls/weekday: re-scan ${rescan.calls} calls in ${rescan.pages} requests; ` +
        `polls of a week: ${withDays} listing requests with the 2-day overlap vs ${withHours} with 6 h (${extraPollPagesPerDay.toFixed(1)} more a day); ` +
        `extra ${extraPerDay.toFixed(1)} requests/day = ${((100 * extraPerDay) / GONG_DAILY_LIMIT).toFixed(2)} % of ${GONG_DAILY_LIMIT}`,
    );
    // Gong pages 100 calls: the re-scan reads every call of the 14 days once.
    expect(rescan.pages).toBe(Math.ceil(rescan.calls / 100));
    expect(rescan.calls).toBeGreaterThan(1_500);
    expect(withDays).toBeGreaterThan(withHours);
    expect(extraPerDay).toBeLessThan(0.05 * GONG_DAILY_LIMIT);
  }, 120_000);
});
