import { AuditPageDocument } from "@modelmarket/sdk";
import type { Metadata } from "next";
import Link from "next/link";
import { DataTable } from "@/components/data-table";
import { LoadError } from "@/components/load-error";
import { gqlAsUser } from "@/lib/api";

export const metadata: Metadata = { title: "Audit log" };
export const dynamic = "force-dynamic";

const FAMILIES: [string, string][] = [
  ["", "Everything"],
  ["user.", "Sign-ins"],
  ["api_key.", "API keys"],
  ["subscription.", "Subscriptions"],
  ["model.", "Models"],
  ["plan.", "Plans"],
  ["member.", "Members"],
  ["tenant.", "Organisation"],
];

/** Who in the organisation did what and when, newest first, by family of actions, 50 a page. */
export default async function AuditPage({
  searchParams,
}: {
  searchParams: Promise<{ action?: string; after?: string }>;
}) {
  const params = await searchParams;
  const action = FAMILIES.some(([value]) => value === params.action) ? (params.action ?? "") : "";
  const result = await gqlAsUser(AuditPageDocument, { after: params.after ?? null, action: action || null });
  const log = result.data?.auditLog;
  const link = (extra: Record<string, string>) =>
    `/audit?${new URLSearchParams({ ...(action ? { action } : {}), ...extra })}`;
  return (
    <>
      <h1>Audit log</h1>
      <p className="muted">
        Who in your organisation did what, and when: sign-ins, API keys, subscriptions, publishing. Each entry names the
        request that did it.
      </p>
      <form method="get" action="/audit" className="row" aria-label="Filter the audit log">
        <label>
          Show{" "}
          <select name="action" defaultValue={action}>
            {FAMILIES.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>{" "}
        <button type="submit" className="small secondary">
          Filter
        </button>
      </form>
      {!log ? (
        <LoadError what="the audit log" errors={result.errors} />
      ) : log.edges.length === 0 ? (
        <p className="muted">Nothing recorded{action ? " of this kind" : ""} yet.</p>
      ) : (
        <>
          <DataTable
            caption="Audit log entries, newest first"
            columns={["When (UTC)", "Who", "Action", "Target", "Details", "Request id"]}
            rowTestId={(i) => `audit-${log.edges[i]?.node.action}`}
            rows={log.edges.map(({ node }) => [
              node.createdAt.replace("T", " ").slice(0, 19),
              node.actor,
              <code key="action">{node.action}</code>,
              node.targetName ? (
                <span key="target" title={`${node.targetType} ${node.targetId}`}>
                  {node.targetName}
                </span>
              ) : (
                `${node.targetType} ${node.targetId}`
              ),
              details(node.metadata),
              node.requestId ? <code key="request">{node.requestId}</code> : "—",
            ])}
          />
          <p>
            {params.after ? <Link href={link({})}>First page</Link> : null}{" "}
            {log.pageInfo.hasNextPage && log.pageInfo.endCursor ? (
              <Link href={link({ after: log.pageInfo.endCursor })}>Next page</Link>
            ) : null}
          </p>
        </>
      )}
    </>
  );
}

/** An entry's details in words: what changed (before → after), else its other facts. */
function details(metadata: string | null): string {
  if (!metadata) return "—";
  let facts: Record<string, unknown>;
  try {
    facts = JSON.parse(metadata) as Record<string, unknown>;
  } catch {
    return "—";
  }
  const show = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v));
  const changes = facts.changes as Record<string, { from?: unknown; to?: unknown } | string> | undefined;
  if (changes && typeof changes === "object") {
    const said = Object.entries(changes).map(([field, c]) =>
      typeof c === "object" && c !== null ? `${field}: ${show(c.from)} → ${show(c.to)}` : `${field} ${c}`,
    );
    return said.length ? said.join("; ") : "nothing changed";
  }
  return Object.entries(facts)
    .filter(([, v]) => v !== null && v !== undefined)
    .map(([k, v]) => `${k}: ${show(v)}`)
    .join("; ");
}
