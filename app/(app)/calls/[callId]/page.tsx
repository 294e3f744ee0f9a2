import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { LINK_SOURCE_LABEL, PrivateBadge, ProviderBadge } from "@/components/calls/call-bits";
import { Participants } from "@/components/calls/participants";
import { ReassignControls } from "@/components/calls/reassign-controls";
import { RecordingPanel, type OpenNotice } from "@/components/calls/recording-panel";
import { openHref, renderedNow } from "@/lib/calls/recording-links";
import { TranscriptViewer } from "@/components/transcript/transcript-viewer";
import { stageTone } from "@/components/deals/deals-table";
import { Badge } from "@/components/ui/badge";
import { formatDateTime, formatDuration } from "@/components/ui/format";
import { Time } from "@/components/ui/time-zone";
import { viewerTimeZone } from "@/lib/accounts/time-zone";
import { requirePageSession } from "@/lib/auth/session";
import { getCall } from "@/lib/calls/queries";
import { PROVIDER_NAMES } from "@/lib/calls/provider-names";
import { recorderId } from "@/lib/providers/registry";
import { languageName } from "@/lib/languages";

export const metadata: Metadata = { title: "Call" };

const DIRECTION: Record<string, string> = { INBOUND: "Inbound", OUTBOUND: "Outbound", CONFERENCE: "Conference", UNKNOWN: "Unknown" };
const NOTICES = new Set(["expired", "busy", "unavailable"]);

/** ?recording=expired&media=audio&t=754: the open route sent the person back (a code, never free text). */
function openNotice(q: Record<string, string | string[] | undefined>): OpenNotice | null {
  const reason = typeof q.recording === "string" && NOTICES.has(q.recording) ? (q.recording as OpenNotice["reason"]) : null;
  if (!reason) return null;
  const t = typeof q.t === "string" && /^\d{1,5}$/.test(q.t) ? Number(q.t) : null;
  return { reason, media: q.media === "video" ? "video" : "audio", at: t };
}

