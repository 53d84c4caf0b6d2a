import type { TaskDescriptor } from "./task-descriptor";

export const imageSegmentation: TaskDescriptor = {
  task: "IMAGE_SEGMENTATION",
  displayName: "Image segmentation",
  summary:
    "A PNG or JPEG in, a class for every pixel out: the classes present with their share of the image and the mask as a PNG in the image's own pixels.",
  operation: "segmentImage",
  input: "images",
  answer: "masks",
  delivery: "whole",
  meteredBy: "input",
  batching: "same-shape",
  playground: "image-mask",
  assets: [{ role: "labels", label: "Labels (JSON array, one per class id)", accept: ".json", required: true }],
  preprocessingExample: '{ "mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225], "maskFormat": "scores" }',
  snippet: {
    query:
      "mutation($m: String!, $v: String, $i: [ImageInput!]!) { segmentImage(model: $m, version: $v, images: $i) { width height classes { label pixelShare } maskPng } }",
    variables: { i: [{ base64: "<base64 of a PNG or JPEG>" }] },
  },
};
