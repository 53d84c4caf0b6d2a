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

const probability = z.number().min(0).max(1);
/** How far a score may be from the expected one (default: 0.02). */
const tolerance = probability.optional();

/**
 * A publisher's example: an input and what the model must answer — the best label, a label
 * among the top k, or objects (each matched by label and a box overlapping by IoU ≥ 0.5) — and,
 * optionally, the score the exporter's own run gives it, within `tolerance`. Labels alone do not
 * catch subtle mistakes (BGR for RGB, a pad off by a few pixels) on confident examples; scores do.
 */
const example = z.strictObject({
  name: z.string().trim().min(1).max(80).optional(),
  text: z.string().min(1).max(2000).optional(),
  image: z.string().min(1).optional(),
  expect: z.union([
    z.strictObject({
      label: z.string().min(1),
      withinTop: z.number().int().min(1).max(50).optional(),
      score: probability.optional(),
      tolerance,
    }),
    z.strictObject({
      objects: z
        .array(z.strictObject({ label: z.string().min(1), box: box.optional(), score: probability.optional() }))
        .min(1)
        .max(50),
      tolerance,
    }),
  ]),
});

const DEFAULT_TOLERANCE = 0.02;

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
  /** The model's score for its best answer (the least confident object's, for detection). */
  confidence: number;
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
    let confidence = 0;
    try {
      if (task === "TEXT_CLASSIFICATION") {
        const { tensors, batching } = await textTensors(services, version, [ex.text as string]);
        const labels = await readLabels(services, version.assets);
        const [answer] = textClassifications(await infer(tensors, { batching }), labels, 1);
        ({ ok, answered, confidence } = judgeLabel(ex, answer?.scores ?? []));
      } else {
        const prepared = await prepareImages(services, principal.tenantId, version, [{ base64: ex.image as string }]);
        const image = prepared.decoded[0] as (typeof prepared.decoded)[number];
        const outputs = await prepared.run(image.pixels, infer);
        if (task === "IMAGE_CLASSIFICATION") {
          const answer = imageClassification(outputs, prepared.labels, Number.MAX_SAFE_INTEGER);
          ({ ok, answered, confidence } = judgeLabel(ex, answer.top));
        } else {
          const objects = detectionsOf(
            outputs[0],
            image,
            prepared.target,
            prepared.preprocessing,
            prepared.labels,
            0.3,
          );
          ({ ok, answered, confidence } = judgeObjects(ex, objects));
        }
      }
    } catch (error) {
      if (error instanceof AppError && error.code === "BAD_USER_INPUT") {
        throw badInput(`Example ${name}: ${error.message}`, `examples.${i}`);
      }
      throw error;
    }
    results.push({ name, ok, expected: describe(ex.expect), answered, confidence });
  }
  return results;
}

function judgeLabel(
  ex: ModelExample,
  ranked: { label: string; score: number }[],
): { ok: boolean; answered: string; confidence: number } {
  const expect = ex.expect as { label: string; withinTop?: number; score?: number; tolerance?: number };
  const top = ranked.slice(0, expect.withinTop ?? 1).map((r) => r.label);
  const best = ranked[0];
  const confidence = best?.score ?? 0;
  let answered = best ? `"${best.label}" (${best.score.toFixed(3)})` : '"nothing"';
  let ok = top.includes(expect.label);
  if (expect.score !== undefined) {
    const got = ranked.find((r) => r.label === expect.label)?.score ?? 0;
    ok &&= Math.abs(got - expect.score) <= (expect.tolerance ?? DEFAULT_TOLERANCE);
    if (best?.label !== expect.label) answered += `, "${expect.label}" ${got.toFixed(3)}`;
  }
  return { ok, answered, confidence };
}

function judgeObjects(
  ex: ModelExample,
  found: { label: string; score: number; box: { x: number; y: number; width: number; height: number } }[],
): { ok: boolean; answered: string; confidence: number } {
  const expect = ex.expect as {
    objects: { label: string; box?: z.infer<typeof box>; score?: number }[];
    tolerance?: number;
  };
  const tol = expect.tolerance ?? DEFAULT_TOLERANCE;
  const left = [...found];
  let ok = true;
  for (const w of expect.objects) {
    const at = left.findIndex(
      (f) =>
        f.label === w.label &&
        (!w.box || iou(f.box, w.box) >= 0.5) &&
        (w.score === undefined || Math.abs(f.score - w.score) <= tol),
    );
    if (at < 0) ok = false;
    else left.splice(at, 1);
  }
  const answered = found.length
    ? found
        .map(
          (f) =>
            `${f.label} ${f.score.toFixed(3)} at (${Math.round(f.box.x)}, ${Math.round(f.box.y)}, ${Math.round(f.box.width)}×${Math.round(f.box.height)})`,
        )
        .join(", ")
    : "no object";
  return { ok, answered, confidence: Math.min(1, ...found.map((f) => f.score)) };
}

function describe(expect: ModelExample["expect"]): string {
  const tol = expect.tolerance ?? DEFAULT_TOLERANCE;
  if ("label" in expect) {
    const label = expect.withinTop ? `"${expect.label}" in the top ${expect.withinTop}` : `"${expect.label}"`;
    return expect.score === undefined ? label : `${label} with score ${expect.score} ± ${tol}`;
  }
  return expect.objects.map((o) => (o.score === undefined ? o.label : `${o.label} ${o.score} ± ${tol}`)).join(", ");
}

/**
 * What the examples cannot catch, said before publishing: none or too few of them, or answers
 * so confident that a subtle preprocessing mistake (channel order, normalisation, padding)
 * would give the same labels, when no example checks a score.
 */
export function exampleWarnings(examples: unknown, results: ExampleResult[]): string[] {
  const given = Array.isArray(examples) ? (examples as ModelExample[]) : [];
  if (!given.length) {
    return [
      "No examples: nothing checks that the declared preprocessing matches your exporter's. Add a few (examples[]), with the scores your own run gives (expect.score).",
    ];
  }
  const warnings: string[] = [];
  if (given.length < 3) {
    warnings.push(
      `Only ${given.length} example${given.length === 1 ? "" : "s"}: give at least 3, of different classes, so that a wrong preprocessing is caught.`,
    );
  }
  const scored = given.some((ex) =>
    "label" in ex.expect ? ex.expect.score !== undefined : ex.expect.objects.some((o) => o.score !== undefined),
  );
  if (!scored && results.length && results.every((r) => r.confidence >= 0.95)) {
    warnings.push(
      "Every example is answered with 95% confidence or more and none checks a score: a subtle preprocessing mistake (BGR for RGB, a wrong mean/std, padding) would give the same labels. Add the scores your exporter's run gives (expect.score, expect.tolerance).",
    );
  }
  return warnings;
}
