import { ModelPageDocument, ModelPageMineDocument } from "@modelmarket/sdk";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { getServerSession } from "next-auth";
import { DataTable } from "@/components/data-table";
import { gqlAsUser } from "@/lib/api";
import { authOptions } from "@/lib/auth-options";
import { count, date, type MetricFigure, metricValue, qualityHeadline } from "@/lib/format";
import { fetchTasks } from "@/lib/tasks";
import { webEnv } from "@/lib/web-env";
import { Plans } from "./plans";
import { Playground } from "./playground";
import { Snippets } from "./snippets";

export const dynamic = "force-dynamic";

/** One quality figure of a version (EvaluationMetric in the schema). */
interface Metric extends MetricFigure {
  dataset: string;
  split: string | null;
  description: string | null;
  higherIsBetter: boolean | null;
  source: string;
}

export interface ModelPlan {
  id: string;
  name: string;
  monthlyFeeCents: number;
  includedUnits: number;
  unitPriceMicros: number;
  inputPricePerMillionMicros: number | null;
  outputPricePerMillionMicros: number | null;
  currency: string;
  rateLimitPerMinute: number;
}

interface ModelData {
  model: {
    id: string;
    slug: string;
    name: string;
    description: string;
    task: string;
    tags: string[];
    visibility: string;
    publisher: { name: string; slug: string };
    card: {
      intendedUse: string | null;
      limitations: string | null;
      license: string | null;
      source: string | null;
    } | null;
    versions: {
      id: string;
      version: string;
      sha256: string;
      sizeBytes: number;
      createdAt: string;
      signature: { inputs?: TensorSpec[]; outputs?: TensorSpec[] };
      evaluation: Record<string, number> | null;
      metrics: Metric[];
      headlineMetric: MetricFigure | null;
      notes: string | null;
      deprecated: boolean;
      deprecationNote: string | null;
      yanked: boolean;
      yankReason: string | null;
      examples: { name?: string; text?: string; image?: string }[] | null;
    }[];
    latestVersion: { version: string } | null;
    plans: ModelPlan[];
  } | null;
}
interface TensorSpec {
  name: string;
  elemType?: string;
  shape?: (number | string)[];
}
export interface MySubscription {
  id: string;
  status: string;
  usedUnits: number;
  model: { slug: string };
  plan: { id: string; name: string; includedUnits: number; monthlyFeeCents: number; currency: string };
}

type Params = { publisher: string; name: string };

export async function generateMetadata({ params }: { params: Promise<Params> }): Promise<Metadata> {
  const { publisher, name } = await params;
  return { title: `${decodeURIComponent(publisher)}/${decodeURIComponent(name)}` };
}

