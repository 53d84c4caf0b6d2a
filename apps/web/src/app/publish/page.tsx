import type { Metadata } from "next";
import { fetchTasks } from "@/lib/tasks";
import { PublishWizard } from "./publish-wizard";

export const metadata: Metadata = { title: "Publish a model" };

export default async function PublishPage() {
  const tasks = await fetchTasks();
  return (
    <>
      <h1>Publish a model</h1>
      <p className="muted">
        Upload an ONNX file and the files its task needs, describe it, and set its plans. The platform checks that the
        graph fits the task, runs it once, and checks your examples before it is listed. Publish it as a private draft,
        try it in its playground, then make it public from its page.
      </p>
      <PublishWizard tasks={tasks} />
    </>
  );
}
