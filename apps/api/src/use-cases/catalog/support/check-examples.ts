import type { ModelTask } from "@modelmarket/db";
import { AppError, badInput } from "@modelmarket/domain";
import { z } from "zod";
import type { Principal } from "../../../auth/principal";
import type { AppServices } from "../../../services";
import { imageClassification } from "../../inference/classify-image";
import { textClassifications } from "../../inference/classify-text";
import { detectionsOf, iou } from "../../inference/detect-objects";
import { type Infer, prepareImages } from "../../inference/support/image-call";
import { readLabels } from "../../inference/support/read-json-asset";
import { textTensors } from "../../inference/support/text-inputs";

const MAX_EXAMPLES = 20;

const box = z.strictObject({
  x: z.number(),
  y: z.number(),
  width: z.number().positive(),
  height: z.number().positive(),
});

/**
 * A publisher's example: an input and what the model must answer — the best label, a label
 * among the top k, or objects (each matched by label and a box overlapping by IoU ≥ 0.5).
 */
const example = z.strictObject({
  name: z.string().trim().min(1).max(80).optional(),
  text: z.string().min(1).max(2000).optional(),
  image: z.string().min(1).optional(),
  expect: z.union([
    z.strictObject({ label: z.string().min(1), withinTop: z.number().int().min(1).max(50).optional() }),
    z.strictObject({
      objects: z
        .array(z.strictObject({ label: z.string().min(1), box: box.optional() }))
        .min(1)
        .max(50),
    }),
  ]),
});

export type ModelExample = z.infer<typeof example>;

const EXAMPLE_TASKS: ModelTask[] = ["TEXT_CLASSIFICATION", "IMAGE_CLASSIFICATION", "OBJECT_DETECTION"];

/**
 * Runs a new version's examples through exactly the serving path — the same decoding,
 * preprocessing, tokenisation and tier (as the publisher's tenant, not billed) — before the
 * version exists, and refuses it naming every example whose answer differs and what the model
 * answered. A publisher's wrong preprocessing declaration is caught here, not by consumers.
 */
export async function checkExamples(
  services: AppServices,
  principal: Principal,
  task: ModelTask,
  version: { sha256: string; assets: unknown; signature: unknown; examples?: unknown },
): Promise<void> {
  const results = await runExamples(services, principal, task, version);
  const failures = results
    .filter((r) => !r.ok)
    .map((r) => `example ${r.name} expected ${r.expected} but the model answered ${r.answered}`);
  if (failures.length) {
    throw badInput(
      `The model does not answer its examples as declared (check the preprocessing declaration): ${failures.join("; ")}.`,
      "examples",
    );
  }
}

export interface ExampleResult {
  name: string;
  ok: boolean;
  expected: string;
  answered: string;
}

/** Each example through the serving path, with what was expected and what the model answered. */
export async function runExamples(
  services: AppServices,
  principal: Principal,
  task: ModelTask,
  version: { sha256: string; assets: unknown; signature: unknown; examples?: unknown },
): Promise<ExampleResult[]> {
  if (version.examples == null) return [];
  const parsed = z.array(example).max(MAX_EXAMPLES).safeParse(version.examples);
  if (!parsed.success) {
    const why = parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
    throw badInput(`The examples are invalid (${why}).`, "examples");
  }
  if (!parsed.data.length) return [];
  if (!EXAMPLE_TASKS.includes(task)) {
    throw badInput(`Examples are checked for ${EXAMPLE_TASKS.join(", ")} models; ${task} takes none.`, "examples");
  }
  const infer: Infer = (inputs, options) =>
    services.inference.infer(principal.tenantId, version.sha256, inputs, options);
  const results: ExampleResult[] = [];
  for (const [i, ex] of parsed.data.entries()) {
    const name = ex.name ? `"${ex.name}"` : `#${i + 1}`;
    const wantsText = task === "TEXT_CLASSIFICATION";
    if (wantsText ? !ex.text : !ex.image) {
      throw badInput(
        `Example ${name} needs ${wantsText ? "a `text`" : "an `image` (base64 PNG or JPEG)"}.`,
        `examples.${i}`,
      );
    }
    let answered: string;
    let ok: boolean;
    try {
      if (task === "TEXT_CLASSIFICATION") {
        const { tensors, batching } = await textTensors(services, version, [ex.text as string]);
        const labels = await readLabels(services, version.assets);
        const [answer] = textClassifications(await infer(tensors, { batching }), labels, 1);
        ({ ok, answered } = judgeLabel(ex, answer?.scores.map((s) => s.label) ?? []));
      } else {
        const prepared = await prepareImages(services, principal.tenantId, version, [{ base64: ex.image as string }]);
        const image = prepared.decoded[0] as (typeof prepared.decoded)[number];
        const outputs = await prepared.run(image.pixels, infer);
        if (task === "IMAGE_CLASSIFICATION") {
          const answer = imageClassification(outputs, prepared.labels, 50);
          ({ ok, answered } = judgeLabel(
            ex,
            answer.top.map((t) => t.label),
          ));
        } else {
          const objects = detectionsOf(
            outputs[0],
            image,
            prepared.target,
            prepared.preprocessing,
            prepared.labels,
            0.3,
          );
          ({ ok, answered } = judgeObjects(ex, objects));
        }
      }
    } catch (error) {
      if (error instanceof AppError && error.code === "BAD_USER_INPUT") {
        throw badInput(`Example ${name}: ${error.message}`, `examples.${i}`);
      }
      throw error;
    }
    results.push({ name, ok, expected: describe(ex.expect), answered });
  }
  return results;
}

function judgeLabel(ex: ModelExample, ranked: string[]): { ok: boolean; answered: string } {
  const expect = ex.expect as { label: string; withinTop?: number };
  const top = ranked.slice(0, expect.withinTop ?? 1);
  return { ok: top.includes(expect.label), answered: `"${ranked[0] ?? "nothing"}"` };
}

function judgeObjects(
  ex: ModelExample,
  found: { label: string; box: { x: number; y: number; width: number; height: number } }[],
): { ok: boolean; answered: string } {
  const wanted = (ex.expect as { objects: { label: string; box?: z.infer<typeof box> }[] }).objects;
  const left = [...found];
  let ok = true;
  for (const w of wanted) {
    const at = left.findIndex((f) => f.label === w.label && (!w.box || iou(f.box, w.box) >= 0.5));
    if (at < 0) ok = false;
    else left.splice(at, 1);
  }
  const answered = found.length
    ? found
        .map(
          (f) =>
            `${f.label} at (${Math.round(f.box.x)}, ${Math.round(f.box.y)}, ${Math.round(f.box.width)}×${Math.round(f.box.height)})`,
        )
        .join(", ")
    : "no object";
  return { ok, answered };
}

function describe(expect: ModelExample["expect"]): string {
  if ("label" in expect)
    return expect.withinTop ? `"${expect.label}" in the top ${expect.withinTop}` : `"${expect.label}"`;
  return expect.objects.map((o) => o.label).join(", ");
}
