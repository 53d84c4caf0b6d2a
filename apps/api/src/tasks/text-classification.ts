import type { TaskModule } from "./task-module";
import { checkTextInputs, TEXT_ASSETS, TEXT_PREPROCESSING_EXAMPLE } from "./text-convention";

export const textClassification: TaskModule = {
  task: "TEXT_CLASSIFICATION",
  displayName: "Text classification",
  operation: "classifyText",
  playground: "text-labels",
  summary: "Texts in, a label per text with every label's probability out (sentiment, topics, routing).",
  assets: [
    ...TEXT_ASSETS,
    {
      role: "labels",
      label: "Labels (JSON array, one per output column; or config.json below)",
      accept: ".json",
      required: false,
    },
    { role: "config", label: "config.json with id2label (Hugging Face)", accept: ".json", required: false },
  ],
  preprocessingExample: TEXT_PREPROCESSING_EXAMPLE,
  async check(c) {
    await checkTextInputs(c);
    c.expectTensor(c.firstOutput, ["float"], 2, "the first output (class scores)");
    await c.labelsFor(c.firstOutput, 1);
  },
};
