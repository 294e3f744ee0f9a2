// Issue 17, item 6: "Why isn't my call here?" on the demo workspace. What a person reads for: a call synced and
// linked to a deal, a Clari meeting that was not recorded, a Clari call none of whose participants is a member
// (with Invite for the admin); for a rep, a private call they were not on and another rep's call, which read exactly
// as a call that does not exist ("not found among your calls"); and, with Salesloft connected without backfill, an
// unstored conversation of a rep ("not synced yet") and one with no member (its people, with Invite). Reads only:
// Gong, Clari Copilot and Salesloft are connected as other specs connect them when they are not yet (Gong with its
// history, like rep-journey; Clari and Salesloft without backfill); the lookups themselves store nothing.
import pg from "pg";
import { expect, test, type Page } from "@playwright/test";
import { DEMO_UNMATCHED_PROVIDER_USERS, DEMO_USERS } from "../lib/demo/data";
import { SimState } from "../dev/simulators/state";
import type { SimConfigInput } from "../dev/simulators/config";
import { signIn } from "./support";
import { ensureGongSynced } from "./demo-calls";
import { authorizeInNewTab, expectAccessible, stackInfo } from "./integrations-support";

test.describe.configure({ mode: "serial" });

let db: pg.Client;
const WORKSPACE = `(SELECT m."workspaceId" FROM "Membership" m JOIN "User" u ON u.id = m."userId" WHERE u.email = 'admin@acme.test' LIMIT 1)`;
const MEMBERS = new Set(DEMO_USERS.map((u) => u.email));
const REPS = DEMO_USERS.filter((u) => u.role === "MEMBER").map((u) => u.email);

async function one<T extends pg.QueryResultRow>(sql: string, values: unknown[] = []): Promise<T> {
  const r = await db.query<T>(sql, values);
  if (!r.rows[0]) throw new Error(`no row for: ${sql}`);
  return r.rows[0];
}

async function ensureClari(page: Page) {
  const r = await db.query(`SELECT 1 FROM "Integration" WHERE provider = 'CLARI' AND status IN ('CONNECTED', 'SYNCING') AND "workspaceId" = ${WORKSPACE}`);
  if (r.rowCount) return;
  await signIn(page, "admin@acme.test");
  await page.goto("/settings/integrations/clari/setup");
  await page.getByRole("textbox", { name: "API Key" }).fill("sim-clari-key");
  await page.getByLabel("API Secret", { exact: true }).fill("sim-clari-secret");
  await page.getByRole("button", { name: "Connect with API Key" }).click();
  await expect(page.getByRole("heading", { name: "Choose your backfill period" })).toBeVisible();
  await page.getByLabel(/Skip backfill/).check();
  await page.getByRole("button", { name: "Save & Continue" }).click();
  await expect(page.getByRole("heading", { name: "Clari Copilot is connected" })).toBeVisible({ timeout: 60_000 });
  await page.context().clearCookies();
}

type ClariEntry = { id: string; status: string; users?: Array<{ userEmail?: string }>; joinedParticipants?: Array<{ email?: string }> };

/** Clari Copilot's own listing (the simulator, read directly with the demo key). */
async function clariCalls(query: Array<[string, string]>): Promise<ClariEntry[]> {
  const url = new URL(`${stackInfo().simulatorUrl}/clari-api/calls`);
  for (const [k, v] of [["skip", "0"], ["limit", "25"], ["filterModifiedGt", "2000-01-01T00:00:00.000Z"], ...query]) url.searchParams.append(k, v);
  const res = await fetch(url, { headers: { "x-api-key": "sim-clari-key", "x-api-password": "sim-clari-secret" } });
  expect(res.ok, `Clari listing answered ${res.status}`).toBe(true);
  return ((await res.json()) as { calls: ClariEntry[] }).calls;
}

test.beforeAll(async ({ browser }) => {
  test.setTimeout(240_000);
  db = new pg.Client({ connectionString: stackInfo().databaseUrl });
  await db.connect();
  const page = await browser.newPage();
  await ensureGongSynced(page, db);
  await ensureClari(page);
  await page.close();
});

