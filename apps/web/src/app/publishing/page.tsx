import { YourModelsDocument } from "@modelmarket/sdk";
import type { Metadata } from "next";
import Link from "next/link";
import { DataTable } from "@/components/data-table";
import { LoadError } from "@/components/load-error";
import { gqlAsUser } from "@/lib/api";
import { count, money } from "@/lib/format";
import { taskLabels } from "@/lib/tasks";

export const metadata: Metadata = { title: "Your models" };
export const dynamic = "force-dynamic";

/** The publisher's view: every model of the organisation with its versions, subscribers, calls and earnings. */
export default async function YourModelsPage() {
  const now = new Date();
  const from = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const to = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
  const [result, labels] = await Promise.all([
    gqlAsUser(YourModelsDocument, { from: from.toISOString(), to: to.toISOString() }),
    taskLabels(),
  ]);
  if (!result.data) return <LoadError what="your models" errors={result.errors} />;
  const earned = new Map(result.data.earnings.models.map((m) => [m.model, m]));
  const models = result.data.publishedModels;
  return (
    <>
      <h1>Your models</h1>
      <p className="muted">
        Versions, subscribers, and this month's calls and earnings (net of the platform fee; paid out when the month
        closes). <Link href="/publish">Publish a new model</Link>.
      </p>
      {models.length ? (
        <DataTable
          caption="Your models"
          columns={[
            "Model",
            "Status",
            "Latest version",
            "Versions",
            "Subscribers",
            "Calls this month",
            "Earned this month",
            "",
          ]}
          rowTestId={(i) => `your-model-${models[i]?.model.slug}`}
          rows={models.map(({ model, subscribers }) => {
            const e = earned.get(model.slug);
            return [
              <span key="name">
                <Link href={`/models/${model.slug}`}>{model.name}</Link>
                <br />
                <span className="muted">
                  {model.slug} · {labels[model.task] ?? model.task}
                </span>
              </span>,
              model.unpublishedAt ? "unpublished" : model.visibility === "PRIVATE" ? "private draft" : "public",
              model.latestVersion?.version ?? "none",
              `${model.versions.length}${model.versions.some((v) => v.deprecated || v.yanked) ? " (some retired)" : ""}`,
              count(subscribers),
              count(e?.calls ?? 0),
              money(e?.netCents ?? 0, "usd"),
              <Link key="manage" href={`/models/${model.slug}/manage`} aria-label={`Manage ${model.name}`}>
                Manage
              </Link>,
            ];
          })}
        />
      ) : (
        <p className="card">
          You publish no model yet. <Link href="/publish">Publish one</Link>: upload an ONNX file, describe it, set its
          plans.
        </p>
      )}
    </>
  );
}
