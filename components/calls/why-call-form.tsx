"use client";
// "Why isn't my call here?": the lookup form and the one answer (lib/calls/why-call.ts, POST /api/calls/why).
import Link from "next/link";
import { useState, type FormEvent } from "react";
import { ApiError, apiClient } from "@/components/lib/api-client";
import { Button, ButtonLink } from "@/components/ui/button";
import { FormAlert, INPUT_CLASS } from "@/components/ui/form";
import { Time } from "@/components/ui/time-zone";

type Recorder = "GONG" | "SALESLOFT" | "CLARI";
type FoundCall = { id: string; title: string; startedAt: string; provider: Recorder; isPrivate: boolean };
type Deal = { id: string; name: string };
type Person = { name: string | null; email: string | null };
type Answer =
  | { reason: "LINKED"; call: FoundCall; deal: Deal; transcript: string }
  | { reason: "UNLINKED"; call: FoundCall; transcript: string }
  | { reason: "TRANSCRIPT_PENDING"; call: FoundCall; deal: Deal | null; transcriptLagMs: number }
  | { reason: "SEVERAL"; calls: FoundCall[] }
  | { reason: "NOT_RECORDED"; provider: Recorder; status: string }
  | { reason: "SKIPPED"; provider: Recorder; providerCallId: string; field: string; lastSeenAt: string }
  | { reason: "NO_WORKSPACE_USER"; provider: Recorder; participants: Person[] }
  | { reason: "NOT_SYNCED_YET"; provider: Recorder; nextSyncAt: string | null }
  | { reason: "NOT_LISTED_YET"; provider: Recorder; callLagMs: number }
  | { reason: "NOT_CONNECTED"; provider: Recorder }
  | { reason: "CANNOT_CHECK"; provider: Recorder; reference: string | null }
  | { reason: "NOT_FOUND_FOR_YOU" }
  | { reason: "NOT_FOUND"; participantIsMember: boolean; callLagMs: number | null };

const NAMES: Record<Recorder, string> = { GONG: "Gong", SALESLOFT: "Salesloft", CLARI: "Clari Copilot" };

const request = apiClient({
  network: "We could not reach Callsync. Check your connection and try again.",
  status: { 429: "Too many lookups just now. Try again in a minute." },
  other: () => "The lookup did not work. Try again in a minute.",
});

function delay(ms: number): string {
  const hours = Math.round(ms / 3_600_000);
  if (hours >= 24 && hours % 24 === 0) return hours === 24 ? "a day" : `${hours / 24} days`;
  return hours <= 1 ? "an hour" : `${hours} hours`;
}

function CallLine({ call }: { call: FoundCall }) {
  return (
    <>
      <Link href={`/calls/${call.id}`} className="font-medium text-brand-700 underline">
        {call.title}
      </Link>{" "}
      (<Time at={call.startedAt} />, {NAMES[call.provider]}){call.isPrivate ? ", a private call: only its participants and admins see it" : ""}
    </>
  );
}

