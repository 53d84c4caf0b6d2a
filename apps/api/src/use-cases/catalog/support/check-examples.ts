import type { ModelTask } from "@modelmarket/db";
import { AppError, badInput } from "@modelmarket/domain";
import type { AnswerKind } from "@modelmarket/tasks";
import { z } from "zod";
import type { Principal } from "../../../auth/principal";
import type { AppServices } from "../../../services";
import { TASKS, taskModule } from "../../../tasks/registry";
import { describe, type ExampleRun, example, type ModelExample } from "../../../tasks/support/examples";

const MAX_EXAMPLES = 20;

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
  const module = taskModule(task);
  if (!module.answerExample) {
    const takers = TASKS.filter((t) => t.answerExample).map((t) => t.descriptor.task);
    throw badInput(`Examples are checked for ${takers.join(", ")} models; ${task} takes none.`, "examples");
  }
  const run: ExampleRun = {
    services,
    principal,
    version,
    infer: (inputs, options) => services.inference.infer(principal.tenantId, version.sha256, inputs, options),
  };
  // Text tasks and generation (whose prompt is the example's `text`) take text; the others images.
  const wantsText = module.descriptor.input === "texts" || module.descriptor.input === "prompt";
  const results: ExampleResult[] = [];
  for (const [i, ex] of parsed.data.entries()) {
    const name = ex.name ? `"${ex.name}"` : `#${i + 1}`;
    if (wantsText ? !ex.text : !ex.image) {
      throw badInput(
        `Example ${name} needs ${wantsText ? "a `text`" : "an `image` (base64 PNG or JPEG)"}.`,
        `examples.${i}`,
      );
    }
    const wanted = EXPECT_KEY[module.descriptor.answer];
    if (wanted && !(wanted in ex.expect)) {
      throw badInput(
        `Example ${name}: a ${task} example says what it expects in \`expect.${wanted}\`.`,
        `examples.${i}`,
      );
    }
    try {
      const answer = await module.answerExample(run, ex);
      results.push({ name, expected: describe(ex.expect), ...answer });
    } catch (error) {
      if (error instanceof AppError && error.code === "BAD_USER_INPUT") {
        throw badInput(`Example ${name}: ${error.message}`, `examples.${i}`);
      }
      throw error;
    }
  }
  return results;
}

/** Which `expect` form fits which kind of answer (a detection example cannot expect a label). */
const EXPECT_KEY: Partial<Record<AnswerKind, string>> = {
  labels: "label",
  boxes: "objects",
  masks: "segments",
  faces: "faces",
  text: "startsWith",
};

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
  // A generated text's beginning is exact (greedy): nothing like a score to add.
  if (given.every((ex) => "startsWith" in ex.expect)) return warnings;
  const scored = given.some((ex) =>
    "startsWith" in ex.expect
      ? true
      : "label" in ex.expect
        ? ex.expect.score !== undefined
        : "segments" in ex.expect
          ? ex.expect.segments.some((g) => g.share !== undefined)
          : "faces" in ex.expect
            ? ex.expect.faces.some((f) => f.score !== undefined)
            : ex.expect.objects.some((o) => o.score !== undefined),
  );
  if (!scored && results.length && results.every((r) => r.confidence >= 0.95)) {
    warnings.push(
      "Every example is answered with 95% confidence or more and none checks a score: a subtle preprocessing mistake (BGR for RGB, a wrong mean/std, padding) would give the same labels. Add the scores your exporter's run gives (expect.score, expect.tolerance).",
    );
  }
  return warnings;
}
