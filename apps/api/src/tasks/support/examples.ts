import { z } from "zod";
import type { Principal } from "../../auth/principal";
import type { AppServices } from "../../services";
import { iou } from "./boxes";
import type { Infer } from "./image-call";

export const box = z.strictObject({
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
 * among the top k, objects (each matched by label and a box overlapping by IoU ≥ 0.5), the
 * classes of a segmentation (with their pixel share), faces (each matched by its box), or the
 * beginning of a generated text (greedy) — and,
 * optionally, the score the exporter's own run gives it, within `tolerance`. Labels alone do not
 * catch subtle mistakes (BGR for RGB, a pad off by a few pixels) on confident examples; scores do.
 */
export const example = z.strictObject({
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
    // Segmentation: each label present, optionally with its share of the pixels (0 to 1).
    z.strictObject({
      segments: z
        .array(z.strictObject({ label: z.string().min(1), share: probability.optional() }))
        .min(1)
        .max(50),
      tolerance,
    }),
    // Face detection: each face found (by a box overlapping by IoU ≥ 0.5, when given), at minScore 0.5.
    z.strictObject({
      faces: z
        .array(z.strictObject({ box: box.optional(), score: probability.optional() }))
        .min(1)
        .max(50),
      tolerance,
    }),
    // Generation (TEXT_GENERATION): the greedy answer to the prompt in `text` begins with this.
    z.strictObject({ startsWith: z.string().min(1).max(500) }),
  ]),
});

export const DEFAULT_TOLERANCE = 0.02;

export type ModelExample = z.infer<typeof example>;

/** What a task module needs to answer an example as a call would (unbilled, the publisher's tenant). */
export interface ExampleRun {
  services: AppServices;
  principal: Principal;
  version: { sha256: string; assets: unknown; signature: unknown };
  infer: Infer;
}

export interface ExampleAnswer {
  ok: boolean;
  answered: string;
  /** The model's score for its best answer (the least confident object's, for detection). */
  confidence: number;
}

/** A label answer (classification) against `expect.label` / `withinTop` / `score`. */
export function judgeLabel(ex: ModelExample, ranked: { label: string; score: number }[]): ExampleAnswer {
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

/** What an example expects, in words for the refusal. */
export function describe(expect: ModelExample["expect"]): string {
  if ("startsWith" in expect) return `text starting ${JSON.stringify(expect.startsWith)}`;
  const tol = expect.tolerance ?? DEFAULT_TOLERANCE;
  if ("label" in expect) {
    const label = expect.withinTop ? `"${expect.label}" in the top ${expect.withinTop}` : `"${expect.label}"`;
    return expect.score === undefined ? label : `${label} with score ${expect.score} ± ${tol}`;
  }
  if ("segments" in expect) {
    return expect.segments
      .map((g) => (g.share === undefined ? g.label : `${g.label} on ${g.share} ± ${tol} of the pixels`))
      .join(", ");
  }
  if ("faces" in expect) {
    return `${expect.faces.length} face${expect.faces.length === 1 ? "" : "s"}${expect.faces.some((f) => f.box) ? " at the given boxes" : ""}`;
  }
  return expect.objects.map((o) => (o.score === undefined ? o.label : `${o.label} ${o.score} ± ${tol}`)).join(", ");
}

/** Objects (detection), each matched by label and a box overlapping by IoU ≥ 0.5. */
export function judgeObjects(
  ex: ModelExample,
  found: { label: string; score: number; box: { x: number; y: number; width: number; height: number } }[],
): ExampleAnswer {
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
