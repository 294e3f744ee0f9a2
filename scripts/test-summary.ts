// The closing line of `npm test`: one plain "Tests: N passed, N failed, N skipped" line summing the
// Vitest and Playwright runs, read from their JSON reports, so a reader of the log (or a CI that reads
// closing lines) sees at once how many tests ran. A missing report means that stage did not run: it
// fails, since `npm test` runs both.
import { readFileSync } from "node:fs";

type Counts = { passed: number; failed: number; skipped: number };

function read(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch {
    return null;
  }
}

function vitest(report: unknown): Counts | null {
  const r = report as { numPassedTests?: number; numFailedTests?: number; numPendingTests?: number; numTodoTests?: number } | null;
  if (!r || typeof r.numPassedTests !== "number") return null;
  return { passed: r.numPassedTests, failed: r.numFailedTests ?? 0, skipped: (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0) };
}

function playwright(report: unknown): Counts | null {
  const s = (report as { stats?: { expected?: number; unexpected?: number; flaky?: number; skipped?: number } } | null)?.stats;
  if (!s || typeof s.expected !== "number") return null;
  // A flaky test passed on retry; retries are off, so it cannot happen, but it would count as passed.
  return { passed: s.expected + (s.flaky ?? 0), failed: s.unexpected ?? 0, skipped: s.skipped ?? 0 };
}

const unit = vitest(read(".data/test-results/vitest.json"));
const e2e = playwright(read(".data/test-results/playwright.json"));
if (!unit || !e2e) {
  console.error(`test summary: no ${!unit ? "Vitest" : "Playwright"} report in .data/test-results/ — that stage did not run.`);
  process.exit(1);
}
console.log(`Vitest ${unit.passed} passed, ${unit.failed} failed; Playwright ${e2e.passed} passed, ${e2e.failed} failed.`);
const total = { passed: unit.passed + e2e.passed, failed: unit.failed + e2e.failed, skipped: unit.skipped + e2e.skipped };
// The same counts as TAP summary comments (the closing block node's test runner prints), then the plain line last.
console.log(`# tests ${total.passed + total.failed + total.skipped}`);
console.log(`# pass ${total.passed}`);
console.log(`# fail ${total.failed}`);
console.log(`# skipped ${total.skipped}`);
console.log(`Tests: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
if (total.failed > 0 || total.passed === 0) process.exit(1);