function Explanation({ answer, isAdmin }: { answer: Answer; isAdmin: boolean }) {
  switch (answer.reason) {
    case "LINKED":
      return (
        <>
          <p className="font-semibold">Synced and linked to a deal.</p>
          <p>
            <CallLine call={answer.call} /> is on the deal{" "}
            <Link href={`/deals/${answer.deal.id}`} className="font-medium text-brand-700 underline">
              {answer.deal.name}
            </Link>
            .
          </p>
        </>
      );
    case "UNLINKED":
      return (
        <>
          <p className="font-semibold">Synced, but not on any deal.</p>
          <p>
            <CallLine call={answer.call} /> matched no deal. Link it from{" "}
            <Link href="/calls/unlinked" className="text-brand-700 underline">
              Unlinked calls
            </Link>
            .
          </p>
        </>
      );
    case "TRANSCRIPT_PENDING":
      return (
        <>
          <p className="font-semibold">Synced; the transcript is not ready yet.</p>
          <p>
            <CallLine call={answer.call} />
            {answer.deal ? ` is on the deal ${answer.deal.name}` : " is on no deal yet"}. {NAMES[answer.call.provider]} usually has the transcript within{" "}
            {delay(answer.transcriptLagMs)} of the call; it appears after the next sync then.
          </p>
        </>
      );
    case "SEVERAL":
      return (
        <>
          <p className="font-semibold">{answer.calls.length} synced calls match.</p>
          <ul className="list-disc pl-5">
            {answer.calls.map((c) => (
              <li key={c.id}>
                <CallLine call={c} />
              </li>
            ))}
          </ul>
        </>
      );
    case "NOT_RECORDED":
      return (
        <>
          <p className="font-semibold">Not recorded.</p>
          <p>
            {NAMES[answer.provider]} lists this meeting as “{answer.status.replaceAll("_", " ").toLowerCase()}”: nothing was recorded, so there is no call to
            sync.
          </p>
        </>
      );
    case "SKIPPED":
      return (
        <>
          <p className="font-semibold">Skipped: the field “{answer.field}” is not valid.</p>
          <p>
            {NAMES[answer.provider]} sent call {answer.providerCallId} with a value Callsync cannot read (last seen <Time at={answer.lastSeenAt} />
            ). It is listed under Skipped records on the integration&apos;s page and comes in once {NAMES[answer.provider]} sends it valid.
          </p>
        </>
      );
    case "NO_WORKSPACE_USER":
      return (
        <>
          <p className="font-semibold">No workspace member took part in this call.</p>
          <p>Callsync syncs the calls of its members. None of these participants is one:</p>
          <ul className="mt-1 space-y-2">
            {answer.participants.map((p, i) => (
              <li key={`${p.email ?? ""}-${i}`} className="flex flex-wrap items-center gap-3">
                <span>
                  {p.name ?? p.email ?? "Unknown participant"}
                  {p.name && p.email ? ` (${p.email})` : ""}
                </span>
                {isAdmin && p.email ? (
                  <ButtonLink variant="secondary" href={`/settings/members?invite=${encodeURIComponent(p.email)}`} aria-label={`Invite ${p.email}`}>
                    Invite
                  </ButtonLink>
                ) : null}
              </li>
            ))}
          </ul>
          {isAdmin ? null : <p>Ask an admin to invite the person who hosted it.</p>}
        </>
      );
    case "NOT_SYNCED_YET":
      return (
        <>
          <p className="font-semibold">{NAMES[answer.provider]} has this call; it is not synced yet.</p>
          <p>
            {answer.nextSyncAt ? (
              <>
                The next sync is at <Time at={answer.nextSyncAt} />.
              </>
            ) : (
              "It arrives with the next sync."
            )}
          </p>
        </>
      );
    case "NOT_LISTED_YET":
      return (
        <>
          <p className="font-semibold">Not listed by {NAMES[answer.provider]} yet.</p>
          <p>
            {NAMES[answer.provider]} does not list a call with this id. It lists calls up to {delay(answer.callLagMs)} after they end, and Callsync reads that
            far back on every sync; if the call is older, check the link.
          </p>
        </>
      );
    case "NOT_CONNECTED":
      return (
        <>
          <p className="font-semibold">{NAMES[answer.provider]} is not connected.</p>
          <p>
            Connect it from{" "}
            <Link href="/settings/integrations" className="text-brand-700 underline">
              Integrations
            </Link>{" "}
            to sync its calls.
          </p>
        </>
      );
    case "CANNOT_CHECK":
      return (
        <>
          <p className="font-semibold">Not synced, and {NAMES[answer.provider]} could not be asked right now.</p>
          <p>Try again in a few minutes.{answer.reference ? ` Reference: ${answer.reference}.` : ""}</p>
        </>
      );
    case "NOT_FOUND_FOR_YOU":
      return (
        <>
          <p className="font-semibold">Not found among your calls.</p>
          <p>Callsync has no call matching this that you took part in. Check the link, or ask an admin to look it up.</p>
        </>
      );
    case "NOT_FOUND":
      return (
        <>
          <p className="font-semibold">No synced call matches.</p>
          <p>
            {answer.participantIsMember ? "" : "This person is not a workspace member, and only members' calls sync. "}
            {answer.callLagMs ? `The call may not be listed yet: providers list calls up to ${delay(answer.callLagMs)} after they end. ` : ""}
            Paste the call&apos;s link for a closer look.
          </p>
        </>
      );
  }
}

