import "reflect-metadata";
import { IsEmail, MinLength } from "class-validator";
import { ArgumentValidationError } from "type-graphql";
import { describe, expect, it } from "vitest";
import { validateArgs } from "./validate-args";

class Person {
  email!: string;
  name?: string;
}
// Applied by hand: this test runs from source, where decorators are not compiled.
IsEmail()(Person.prototype, "email");
MinLength(3)(Person.prototype, "name");

const person = (email: string, name?: string) => Object.assign(new Person(), { email, name });
const check = (value: unknown) => Promise.resolve(validateArgs(value, Person, {} as never));

describe("argument validation (validateFn of the schema)", () => {
  it("happy: valid objects, lists of them, scalars, lists of scalars and null pass; a missing optional field is skipped", async () => {
    for (const value of [person("a@example.com", "Ada"), [person("b@example.com")], "text", ["a", "b"], 3, null]) {
      await expect(check(value)).resolves.toBeUndefined();
    }
  });

  it("error: an invalid object, or one invalid object in a list, is refused per field without the submitted value", async () => {
    for (const value of [person("secret-not-an-email"), [person("ok@example.com"), person("x@example.com", "Al")]]) {
      const error = await check(value).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ArgumentValidationError);
      const problems = (error as ArgumentValidationError).extensions.validationErrors;
      expect(problems.length).toBe(1);
      expect(JSON.stringify(problems)).not.toContain("secret-not-an-email");
      expect(JSON.stringify(problems)).not.toMatch(/"value"|"target"/);
    }
  });
});
