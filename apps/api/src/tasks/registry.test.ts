import "reflect-metadata";
import fs from "node:fs";
import path from "node:path";
import { ModelTask } from "@modelmarket/db";
import { INFERENCE_OPERATIONS, operationsOf, TASK_DESCRIPTORS } from "@modelmarket/tasks";
import { describe, expect, it } from "vitest";
import { TASKS } from "./registry";

const ROOT = path.resolve(__dirname, "../../../..");
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), "utf8");

describe("task registry", () => {
  it("happy: the API's modules, the shared descriptors and the database's ModelTask enum list the same tasks", () => {
    expect(TASKS.map((t) => t.descriptor)).toEqual([...TASK_DESCRIPTORS]);
    expect(TASK_DESCRIPTORS.map((t) => t.task).sort()).toEqual(Object.values(ModelTask).sort());
  });

  it("happy: every task's operations are mutations of the contract, in the SDK's operations and in the billed set", () => {
    const schema = read("apps/api/schema.graphql");
    const mutations = schema.slice(schema.indexOf("type Mutation {"));
    const sdk = read("packages/sdk/src/operations/inference.graphql");
    for (const operation of TASK_DESCRIPTORS.flatMap(operationsOf)) {
      expect(mutations, operation).toContain(`\n  ${operation}(`);
      expect(sdk, operation).toContain(`  ${operation}(`);
      expect(INFERENCE_OPERATIONS.has(operation)).toBe(true);
    }
  });

  it("happy: every task's snippet calls its own operation with the variables it declares", () => {
    for (const { operation, snippet } of TASK_DESCRIPTORS) {
      expect(snippet.query).toContain(` ${operation}(`);
      for (const name of Object.keys(snippet.variables)) expect(snippet.query).toContain(`$${name}:`);
    }
  });
});
