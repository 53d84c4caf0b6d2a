import { Field, Float, ID, Int, ObjectType } from "type-graphql";
import { Tenant } from "./account.type";
import { ModelTask, Visibility } from "./enums";
import { DateTimeScalar, JSONScalar } from "./scalars";

@ObjectType()
export class Plan {
  @Field(() => ID) id: string;
  @Field() name: string;
  @Field(() => Int) monthlyFeeCents: number;
  @Field(() => Int) includedUnits: number;
  @Field(() => Int, {
    description: "Price of each unit beyond includedUnits, in millionths of the currency unit (1000000 = 1.00 USD).",
  })
  unitPriceMicros: number;
  @Field(() => Int, {
    nullable: true,
    description:
      "Token-priced plans (TEXT_GENERATION): price per million prompt (input) tokens beyond includedUnits, in millionths of the currency unit (150000 = 0.15 USD per million tokens); null on plans priced per unit.",
  })
  inputPricePerMillionMicros: number | null;
  @Field(() => Int, {
    nullable: true,
    description:
      "Token-priced plans: price per million generated (output) tokens beyond includedUnits, in millionths of the currency unit; null on plans priced per unit.",
  })
  outputPricePerMillionMicros: number | null;
  @Field() currency: string;
  @Field(() => Int) rateLimitPerMinute: number;
}

@ObjectType({ description: "One quality figure of a version, with what it was measured on." })
export class EvaluationMetric {
  @Field() name: string;
  @Field(() => Float) value: number;
  @Field(() => String, { nullable: true, description: '"fraction" (0–1, show as %), "ms", "count", … or null.' })
  unit: string | null;
  @Field() dataset: string;
  @Field(() => String, { nullable: true }) split: string | null;
  @Field(() => String, { nullable: true }) description: string | null;
  @Field(() => Boolean, { nullable: true }) higherIsBetter: boolean | null;
  @Field({ description: '"PUBLISHER": declared by the publisher; "PLATFORM": measured by Modelmarket itself.' })
  source: string;
}

@ObjectType()
export class ModelVersion {
  @Field(() => ID) id: string;
  @Field() version: string;
  @Field() sha256: string;
  @Field(() => Int) sizeBytes: number;
  @Field(() => DateTimeScalar) createdAt: Date;
  @Field(() => JSONScalar, { description: "Input/output names, element types and shapes read from the ONNX graph." })
  signature: unknown;
  @Field(() => JSONScalar, { nullable: true, description: "Measured quality on the version's evaluation set." })
  evaluation: unknown;
  @Field(() => [EvaluationMetric], { description: "Quality figures with dataset, split and unit." })
  metrics: EvaluationMetric[];
  @Field(() => EvaluationMetric, { nullable: true, description: "The figure the publisher chose for catalog cards." })
  headlineMetric: EvaluationMetric | null;
  @Field(() => String, { nullable: true, description: "What changed in this version." })
  notes: string | null;
  @Field({ description: "Still served; every answer carries a notice naming the versions to move to." })
  deprecated: boolean;
  @Field(() => String, { nullable: true }) deprecationNote: string | null;
  @Field({ description: "Refused when pinned; never the latest version." })
  yanked: boolean;
  @Field(() => String, { nullable: true }) yankReason: string | null;
  @Field(() => JSONScalar, {
    nullable: true,
    description: "The publisher's examples (input and expected answer), checked through the serving path at publish.",
  })
  examples: unknown;
}

@ObjectType({ description: "What a user should know before relying on a model, written by its publisher." })
export class ModelCard {
  @Field(() => String, { nullable: true }) intendedUse: string | null;
  @Field(() => String, { nullable: true }) limitations: string | null;
  @Field(() => String, { nullable: true }) license: string | null;
  @Field(() => String, { nullable: true, description: "Where the weights and the training data come from." })
  source: string | null;
}

@ObjectType()
export class Model {
  @Field(() => ID) id: string;
  @Field({ description: '"<publisher-tenant-slug>/<model-name>", used by every inference call.' })
  slug: string;
  @Field() name: string;
  @Field() description: string;
  @Field(() => ModelTask) task: ModelTask;
  @Field(() => Visibility) visibility: Visibility;
  @Field(() => [String]) tags: string[];
  @Field(() => Tenant) publisher: Tenant;
  @Field(() => ModelVersion, { nullable: true }) latestVersion: ModelVersion | null;
  @Field(() => [ModelVersion]) versions: ModelVersion[];
  @Field(() => [Plan]) plans: Plan[];
  @Field(() => ModelCard, { nullable: true }) card: ModelCard | null;
  @Field(() => DateTimeScalar, {
    nullable: true,
    description: "When the publisher unpublished it: subscribers are served until their paid period ends.",
  })
  unpublishedAt: Date | null;
}

@ObjectType()
export class ModelEdge {
  @Field() cursor: string;
  @Field(() => Model) node: Model;
}

@ObjectType()
export class PageInfo {
  @Field() hasNextPage: boolean;
  @Field(() => String, { nullable: true }) endCursor: string | null;
}

@ObjectType()
export class ModelConnection {
  @Field(() => [ModelEdge]) edges: ModelEdge[];
  @Field(() => PageInfo) pageInfo: PageInfo;
  @Field(() => Int) totalCount: number;
}

@ObjectType({ description: "A model the caller's organisation publishes, with what the publisher tracks." })
export class PublishedModel {
  @Field(() => Model) model: Model;
  @Field(() => Int, { description: "Live (active or past-due) subscriptions." }) subscribers: number;
}

@ObjectType()
export class ExampleResult {
  @Field() name: string;
  @Field() ok: boolean;
  @Field() expected: string;
  @Field() answered: string;
}

@ObjectType({ description: "What a version would do, before it is published (nothing is stored)." })
export class VersionPreview {
  @Field(() => String, {
    nullable: true,
    description:
      "Image tasks: the sample image as the model receives it (PNG, base64), before scaling and normalisation.",
  })
  modelInput: string | null;
  @Field(() => [ChannelStats], {
    description:
      "Image tasks: the sample image's tensor as the model receives it, after scaling and normalisation: each channel's range and mean (in the model's channel order).",
  })
  modelInputChannels: ChannelStats[];
  @Field(() => [ExampleResult]) examples: ExampleResult[];
  @Field(() => [String], {
    description:
      "What the examples cannot catch: none or too few, or answers too confident to tell a subtle preprocessing mistake, with no expected score.",
  })
  warnings: string[];
}

@ObjectType({ description: "One channel of an image tensor as the model receives it." })
export class ChannelStats {
  @Field(() => Int) channel: number;
  @Field(() => Float) min: number;
  @Field(() => Float) max: number;
  @Field(() => Float) mean: number;
}
