import { Field, Float, ObjectType } from "type-graphql";

@ObjectType()
export class Recommendation {
  @Field() itemId: string;
  @Field(() => Float) score: number;
}
