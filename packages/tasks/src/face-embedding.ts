import type { TaskDescriptor } from "./task-descriptor";

export const faceEmbedding: TaskDescriptor = {
  task: "FACE_EMBEDDING",
  displayName: "Face verification",
  summary:
    "Two face photos (crops) in, whether they show the same person out: the cosine of the model's face vectors against the threshold its publisher documents.",
  operation: "compareFaces",
  input: "images",
  answer: "match",
  delivery: "whole",
  meteredBy: "input",
  batching: "same-shape",
  playground: "face-compare",
  assets: [],
  preprocessingExample: '{ "pixelRange": [0, 255], "matchThreshold": 0.6 }',
  snippet: {
    query:
      "mutation($m: String!, $v: String, $a: ImageInput!, $b: ImageInput!) { compareFaces(model: $m, version: $v, a: $a, b: $b) { cosine threshold sameFace } }",
    variables: { a: { base64: "<base64 of a face photo>" }, b: { base64: "<base64 of another>" } },
  },
};
