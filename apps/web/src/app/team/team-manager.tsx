"use client";
import {
  ChangeMemberRoleDocument,
  InviteMemberDocument,
  LeaveOrganisationDocument,
  type MemberRole,
  RemoveMemberDocument,
  RevokeInvitationDocument,
  type TeamQuery,
} from "@modelmarket/sdk";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { CopyButton } from "@/components/copy-button";
import { DataTable } from "@/components/data-table";
import { FormStatus, useFormAction } from "@/components/form-state";
import type { Document } from "@/lib/client-gql";
import { date } from "@/lib/format";

export type MemberRow = TeamQuery["members"][number];
export type InvitationRow = TeamQuery["invitations"][number];

/** The roles and what each may do (the API's table, docs/teams.md). */
const ROLES: [string, string][] = [
  ["OWNER", "everything, including owners and reassigning a leaver's keys"],
  ["ADMIN", "everything except the owner role"],
  ["DEVELOPER", "call and publish models, manage API keys"],
  ["BILLING", "subscriptions, usage, invoices and payouts"],
];
const label = (role: string) => role.charAt(0) + role.slice(1).toLowerCase();

export function TeamManager(props: {
  me: { userId: string; role: string };
  canManage: boolean;
  members: MemberRow[];
  invitations: InvitationRow[];
}) {
  const { me, canManage, members, invitations } = props;
  const router = useRouter();
  const isOwner = me.role === "owner";
  const [invited, setInvited] = useState<{ email: string; url: string; emailed: boolean } | null>(null);
  const action = useFormAction();
  const { busy, message } = action;
  const [removing, setRemoving] = useState<MemberRow | null>(null);
  const [inviteRole, setInviteRole] = useState("DEVELOPER");

  async function run<T, V>(query: Document<T, V>, variables: V, done: (data: T) => string) {
    const data = await action.run(query, variables, { failed: "That did not work; retry.", done });
    if (data) router.refresh();
    return data !== null;
  }

  async function invite(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const email = String(data.get("email"));
    setInvited(null);
    await run(InviteMemberDocument, { email, role: String(data.get("role")) as MemberRole }, (d) => {
      setInvited({ email, url: d.inviteMember.url, emailed: d.inviteMember.emailed });
      form.reset();
      return `Invitation created for ${email}.`;
    });
  }

  async function remove(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!removing) return;
    const heir = String(new FormData(event.currentTarget).get("heir") ?? "");
    const self = removing.userId === me.userId;
    const said = (r: { revokedKeys: number; reassignedKeys: number }) =>
      `${removing.email} removed: ${r.revokedKeys} key(s) revoked, ${r.reassignedKeys} handed over.`;
    const ok = self
      ? await run(LeaveOrganisationDocument, {}, (d) => said(d.leaveOrganisation))
      : await run(RemoveMemberDocument, { userId: removing.userId, reassignKeysTo: heir || null }, (d) =>
          said(d.removeMember),
        );
    setRemoving(null);
    if (ok && self) window.location.assign("/");
  }

  const others = members.filter((m) => m.userId !== removing?.userId);
  return (
    <div className="stack">
      {canManage ? (
        <form className="card stack" onSubmit={invite} aria-label="Invite a member">
          <h2 style={{ margin: 0 }}>Invite someone</h2>
          <div className="row" style={{ flexWrap: "wrap", gap: "1rem" }}>
            <label style={{ flex: "2 1 16rem" }}>
              Email
              <input name="email" type="email" required maxLength={254} autoComplete="off" />
            </label>
            <label style={{ flex: "1 1 10rem" }}>
              Role
              <select name="role" value={inviteRole} onChange={(e) => setInviteRole(e.target.value)}>
                {ROLES.filter(([role]) => isOwner || role !== "OWNER").map(([role]) => (
                  <option key={role} value={role}>
                    {label(role)}
                  </option>
                ))}
              </select>
              <span className="muted" style={{ fontWeight: 400 }}>
                {ROLES.find(([role]) => role === inviteRole)?.[1]}
              </span>
            </label>
          </div>
          <div>
            <button type="submit" disabled={busy}>
              {busy ? "Inviting…" : "Send invitation"}
            </button>
          </div>
        </form>
      ) : null}

      <FormStatus message={message} />
      {invited ? (
        <section className="warn-box stack" aria-label="Invitation link">
          <strong>
            {invited.emailed
              ? `Mailed to ${invited.email}. You can also send the link yourself:`
              : `Mail is not configured here: send this link to ${invited.email} yourself.`}
          </strong>
          <input
            readOnly
            value={invited.url}
            aria-label="Invitation link"
            data-testid="invitation-link"
            onFocus={(e) => e.currentTarget.select()}
          />
          <span className="muted">It works once and is shown only now (only its fingerprint is stored).</span>
          <CopyButton key={invited.url} text={invited.url} label="Copy link" />
        </section>
      ) : null}

      <h2>Members</h2>
      <DataTable
        caption="Members"
        columns={["Email", "Role", "Joined", "Last active", "Live keys", ""]}
        rowTestId={(i) => `member-${members[i]?.email}`}
        rows={members.map((m) => {
          const self = m.userId === me.userId;
          const editable = canManage && !self && (isOwner || m.role !== "OWNER");
          return [
            <span key="e">
              {m.email}
              {self ? <span className="muted"> (you)</span> : null}
            </span>,
            editable ? (
              <select
                key="r"
                aria-label={`Role of ${m.email}`}
                defaultValue={m.role}
                style={{ minWidth: "7.5rem" }}
                disabled={busy}
                onChange={(e) =>
                  run(
                    ChangeMemberRoleDocument,
                    { userId: m.userId, role: e.target.value as MemberRole },
                    () => `${m.email} is now ${label(e.target.value).toLowerCase()}.`,
                  )
                }
              >
                {ROLES.filter(([role]) => isOwner || role !== "OWNER").map(([role]) => (
                  <option key={role} value={role}>
                    {label(role)}
                  </option>
                ))}
              </select>
            ) : (
              label(m.role)
            ),
            date(m.joinedAt),
            date(m.lastActiveAt),
            m.activeKeys,
            editable || self ? (
              <button
                key="x"
                type="button"
                className="small secondary"
                aria-label={self ? "Leave this organisation" : `Remove ${m.email}`}
                onClick={() => setRemoving(m)}
              >
                {self ? "Leave" : "Remove"}
              </button>
            ) : null,
          ];
        })}
      />

      {removing ? (
        <form className="card stack" onSubmit={remove} aria-label="Confirm removal">
          <strong>
            {removing.userId === me.userId
              ? "Leave this organisation? You lose access at once and the API keys you created here are revoked."
              : `Remove ${removing.email}? Their sessions stop at once, and their ${removing.activeKeys} live API key(s) are revoked unless you hand them to someone.`}
          </strong>
          {isOwner && removing.userId !== me.userId && removing.activeKeys > 0 ? (
            <label>
              Hand their keys to
              <select name="heir" defaultValue="">
                <option value="">Nobody: revoke them</option>
                {others.map((m) => (
                  <option key={m.userId} value={m.userId}>
                    {m.email}
                  </option>
                ))}
              </select>
            </label>
          ) : null}
          <div className="row" style={{ gap: "0.5rem" }}>
            <button type="submit" className="danger" disabled={busy}>
              {removing.userId === me.userId ? "Leave" : "Remove member"}
            </button>
            <button type="button" className="secondary" onClick={() => setRemoving(null)}>
              Cancel
            </button>
          </div>
        </form>
      ) : null}

      <h2>Pending invitations</h2>
      {invitations.length === 0 ? (
        <p className="muted">None.</p>
      ) : (
        <DataTable
          caption="Pending invitations"
          columns={["Email", "Role", "Invited by", "Expires", ""]}
          rows={invitations.map((i) => [
            i.email,
            label(i.role),
            i.invitedByEmail ?? "—",
            date(i.expiresAt),
            canManage ? (
              <button
                key="x"
                type="button"
                className="small secondary"
                aria-label={`Revoke the invitation of ${i.email}`}
                disabled={busy}
                onClick={() => run(RevokeInvitationDocument, { id: i.id }, () => `Revoked.`)}
              >
                Revoke
              </button>
            ) : null,
          ])}
        />
      )}
    </div>
  );
}
