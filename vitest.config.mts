import path from "node:path";
import { defineConfig } from "vitest/config";

// Workspace packages resolve to their TypeScript sources, so tests need no build first.
const alias = Object.fromEntries(
  ["domain", "kserve", "db", "onnx", "sdk", "model-zoo", "tokenizers", "tasks"].map((name) => [
    `@modelmarket/${name}`,
    path.resolve(import.meta.dirname, "packages", name, "src", "index.ts"),
  ]),
);

// Integration tests run twice: on embedded PGlite and on the local PostgreSQL server.
const integration = (db: "pglite" | "postgres") => ({
  extends: true as const,
  test: {
    name: `api-${db}`,
    include: ["apps/api/test/**/*.test.ts"],
    env: { TEST_DB: db },
  },
});

// graphql ships ESM and CJS builds; type-graphql requires the CJS one, so tests must get
// the same instance ("Cannot use GraphQLObjectType from another module or realm").
alias.graphql = path.resolve(import.meta.dirname, "node_modules", "graphql", "index.js");

export default defineConfig({
  resolve: { alias },
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ["default", "./tests/support/summary-reporter.ts"],
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["packages/*/src/**/*.test.ts", "apps/*/src/**/*.test.ts", "infra/src/**/*.test.ts"],
        },
      },
      integration("pglite"),
      {
        extends: true,
        test: { name: "inference", include: ["apps/inference/test/**/*.test.ts"], testTimeout: 60_000 },
      },
      integration("postgres"),
      {
        extends: true,
        test: { name: "black-box", include: ["tests/api/**/*.test.ts"], testTimeout: 120_000, hookTimeout: 180_000 },
      },
    ],
  },
});
