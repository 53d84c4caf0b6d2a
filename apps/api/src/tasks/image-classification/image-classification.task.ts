import { imageClassification as descriptor } from "@modelmarket/tasks";
import { judgeLabel } from "../support/examples";
import { runOneImage } from "../support/image-call";
import { checkImageInput } from "../support/image-convention";
import type { TaskModule } from "../task-module";
import { imageClassification } from "./classify-image";
import { ClassifyImageResolver } from "./classify-image.resolver";

export const imageClassificationTask: TaskModule = {
  descriptor,
  resolver: ClassifyImageResolver,
  async check(c) {
    await checkImageInput(c);
    c.expectTensor(c.firstOutput, ["float"], 2, "the first output (class scores)");
    await c.labelsFor(c.firstOutput, 1);
  },
  async answerExample(run, example) {
    const { outputs, prepared } = await runOneImage(run, example.image as string);
    return judgeLabel(example, imageClassification(outputs, prepared.labels, Number.MAX_SAFE_INTEGER).top);
  },
};