export default async function CallPage({
  params,
  searchParams,
}: {
  params: Promise<{ callId: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { callId } = await params;
  const notice = openNotice(await searchParams);
  const session = await requirePageSession(`/calls/${callId}`);
  const call = await getCall(session, callId);
  if (!call) notFound();
  const { zone: tz } = await viewerTimeZone();

  const providerName = PROVIDER_NAMES[call.provider];
  const link = call.dealLink;
  const facts: Array<[string, string]> = [
    ["When", formatDateTime(call.startedAt, tz)],
    ["Duration", formatDuration(call.durationSec)],
    ["Direction", DIRECTION[call.direction] ?? call.direction],
    ["Platform", call.platform ?? "—"],
    ["Language", languageName(call.language) ?? "—"],
  ];
  const integrationUsable = call.integrationStatus === "CONNECTED" || call.integrationStatus === "SYNCING";
  // "Open at 12:34" opens the media at that moment (#t=SECONDS, through the open route) when there is media
  // to open; the providers' call pages take no moment (none documents one), so they open at the start.
  const rec = call.recording;
  // Salesloft lists no media URL with a call: its recording is fetched at the first open.
  const hasMedia = rec.state !== "none" || (integrationUsable && call.provider === "SALESLOFT");
  const momentMedia = rec.state === "valid" && rec.videoUrl ? "video" : "audio";
  const renderedAt = renderedNow();

  return (
    <div className="space-y-6">
      <nav aria-label="Breadcrumb" className="text-sm text-slate-600">
        {link?.deal ? (
          <>
            <Link href="/deals" className="hover:underline">
              Deals
            </Link>{" "}
            <span aria-hidden>/</span>{" "}
            <Link href={`/deals/${link.deal.id}`} className="hover:underline">
              {link.deal.name}
            </Link>
          </>
        ) : (
          <Link href="/calls/unlinked" className="hover:underline">
            Unlinked calls
          </Link>
        )}{" "}
        <span aria-hidden>/</span> <span>{call.title}</span>
      </nav>

      <header className="space-y-2">
        <div className="flex flex-wrap items-center gap-2">
          <h1 className="text-2xl font-semibold tracking-tight">{call.title}</h1>
          {call.isPrivate ? <PrivateBadge /> : null}
          <ProviderBadge provider={recorderId(call.provider)} />
        </div>
        <dl className="flex flex-wrap gap-x-6 gap-y-1 text-sm">
          {facts.map(([k, v]) => (
            <div key={k} className="flex gap-1.5">
              <dt className="text-slate-500">{k}</dt>
              <dd className="text-slate-900" data-testid={`call-${k.toLowerCase()}`}>
                {v}
              </dd>
            </div>
          ))}
        </dl>
        {call.providerUrl ? (
          <a href={call.providerUrl} target="_blank" rel="noopener noreferrer" className="inline-block text-sm font-medium text-brand-700 hover:underline">
            Open in {providerName} ↗
          </a>
        ) : null}
        {call.alsoRecordedIn.length ? (
          <p className="text-sm text-slate-700">
            Also recorded in{" "}
            {call.alsoRecordedIn.map((o, i) => (
              <span key={o.id}>
                {i > 0 ? ", " : null}
                <Link href={`/calls/${o.id}`} className="font-medium text-brand-700 hover:underline">
                  {PROVIDER_NAMES[o.provider]}
                </Link>
              </span>
            ))}
          </p>
        ) : null}
      </header>

      <div className="grid gap-6 lg:grid-cols-3">
        <div className="min-w-0 space-y-6 lg:col-span-2">
          {call.summary || call.keyPoints.length || call.actionItems.length ? (
            <section aria-labelledby="summary-heading" className="space-y-3 rounded-lg border border-slate-200 bg-white p-4">
              <h2 id="summary-heading" className="text-sm font-semibold text-slate-900">
                Summary
              </h2>
              {call.summary ? <p className="whitespace-pre-line text-sm leading-relaxed text-slate-800">{call.summary}</p> : null}
              {call.keyPoints.length ? (
                <div>
                  <h3 className="text-xs font-semibold uppercase tracking-wide text-slate-500">Key points</h3>
                  <ul className="mt-1 list-disc space-y-1 pl-5 text-sm text-slate-800">
                    {call.keyPoints.map((k, i) => (
                      <li key={i}>{k}</li>
                    ))}
                  </ul>
                </div>
              ) : null}
              {call.actionItems.length ? (
                <div>
                  <h3 className="text-xs font-semibold uppercase tracking-wide text-slate-500">Action items</h3>
                  <ul className="mt-1 list-disc space-y-1 pl-5 text-sm text-slate-800">
                    {call.actionItems.map((k, i) => (
                      <li key={i}>{k}</li>
                    ))}
                  </ul>
                </div>
              ) : null}
            </section>
          ) : null}

          <section aria-labelledby="transcript-heading" className="space-y-2">
            <h2 id="transcript-heading" className="text-lg font-semibold">
              Transcript
            </h2>
            <TranscriptViewer
              callId={call.id}
              status={call.transcriptStatus}
              sentenceCount={call.sentenceCount}
              openAt={hasMedia ? openHref(call.id, momentMedia) : null}
              startOnly={!hasMedia && call.providerUrl ? { url: call.providerUrl, providerName } : null}
            />
          </section>
        </div>

        <aside className="space-y-6" aria-label="Call details">
          <section aria-labelledby="deal-heading" className="space-y-3 rounded-lg border border-slate-200 bg-white p-4">
            <h2 id="deal-heading" className="text-sm font-semibold text-slate-900">
              Deal
            </h2>
            {link?.deal ? (
              <div className="space-y-1 text-sm">
                <div className="flex flex-wrap items-center gap-2">
                  <Link href={`/deals/${link.deal.id}`} className="font-medium text-slate-900 hover:text-brand-700 hover:underline">
                    {link.deal.name}
                  </Link>
                  <Badge tone={stageTone(link.deal.stage, link.deal.isClosed)}>{link.deal.stage}</Badge>
                </div>
                {link.deal.accountName ? <div className="text-slate-600">{link.deal.accountName}</div> : null}
                <p className="text-xs text-slate-500">
                  {LINK_SOURCE_LABEL[link.source]}
                  {link.source === "CRM_ID" && link.matchedOn ? <> ({link.matchedOn})</> : null}
                  {link.source === "EMAIL" && link.matchedOn ? <> ({link.matchedOn})</> : null}
                  {link.source === "MANUAL" ? (
                    <>
                      {link.linkedBy ? ` by ${link.linkedBy}` : ""} on <Time at={link.updatedAt} />
                    </>
                  ) : null}
                </p>
              </div>
            ) : (
              <p className="text-sm text-slate-600">
                {link?.source === "MANUAL"
                  ? `Unlinked by hand${link.linkedBy ? ` by ${link.linkedBy}` : ""} on ${formatDateTime(link.updatedAt, tz)}. Syncs will not link it again.`
                  : "Not linked to a deal: no CRM id or contact email matched."}
              </p>
            )}
            <ReassignControls callId={call.id} callTitle={call.title} currentDeal={link?.deal ? { id: link.deal.id, name: link.deal.name } : null} />
          </section>

          <RecordingPanel
            callId={call.id}
            providerName={providerName}
            providerUrl={call.providerUrl}
            initial={call.recording}
            canRefresh={integrationUsable}
            renderedAt={renderedAt}
            notice={notice}
          />

          <Participants groups={call.participants} />
        </aside>
      </div>
    </div>
  );
}
