import { objectDetection } from "@modelmarket/tasks";
import { judgeObjects } from "../support/examples";
import { runOneImage } from "../support/image-call";
import { checkImageInput } from "../support/image-convention";
import type { TaskModule } from "../task-module";
import { detectionsOf } from "./detect-objects";
import { DetectObjectsResolver } from "./detect-objects.resolver";

export const objectDetectionTask: TaskModule = {
  descriptor: objectDetection,
  resolver: DetectObjectsResolver,
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
  async answerExample(run, example) {
    const { outputs, prepared, image } = await runOneImage(run, example.image as string);
    const objects = detectionsOf(outputs[0], image, prepared.target, prepared.preprocessing, prepared.labels, 0.3);
    return judgeObjects(example, objects);
  },
};
