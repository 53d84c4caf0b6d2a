import { type ValidatorOptions, validateOrReject } from "class-validator";
import { ArgumentValidationError, type ValidatorFn } from "type-graphql";

/**
 * What type-graphql's own `validate` setting does for every argument — class-validator on each
 * input object (each object of a list), unknown values allowed, missing properties skipped —
 * with class-validator imported once. type-graphql's built-in path runs
 * `require("class-validator")` through an `__importStar` copy of its ~200 exports for every
 * object or list argument of every call (2 % of the API's CPU on `classifyText`, whose texts
 * are a list). Errors never echo the submitted values back (validationError below).
 */
const OPTIONS: ValidatorOptions = {
  forbidUnknownValues: false,
  skipMissingProperties: true,
  validationError: { target: false, value: false },
};

const validated = (value: unknown): value is object => value !== null && typeof value === "object";

export const validateArgs: ValidatorFn = async (argValue) => {
  if (!validated(argValue)) return;
  try {
    if (Array.isArray(argValue)) {
      const objects = argValue.filter(validated);
      if (objects.length) await Promise.all(objects.map((item) => validateOrReject(item, OPTIONS)));
    } else {
      await validateOrReject(argValue, OPTIONS);
    }
  } catch (error) {
    throw new ArgumentValidationError(error as ConstructorParameters<typeof ArgumentValidationError>[0]);
  }
};
