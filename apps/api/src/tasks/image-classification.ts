import { checkImageInput, IMAGE_PREPROCESSING_EXAMPLE } from "./image-convention";
import type { TaskModule } from "./task-module";

export const imageClassification: TaskModule = {
  task: "IMAGE_CLASSIFICATION",
  displayName: "Image classification",
  operation: "classifyImage",
  playground: "image-labels",
  summary: "A PNG or JPEG in, the top labels with probabilities out.",
  assets: [{ role: "labels", label: "Labels (JSON array, one per class)", accept: ".json", required: true }],
  preprocessingExample: IMAGE_PREPROCESSING_EXAMPLE,
  async check(c) {
    await checkImageInput(c);
    c.expectTensor(c.firstOutput, ["float"], 2, "the first output (class scores)");
    await c.labelsFor(c.firstOutput, 1);
  },
};
