import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { Time } from "@/components/ui/time-zone";
import { env } from "@/lib/env";
import { emailDelivery, outbox } from "@/lib/mail";

export const metadata: Metadata = { title: "Outbox (development)" };

// Development only (`npm run dev`): the emails Callsync would have sent, newest first. Without SMTP_URL every
// invitation and password reset lands here. Production builds answer 404.
export default async function OutboxPage() {
  await connection();
  if (env.NODE_ENV !== "development") notFound();
  const messages = await outbox({ take: 50 });
  return (
    <main className="mx-auto max-w-4xl space-y-6 px-4 py-8">
      <div>
        <p className="text-sm text-slate-500">Development</p>
        <h1 className="text-2xl font-semibold tracking-tight">Outbox</h1>
        <p className="mt-1 text-sm text-slate-600">
          {emailDelivery() === "smtp"
            ? "SMTP_URL is set: emails go to your SMTP server, not here."
            : "SMTP_URL is not set, so emails are kept here instead of being sent. Newest first."}
        </p>
      </div>
      {messages.length === 0 ? (
        <p className="rounded-lg border border-dashed border-slate-300 p-6 text-center text-sm text-slate-600">No emails yet. Invite someone from Members.</p>
      ) : (
        <ul className="space-y-4">
          {messages.map((m) => (
            <li key={m.id} className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
              <p className="text-sm text-slate-500">
                To <strong className="text-slate-800">{m.to}</strong> · <Time at={m.createdAt} />
              </p>
              <h2 className="mt-1 font-semibold">{m.subject}</h2>
              <pre className="mt-2 whitespace-pre-wrap break-words font-sans text-sm text-slate-700">
                {m.text.split(/(https?:\/\/\S+)/).map((part, i) =>
                  /^https?:\/\//.test(part) ? (
                    <a key={i} href={part} className="text-brand-700 underline">
                      {part}
                    </a>
                  ) : (
                    part
                  ),
                )}
              </pre>
            </li>
          ))}
        </ul>
      )}
    </main>
  );
}
