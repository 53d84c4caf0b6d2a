import { OwnModelsDocument } from "@modelmarket/sdk";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { gqlAsUser } from "@/lib/api";
import { fetchTasks } from "@/lib/tasks";
import type { ModelPlan } from "../page";
import { EditModelForm } from "./edit-model-form";
import { NewVersionForm } from "./new-version-form";
import { PlanActions } from "./plan-actions";
import { UnpublishButton } from "./unpublish-button";
import { VersionActions } from "./version-actions";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Manage model" };

export interface OwnModel {
  slug: string;
  name: string;
  description: string;
  task: string;
  visibility: string;
  unpublishedAt: string | null;
  tags: string[];
  card: {
    intendedUse: string | null;
    limitations: string | null;
    license: string | null;
    source: string | null;
  } | null;
  plans: ModelPlan[];
  latestVersion: { version: string } | null;
  versions: {
    version: string;
    createdAt: string;
    notes: string | null;
    deprecated: boolean;
    deprecationNote: string | null;
    yanked: boolean;
    yankReason: string | null;
  }[];
}

type Params = { publisher: string; name: string };

/** The publisher's controls for one model: edit, new version, version status, unpublish. */
export default async function ManageModelPage({ params }: { params: Promise<Params> }) {
  const { publisher, name } = await params;
  const slug = `${decodeURIComponent(publisher)}/${decodeURIComponent(name)}`;
  const [result, tasks] = await Promise.all([
    // Only the publisher's own models: publishedModels lists nothing of another organisation.
    gqlAsUser(OwnModelsDocument),
    fetchTasks(),
  ]);
  if (!result.data) return <p className="error-box">Could not load your models: {result.errors?.[0]?.message}</p>;
  const own = result.data.publishedModels.find((m) => m.model.slug === slug);
  if (!own) notFound();
  const { model, subscribers } = own;
  const task = tasks.find((t) => t.task === model.task);
  return (
    <>
      <p className="muted">
        <Link href="/publishing">Your models</Link> / <Link href={`/models/${model.slug}`}>{model.name}</Link>
      </p>
      <h1>Manage {model.name}</h1>
      <p className="muted">
        {model.unpublishedAt
          ? "Unpublished: out of the catalog; subscribers are served until their paid period ends."
          : model.visibility === "PRIVATE"
            ? "Private draft: only your organisation sees it. Try it on its page, then make it public here."
            : "Public: listed in the catalog."}{" "}
        {subscribers} live subscription{subscribers === 1 ? "" : "s"} · latest version{" "}
        {model.latestVersion?.version ?? "none"}
      </p>

      <h2>Versions</h2>
      <VersionActions slug={model.slug} versions={model.versions} latest={model.latestVersion?.version ?? null} />

      <h2>New version</h2>
      {task ? (
        <NewVersionForm slug={model.slug} task={task} />
      ) : (
        <p className="error-box">Unknown task {model.task}.</p>
      )}

      <h2>Edit</h2>
      <EditModelForm model={model} />

      <h2>Plans</h2>
      <PlanActions slug={model.slug} plans={model.plans} byToken={task?.meteredBy === "token"} />

      {model.unpublishedAt ? null : (
        <>
          <h2>Unpublish</h2>
          <UnpublishButton slug={model.slug} subscribers={subscribers} />
        </>
      )}
    </>
  );
}