test.afterAll(async () => {
  await db?.end();
});

async function lookUp(page: Page, ref: string) {
  await page.getByRole("textbox", { name: "Call link or id" }).fill(ref);
  await page.getByRole("button", { name: "Explain" }).click();
  return page.getByRole("region", { name: "Answer" });
}

test("admin: a synced call names its deal; a Clari meeting was not recorded; a call with no member lists its participants with Invite", async ({ page }) => {
  test.setTimeout(120_000);
  const linked = await one<{ url: string; title: string; dealName: string; dealId: string }>(`
    SELECT c."providerUrl" AS url, c.title, d.name AS "dealName", d.id AS "dealId" FROM "Call" c
      JOIN "CallDealLink" l ON l."callId" = c.id JOIN "Deal" d ON d.id = l."dealId"
     WHERE c."workspaceId" = ${WORKSPACE} AND c.provider = 'GONG' AND c."transcriptStatus" = 'AVAILABLE' AND c."providerUrl" IS NOT NULL
     ORDER BY c."startedAt" DESC LIMIT 1`);
  const callsBefore = await one<{ n: number }>(`SELECT count(*)::int AS n FROM "Call" WHERE "workspaceId" = ${WORKSPACE}`);

  await signIn(page, "admin@acme.test");
  await page.goto("/calls/unlinked");
  await page.getByRole("link", { name: "Can't find a call?" }).click();
  await expect(page.getByRole("heading", { name: "Why isn't my call here?" })).toBeVisible();

  // A refused input: the field says why, nothing is asked.
  await page.getByRole("button", { name: "Explain" }).click();
  await expect(page.getByText("Paste a call link or id.")).toBeVisible();

  let answer = await lookUp(page, linked.url);
  await expect(answer.getByText("Synced and linked to a deal.")).toBeVisible();
  await expect(answer.getByRole("link", { name: linked.title })).toBeVisible();
  await expect(answer.getByRole("link", { name: linked.dealName })).toHaveAttribute("href", `/deals/${linked.dealId}`);
  await expectAccessible(page, "why-call linked");
  await page.setViewportSize({ width: 1366, height: 900 });
  await page.screenshot({ path: test.info().outputPath("why-call-linked-1366.png"), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: test.info().outputPath("why-call-linked-390.png"), fullPage: true });
  await page.setViewportSize({ width: 1366, height: 900 });

  // A calendar meeting nobody joined: Clari lists it, the sync leaves it out.
  const meeting = (await clariCalls([["filterStatus", "NOBODY_JOINED_CALL"]]))[0]!;
  expect(meeting, "the simulator has a meeting nobody joined").toBeTruthy();
  answer = await lookUp(page, meeting.id);
  await expect(answer.getByText("Not recorded.")).toBeVisible();
  await expect(answer.getByText("Clari Copilot lists this meeting as “nobody joined call”")).toBeVisible();

  // A recording none of whose participants is a member: listed, each with Invite pre-filling the email.
  const recordings = (
    await Promise.all(
      DEMO_UNMATCHED_PROVIDER_USERS.map((u) =>
        clariCalls([
          ["filterStatus", "POST_PROCESSING_DONE"],
          ["filterUser", u.email],
        ]),
      ),
    )
  ).flat();
  const outside = recordings.find(
    (c) => (c.users ?? []).every((u) => !MEMBERS.has(u.userEmail ?? "")) && (c.joinedParticipants ?? []).every((p) => !MEMBERS.has(p.email ?? "")),
  );
  expect(outside, "the simulator has a recording without demo members").toBeTruthy();
  const someone = (outside!.users ?? []).map((u) => u.userEmail).find(Boolean)!;
  answer = await lookUp(page, outside!.id);
  await expect(answer.getByText("No workspace member took part in this call.")).toBeVisible();
  const invite = answer.getByRole("link", { name: `Invite ${someone}` });
  await expect(invite).toBeVisible();
  await expectAccessible(page, "why-call no member");
  await page.screenshot({ path: test.info().outputPath("why-call-invite-1366.png"), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: test.info().outputPath("why-call-invite-390.png"), fullPage: true });
  await page.setViewportSize({ width: 1366, height: 900 });
  await invite.click();
  await expect(page.getByRole("heading", { name: "Members" })).toBeVisible();
  await expect(page.getByLabel("Email addresses")).toHaveValue(someone);

  // Nothing was stored by the lookups.
  expect((await one<{ n: number }>(`SELECT count(*)::int AS n FROM "Call" WHERE "workspaceId" = ${WORKSPACE}`)).n).toBe(callsBefore.n);
});

