import { IMAGE_PREPROCESSING_EXAMPLE } from "./conventions";
import type { TaskDescriptor } from "./task-descriptor";

export const imageEmbedding: TaskDescriptor = {
  task: "IMAGE_EMBEDDING",
  displayName: "Image embedding",
  summary:
    "A PNG or JPEG in, one vector per image out (image search, deduplication, similar products): [batch, dim], as the model gives it.",
  operation: "embedImage",
  input: "images",
  answer: "vectors",
  delivery: "whole",
  meteredBy: "input",
  batching: "same-shape",
  playground: "image-vector",
  assets: [],
  preprocessingExample: IMAGE_PREPROCESSING_EXAMPLE,
  snippet: {
    query:
      "mutation($m: String!, $v: String, $i: [ImageInput!]!) { embedImage(model: $m, version: $v, images: $i) { dimensions values } }",
    variables: { i: [{ base64: "<base64 of a PNG or JPEG>" }] },
  },
};
