import type { Metadata } from "next";
import { PublishWizard } from "./publish-wizard";

export const metadata: Metadata = { title: "Publish a model" };

export default function PublishPage() {
  return (
    <>
      <h1>Publish a model</h1>
      <p className="muted">
        Upload an ONNX file and the files its task needs, describe it, and set its plans. The platform checks that the
        graph fits the task and runs it once before it is listed.
      </p>
      <PublishWizard />
    </>
  );
}
