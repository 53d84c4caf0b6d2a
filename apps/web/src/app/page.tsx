import { CatalogPageDocument, type ModelTask } from "@modelmarket/sdk";
import Link from "next/link";
import { SubmitOnChangeSelect } from "@/components/submit-on-change-select";
import { gqlAsUser } from "@/lib/api";
import { priceFrom, qualityHeadline } from "@/lib/format";
import { taskLabels } from "@/lib/tasks";

export const dynamic = "force-dynamic";

type Search = { q?: string; task?: string; after?: string };

export default async function CatalogPage({ searchParams }: { searchParams: Promise<Search> }) {
  const { q = "", task = "", after } = await searchParams;
  const TASK_LABELS = await taskLabels();
  const validTask = task in TASK_LABELS ? task : "";
  const result = await gqlAsUser(CatalogPageDocument, {
    query: q.trim() || null,
    // One of the registry's tasks (checked above), so one of the schema's.
    task: (validTask || null) as ModelTask | null,
    after: after || null,
  });
  const models = result.data?.models;
  const nextHref = (cursor: string) =>
    `/?${new URLSearchParams({ ...(q ? { q } : {}), ...(validTask ? { task: validTask } : {}), after: cursor })}`;
  return (
    <>
      <h1>Find a model</h1>
      <search>
        <form className="search" action="/" method="get">
          <label className="visually-hidden" htmlFor="q">
            Search models
          </label>
          <input
            id="q"
            name="q"
            type="search"
            defaultValue={q}
            placeholder="Search by name, description or tag"
            aria-label="Search models"
          />
          <SubmitOnChangeSelect name="task" defaultValue={validTask} aria-label="Task">
            <option value="">All tasks</option>
            {Object.entries(TASK_LABELS).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </SubmitOnChangeSelect>
          <button type="submit">Search</button>
        </form>
      </search>
      {result.errors ? (
        <p className="error-box" role="status">
          Could not load the catalog: {result.errors[0]?.message}
        </p>
      ) : models && models.edges.length === 0 ? (
        <p role="status">No model matches{q ? ` “${q}”` : ""}. Try fewer words or another task.</p>
      ) : models ? (
        <>
          <p className="muted" role="status">
            {models.totalCount} model{models.totalCount === 1 ? "" : "s"}
          </p>
          <ul className="grid" style={{ listStyle: "none", padding: 0 }}>
            {models.edges.map(({ node }) => {
              const headline = qualityHeadline(node.latestVersion?.headlineMetric, node.latestVersion?.evaluation);
              return (
                <li key={node.slug} className="card model-card">
                  <h2>
                    <Link href={`/models/${node.slug}`}>{node.name}</Link>
                  </h2>
                  <p className="muted">
                    by {node.publisher.name}
                    {node.visibility === "PRIVATE" ? " · private" : ""}
                    <br />
                    {/* The slug tells two publishers of the same display name apart. */}
                    <code>{node.slug}</code>
                  </p>
                  <ul className="badges" aria-label="Task and tags">
                    <li className="badge">{TASK_LABELS[node.task] ?? node.task}</li>
                    {node.tags.slice(0, 3).map((t) => (
                      <li key={t} className="badge">
                        {t}
                      </li>
                    ))}
                  </ul>
                  <p>{node.description.length > 140 ? `${node.description.slice(0, 140)}…` : node.description}</p>
                  <p>
                    <strong>{priceFrom(node.plans)}</strong>
                    {headline ? <span className="muted"> · {headline}</span> : null}
                  </p>
                </li>
              );
            })}
          </ul>
          <nav className="pager" aria-label="Pages">
            {after ? (
              <Link
                href={`/?${new URLSearchParams({ ...(q ? { q } : {}), ...(validTask ? { task: validTask } : {}) })}`}
              >
                First page
              </Link>
            ) : null}
            {models.pageInfo.hasNextPage && models.pageInfo.endCursor ? (
              <Link href={nextHref(models.pageInfo.endCursor)}>Next page</Link>
            ) : null}
          </nav>
        </>
      ) : null}
    </>
  );
}
