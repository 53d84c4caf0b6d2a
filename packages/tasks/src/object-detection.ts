import type { TaskDescriptor } from "./task-descriptor";

export const objectDetection: TaskDescriptor = {
  task: "OBJECT_DETECTION",
  displayName: "Object detection",
  summary:
    "A PNG or JPEG in, labelled boxes in the image's pixels out (rows with suppression built in, or a raw YOLO head).",
  operation: "detectObjects",
  input: "images",
  answer: "boxes",
  delivery: "whole",
  meteredBy: "input",
  batching: "same-shape",
  playground: "image-boxes",
  assets: [{ role: "labels", label: "Labels (JSON array, one per class id)", accept: ".json", required: true }],
  preprocessingExample:
    '{ "resize": "letterbox", "letterbox": { "pad": 114 }, "detectionFormat": "yolo", "iouThreshold": 0.45 }',
  snippet: {
    query:
      "mutation($m: String!, $v: String, $i: [ImageInput!]!) { detectObjects(model: $m, version: $v, images: $i) { objects { label score box { x y width height } } } }",
    variables: { i: [{ base64: "<base64 of a PNG or JPEG>" }] },
  },
};
