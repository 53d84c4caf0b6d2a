// The portal sends only the SDK's operations (packages/sdk/src/operations/*.graphql): typed end to
// end, checked against the schema by the SDK's generation test, and shared with every client.
// A GraphQL document written in a string here would escape both.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const SRC = path.resolve(__dirname, "..");

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sources(full);
    return /\.(ts|tsx)$/.test(entry.name) && !entry.name.endsWith(".test.ts") ? [full] : [];
  });
}

/** String literals that hold a GraphQL operation: `query …{`, `mutation …{`, or a bare `{ field … }`. */
export function inlineOperations(text: string): string[] {
  const literals = text.match(/`[^`]*`|"(?:[^"\\\n]|\\.)*"/g) ?? [];
  return literals.filter((literal) => {
    const body = literal.slice(1, -1).trim();
    return (
      /^(query|mutation|subscription|fragment)(\s+[_A-Za-z]\w*)?\s*(\([^)]*\))?\s*\{/.test(body) ||
      /^\{\s*[_A-Za-z]\w*\s*[({]/.test(body)
    );
  });
}

describe("portal operations", () => {
  it("error: the check finds an inline operation in any of its forms", () => {
    expect(inlineOperations("const Q = `query Own { publishedModels { slug } }`;")).toHaveLength(1);
    expect(inlineOperations("clientGql(`mutation { connectPayoutAccount { url } }`)")).toHaveLength(1);
    expect(inlineOperations('const T = "{ tasks { task } }";')).toHaveLength(1);
    expect(inlineOperations('const s = "query string";')).toHaveLength(0);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the source text the check reads
    expect(inlineOperations("const id = `subscription-${slug}`;")).toHaveLength(0);
    expect(inlineOperations("x(`mutation($m: String!) { unpublishModel(model: $m) { id } }`)")).toHaveLength(1);
  });

  it("security: apps/web holds no GraphQL operation in a string (the SDK's documents only)", () => {
    const found = sources(SRC).flatMap((file) =>
      inlineOperations(fs.readFileSync(file, "utf8")).map((op) => `${path.relative(SRC, file)}: ${op.slice(0, 60)}`),
    );
    expect(found).toEqual([]);
  });
});
