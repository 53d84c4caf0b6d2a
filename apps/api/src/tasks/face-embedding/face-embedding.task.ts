import { faceEmbedding } from "@modelmarket/tasks";
import { checkImageInput } from "../support/image-convention";
import type { TaskModule } from "../task-module";
import { CompareFacesResolver } from "./compare-faces.resolver";

export const faceEmbeddingTask: TaskModule = {
  descriptor: faceEmbedding,
  resolver: CompareFacesResolver,
  async check(c) {
    const pre = await checkImageInput(c);
    c.expectTensor(c.firstOutput, ["float"], 2, "the first output (face vectors, [batch, dim])");
    if (pre.matchThreshold === undefined) {
      throw c.misfit(
        'a face model must document when two faces are the same person: declare the cosine threshold you measured in the preprocessing asset, e.g. {"matchThreshold": 0.6}',
      );
    }
  },
};
