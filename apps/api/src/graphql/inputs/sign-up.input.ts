import { IsEmail, Length, MaxLength } from "class-validator";
import { Field, InputType } from "type-graphql";

@InputType()
export class SignUpInput {
  @Field()
  @IsEmail({}, { message: "email must be a valid email address" })
  @MaxLength(254)
  email: string;

  // Strength is checked by the sign-up use case (it needs the email and tenant name).
  @Field()
  @Length(1, 200)
  password: string;

  @Field()
  @Length(2, 80)
  tenantName: string;
}
