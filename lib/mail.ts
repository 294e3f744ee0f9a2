// Outgoing email. With SMTP_URL set, messages go out through nodemailer over SMTP; without it (development,
// tests) they are written to the local outbox (OutboxEmail), which `npm run dev` shows at /dev/outbox and the
// e2e tests read. Callers never need to know which: every message is also returned, so an admin can always
// copy the link it carries.
import "server-only";
import nodemailer, { type Transporter } from "nodemailer";
import { db } from "@/lib/db";
import { env } from "@/lib/env";

export type EmailMessage = { to: string; subject: string; text: string; html?: string };

let transport: Transporter | null = null;

function smtp(): Transporter {
  transport ??= nodemailer.createTransport(env.SMTP_URL);
  return transport;
}

export const emailDelivery = (): "smtp" | "outbox" => (env.SMTP_URL ? "smtp" : "outbox");

/** Sends one message (SMTP) or stores it in the outbox. Throws when the SMTP server refuses it. */
export async function sendEmail(message: EmailMessage): Promise<{ delivery: "smtp" | "outbox" }> {
  if (env.SMTP_URL) {
    await smtp().sendMail({ from: env.EMAIL_FROM, to: message.to, subject: message.subject, text: message.text, html: message.html });
    return { delivery: "smtp" };
  }
  await db.outboxEmail.create({ data: { to: message.to.toLowerCase(), subject: message.subject, text: message.text, html: message.html ?? null } });
  return { delivery: "outbox" };
}

/** The newest outbox messages (development page, tests). */
export async function outbox(opts: { to?: string; take?: number } = {}) {
  return db.outboxEmail.findMany({
    where: opts.to ? { to: opts.to.toLowerCase() } : undefined,
    orderBy: { createdAt: "desc" },
    take: opts.take ?? 50,
  });
}
