import { textEmbedding } from "@modelmarket/tasks";
import { checkTextInputs } from "../support/text-convention";
import type { TaskModule } from "../task-module";
import { EmbedTextResolver } from "./embed-text.resolver";

export const textEmbeddingTask: TaskModule = {
  descriptor: textEmbedding,
  resolver: EmbedTextResolver,
  async check(c) {
    await checkTextInputs(c);
    const first = c.firstOutput;
    if (first.elemType !== "float" || (first.shape && first.shape.length !== 2 && first.shape.length !== 3)) {
      throw c.misfit(
        `the first output ("${first.name}") must be float [batch, dim] or [batch, sequence, dim] (mean-pooled)`,
      );
    }
  },
};
