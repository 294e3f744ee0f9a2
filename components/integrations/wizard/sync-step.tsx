"use client";
// Step 4, Sync: live progress user by user (the orchestrator polls the detail meanwhile), Retry on failed
// users, and Continue once the backfill is finished (the orchestrator moves on by itself when nobody failed).
import { Button } from "@/components/ui/button";
import { useRetry } from "../use-retry";
import { discoveringUsers, SyncProgress, UserSyncList } from "../user-sync-list";
import { ViewWarningNotice } from "../view-warning-notice";
import { StepHeading, type StepProps } from "./step-shell";

export function SyncStep({
  detail,
  headingRef,
  finished,
  onContinue,
  onRetried,
}: StepProps & {
  finished: boolean;
  onContinue: () => void;
  onRetried: () => unknown;
}) {
  const { retry, retrying } = useRetry(detail.slug, onRetried);
  const failed = detail.progress.failed;
  const rows = detail.outsideHosts ? [...detail.users, detail.outsideHosts] : detail.users;
  const running = rows.some((u) => u.status === "PENDING" || u.status === "IN_PROGRESS");
  const outsideFailed = detail.outsideHosts?.status === "FAILED";
  return (
    <div className="space-y-5">
      <StepHeading
        headingRef={headingRef}
        description={`Callsync is importing calls from ${detail.name}, user by user. You can leave this page; syncing continues in the background.`}
      >
        Syncing your calls
      </StepHeading>
      <SyncProgress detail={detail} />
      <ViewWarningNotice detail={detail} />
      {(detail.status === "RECONNECT_REQUIRED" || detail.wizardStep === "BACKFILL") && detail.integration?.statusMessage ? (
        <p role="alert" className="rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-800">
          {detail.integration.statusMessage}
        </p>
      ) : null}
      {finished && !running ? (
        failed || outsideFailed ? (
          <div
            role="status"
            className="flex flex-col gap-3 rounded-md border border-amber-200 bg-amber-50 p-3 text-sm text-amber-900 sm:flex-row sm:items-center sm:justify-between"
          >
            <p>
              Sync finished, but {failed ? `${failed} user${failed === 1 ? "" : "s"}` : ""}
              {failed && outsideFailed ? " and " : ""}
              {outsideFailed ? "the calls hosted outside the workspace" : ""} failed. Click Retry on each failed row; if they were rate limited, wait a few
              minutes first.
            </p>
            <Button variant="secondary" onClick={onContinue}>
              Continue
            </Button>
          </div>
        ) : (
          <div className="flex items-center justify-between gap-3 rounded-md border border-emerald-200 bg-emerald-50 p-3 text-sm text-emerald-900">
            <p role="status">Sync complete.</p>
            <Button variant="secondary" onClick={onContinue}>
              Continue
            </Button>
          </div>
        )
      ) : discoveringUsers(detail) ? null : (
        <p role="status" className="sr-only">
          {detail.progress.done} of {detail.progress.total} users done
        </p>
      )}
      <UserSyncList detail={detail} onRetry={retry} retrying={retrying} />
    </div>
  );
}
