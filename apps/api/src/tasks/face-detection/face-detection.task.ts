import { faceDetection } from "@modelmarket/tasks";
import type { z } from "zod";
import { type box, type ExampleAnswer, judgeObjects, type ModelExample } from "../support/examples";
import { runOneImage } from "../support/image-call";
import { checkImageInput } from "../support/image-convention";
import type { TaskModule } from "../task-module";
import { type DetectedFace, facesOf } from "./detect-faces";
import { DetectFacesResolver } from "./detect-faces.resolver";

/** detectFaces' default minScore: examples are judged as a default call answers. */
const EXAMPLE_MIN_SCORE = 0.5;

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
  async answerExample(run, example) {
    const { outputs, prepared, image } = await runOneImage(run, example.image as string);
    const faces = facesOf(outputs[0], image, prepared.target, prepared.preprocessing, EXAMPLE_MIN_SCORE);
    return judgeFaces(example, faces);
  },
};

/** Faces: each expected face found, matched by its box (IoU ≥ 0.5) when given — detection's rule, one label. */
export function judgeFaces(ex: ModelExample, found: DetectedFace[]): ExampleAnswer {
  const expect = ex.expect as { faces: { box?: z.infer<typeof box>; score?: number }[]; tolerance?: number };
  const asObjects = {
    ...ex,
    expect: { objects: expect.faces.map((f) => ({ label: "face", ...f })), tolerance: expect.tolerance },
  };
  const judged = judgeObjects(
    asObjects,
    found.map((f) => ({ label: "face", score: f.score, box: f.box })),
  );
  return found.length ? judged : { ...judged, answered: "no face" };
}
