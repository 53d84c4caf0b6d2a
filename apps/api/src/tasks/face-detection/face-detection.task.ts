import { faceDetection } from "@modelmarket/tasks";
import { checkImageInput } from "../support/image-convention";
import type { TaskModule } from "../task-module";
import { DetectFacesResolver } from "./detect-faces.resolver";

export const faceDetectionTask: TaskModule = {
  descriptor: faceDetection,
  resolver: DetectFacesResolver,
  async check(c) {
    const pre = await checkImageInput(c);
    const first = c.firstOutput;
    c.expectTensor(first, ["float"], 3, "the first output (face rows)");
    const width = first.shape?.[2];
    const expected = 5 + 2 * pre.landmarks.length;
    if (typeof width === "number" && width !== expected) {
      throw c.misfit(
        `output "${first.name}" has rows of ${width} values; (x1, y1, x2, y2, score) and x, y for each of the ${pre.landmarks.length} declared landmarks make ${expected} (declare them in preprocessing.landmarks)`,
      );
    }
  },
};
