// Operations generated from the schema: one call of any root field with placeholder arguments,
// so that suites checking every field (the attack suite, the role matrix) cover new fields
// without hand-written queries.
import {
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLSchema,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
} from "graphql";
import type { TestApi, TestTenant } from "./harness";

export type RootField = { operation: "query" | "mutation"; field: GraphQLField<unknown, unknown> };
export type Body = {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: Record<string, any> }[];
};

/** Every query and mutation field of the schema. */
export function rootFields(schema: GraphQLSchema): RootField[] {
  return [
    ...Object.values(schema.getQueryType()?.getFields() ?? {}).map((field) => ({ operation: "query" as const, field })),
    ...Object.values(schema.getMutationType()?.getFields() ?? {}).map((field) => ({
      operation: "mutation" as const,
      field,
    })),
  ];
}

/** A placeholder value of an input type: the smallest thing the schema accepts. */
export function placeholder(type: GraphQLInputType): unknown {
  if (isNonNullType(type)) return placeholder(type.ofType);
  if (isListType(type)) return [placeholder(type.ofType)];
  const named = getNamedType(type);
  if (isEnumType(named)) return named.getValues()[0]?.value;
  if (isInputObjectType(named)) {
    return Object.fromEntries(
      Object.values(named.getFields())
        .filter((f) => isNonNullType(f.type) && f.defaultValue === undefined)
        .map((f) => [f.name, placeholder(f.type)]),
    );
  }
  switch (named.name) {
    case "Int":
    case "Float":
      return 1;
    case "Boolean":
      return true;
    case "DateTime":
      return new Date().toISOString();
    case "JSON":
      return {};
    case "ID":
      return "nothing_00000000000000000000000000";
    default:
      return "x";
  }
}

/** One operation calling `field` with its required arguments (plus `values`), selecting little. */
export function operationFor(root: RootField, values: Record<string, unknown> = {}) {
  const args = root.field.args.filter((a) => isNonNullType(a.type) || a.name in values);
  const variables = Object.fromEntries(
    args.map((a) => [a.name, a.name in values ? values[a.name] : placeholder(a.type)]),
  );
  const declarations = args.map((a) => `$${a.name}: ${String(a.type)}`).join(", ");
  const call = args.map((a) => `${a.name}: $${a.name}`).join(", ");
  const selection = isLeafType(getNamedType(root.field.type)) ? "" : "{ __typename }";
  const query = `${root.operation}${declarations ? `(${declarations})` : ""} { ${root.field.name}${call ? `(${call})` : ""} ${selection} }`;
  return { query, variables };
}

export async function call(
  client: TestTenant["client"] | TestApi["client"],
  root: RootField,
  values?: Record<string, unknown>,
) {
  const { query, variables } = operationFor(root, values);
  const { status, body } = await client.raw(query, variables);
  return { status, body: body as Body, query };
}

export const codeOf = (body: Body) => body.errors?.[0]?.extensions?.code as string | undefined;
