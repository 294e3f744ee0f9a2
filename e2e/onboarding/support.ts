// Helpers for the onboarding specs (e2e/onboarding/): they run against the EMPTY stack (E2E_PORT + 1, no demo
// data, simulators on; see playwright.config.ts), read what the app stored with a plain `pg` client, and read
// sent email from the outbox table (no SMTP_URL in tests).
import fs from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { expect, type APIRequestContext, type Page } from "@playwright/test";
import { browserLike } from "../support";

export type StackInfo = { appUrl: string; simulatorUrl: string | null; inngestUrl: string | null; databaseUrl: string; logFile: string | null };

export const EMPTY_PORT = Number(process.env.E2E_PORT ?? 3100) + 1;

/** The empty stack of this run (per-port file written by scripts/lib/stack.ts). */
export function emptyStack(): StackInfo {
  const file = path.join(process.cwd(), ".data", `e2e-stack-${EMPTY_PORT}.json`);
  return JSON.parse(fs.readFileSync(file, "utf8")) as StackInfo;
}

export async function connectDb(): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: emptyStack().databaseUrl });
  await client.connect();
  return client;
}

/** Runs fn with a connected client and always closes it. */
export async function withDb<T>(fn: (db: pg.Client) => Promise<T>): Promise<T> {
  const db = await connectDb();
  try {
    return await fn(db);
  } finally {
    await db.end();
  }
}

/** A unique lower-case tag for emails and names, so specs never collide on the shared empty stack. */
export const tag = () => randomBytes(4).toString("hex");

export const STRONG_PASSWORD = "Correct-horse-battery-staple-7";

export type OutboxMessage = { to: string; subject: string; text: string; createdAt: Date };

/** The newest outbox message to `to` (waits for it), with the first http(s) link in its text. */
export async function latestEmail(to: string, opts: { subject?: RegExp; after?: Date } = {}): Promise<OutboxMessage & { link: string | null }> {
  let found: OutboxMessage | undefined;
  await expect
    .poll(
      async () => {
        found = await withDb(async (db) => {
          const { rows } = await db.query<OutboxMessage>(
            `SELECT "to", subject, text, "createdAt" FROM "OutboxEmail" WHERE "to" = $1 AND "createdAt" > $2 ORDER BY "createdAt" DESC`,
            [to.toLowerCase(), opts.after ?? new Date(0)],
          );
          return rows.find((r) => !opts.subject || opts.subject.test(r.subject));
        });
        return Boolean(found);
      },
      { message: `an email to ${to}` },
    )
    .toBe(true);
  const link = found!.text.match(/https?:\/\/\S+/)?.[0] ?? null;
  return { ...found!, link };
}

/** Signs up a new workspace through the "Create your workspace" page; lands signed in on /deals. */
export async function signUp(page: Page, opts: { workspace: string; name: string; email: string; password?: string }) {
  await page.goto("/signup");
  await expect(page.getByRole("heading", { name: "Create your workspace" })).toBeVisible();
  await page.getByLabel("Workspace name").fill(opts.workspace);
  await page.getByLabel("Your name").fill(opts.name);
  await page.getByLabel("Work email").fill(opts.email);
  await page.getByLabel("Password").fill(opts.password ?? STRONG_PASSWORD);
  await page.getByRole("button", { name: "Create workspace" }).click();
  await expect(page).toHaveURL(/\/deals/);
}

export async function signInAs(page: Page, email: string, password = STRONG_PASSWORD) {
  await page.goto("/signin");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/deals/);
}

/** The page's own alerts with text (Next's route announcer also has role="alert"; it is not ours). */
export const pageAlert = (page: Page) => page.locator('[role="alert"]:not(#__next-route-announcer__)').filter({ hasText: /\S/ });

/** The page's request context, sending Origin and a JSON content type on changes like the app's own pages (e2e/support.ts browserLike). */
export const pageApi = (page: Page): APIRequestContext => browserLike(page.request, emptyStack().appUrl);
