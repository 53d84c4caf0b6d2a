/** The error every app's env module throws: one line per invalid variable, so start-up says what to fix. */
export function invalidEnvironment(issues: readonly { path: readonly PropertyKey[]; message: string }[]): Error {
  const lines = issues.map((i) => `  ${i.path.map(String).join(".")}: ${i.message}`);
  return new Error(`Invalid environment:\n${lines.join("\n")}`);
}
