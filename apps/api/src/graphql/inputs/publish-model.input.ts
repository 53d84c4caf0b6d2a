import { SUPPORTED_CURRENCIES } from "@modelmarket/domain";
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsIn,
  IsInt,
  IsOptional,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from "class-validator";
import { Field, Float, ID, InputType, Int } from "type-graphql";
import { ModelTask, Visibility } from "../types/enums";
import { JSONScalar } from "../types/scalars";

@InputType()
export class PlanInput {
  @Field()
  @Length(1, 40)
  name: string;

  @Field(() => Int)
  @IsInt()
  @Min(0)
  @Max(100_000_000)
  monthlyFeeCents: number;

  @Field(() => Int)
  @IsInt()
  @Min(0)
  @Max(1_000_000_000)
  includedUnits: number;

  @Field(() => Int, {
    description: "Price of each unit beyond includedUnits, in millionths of the currency unit; 0 on token plans.",
  })
  @IsInt()
  @Min(0)
  @Max(1_000_000_000)
  unitPriceMicros: number;

  @Field(() => Int, {
    nullable: true,
    description:
      "Token-metered tasks (TEXT_GENERATION) only, and required there: price per million prompt (input) tokens beyond includedUnits, in millionths of the currency unit (150000 = 0.15 per million tokens; 0: free).",
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1_000_000_000)
  inputPricePerMillionMicros?: number | null;

  @Field(() => Int, {
    nullable: true,
    description:
      "Token-metered tasks only, and required there: price per million generated (output) tokens beyond includedUnits, in millionths of the currency unit.",
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1_000_000_000)
  outputPricePerMillionMicros?: number | null;

  @Field({ defaultValue: "usd" })
  @IsIn([...SUPPORTED_CURRENCIES, ...SUPPORTED_CURRENCIES.map((c) => c.toUpperCase())], {
    message: `currency must be one of ${SUPPORTED_CURRENCIES.join(", ")} (the currencies billing supports)`,
  })
  currency: string;

  @Field(() => Int)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  rateLimitPerMinute: number;
}

@InputType()
export class ModelCardInput {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(0, 5000)
  intendedUse?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(0, 5000)
  limitations?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(0, 200)
  license?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(0, 2000)
  source?: string | null;
}

@InputType({ description: "One quality figure of a version: what was measured, on which data, in which unit." })
export class EvaluationMetricInput {
  @Field({ description: 'e.g. "accuracy", "macro F1", "RMSE", "p50 latency".' })
  @Length(1, 60)
  name: string;

  @Field(() => Float, { description: 'The figure; with unit "fraction" between 0 and 1 (0.912 = 91.2%).' })
  value: number;

  @Field(() => String, {
    nullable: true,
    description: '"fraction" (shown as a percentage), "ms", "count", any short unit, or null for a plain score.',
  })
  @IsOptional()
  @Length(0, 20)
  unit?: string | null;

  @Field({ description: 'The data it was measured on, e.g. "SST-2", "COCO 2017", "our support tickets (2,000)".' })
  @Length(1, 120)
  dataset: string;

  @Field(() => String, { nullable: true, description: 'e.g. "test", "validation", "5-fold cross-validation".' })
  @IsOptional()
  @Length(0, 40)
  split?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(0, 300)
  description?: string | null;

  @Field(() => Boolean, {
    nullable: true,
    description: "true for accuracy-like figures, false for errors and latency.",
  })
  @IsOptional()
  higherIsBetter?: boolean | null;
}

/** A version's quality figures: publishModel and publishVersion both take them. */
@InputType()
abstract class VersionQualityInput {
  @Field(() => [EvaluationMetricInput], {
    nullable: true,
    description: "The version's quality figures, shown on the model page as a table (docs/publishing.md).",
  })
  @IsOptional()
  @ArrayMaxSize(30)
  @ValidateNested()
  metrics?: EvaluationMetricInput[] | null;

  @Field(() => String, {
    nullable: true,
    description: "The metric (by name) that catalog cards show; the first one when omitted.",
  })
  @IsOptional()
  @Length(0, 60)
  headlineMetric?: string | null;
}

@InputType()
export class PublishModelInput extends VersionQualityInput {
  @Field()
  @Length(2, 64)
  name: string;

  @Field()
  @Length(1, 5000)
  description: string;

  @Field(() => ModelTask)
  task: ModelTask;

  @Field(() => Visibility, { defaultValue: Visibility.PUBLIC })
  visibility: Visibility;

  @Field(() => [String], { defaultValue: [] })
  @ArrayMaxSize(20)
  tags: string[];

  @Field(() => ID, { description: "Id returned by the artifact upload endpoint (POST /v1/artifacts, raw ONNX body)." })
  @Length(1, 64)
  artifactId: string;

  @Field()
  @Matches(/^[0-9A-Za-z][0-9A-Za-z.+_-]{0,31}$/, {
    message: "version must be 1 to 32 letters, digits or . + _ - (e.g. 1.0.0)",
  })
  version: string;

  @Field(() => JSONScalar, {
    nullable: true,
    description: "Extra files the task needs (labels, tokenizer vocabulary), as artifact ids by role.",
  })
  assets?: unknown;

  @Field(() => ModelCardInput, { nullable: true, description: "Intended use, limitations, license, source." })
  @IsOptional()
  @ValidateNested()
  card?: ModelCardInput | null;

  @Field(() => String, { nullable: true, description: "What this version is or changes (release notes)." })
  @IsOptional()
  @Length(0, 5000)
  notes?: string | null;

  @Field(() => JSONScalar, {
    nullable: true,
    description:
      'Examples run through the serving path before the version is accepted: [{ "text" | "image": …, "expect": { "label" } | { "objects": [{ "label", "box"? }] } }] (docs/publishing.md).',
  })
  examples?: unknown;

  @Field(() => [PlanInput])
  @ArrayMinSize(1, { message: "a model needs at least one plan" })
  @ArrayMaxSize(10)
  @ValidateNested()
  plans: PlanInput[];
}

@InputType()
export class PublishVersionInput extends VersionQualityInput {
  @Field({ description: "A semantic version higher or lower than the others (1.1.0, 2.0.0-rc.1)." })
  @Matches(/^[0-9A-Za-z][0-9A-Za-z.+_-]{0,31}$/, {
    message: "version must be 1 to 32 letters, digits or . + _ - (e.g. 1.1.0)",
  })
  version: string;

  @Field(() => ID, { description: "The new version's ONNX artifact (POST /v1/artifacts)." })
  @Length(1, 64)
  artifactId: string;

  @Field(() => JSONScalar, {
    nullable: true,
    description: "The version's assets by role (labels, tokenizer, preprocessing).",
  })
  assets?: unknown;

  @Field(() => String, { nullable: true, description: "What this version changes (release notes)." })
  @IsOptional()
  @Length(0, 5000)
  notes?: string | null;

  @Field(() => JSONScalar, {
    nullable: true,
    description: "Examples checked through the serving path (as in publishModel).",
  })
  examples?: unknown;
}

@InputType()
export class UpdateModelInput {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 5000)
  description?: string | null;

  @Field(() => [String], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(20)
  tags?: string[] | null;

  @Field(() => ModelCardInput, { nullable: true, description: "Replaces the card." })
  @IsOptional()
  @ValidateNested()
  card?: ModelCardInput | null;

  @Field(() => Visibility, {
    nullable: true,
    description: "PRIVATE: a draft only the publisher sees; PUBLIC: in the catalog.",
  })
  @IsOptional()
  visibility?: Visibility | null;
}

@InputType()
export class PreviewVersionInput {
  @Field(() => ModelTask)
  task: ModelTask;

  @Field(() => ID)
  @Length(1, 64)
  artifactId: string;

  @Field(() => JSONScalar, { nullable: true })
  assets?: unknown;

  @Field(() => JSONScalar, { nullable: true })
  examples?: unknown;

  @Field(() => String, {
    nullable: true,
    description: "Image tasks: a sample PNG or JPEG (base64) to see as the model will.",
  })
  @IsOptional()
  imageBase64?: string | null;
}
