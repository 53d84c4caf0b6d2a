import { TeamDocument } from "@modelmarket/sdk";
import type { Metadata } from "next";
import { LoadError } from "@/components/load-error";
import { gqlAsUser } from "@/lib/api";
import { NewOrganisationForm } from "./new-organisation-form";
import { TeamManager } from "./team-manager";

export const metadata: Metadata = { title: "Team" };
export const dynamic = "force-dynamic";

/** The organisation's members and invitations; owners and admins manage them here. */
export default async function TeamPage() {
  const result = await gqlAsUser(TeamDocument);
  const data = result.data;
  return (
    <>
      <h1>Team{data?.me ? ` of ${data.me.tenant.name}` : ""}</h1>
      <p className="muted">
        Everyone in the organisation, with their role. Owners and admins invite people by email and remove leavers; a
        removed member&apos;s API keys stop working at once.
      </p>
      {!data?.me ? (
        <LoadError what="the team" errors={result.errors} />
      ) : (
        <TeamManager
          me={{ userId: data.me.id, role: data.me.role }}
          canManage={data.me.scopes.includes("members:write")}
          members={data.members}
          invitations={data.invitations}
        />
      )}
      <NewOrganisationForm />
    </>
  );
}
