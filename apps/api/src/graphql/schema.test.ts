import fs from "node:fs";
import path from "node:path";
import {
  astFromValue,
  buildSchema,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputField,
  type GraphQLNamedType,
  type GraphQLSchema,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isObjectType,
  print,
} from "graphql";
import { describe, expect, it } from "vitest";
import { buildApiSchema } from "../schema";
import { printApiSchema } from "./print-schema";

const COMMITTED = path.resolve(__dirname, "..", "..", "schema.graphql");
// The contract's starting core, kept in the repository: the served schema must stay a
// backward-compatible superset of it (clients written against it keep working).
const CONTRACT = path.resolve(__dirname, "..", "..", "contract", "core-v1.graphql");

/**
 * Contract operations that later issues build. Each must be absent until it really works;
 * the issue that lands one removes it from here, and the check below then covers it.
 */
const NOT_YET_BUILT: Record<string, string> = {};

describe("schema", () => {
  it("happy: the committed schema.graphql matches the code (run `npm run schema:emit` after a change)", async () => {
    expect(fs.readFileSync(COMMITTED, "utf8")).toBe(await printApiSchema());
  });

  it("happy: every type, field, argument, default and nullability of the contract's built operations is served", async () => {
    expect(fs.existsSync(CONTRACT), `the contract is expected at ${CONTRACT}`).toBe(true);
    const contract = buildSchema(fs.readFileSync(CONTRACT, "utf8"));
    const ours = await buildApiSchema();
    const problems: string[] = [];
    const reachable = new Set<string>();

    for (const root of ["Query", "Mutation"] as const) {
      const contractRoot = contract.getType(root);
      const ourRoot = ours.getType(root);
      if (!isObjectType(contractRoot) || !isObjectType(ourRoot)) throw new Error(`${root} missing`);
      for (const field of Object.values(contractRoot.getFields())) {
        const key = `${root}.${field.name}`;
        const ourField = ourRoot.getFields()[field.name];
        if (NOT_YET_BUILT[key]) {
          if (ourField) problems.push(`${key} is served now: remove it from NOT_YET_BUILT`);
          continue;
        }
        if (!ourField) {
          problems.push(`${key} is missing`);
          continue;
        }
        compareField(key, field, ourField, problems);
        collectTypes(contract, getNamedType(field.type), reachable);
        for (const arg of field.args) collectTypes(contract, getNamedType(arg.type), reachable);
      }
    }
    for (const name of reachable) compareType(contract, ours, name, problems);
    expect(problems).toEqual([]);
    // The check is only worth something if it reached the types this issue owns.
    expect([...reachable]).toEqual(
      expect.arrayContaining(["Model", "PublishModelInput", "PlanInput", "ApiKey", "Session"]),
    );
  });
});

function collectTypes(schema: GraphQLSchema, type: GraphQLNamedType, into: Set<string>): void {
  if (into.has(type.name) || type.name.startsWith("__")) return;
  into.add(type.name);
  if (isObjectType(type)) {
    for (const f of Object.values(type.getFields())) {
      collectTypes(schema, getNamedType(f.type), into);
      for (const a of f.args) collectTypes(schema, getNamedType(a.type), into);
    }
  }
  if (isInputObjectType(type)) {
    for (const f of Object.values(type.getFields())) collectTypes(schema, getNamedType(f.type), into);
  }
}

function compareType(contract: GraphQLSchema, ours: GraphQLSchema, name: string, problems: string[]): void {
  const theirs = contract.getType(name);
  const mine = ours.getType(name);
  if (!theirs) return;
  if (!mine) return void problems.push(`type ${name} is missing`);
  if (theirs.constructor !== mine.constructor) return void problems.push(`type ${name} has another kind`);
  if (isObjectType(theirs) && isObjectType(mine)) {
    for (const f of Object.values(theirs.getFields())) {
      const m = mine.getFields()[f.name];
      if (!m) problems.push(`${name}.${f.name} is missing`);
      else compareField(`${name}.${f.name}`, f, m, problems);
    }
  }
  if (isInputObjectType(theirs) && isInputObjectType(mine)) {
    for (const f of Object.values(theirs.getFields())) {
      const m = mine.getFields()[f.name];
      if (!m) problems.push(`${name}.${f.name} is missing`);
      else compareInput(`${name}.${f.name}`, f, m, problems);
    }
    for (const m of Object.values(mine.getFields())) {
      if (!theirs.getFields()[m.name] && String(m.type).endsWith("!") && m.defaultValue === undefined) {
        problems.push(`${name}.${m.name} is a required input field the contract does not have`);
      }
    }
  }
  if (isEnumType(theirs) && isEnumType(mine)) {
    for (const v of theirs.getValues()) if (!mine.getValue(v.name)) problems.push(`${name}.${v.name} is missing`);
  }
}

function compareField(
  key: string,
  theirs: GraphQLField<unknown, unknown>,
  mine: GraphQLField<unknown, unknown>,
  problems: string[],
): void {
  if (String(theirs.type) !== String(mine.type)) problems.push(`${key}: type ${mine.type}, contract ${theirs.type}`);
  for (const arg of theirs.args) {
    const m = mine.args.find((a) => a.name === arg.name);
    if (!m) problems.push(`${key}(${arg.name}) is missing`);
    else compareInput(`${key}(${arg.name})`, arg, m, problems);
  }
  for (const m of mine.args) {
    if (!theirs.args.some((a) => a.name === m.name) && String(m.type).endsWith("!") && m.defaultValue === undefined) {
      problems.push(`${key}(${m.name}) is a required argument the contract does not have`);
    }
  }
}

function compareInput(
  key: string,
  theirs: GraphQLArgument | GraphQLInputField,
  mine: GraphQLArgument | GraphQLInputField,
  problems: string[],
): void {
  if (String(theirs.type) !== String(mine.type)) problems.push(`${key}: type ${mine.type}, contract ${theirs.type}`);
  const defaultOf = (x: GraphQLArgument | GraphQLInputField) => {
    if (x.defaultValue === undefined) return "none";
    const ast = astFromValue(x.defaultValue, x.type);
    return ast ? print(ast) : "none";
  };
  if (defaultOf(theirs) !== defaultOf(mine))
    problems.push(`${key}: default ${defaultOf(mine)}, contract ${defaultOf(theirs)}`);
}
