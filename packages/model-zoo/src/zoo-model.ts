export type ZooTask =
  | "TEXT_CLASSIFICATION"
  | "TEXT_EMBEDDING"
  | "IMAGE_CLASSIFICATION"
  | "OBJECT_DETECTION"
  | "FACE_DETECTION"
  | "IMAGE_SEGMENTATION"
  | "RECOMMENDATION"
  | "TEXT_GENERATION";

import type { PlanTerms } from "@modelmarket/domain";

export type ZooPlan = PlanTerms;

/** A model the platform ships, ready to publish through the ordinary publish path. */
export interface ZooModel {
  name: string;
  description: string;
  task: ZooTask;
  tags: string[];
  version: string;
  /** Model card beyond the description. */
  card: { intendedUse: string; limitations: string; license: string; source: string };
  /** The .onnx file. */
  modelPath: string;
  /** Extra files by role (labels, vocabulary). */
  assetPaths: Record<string, string>;
  plans: ZooPlan[];
  /** Quality measured on data the model was not trained on, when the zoo trained it. */
  evaluation?: Record<string, number>;
}

/** The free and paid plan every demo model is offered with. */
export function standardPlans(paidMonthlyFeeCents: number, unitPriceMicros: number): ZooPlan[] {
  return [
    {
      name: "Free",
      monthlyFeeCents: 0,
      includedUnits: 1000,
      unitPriceMicros: 0,
      currency: "usd",
      rateLimitPerMinute: 60,
    },
    {
      name: "Pro",
      monthlyFeeCents: paidMonthlyFeeCents,
      includedUnits: 100_000,
      unitPriceMicros,
      currency: "usd",
      rateLimitPerMinute: 1200,
    },
  ];
}