test("a rep: a private call they were not on reads exactly as a call that does not exist, and so does another rep's call", async ({ page }) => {
  test.setTimeout(90_000);
  // A rep, a private call they were not on, and a public call they were not on.
  const { rows } = await db.query<{ email: string; privateUrl: string | null; publicUrl: string | null }>(
    `SELECT u.email,
       (SELECT c."providerUrl" FROM "Call" c WHERE c."workspaceId" = ${WORKSPACE} AND c."isPrivate" AND c."providerUrl" IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM "CallParticipant" p WHERE p."callId" = c.id AND p."userId" = u.id) LIMIT 1) AS "privateUrl",
       (SELECT c."providerUrl" FROM "Call" c WHERE c."workspaceId" = ${WORKSPACE} AND NOT c."isPrivate" AND c."providerUrl" IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM "CallParticipant" p WHERE p."callId" = c.id AND p."userId" = u.id) LIMIT 1) AS "publicUrl"
     FROM "User" u WHERE u.email = ANY($1) ORDER BY u.email`,
    [REPS],
  );
  const rep = rows.find((r) => r.privateUrl && r.publicUrl);
  expect(rep, "a rep with a private and a public call they were not on").toBeTruthy();
  // A Gong link of the same tenant with an id Gong has no call for (and nothing stored has).
  const missingUrl = rep!.privateUrl!.replace(/id=\d+/, "id=1000000000000000001");
  expect(missingUrl).not.toBe(rep!.privateUrl);
  expect((await db.query(`SELECT 1 FROM "Call" WHERE "providerCallId" = '1000000000000000001'`)).rowCount).toBe(0);

  await signIn(page, rep!.email);
  await page.goto("/calls/find");
  await expect(page.getByText("You can look up calls you took part in.")).toBeVisible();

  /** What the rep reads for a lookup, and the HTTP status the page got. */
  async function seen(ref: string) {
    const response = page.waitForResponse((r) => r.url().endsWith("/api/calls/why") && r.request().method() === "POST");
    const answer = await lookUp(page, ref);
    const status = (await response).status();
    await expect(answer).toBeVisible();
    return { status, text: await answer.innerText(), links: await answer.getByRole("link").count() };
  }

  const missing = await seen(missingUrl);
  expect(missing.status).toBe(200);
  expect(missing.text).toContain("Not found among your calls.");
  const hidden = await seen(rep!.privateUrl!);
  expect(hidden).toEqual(missing);
  await expect(page.getByRole("region", { name: "Answer" })).not.toContainText(/private/i);
  await expectAccessible(page, "why-call private for a rep");
  await page.screenshot({ path: test.info().outputPath("why-call-private-1366.png"), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: test.info().outputPath("why-call-private-390.png"), fullPage: true });
  await page.setViewportSize({ width: 1366, height: 900 });

  expect(await seen(rep!.publicUrl!)).toEqual(missing);
});

/** Salesloft connected through the wizard without backfill: its conversations are not stored, it can be asked. */
async function ensureSalesloft(page: Page) {
  const r = await db.query(`SELECT 1 FROM "Integration" WHERE provider = 'SALESLOFT' AND status IN ('CONNECTED', 'SYNCING') AND "workspaceId" = ${WORKSPACE}`);
  if (r.rowCount) return;
  await signIn(page, "admin@acme.test");
  await page.goto("/settings/integrations/salesloft/setup");
  await authorizeInNewTab(page, page.context(), () => page.getByRole("button", { name: "Connect with Salesloft" }).click(), "Allow");
  await expect(page.getByRole("heading", { name: "Choose your backfill period" })).toBeVisible();
  await page.getByLabel(/Skip backfill/).check();
  await page.getByRole("button", { name: "Save & Continue" }).click();
  await expect(page.getByRole("heading", { name: "Salesloft is connected" })).toBeVisible({ timeout: 120_000 });
  await page.context().clearCookies();
}

