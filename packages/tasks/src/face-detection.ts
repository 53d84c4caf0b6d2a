import type { TaskDescriptor } from "./task-descriptor";

export const faceDetection: TaskDescriptor = {
  task: "FACE_DETECTION",
  displayName: "Face detection",
  summary:
    "A PNG or JPEG in, every face's box and landmarks (eyes, nose, mouth… as the model names them) in the image's pixels out.",
  operation: "detectFaces",
  input: "images",
  answer: "faces",
  delivery: "whole",
  meteredBy: "input",
  batching: "same-shape",
  playground: "image-faces",
  assets: [],
  preprocessingExample:
    '{ "resize": "letterbox", "landmarks": ["right_eye", "left_eye", "nose", "mouth", "right_ear", "left_ear"] }',
  snippet: {
    query:
      "mutation($m: String!, $v: String, $i: [ImageInput!]!) { detectFaces(model: $m, version: $v, images: $i) { faces { score box { x y width height } landmarks { name x y } } } }",
    variables: { i: [{ base64: "<base64 of a PNG or JPEG>" }] },
  },
};
