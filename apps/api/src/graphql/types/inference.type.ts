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
