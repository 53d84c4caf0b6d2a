import fs from "node:fs";
import path from "node:path";
import { generate } from "@graphql-codegen/cli";
import { describe, expect, it } from "vitest";
import { codegenConfig } from "../codegen";

describe("generated SDK", () => {
  it("happy: src/generated/graphql.ts is what GraphQL Code Generator makes of the committed schema and operations", async () => {
    // Generated in memory; a schema or operation change without `npm run generate -w packages/sdk` fails here
    // (and an operation the schema no longer serves fails to generate at all).
    const outputs = await generate({ ...codegenConfig, silent: true }, false);
    expect(outputs).toHaveLength(1);
    const committed = fs.readFileSync(path.join(__dirname, "generated", "graphql.ts"), "utf8");
    expect(outputs[0]?.content.trim()).toBe(committed.trim());
  }, 60_000);
});
