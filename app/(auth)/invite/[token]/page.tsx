import type { Metadata } from "next";
import Link from "next/link";
import { AcceptInvitationForm } from "@/components/members/accept-invitation-form";
import { getSignedInUser } from "@/lib/auth/session";
import { googleAuthEnabled } from "@/lib/env";
import { inspectInvitation, STATE_MESSAGE } from "@/lib/members/accept";

export const metadata: Metadata = { title: "Invitation" };

const HEADING = {
  expired: "This invitation has expired",
  revoked: "This invitation was revoked",
  used: "This invitation was already used",
  invalid: "This invitation link is not valid",
} as const;

function Card({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <div className="rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
      <h1 className="text-lg font-semibold">{title}</h1>
      <div className="mt-2 space-y-3 text-sm text-slate-600">{children}</div>
    </div>
  );
}

const linkClass = "inline-block font-medium text-brand-700 hover:underline";

export default async function InvitationPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const [view, user] = await Promise.all([inspectInvitation(token), getSignedInUser()]);
  if (view.state !== "valid") {
    return (
      <Card title={HEADING[view.state]}>
        <p>{STATE_MESSAGE[view.state]}</p>
        <Link href={user ? "/deals" : "/signin"} className={linkClass}>
          {user ? "Go to Callsync" : "Sign in"}
        </Link>
      </Card>
    );
  }
  const workspace = view.workspaceName!;
  if (user && user.email !== view.email) {
    return (
      <Card title="This invitation is for another email">
        <p>
          This invitation to {workspace} is for <strong>{view.email}</strong>, but you are signed in as <strong>{user.email}</strong>. Sign out, then open the
          link again to accept it as {view.email}.
        </p>
        <Link href={`/signout?callbackUrl=${encodeURIComponent(`/invite/${token}`)}`} className={linkClass}>
          Sign out
        </Link>
      </Card>
    );
  }
  if (!user && view.accountExists) {
    return (
      <Card title={`Join ${workspace}`}>
        <p>
          {view.email} already has a Callsync account. Sign in with it to accept {view.invitedBy ? `${view.invitedBy}'s` : "the"} invitation.
        </p>
        <Link href={`/signin?callbackUrl=${encodeURIComponent(`/invite/${token}`)}`} className={linkClass}>
          Sign in to join
        </Link>
      </Card>
    );
  }
  return (
    <AcceptInvitationForm
      token={token}
      workspace={workspace}
      email={view.email!}
      invitedBy={view.invitedBy ?? null}
      signedIn={Boolean(user)}
      googleEnabled={googleAuthEnabled}
    />
  );
}
