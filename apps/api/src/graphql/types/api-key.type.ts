import { Field, ID, ObjectType } from "type-graphql";
import { DateTimeScalar } from "./scalars";

@ObjectType()
export class ApiKey {
  @Field(() => ID) id: string;
  @Field() name: string;
  @Field({ description: 'First characters of the secret, safe to show (e.g. "mm_live_3fa9").' }) prefix: string;
  @Field(() => [String]) scopes: string[];
  @Field(() => DateTimeScalar) createdAt: Date;
  @Field(() => DateTimeScalar, { nullable: true }) lastUsedAt: Date | null;
  @Field(() => DateTimeScalar, { nullable: true }) revokedAt: Date | null;
  @Field(() => String, {
    nullable: true,
    description: "The member who created it (or holds it after a hand-over); null when that account is gone.",
  })
  createdByEmail: string | null;
  @Field(() => String, {
    nullable: true,
    description:
      "Set when the member who created this key left and it was handed to another member: the secret may still be known to them (their address); create a replacement and revoke this key.",
  })
  handedOverFromEmail: string | null;
}

@ObjectType()
export class CreatedApiKey {
  @Field(() => ApiKey) apiKey: ApiKey;
  @Field({ description: "The full secret; returned exactly once, only its hash is stored." }) secret: string;
}
