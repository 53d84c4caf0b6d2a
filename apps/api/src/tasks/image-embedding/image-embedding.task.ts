import { imageEmbedding } from "@modelmarket/tasks";
import { checkImageInput } from "../support/image-convention";
import type { TaskModule } from "../task-module";
import { EmbedImageResolver } from "./embed-image.resolver";

export const imageEmbeddingTask: TaskModule = {
  descriptor: imageEmbedding,
  resolver: EmbedImageResolver,
  async check(c) {
    await checkImageInput(c);
    c.expectTensor(c.firstOutput, ["float"], 2, "the first output (the vector, [batch, dim])");
  },
};
