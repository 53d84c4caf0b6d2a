import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { GENERATED, generateSdk } from "./codegen/generate-sdk";

describe("generated SDK", () => {
  it("happy: src/generated/graphql.ts is what GraphQL Code Generator makes of the committed schema and operations", async () => {
    // Generated in memory: a schema or operation change without `npm run generate -w packages/sdk`
    // fails here, and an operation the schema no longer serves fails to generate at all.
    expect((await generateSdk()).trim()).toBe(fs.readFileSync(GENERATED, "utf8").trim());
  }, 60_000);
});
