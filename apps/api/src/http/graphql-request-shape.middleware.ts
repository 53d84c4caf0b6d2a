import type { RequestHandler, Response } from "express";
import { type GraphQLError, Kind, parse, visit } from "graphql";

/** Deepest nesting of `variables` (and `extensions`): the schema's inputs need far less. */
export const MAX_VARIABLE_DEPTH = 32;
/** Most fields in one document: the SDK's largest operation has 26, a full introspection query 72. */
export const MAX_DOCUMENT_FIELDS = 300;
/** Documents shorter than this cannot hold MAX_DOCUMENT_FIELDS fields and are not counted. */
const COUNT_FIELDS_FROM_LENGTH = 1_500;

/**
 * What /graphql refuses before Apollo sees the request, each as GraphQL's error shape with
 * BAD_USER_INPUT (400), without credentials or CPU spent first:
 * - batched operations (an array would dodge the per-operation limits);
 * - variables nested deeper than MAX_VARIABLE_DEPTH (recursive walks would overflow the stack);
 * - documents with more than MAX_DOCUMENT_FIELDS fields: validation's overlapping-fields rule
 *   is quadratic in the fields of a selection set, so a few thousand repeated fields cost
 *   hundreds of milliseconds before validation gives up. Only long documents are parsed here
 *   (a linear pass); everyday queries are not parsed twice.
 */
export const graphqlRequestShape: RequestHandler = (req, res, next) => {
  if (Array.isArray(req.body)) {
    return refuse(
      res,
      "Batched operations are not supported: each request is one operation with its own request id, which is the receipt of its billed call; send one operation per request.",
    );
  }
  const params = req.method === "GET" ? req.query : (req.body ?? {});
  for (const name of ["variables", "extensions"] as const) {
    let value: unknown = params[name];
    if (typeof value === "string" && req.method === "GET") {
      try {
        value = JSON.parse(value);
      } catch {
        continue; // Apollo answers malformed JSON itself
      }
    }
    if (deeperThan(value, MAX_VARIABLE_DEPTH)) {
      return refuse(res, `\`${name}\` are nested deeper than ${MAX_VARIABLE_DEPTH} levels.`, name);
    }
  }
  const query = params.query;
  if (typeof query === "string" && query.length >= COUNT_FIELDS_FROM_LENGTH) {
    const fields = countFields(query);
    if (fields > MAX_DOCUMENT_FIELDS) {
      return refuse(res, `The document has ${fields} fields; at most ${MAX_DOCUMENT_FIELDS} are accepted.`, "query");
    }
  }
  next();
};

/** Iterative (an attacker's nesting must not be able to overflow this check's own stack). */
function deeperThan(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [current, depth] = stack.pop() as [unknown, number];
    if (current === null || typeof current !== "object") continue;
    if (depth >= limit) return true;
    for (const child of Object.values(current)) stack.push([child, depth + 1]);
  }
  return false;
}

function countFields(query: string): number {
  let fields = 0;
  try {
    // Apollo's own limit on tokens applies here too; a syntax error is left to Apollo to answer.
    visit(parse(query, { maxTokens: 4000, noLocation: true }), {
      [Kind.FIELD]() {
        fields++;
      },
    });
  } catch (error) {
    if ((error as GraphQLError).name !== "GraphQLError") throw error;
  }
  return fields;
}

function refuse(res: Response, message: string, field?: string): void {
  const requestId = res.locals.requestId as string | undefined;
  res.status(400).json({
    errors: [{ message, extensions: { code: "BAD_USER_INPUT", requestId, ...(field ? { field } : {}) } }],
    extensions: { requestId },
  });
}
