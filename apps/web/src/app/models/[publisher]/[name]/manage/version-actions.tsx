"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { DataTable } from "@/components/data-table";
import { clientGql } from "@/lib/client-gql";
import { date } from "@/lib/format";
import type { OwnModel } from "./page";

const DEPRECATE = `mutation($m: String!, $v: String!, $undo: Boolean!) { deprecateVersion(model: $m, version: $v, undo: $undo) { id } }`;
const YANK = `mutation($m: String!, $v: String!, $undo: Boolean!) { yankVersion(model: $m, version: $v, undo: $undo) { id } }`;

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
  const [error, setError] = useState<string | null>(null);

  async function act(query: string, version: string, undo: boolean) {
    setError(null);
    const result = await clientGql(query, { m: slug, v: version, undo });
    if (result.errors) setError(result.errors[0]?.message ?? "That did not work.");
    router.refresh();
  }

  return (
    <>
      {error ? (
        <p className="error-box" role="status">
          {error}
        </p>
      ) : null}
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
              onClick={() => void act(DEPRECATE, v.version, v.deprecated)}
            >
              {v.deprecated ? `Undeprecate ${v.version}` : `Deprecate ${v.version}`}
            </button>
            <button type="button" className="secondary small" onClick={() => void act(YANK, v.version, v.yanked)}>
              {v.yanked ? `Unyank ${v.version}` : `Yank ${v.version}`}
            </button>
          </span>,
        ])}
      />
    </>
  );
}