export function WhyCallForm({ isAdmin }: { isAdmin: boolean }) {
  const [mode, setMode] = useState<"ref" | "date">("ref");
  const [answer, setAnswer] = useState<Answer | null>(null);
  const [error, setError] = useState<string>();
  const [fields, setFields] = useState<Record<string, string>>({});
  const [pending, setPending] = useState(false);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const body =
      mode === "ref" ? { ref: String(form.get("ref") ?? "") } : { date: String(form.get("date") ?? ""), participant: String(form.get("participant") ?? "") };
    setPending(true);
    setError(undefined);
    setFields({});
    setAnswer(null);
    try {
      const res = await request<{ answer: Answer }>("/api/calls/why", { method: "POST", body });
      setAnswer(res.answer);
    } catch (err) {
      const apiErr = err instanceof ApiError ? err : null;
      if (apiErr && Object.keys(apiErr.fields).length > 0) setFields(apiErr.fields);
      else setError(apiErr?.message ?? "The lookup did not work. Try again in a minute.");
    } finally {
      setPending(false);
    }
  }

  const fieldError = (name: string) =>
    fields[name] ? (
      <p id={`why-${name}-error`} className="mt-1 text-sm text-red-700">
        {fields[name]}
      </p>
    ) : null;

  return (
    <div className="space-y-4">
      <form onSubmit={onSubmit} noValidate className="space-y-4 rounded-xl border border-slate-200 bg-white p-5 shadow-sm" aria-label="Look up a call">
        <fieldset>
          <legend className="text-sm font-medium text-slate-700">Look up by</legend>
          <div className="mt-2 flex flex-wrap gap-4 text-sm">
            <label className="flex items-center gap-2">
              <input type="radio" name="mode" checked={mode === "ref"} onChange={() => setMode("ref")} /> Link or id
            </label>
            <label className="flex items-center gap-2">
              <input type="radio" name="mode" checked={mode === "date"} onChange={() => setMode("date")} /> Day and participant
            </label>
          </div>
        </fieldset>
        {mode === "ref" ? (
          <div>
            <label htmlFor="why-ref" className="block text-sm font-medium text-slate-700">
              Call link or id
            </label>
            <input
              id="why-ref"
              name="ref"
              type="text"
              maxLength={500}
              placeholder="https://app.gong.io/call?id=…"
              aria-invalid={fields.ref ? true : undefined}
              aria-describedby={fields.ref ? "why-ref-error" : undefined}
              className={INPUT_CLASS}
            />
            {fieldError("ref")}
          </div>
        ) : (
          <div className="grid gap-4 md:grid-cols-2">
            <div>
              <label htmlFor="why-date" className="block text-sm font-medium text-slate-700">
                Day of the call
              </label>
              <input
                id="why-date"
                name="date"
                type="date"
                aria-invalid={fields.date ? true : undefined}
                aria-describedby={fields.date ? "why-date-error" : undefined}
                className={INPUT_CLASS}
              />
              {fieldError("date")}
            </div>
            <div>
              <label htmlFor="why-participant" className="block text-sm font-medium text-slate-700">
                Participant&apos;s email
              </label>
              <input
                id="why-participant"
                name="participant"
                type="email"
                maxLength={254}
                aria-invalid={fields.participant ? true : undefined}
                aria-describedby={fields.participant ? "why-participant-error" : undefined}
                className={INPUT_CLASS}
              />
              {fieldError("participant")}
            </div>
          </div>
        )}
        <FormAlert message={error} />
        <Button type="submit" disabled={pending}>
          {pending ? "Looking…" : "Explain"}
        </Button>
      </form>
      {answer ? (
        <section aria-label="Answer" aria-live="polite" className="space-y-2 rounded-xl border border-slate-200 bg-white p-5 text-sm text-slate-800 shadow-sm">
          <Explanation answer={answer} isAdmin={isAdmin} />
        </section>
      ) : null}
    </div>
  );
}
