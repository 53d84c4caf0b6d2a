import { IMAGE_PREPROCESSING_EXAMPLE, LABELS_ASSET } from "./conventions";
import type { TaskDescriptor } from "./task-descriptor";

export const imageClassification: TaskDescriptor = {
  task: "IMAGE_CLASSIFICATION",
  displayName: "Image classification",
  summary: "A PNG or JPEG in, the top labels with probabilities out.",
  operation: "classifyImage",
  input: "images",
  answer: "labels",
  delivery: "whole",
  meteredBy: "input",
  batching: "same-shape",
  playground: "image-labels",
  assets: [LABELS_ASSET],
  preprocessingExample: IMAGE_PREPROCESSING_EXAMPLE,
  snippet: {
    query:
      "mutation($m: String!, $v: String, $i: [ImageInput!]!) { classifyImage(model: $m, version: $v, images: $i, topK: 3) { label score top { label score } } }",
    variables: { i: [{ base64: "<base64 of a PNG or JPEG>" }] },
  },
};
