import { badInput } from "@modelmarket/domain";
import { hash, verify } from "@node-rs/argon2";
import { ZxcvbnFactory } from "@zxcvbn-ts/core";
import * as common from "@zxcvbn-ts/language-common";
import * as en from "@zxcvbn-ts/language-en";

const strength = new ZxcvbnFactory({
  dictionary: { ...common.dictionary, ...en.dictionary },
  graphs: common.adjacencyGraphs,
  translations: en.translations,
});

// OWASP's argon2id minimum (19 MiB, 2 passes).
const ARGON2 = { memoryCost: 19456, timeCost: 2, parallelism: 1 };

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 200;

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

/** A hash of a random password, verified against when the email is unknown so both paths cost the same. */
export const DECOY_HASH_PROMISE = hashPassword(`decoy-${Math.random()}`);

/** Refuses short, long and guessable passwords (dictionary words, keyboard walks, the email itself). */
export function assertStrongPassword(password: string, userInputs: string[]): void {
  if (password.length < PASSWORD_MIN_LENGTH) {
    throw badInput(`Password must be at least ${PASSWORD_MIN_LENGTH} characters.`, "password");
  }
  if (password.length > PASSWORD_MAX_LENGTH) {
    throw badInput(`Password must be at most ${PASSWORD_MAX_LENGTH} characters.`, "password");
  }
  const result = strength.check(password, userInputs);
  if (result.score < 3) {
    const hint = result.feedback.warning || result.feedback.suggestions[0] || "add more unrelated words";
    throw badInput(`Password is too easy to guess: ${hint}`, "password");
  }
}
