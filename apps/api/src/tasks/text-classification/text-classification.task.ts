import { textClassification } from "@modelmarket/tasks";
import { judgeLabel } from "../support/examples";
import { readLabels } from "../support/read-json-asset";
import { checkTextInputs } from "../support/text-convention";
import { textTensors } from "../support/text-inputs";
import type { TaskModule } from "../task-module";
import { textClassifications } from "./classify-text";
import { ClassifyTextResolver } from "./classify-text.resolver";

export const textClassificationTask: TaskModule = {
  descriptor: textClassification,
  resolver: ClassifyTextResolver,
  async check(c) {
    await checkTextInputs(c);
    c.expectTensor(c.firstOutput, ["float"], 2, "the first output (class scores)");
    await c.labelsFor(c.firstOutput, 1);
  },
  async answerExample({ services, version, infer }, example) {
    const { tensors, batching } = await textTensors(services, version, [example.text as string]);
    const labels = await readLabels(services, version.assets);
    const [answer] = textClassifications(await infer(tensors, { batching }), labels, 1);
    return judgeLabel(example, answer?.scores ?? []);
  },
};
