import { Field, Float, InputType, ObjectType } from "type-graphql";

@ObjectType()
export class Recommendation {
  @Field() itemId: string;
  @Field(() => Float) score: number;
}

@ObjectType()
export class LabelScore {
  @Field() label: string;
  @Field(() => Float) score: number;
}

@ObjectType()
export class ImageClassification {
  @Field() label: string;
  @Field(() => Float) score: number;
  @Field(() => [LabelScore]) top: LabelScore[];
}

@InputType()
export class ImageInput {
  @Field({ description: "base64 of a PNG or JPEG file" })
  base64: string;
}

@ObjectType()
export class TextClassification {
  @Field() label: string;
  @Field(() => Float) score: number;
  @Field(() => [LabelScore]) scores: LabelScore[];
}

@ObjectType()
export class Embedding {
  @Field(() => [Float]) values: number[];
}

@ObjectType({ description: "pixels of the submitted image, origin top-left" })
export class BoundingBox {
  @Field(() => Float) x: number;
  @Field(() => Float) y: number;
  @Field(() => Float) width: number;
  @Field(() => Float) height: number;
}

@ObjectType()
export class DetectedObject {
  @Field() label: string;
  @Field(() => Float) score: number;
  @Field(() => BoundingBox) box: BoundingBox;
}

@ObjectType()
export class Detections {
  @Field(() => [DetectedObject]) objects: DetectedObject[];
}
