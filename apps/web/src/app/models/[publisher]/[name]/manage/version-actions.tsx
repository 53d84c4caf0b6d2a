"use client";
import { DeprecateVersionDocument, YankVersionDocument } from "@modelmarket/sdk";
import { useRouter } from "next/navigation";
import { DataTable } from "@/components/data-table";
import { FormStatus, useFormAction } from "@/components/form-state";
import { date } from "@/lib/format";
import type { OwnModel } from "./page";

/** Each version's status, with deprecate / yank (and undo) buttons. */
export function VersionActions({
  slug,
  versions,
  latest,
}: {
  slug: string;
  versions: OwnModel["versions"];
  latest: string | null;
}) {
  const router = useRouter();
  const action = useFormAction();

  async function act(status: "deprecate" | "yank", version: string, undo: boolean) {
    const variables = { model: slug, version, undo };
    const failed = { failed: "That did not work." };
    if (status === "deprecate") await action.run(DeprecateVersionDocument, variables, failed);
    else await action.run(YankVersionDocument, variables, failed);
    router.refresh();
  }

  return (
    <>
      <FormStatus message={action.message} />
      <DataTable
        caption="Versions"
        columns={["Version", "Status", "Published", "Notes", "Actions"]}
        rows={versions.map((v) => [
          v.version,
          v.yanked ? "yanked" : v.deprecated ? "deprecated" : v.version === latest ? "latest" : "available",
          date(v.createdAt),
          v.notes ?? "",
          <span key="actions" style={{ display: "flex", gap: "0.5rem", flexWrap: "wrap" }}>
            <button
              type="button"
              className="secondary small"
              onClick={() => void act("deprecate", v.version, v.deprecated)}
            >
              {v.deprecated ? `Undeprecate ${v.version}` : `Deprecate ${v.version}`}
            </button>
            <button type="button" className="secondary small" onClick={() => void act("yank", v.version, v.yanked)}>
              {v.yanked ? `Unyank ${v.version}` : `Yank ${v.version}`}
            </button>
          </span>,
        ])}
      />
    </>
  );
}
