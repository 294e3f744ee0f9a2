"use client";
// Settings → Members: the table of members and pending invitations, the invite form and the admin actions.
// Every change goes to /api/members/… and the page then re-renders from the server (router.refresh()).
import { useRouter } from "next/navigation";
import { useState, useTransition, type FormEvent } from "react";
import { Dialog } from "@/components/integrations/dialog";
import { ApiError, apiClient } from "@/components/lib/api-client";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Time } from "@/components/ui/time-zone";

type Role = "ADMIN" | "MEMBER";
type Member = {
  kind: "member";
  membershipId: string;
  userId: string;
  name: string | null;
  email: string;
  role: Role;
  status: "ACTIVE" | "DEACTIVATED";
  lastSignInAt: string | null;
  matches: Array<{ provider: string; label: string }>;
};
type Invitation = {
  kind: "invitation";
  invitationId: string;
  email: string;
  role: Role;
  status: "INVITED" | "EXPIRED";
  invitedBy: string | null;
  expiresAt: string;
};
type Outcome = { email: string; result: "invited" | "not_sent" | "already_member" | "already_invited" | "deactivated"; message: string };

const request = apiClient({
  network: "We could not reach Callsync. Check your connection and try again.",
  status: { 403: "Only workspace admins can do this.", 404: "That member or invitation no longer exists. Reload the page." },
  other: (status) => `That did not work (HTTP ${status}). Please try again.`,
});

const ROLE_LABEL: Record<Role, string> = { ADMIN: "Admin", MEMBER: "Member" };

type Confirm = { title: string; body: string; action: "Deactivate" | "Remove" | "Revoke"; run: () => Promise<unknown> };