/** The running simulator's dataset, rebuilt here from its configuration (deterministic), for its Salesloft ids. */
async function simulatorState(): Promise<SimState> {
  const res = await fetch(`${stackInfo().simulatorUrl}/__sim/config`);
  expect(res.ok, `GET /__sim/config answered ${res.status}`).toBe(true);
  return new SimState((await res.json()) as SimConfigInput);
}

test("Salesloft, connected without backfill: a rep's own conversation is not synced yet; the admin reads who is on one with no member, with Invite", async ({
  page,
}) => {
  test.setTimeout(180_000);
  await ensureSalesloft(page);
  const sim = await simulatorState();
  const stored = new Set(
    (await db.query<{ id: string }>(`SELECT "providerCallId" AS id FROM "Call" WHERE provider = 'SALESLOFT' AND "workspaceId" = ${WORKSPACE}`)).rows.map(
      (r) => r.id,
    ),
  );
  const memberEmails = new Set(
    (
      await db.query<{ email: string }>(
        `SELECT lower(u.email) AS email FROM "User" u JOIN "Membership" m ON m."userId" = u.id WHERE m."workspaceId" = ${WORKSPACE} AND m.status = 'ACTIVE'`,
      )
    ).rows.map((r) => r.email),
  );
  // Conversations Salesloft serves in full (/extensive), old enough that no poll since the connect listed them.
  const candidates = sim.dataset.calls.filter(
    (c) => sim.isVisible(c) && !c.salesloftNoExtensive && c.startedAt < Date.now() - 3 * 86_400_000 && !stored.has(sim.salesloftId(c)),
  );
  const emailsOf = (c: (typeof candidates)[number]) => c.participants.filter((p) => p.attendee || p.invitee).map((p) => p.person.email.toLowerCase());
  const repCall = candidates.find((c) => emailsOf(c).some((e) => REPS.includes(e)));
  const outside = candidates.find((c) => emailsOf(c).length > 0 && emailsOf(c).every((e) => !memberEmails.has(e)));
  expect(repCall, "a Salesloft conversation with a rep on it").toBeTruthy();
  expect(outside, "a Salesloft conversation without members").toBeTruthy();
  const rep = emailsOf(repCall!).find((e) => REPS.includes(e))!;

  await signIn(page, rep);
  await page.goto("/calls/find");
  let answer = await lookUp(page, `https://app.salesloft.com/app/conversations/${sim.salesloftId(repCall!)}`);
  await expect(answer.getByText("Salesloft has this call; it is not synced yet.")).toBeVisible();
  await expect(answer).toContainText(/The next sync is at|It arrives with the next sync\./);
  await expect(answer).not.toContainText("could not be asked");
  await page.context().clearCookies();

  await signIn(page, "admin@acme.test");
  await page.goto("/calls/find");
  answer = await lookUp(page, `https://app.salesloft.com/app/conversations/${sim.salesloftId(outside!)}`);
  await expect(answer.getByText("No workspace member took part in this call.")).toBeVisible();
  await expect(answer.getByRole("link", { name: `Invite ${emailsOf(outside!)[0]}` })).toBeVisible();
  await expectAccessible(page, "why-call Salesloft no member");
  await page.screenshot({ path: test.info().outputPath("why-call-salesloft-1366.png"), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: test.info().outputPath("why-call-salesloft-390.png"), fullPage: true });
  // Nothing was stored by the lookups.
  const looked = [sim.salesloftId(repCall!), sim.salesloftId(outside!)];
  expect((await db.query(`SELECT 1 FROM "Call" WHERE "providerCallId" = ANY($1) AND "workspaceId" = ${WORKSPACE}`, [looked])).rowCount).toBe(0);
});