export default async function ModelPage({ params }: { params: Promise<Params> }) {
  const { publisher, name } = await params;
  const slug = `${decodeURIComponent(publisher)}/${decodeURIComponent(name)}`;
  const session = await getServerSession(authOptions);
  const result = await gqlAsUser(ModelPageDocument, { slug });
  if (result.errors?.[0]?.extensions?.code === "NOT_FOUND" || (!result.errors && !result.data?.model)) notFound();
  // JSON fields (signature, evaluation, examples) as the page reads them.
  const model = result.data?.model as ModelData["model"] | undefined;
  if (!model) {
    return <p className="error-box">Could not load this model: {result.errors?.[0]?.message}</p>;
  }
  const mine = session
    ? (
        await gqlAsUser(ModelPageMineDocument, {
          slug: model.slug,
        })
      ).data
    : undefined;
  const subscription = mine?.subscriptions.find((s) => s.model.slug === model.slug && s.status !== "CANCELED") ?? null;
  const latest = model.versions.find((v) => v.version === model.latestVersion?.version);
  const taskInfo = (await fetchTasks()).find((t) => t.task === model.task);
  const ownModel = Boolean(session?.user?.tenantSlug && session.user.tenantSlug === model.publisher.slug);
  const publicApiUrl = webEnv().publicApiUrl;
  return (
    <>
      <p className="muted">
        <Link href="/">Catalog</Link> / {model.publisher.name}
      </p>
      <h1>{model.name}</h1>
      <ul className="badges" aria-label="Task and tags">
        <li className="badge">{taskInfo?.displayName ?? model.task}</li>
        {model.visibility === "PRIVATE" ? <li className="badge">private</li> : null}
        {model.tags.map((t) => (
          <li key={t} className="badge">
            {t}
          </li>
        ))}
      </ul>
      <p>{model.description}</p>
      {ownModel ? (
        <p>
          <Link href={`/models/${model.slug}/manage`}>Manage this model</Link> (versions, edit, plans)
        </p>
      ) : null}
      <p className="muted">
        Call it as <code>{model.slug}</code>
        {latest ? ` · latest version ${latest.version}` : ""}
        {latest && qualityHeadline(latest.headlineMetric, latest.evaluation)
          ? ` · ${qualityHeadline(latest.headlineMetric, latest.evaluation)}`
          : ""}
      </p>

      <div className="two-col">
        <div>
          <h2>Try it</h2>
          <Playground
            slug={model.slug}
            kind={taskInfo?.playground ?? ""}
            versions={model.versions.filter((v) => !v.yanked)}
            examples={latest?.examples ?? []}
            signedIn={Boolean(session)}
            subscription={subscription}
            userIds={mine?.model?.playgroundUserIds ?? []}
            freePlan={model.plans.find((p) => p.monthlyFeeCents === 0 && p.unitPriceMicros === 0) ?? null}
            ownModel={ownModel}
          />
        </div>
        <div>
          <h2>Plans</h2>
          <Plans slug={model.slug} plans={model.plans} signedIn={Boolean(session)} subscription={subscription} />
        </div>
      </div>

      <h2>Model card</h2>
      {model.card ? (
        <dl className="card">
          {(
            [
              ["Intended use", model.card.intendedUse],
              ["Limitations", model.card.limitations],
              ["License", model.card.license],
              ["Source", model.card.source],
            ] as const
          ).map(([label, value]) =>
            value ? (
              <div key={label}>
                <dt>
                  <strong>{label}</strong>
                </dt>
                <dd style={{ margin: "0 0 0.75rem" }}>{value}</dd>
              </div>
            ) : null,
          )}
        </dl>
      ) : (
        <p className="muted">The publisher has not written a card for this model.</p>
      )}
      {model.task === "FACE_EMBEDDING" || model.task === "FACE_DETECTION" ? (
        <section className="card" aria-label="Faces and privacy">
          <h3 style={{ marginTop: 0 }}>Faces and privacy</h3>
          <p>
            Photos sent to this model exist for the call only: they are not stored, logged, used for training or shown
            to the publisher.
            {model.task === "FACE_EMBEDDING"
              ? " The face vectors are never returned: the answer is a similarity and a yes or no."
              : " The answer is where the faces are, not who they are."}
          </p>
          <p className="muted" style={{ margin: 0 }}>
            Call it only for the intended use above and with the consent of the people shown; identifying strangers,
            profiling and covert surveillance are not acceptable uses on Modelmarket (docs/privacy.md).
          </p>
        </section>
      ) : null}

      <h2>Quality</h2>
      {latest?.metrics.length ? (
        <>
          <p className="muted">
            {latest.metrics.every((m) => m.source === "PLATFORM")
              ? `Measured by Modelmarket when it built version ${latest.version}.`
              : `Declared by the publisher for version ${latest.version}; Modelmarket has not measured these figures.`}
          </p>
          <DataTable
            caption={`Quality of version ${latest.version}`}
            columns={["Metric", "Value", "Dataset", "Split", "About"]}
            rows={latest.metrics.map((m) => [
              <span key="n">
                {m.name}
                {m.name === latest.headlineMetric?.name ? <span className="muted"> (headline)</span> : null}
              </span>,
              <span key="v" title={m.higherIsBetter === false ? "lower is better" : undefined}>
                {metricValue(m)}
                {m.higherIsBetter === false ? <span className="muted"> ↓ better</span> : null}
              </span>,
              m.dataset,
              m.split ?? "—",
              m.description ?? "",
            ])}
          />
        </>
      ) : (
        <p className="muted">No quality figures for the latest version.</p>
      )}

      <h2>Versions</h2>
      <DataTable
        columns={["Version", "Status", "Published", "Inputs → outputs", "Quality", "Size"]}
        rows={model.versions.map((v) => [
          v.notes ? (
            <span key="v">
              {v.version}
              <br />
              <span className="muted">{v.notes}</span>
            </span>
          ) : (
            v.version
          ),
          v.yanked
            ? `yanked${v.yankReason ? `: ${v.yankReason}` : ""}`
            : v.deprecated
              ? `deprecated${v.deprecationNote ? `: ${v.deprecationNote}` : ""}`
              : v.version === latest?.version
                ? "latest"
                : "available",
          date(v.createdAt),
          <code key="sig">
            {(v.signature.inputs ?? []).map(spec).join(", ")} → {(v.signature.outputs ?? []).map(spec).join(", ")}
          </code>,
          qualityHeadline(v.headlineMetric, v.evaluation) ?? "not given",
          `${count(Math.round(v.sizeBytes / 1024))} KiB`,
        ])}
      />

      <h2>Call it from your code</h2>
      <Snippets
        slug={model.slug}
        operation={taskInfo?.operation ?? ""}
        versions={model.versions.filter((v) => !v.yanked).map((v) => v.version)}
        apiUrl={publicApiUrl}
      />
    </>
  );
}

function spec(t: TensorSpec): string {
  return `${t.name}${t.elemType ? `: ${t.elemType.toLowerCase()}` : ""}${t.shape ? `[${t.shape.join(", ")}]` : ""}`;
}
