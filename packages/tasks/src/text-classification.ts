import { TEXT_ASSETS, TEXT_PREPROCESSING_EXAMPLE } from "./conventions";
import type { TaskDescriptor } from "./task-descriptor";

export const textClassification: TaskDescriptor = {
  task: "TEXT_CLASSIFICATION",
  displayName: "Text classification",
  summary: "Texts in, a label per text with every label's probability out (sentiment, topics, routing).",
  operation: "classifyText",
  input: "texts",
  answer: "labels",
  delivery: "whole",
  meteredBy: "input",
  batching: "pad-sequences",
  playground: "text-labels",
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
  snippet: {
    query:
      "mutation($m: String!, $v: String, $t: [String!]!) { classifyText(model: $m, version: $v, inputs: $t) { label score } }",
    variables: { t: ["I love this product"] },
  },
};