export function MembersManager(props: {
  isAdmin: boolean;
  currentUserId: string;
  members: Member[];
  invitations: Invitation[];
  integrations: string[];
  prefill: string;
}) {
  const router = useRouter();
  const [, startTransition] = useTransition();
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const [outcomes, setOutcomes] = useState<Outcome[]>([]);
  const [inviteError, setInviteError] = useState<string>();
  const [sending, setSending] = useState(false);
  const [busy, setBusy] = useState<string | null>(null);
  const [confirm, setConfirm] = useState<Confirm | null>(null);

  const refresh = () => startTransition(() => router.refresh());

  async function act(key: string, run: () => Promise<unknown>, success?: string) {
    setBusy(key);
    setError(undefined);
    setNotice(undefined);
    try {
      await run();
      if (success) setNotice(success);
      refresh();
    } catch (e) {
      setError(e instanceof ApiError ? e.message : "That did not work. Please try again.");
    } finally {
      setBusy(null);
    }
  }

  async function onInvite(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setSending(true);
    setInviteError(undefined);
    setOutcomes([]);
    try {
      const res = await request<{ outcomes: Outcome[] }>("/api/members/invitations", {
        method: "POST",
        body: { emails: String(form.get("emails") ?? ""), role: String(form.get("role") ?? "MEMBER") },
      });
      setOutcomes(res.outcomes);
      if (res.outcomes.some((o) => o.result === "invited" || o.result === "not_sent")) (e.target as HTMLFormElement).reset();
      refresh();
    } catch (err) {
      setInviteError(err instanceof ApiError ? (err.fields.emails ?? err.message) : "We could not reach Callsync. Check your connection and try again.");
    } finally {
      setSending(false);
    }
  }

  async function copyLink(inv: Invitation) {
    await act(`copy-${inv.invitationId}`, async () => {
      const { link } = await request<{ link: string }>(`/api/members/invitations/${inv.invitationId}/link`);
      try {
        await navigator.clipboard.writeText(link);
        setNotice(`Copied the invitation link for ${inv.email}.`);
      } catch {
        setNotice(`Invitation link for ${inv.email}: ${link}`);
      }
    });
  }

  const activeAdmins = props.members.filter((m) => m.role === "ADMIN" && m.status === "ACTIVE").length;

  return (
    <div className="space-y-6">
      {props.isAdmin ? (
        <section aria-labelledby="invite-heading" className="rounded-xl border border-slate-200 bg-white p-5 shadow-sm">
          <h2 id="invite-heading" className="text-lg font-semibold">
            Invite people
          </h2>
          <form className="mt-3 grid gap-3 md:grid-cols-[1fr_10rem_auto] md:items-start" onSubmit={onInvite} noValidate>
            <div>
              <label htmlFor="invite-emails" className="block text-sm font-medium text-slate-700">
                Email addresses
              </label>
              <textarea
                id="invite-emails"
                name="emails"
                rows={2}
                defaultValue={props.prefill}
                maxLength={20000}
                aria-describedby="invite-hint"
                aria-invalid={inviteError ? true : undefined}
                className="mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 text-sm shadow-sm focus:border-brand-600"
                placeholder="riley@company.com, jordan@company.com"
              />
              <p id="invite-hint" className="mt-1 text-xs text-slate-500">
                Separate addresses with commas or new lines. Each person gets a link that works once, for 7 days.
              </p>
            </div>
            <div>
              <label htmlFor="invite-role" className="block text-sm font-medium text-slate-700">
                Role
              </label>
              <select id="invite-role" name="role" defaultValue="MEMBER" className="mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 text-sm">
                <option value="MEMBER">Member</option>
                <option value="ADMIN">Admin</option>
              </select>
            </div>
            <Button type="submit" className="md:mt-6" disabled={sending}>
              {sending ? "Sending…" : "Send invitations"}
            </Button>
          </form>
          {inviteError ? (
            <p role="alert" className="mt-3 rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
              {inviteError}
            </p>
          ) : null}
          {outcomes.length ? (
            <ul aria-label="Invitation results" className="mt-3 space-y-1 text-sm">
              {outcomes.map((o) => (
                <li key={o.email} className={o.result === "invited" ? "text-emerald-700" : "text-amber-800"}>
                  {o.message}
                </li>
              ))}
            </ul>
          ) : null}
        </section>
      ) : null}

      <div aria-live="polite">
        {error ? (
          <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
            {error}
          </p>
        ) : null}
        {notice ? <p className="rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-800">{notice}</p> : null}
      </div>

      <div className="overflow-x-auto rounded-xl border border-slate-200 bg-white shadow-sm">
        <table className="min-w-full divide-y divide-slate-200 text-sm">
          <caption className="sr-only">Members</caption>
          <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-500">
            <tr>
              <th scope="col" className="px-4 py-2">
                Name
              </th>
              <th scope="col" className="px-4 py-2">
                Role
              </th>
              <th scope="col" className="px-4 py-2">
                Status
              </th>
              <th scope="col" className="px-4 py-2">
                Last sign-in
              </th>
              {props.integrations.length ? (
                <th scope="col" className="px-4 py-2">
                  Call recorders
                </th>
              ) : null}
              {props.isAdmin ? (
                <th scope="col" className="px-4 py-2">
                  <span className="sr-only">Actions</span>
                </th>
              ) : null}
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {props.members.map((m) => {
              const lastAdmin = m.role === "ADMIN" && m.status === "ACTIVE" && activeAdmins === 1;
              return (
                <tr key={m.membershipId}>
                  <td className="px-4 py-3">
                    <div className="font-medium text-slate-900">
                      {m.name ?? m.email}
                      {m.userId === props.currentUserId ? <span className="ml-1 text-xs font-normal text-slate-500">(you)</span> : null}
                    </div>
                    <div className="text-slate-500">{m.email}</div>
                  </td>
                  <td className="px-4 py-3">
                    {props.isAdmin ? (
                      <select
                        aria-label={`Role for ${m.email}`}
                        value={m.role}
                        disabled={busy !== null}
                        onChange={(e) => {
                          const role = e.target.value as Role;
                          void act(
                            `role-${m.membershipId}`,
                            () => request(`/api/members/${m.membershipId}`, { method: "PATCH", body: { role } }),
                            `${m.name ?? m.email} is now ${role === "ADMIN" ? "an admin" : "a member"}.`,
                          );
                        }}
                        className="rounded-md border border-slate-300 px-2 py-1 text-sm"
                      >
                        <option value="MEMBER">Member</option>
                        <option value="ADMIN">Admin</option>
                      </select>
                    ) : (
                      ROLE_LABEL[m.role]
                    )}
                  </td>
                  <td className="px-4 py-3">{m.status === "ACTIVE" ? <Badge tone="green">Active</Badge> : <Badge tone="gray">Deactivated</Badge>}</td>
                  <td className="px-4 py-3 text-slate-600">{m.lastSignInAt ? <Time at={m.lastSignInAt} /> : "Never"}</td>
                  {props.integrations.length ? (
                    <td className="px-4 py-3 text-slate-600">
                      <ul>
                        {m.matches.map((x) => (
                          <li key={x.provider}>{x.label}</li>
                        ))}
                      </ul>
                    </td>
                  ) : null}
                  {props.isAdmin ? (
                    <td className="px-4 py-3 text-right whitespace-nowrap">
                      {m.status === "ACTIVE" ? (
                        <Button
                          variant="ghost"
                          aria-label={`Deactivate ${m.email}`}
                          title={lastAdmin ? "The last admin cannot be deactivated" : undefined}
                          disabled={busy !== null}
                          onClick={() =>
                            setConfirm({
                              title: `Deactivate ${m.name ?? m.email}?`,
                              body: "They are signed out at once and can no longer open this workspace. Their synced calls stay. You can reactivate them later.",
                              action: "Deactivate",
                              run: () =>
                                act(
                                  `deact-${m.membershipId}`,
                                  () => request(`/api/members/${m.membershipId}/deactivate`, { method: "POST" }),
                                  `Deactivated ${m.email}.`,
                                ),
                            })
                          }
                        >
                          Deactivate
                        </Button>
                      ) : (
                        <Button
                          variant="ghost"
                          aria-label={`Reactivate ${m.email}`}
                          disabled={busy !== null}
                          onClick={() =>
                            act(
                              `react-${m.membershipId}`,
                              () => request(`/api/members/${m.membershipId}/reactivate`, { method: "POST" }),
                              `Reactivated ${m.email}.`,
                            )
                          }
                        >
                          Reactivate
                        </Button>
                      )}
                      <Button
                        variant="ghost"
                        aria-label={`Remove ${m.email}`}
                        disabled={busy !== null}
                        onClick={() =>
                          setConfirm({
                            title: `Remove ${m.name ?? m.email} from the workspace?`,
                            body: "They lose access at once. Their synced calls stay. To let them back in, invite them again.",
                            action: "Remove",
                            run: () =>
                              act(`remove-${m.membershipId}`, () => request(`/api/members/${m.membershipId}`, { method: "DELETE" }), `Removed ${m.email}.`),
                          })
                        }
                      >
                        Remove
                      </Button>
                    </td>
                  ) : null}
                </tr>
              );
            })}
            {props.invitations.map((inv) => (
              <tr key={inv.invitationId}>
                <td className="px-4 py-3">
                  <div className="font-medium text-slate-900">{inv.email}</div>
                  <div className="text-slate-500">{inv.invitedBy ? `Invited by ${inv.invitedBy}` : "Invited"}</div>
                </td>
                <td className="px-4 py-3">{ROLE_LABEL[inv.role]}</td>
                <td className="px-4 py-3">
                  {inv.status === "INVITED" ? <Badge tone="blue">Invited</Badge> : <Badge tone="amber">Invitation expired</Badge>}
                  <div className="mt-1 text-xs text-slate-500">
                    {inv.status === "INVITED" ? "Expires " : "Expired "}
                    <Time at={inv.expiresAt} dateOnly />
                    {inv.status === "INVITED" ? "" : "; resend it"}
                  </div>
                </td>
                <td className="px-4 py-3 text-slate-600">—</td>
                {props.integrations.length ? <td className="px-4 py-3" /> : null}
                {props.isAdmin ? (
                  <td className="px-4 py-3 text-right whitespace-nowrap">
                    {/* An expired link no longer works, so there is nothing to copy until it is resent. */}
                    {inv.status === "INVITED" ? (
                      <Button variant="ghost" aria-label={`Copy link for ${inv.email}`} disabled={busy !== null} onClick={() => copyLink(inv)}>
                        Copy link
                      </Button>
                    ) : null}
                    <Button
                      variant="ghost"
                      aria-label={`Resend ${inv.email}`}
                      disabled={busy !== null}
                      onClick={() =>
                        act(
                          `resend-${inv.invitationId}`,
                          () => request(`/api/members/invitations/${inv.invitationId}/resend`, { method: "POST" }),
                          `Sent the invitation to ${inv.email} again.`,
                        )
                      }
                    >
                      Resend
                    </Button>
                    <Button
                      variant="ghost"
                      aria-label={`Revoke ${inv.email}`}
                      disabled={busy !== null}
                      onClick={() =>
                        setConfirm({
                          title: `Revoke the invitation to ${inv.email}?`,
                          body: "The link stops working at once. You can invite them again later.",
                          action: "Revoke",
                          run: () =>
                            act(
                              `revoke-${inv.invitationId}`,
                              () => request(`/api/members/invitations/${inv.invitationId}`, { method: "DELETE" }),
                              `Revoked the invitation to ${inv.email}.`,
                            ),
                        })
                      }
                    >
                      Revoke
                    </Button>
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <Dialog
        open={confirm !== null}
        onClose={() => setConfirm(null)}
        title={confirm?.title ?? ""}
        footer={
          <>
            <Button variant="secondary" onClick={() => setConfirm(null)}>
              Cancel
            </Button>
            <Button
              variant="danger"
              onClick={async () => {
                const c = confirm;
                setConfirm(null);
                await c?.run();
              }}
            >
              {confirm?.action}
            </Button>
          </>
        }
      >
        <p>{confirm?.body}</p>
      </Dialog>
    </div>
  );
}
