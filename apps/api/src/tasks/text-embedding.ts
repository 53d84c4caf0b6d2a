import type { TaskModule } from "./task-module";
import { checkTextInputs, TEXT_ASSETS, TEXT_PREPROCESSING_EXAMPLE } from "./text-convention";

export const textEmbedding: TaskModule = {
  task: "TEXT_EMBEDDING",
  displayName: "Text embedding",
  operation: "embedText",
  playground: "text-similarity",
  summary: "Texts in, one vector per text out ([batch, dim], or [batch, sequence, dim] mean-pooled).",
  assets: TEXT_ASSETS,
  preprocessingExample: TEXT_PREPROCESSING_EXAMPLE,
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
