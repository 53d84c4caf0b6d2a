import { checkImageInput } from "./image-convention";
import type { TaskModule } from "./task-module";

export const objectDetection: TaskModule = {
  task: "OBJECT_DETECTION",
  displayName: "Object detection",
  operation: "detectObjects",
  playground: "image-boxes",
  summary:
    "A PNG or JPEG in, labelled boxes in the image's pixels out (rows with suppression built in, or a raw YOLO head).",
  assets: [{ role: "labels", label: "Labels (JSON array, one per class id)", accept: ".json", required: true }],
  preprocessingExample:
    '{ "resize": "letterbox", "letterbox": { "pad": 114 }, "detectionFormat": "yolo", "iouThreshold": 0.45 }',
  async check(c) {
    const pre = await checkImageInput(c);
    const first = c.firstOutput;
    if (pre.detectionFormat === "yolo") {
      c.expectTensor(first, ["float"], 3, "the first output (a YOLO head)");
      const labels = await c.readList("labels");
      const channels = first.shape?.[1];
      if (typeof channels === "number" && channels !== 4 + labels.length) {
        throw c.misfit(
          `output "${first.name}" has ${channels} channels; a YOLO head has 4 box values + one score per label (${4 + labels.length})`,
        );
      }
      return;
    }
    c.expectTensor(first, ["float"], 3, "the first output (detections)");
    const width = first.shape?.[2];
    if (typeof width === "number" && width !== 6) {
      throw c.misfit(
        `output "${first.name}" must have rows of 6 values (x1, y1, x2, y2, score, class), not ${width} ` +
          '(a raw YOLO head? declare "detectionFormat": "yolo" in the preprocessing asset)',
      );
    }
    await c.readList("labels");
  },
};
