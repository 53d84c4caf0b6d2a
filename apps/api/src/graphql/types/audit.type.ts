import { Field, ID, ObjectType } from "type-graphql";
import { PageInfo } from "./catalog.type";
import { DateTimeScalar } from "./scalars";

@ObjectType({ description: "One thing someone in the organisation did." })
export class AuditEntry {
  @Field(() => ID) id: string;
  @Field({ description: 'What was done, e.g. "api_key.created", "user.signed_in", "model.published".' })
  action: string;
  @Field({ description: "Who: a user's email, an API key's name and prefix, or \"system\"." }) actor: string;
  @Field() targetType: string;
  @Field() targetId: string;
  @Field(() => String, {
    nullable: true,
    description: "What people call the target: a model's slug, a person's email, a key's name (null when it is gone).",
  })
  targetName: string | null;
  @Field(() => String, { nullable: true, description: "The request that did it (its receipt in the logs)." })
  requestId: string | null;
  @Field(() => String, { nullable: true, description: "Details as a JSON object, when there are any." })
  metadata: string | null;
  @Field(() => DateTimeScalar) createdAt: Date;
}

@ObjectType()
export class AuditEntryEdge {
  @Field() cursor: string;
  @Field(() => AuditEntry) node: AuditEntry;
}

@ObjectType()
export class AuditLogConnection {
  @Field(() => [AuditEntryEdge]) edges: AuditEntryEdge[];
  @Field(() => PageInfo) pageInfo: PageInfo;
}
