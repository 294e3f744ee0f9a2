// Requests per day and workspace of polling, the user re-check and the re-scan (docs/benchmarks.md, "Poll cost"):
// the engine's rules applied to the activity of tests/providers/gong-rescan-cost.test.ts (4 calls per rep per
// weekday, 08:00-18:00 UTC, 30 min each, reps 3 min apart in groups of 50), averaged over a week. Arithmetic,
// not a simulator run: at 50 reps it gives that test's simulator figures exactly (274 listing requests a week
// with the two-day overlap, 104 with six hours, a 20-request re-scan).
//   npx tsx scripts/bench/poll-cost-day.ts
const H = 3_600_000;
const D = 24 * H;
const M = 60_000;
const POLL = 2 * H;
const NOW = Date.parse("2026-06-15T00:00:00Z");

/** Call starts from `fromDay` to `toDay` days around NOW (weekdays only). */
function schedule(reps: number, fromDay: number, toDay: number): number[] {
  const calls: number[] = [];
  for (let d = fromDay; d <= toDay; d++) {
    const day = NOW + d * D;
    const weekday = new Date(day).getUTCDay();
    if (weekday === 0 || weekday === 6) continue;
    for (let r = 0; r < reps; r++) for (let k = 0; k < 4; k++) calls.push(day + 8 * H + k * 2.5 * H + (r % 50) * 3 * M);
  }
  return calls.sort((a, b) => a - b);
}

const pages = (n: number, size: number) => Math.max(1, Math.ceil(n / size));
const round = (x: number) => Math.round(x * 10) / 10;

/** Gong: listing on the call's start, 100 a page; transcripts in batches of 100, ready `lagMs` after the call ends. */
function gong(reps: number, lagMs: number) {
  const calls = schedule(reps, -35, 7);
  const ended = (c: number, t: number) => c + 31 * M <= t;
  const ready = (c: number) => c + 30 * M + lagMs;
  let listing = 0;
  let listing6h = 0;
  let transcripts = 0;
  for (let t = NOW + POLL; t <= NOW + 7 * D; t += POLL) {
    const window = calls.filter((c) => c >= t - POLL - 48 * H && c < t && ended(c, t));
    listing += pages(window.length, 100);
    listing6h += pages(calls.filter((c) => c >= t - POLL - 6 * H && c < t && ended(c, t)).length, 100);
    // Each page asks once for the transcripts it holds that were not ready at the last poll.
    for (let p = 0; p < window.length; p += 100) if (window.slice(p, p + 100).some((c) => ready(c) > t - POLL)) transcripts++;
    // The poll's 7-day re-check of transcripts still pending.
    const pending = calls.filter((c) => c >= t - 7 * D && ended(c, t) && ready(c) > t).length;
    if (pending > 0) transcripts += Math.ceil(Math.min(pending, 1_000) / 100);
  }
  let rescan = 0;
  for (let d = 0; d < 7; d++) {
    const t = NOW + d * D + 3.5 * H;
    rescan += pages(calls.filter((c) => c >= t - 14 * D && c < t).length, 100);
  }
  const users = Math.ceil(reps / 100);
  const total = (listing + transcripts + rescan) / 7 + users;
  return {
    reps,
    transcriptLagHours: lagMs / H,
    listing: round(listing / 7),
    overlap48h: round((listing - listing6h) / 7),
    transcripts: round(transcripts / 7),
    userRecheck: users,
    rescan: round(rescan / 7),
    total: round(total),
    shareOf10000: `${round(total / 100)} %`,
  };
}

/**
 * Salesloft / Clari: listing on the change time, 25 a page, a 6 h overlap; each call changes at these offsets after it
 * ends. detailReads: Salesloft /extensive reads now (one per change); detailReadsBefore: one per listing of it.
 */
function byChange(reps: number, changesAfterEndMs: number[]) {
  const changes = schedule(reps, -3, 7).flatMap((c) => changesAfterEndMs.map((o) => c + 30 * M + o));
  let listing = 0;
  let fresh = 0;
  let relisted = 0;
  for (let t = NOW + POLL; t <= NOW + 7 * D; t += POLL) {
    const window = changes.filter((e) => e >= t - POLL - 6 * H && e < t).length;
    listing += pages(window, 25);
    relisted += window;
    fresh += changes.filter((e) => e >= t - POLL && e < t).length;
  }
  return { reps, listing: round(listing / 7), detailReads: round(fresh / 7), detailReadsBefore: round(relisted / 7) };
}

for (const reps of [50, 500]) {
  for (const lag of [H, 24 * H]) console.log("gong", JSON.stringify(gong(reps, lag)));
  console.log("salesloft", JSON.stringify(byChange(reps, [M, H])));
  // Clari reads nothing per listed call (its listing carries the call): the listing only.
  console.log("clari", JSON.stringify({ reps, listing: byChange(reps, [M, H, 2 * H]).listing }));
}
