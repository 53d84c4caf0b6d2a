import { TEXT_ASSETS, TEXT_PREPROCESSING_EXAMPLE } from "./conventions";
import type { TaskDescriptor } from "./task-descriptor";

export const textEmbedding: TaskDescriptor = {
  task: "TEXT_EMBEDDING",
  displayName: "Text embedding",
  summary: "Texts in, one vector per text out ([batch, dim], or [batch, sequence, dim] mean-pooled).",
  operation: "embedText",
  input: "texts",
  answer: "vectors",
  delivery: "whole",
  meteredBy: "input",
  batching: "pad-sequences",
  playground: "text-similarity",
  assets: TEXT_ASSETS,
  preprocessingExample: TEXT_PREPROCESSING_EXAMPLE,
  snippet: {
    query:
      "mutation($m: String!, $v: String, $t: [String!]!) { embedText(model: $m, version: $v, inputs: $t) { values } }",
    variables: { t: ["The cat sat on the mat"] },
  },
};
