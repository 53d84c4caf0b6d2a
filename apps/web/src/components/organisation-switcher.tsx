"use client";
import { useRouter } from "next/navigation";
import type { Session } from "next-auth";
import { SessionProvider, useSession } from "next-auth/react";
import { useFormAction } from "./form-state";

export interface OrganisationChoice {
  slug: string;
  name: string;
  role: string;
}

/**
 * The header's organisation switcher: a person in several organisations picks the one the
 * portal acts in. The session is re-issued server-side (auth-options.ts, trigger "update").
 */
export function OrganisationSwitcher(props: { session: Session; active: string; choices: OrganisationChoice[] }) {
  return (
    <SessionProvider session={props.session}>
      <Switcher active={props.active} choices={props.choices} />
    </SessionProvider>
  );
}

function Switcher({ active, choices }: { active: string; choices: OrganisationChoice[] }) {
  const { update } = useSession();
  const router = useRouter();
  const { busy, busyWhile } = useFormAction();
  if (choices.length < 2) {
    const only = choices[0];
    return only ? <span title={`Your role: ${only.role.toLowerCase()}`}>{only.name}</span> : null;
  }
  return (
    <select
      aria-label="Organisation"
      value={active}
      disabled={busy}
      onChange={async (event) => {
        const organisation = event.target.value;
        await busyWhile(async () => {
          await update({ organisation });
          router.push("/");
          router.refresh();
        });
      }}
    >
      {choices.map((c) => (
        <option key={c.slug} value={c.slug}>
          {c.name} ({c.role.toLowerCase()})
        </option>
      ))}
    </select>
  );
}
