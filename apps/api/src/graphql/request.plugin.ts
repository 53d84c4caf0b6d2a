import type { ApolloServerPlugin } from "@apollo/server";
import { AppError, badInput } from "@modelmarket/domain";
import { formatServerTiming } from "@modelmarket/kserve";
import { INFERENCE_OPERATIONS } from "@modelmarket/tasks";
import {
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  getNamedType,
  Kind,
  type SelectionSetNode,
  TypeInfo,
  visit,
  visitWithTypeInfo,
} from "graphql";
import type { GraphQLContext } from "../context";
import { requestScope, sinceRequestStart } from "../infra/request-context";
import { toGraphQLError } from "./format-error";

/**
 * Authenticates once per operation before any resolver runs (a bad or revoked credential
 * fails the whole request with UNAUTHENTICATED), and stamps every response with its
 * request id in `extensions.requestId`.
 */
export const requestPlugin: ApolloServerPlugin<GraphQLContext> = {
  async requestDidStart() {
    return {
      async didResolveOperation({ contextValue, operation, document, request, schema }) {
        // An operationName that the document does not define (or none with several operations).
        if (!operation) {
          throw toGraphQLError(
            badInput(
              request.operationName
                ? `The document has no operation named "${request.operationName}".`
                : "The document has several operations: name the one to run in `operationName`.",
              "operationName",
            ),
          );
        }
        // Text that no database or log can hold is refused here, for every field alike.
        const variables = request.variables ?? {};
        const { unfitLiteral, longId } = checkDocument(schema, document, variables);
        const unfit = unrepresentableString(variables, "") ?? unfitLiteral;
        if (unfit) {
          throw toGraphQLError(
            badInput(`\`${unfit}\` contains a NUL character or an unpaired UTF-16 surrogate; send valid text.`, unfit),
          );
        }
        // Every id this API issues is short: a longer one is a mistake (or an attack), said so.
        if (longId)
          throw toGraphQLError(
            badInput(`\`${longId}\` is not an id (ids are at most ${MAX_ID_LENGTH} characters).`, longId),
          );
        // One billed inference call per request, refused before anything runs or is billed.
        if (operation.operation === "mutation") {
          const fragments = new Map(
            document.definitions
              .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
              .map((d) => [d.name.value, d]),
          );
          if (inferenceFields(operation.selectionSet, fragments) > 1) {
            throw toGraphQLError(
              badInput(
                "One inference call per request: the request id is the call's receipt. Send the others separately.",
              ),
            );
          }
        }
        try {
          contextValue.principal = await contextValue.services.authenticator.authenticate(contextValue.authorization);
        } catch (error) {
          throw error instanceof AppError ? toGraphQLError(error) : error;
        }
      },
      async willSendResponse({ response, contextValue }) {
        if (response.body.kind === "single") {
          const scope = requestScope.getStore();
          const notices = scope?.notices;
          // A replayed call answers with its original request id (its receipt), in the body and
          // the X-Request-Id header; this request's own id stays in the logs as replayRequestId.
          const requestId = scope?.replayOf ?? contextValue.requestId;
          if (scope?.replayOf) response.http.headers.set("x-request-id", scope.replayOf);
          // An inference call says where its time went (admit, model and the tier's phases,
          // commit, total), as the standard Server-Timing header.
          if (scope?.timing) {
            response.http.headers.set(
              "server-timing",
              formatServerTiming([...scope.timing, ["total", sinceRequestStart()]]),
            );
          }
          response.body.singleResult.extensions = {
            ...response.body.singleResult.extensions,
            requestId,
            ...(scope?.replayOf ? { replayed: true } : {}),
            ...(notices?.length ? { notices } : {}),
          };
        }
      },
    };
  },
};

function inferenceFields(selectionSet: SelectionSetNode, fragments: Map<string, FragmentDefinitionNode>): number {
  let n = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) n += INFERENCE_OPERATIONS.has(selection.name.value) ? 1 : 0;
    else if (selection.kind === Kind.INLINE_FRAGMENT) n += inferenceFields(selection.selectionSet, fragments);
    else {
      const fragment = fragments.get(selection.name.value);
      if (fragment) n += inferenceFields(fragment.selectionSet, fragments);
    }
  }
  return n;
}

// A NUL, or a surrogate half without its partner (not encodable as UTF-8).
// biome-ignore lint/suspicious/noControlCharactersInRegex: the NUL character is what is refused
const UNFIT = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** The path of the first variable value (or key) that is not valid text, if any. */
function unrepresentableString(value: unknown, path: string): string | null {
  if (typeof value === "string") return UNFIT.test(value) ? path || "variables" : null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = unrepresentableString(value[i], `${path}.${i}`);
      if (found) return found;
    }
    return null;
  }
  if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      const at = path ? `${path}.${k}` : k;
      if (UNFIT.test(k)) return at;
      const found = unrepresentableString(v, at);
      if (found) return found;
    }
  }
  return null;
}

const MAX_ID_LENGTH = 200;

/** What a document alone decides (cached per parsed document: clients repeat their queries). */
interface DocumentFacts {
  unfitLiteral: string | null;
  longIdLiteral: string | null;
  /** Variables declared with the ID type (their values are checked on every request). */
  idVariables: string[];
}

// Apollo hands the same DocumentNode to every request with the same query text (its document
// cache), so the walk below runs once per distinct query, not once per request.
const documentFacts = new WeakMap<DocumentNode, DocumentFacts>();

/**
 * The argument name of the first string literal that is not valid text, and the name of the
 * first ID-typed variable or argument literal longer than MAX_ID_LENGTH.
 */
function checkDocument(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown>,
): { unfitLiteral: string | null; longId: string | null } {
  let facts = documentFacts.get(document);
  if (!facts) {
    facts = documentFactsOf(schema, document);
    documentFacts.set(document, facts);
  }
  const longVariable = facts.idVariables.find((name) => tooLong(variables[name])) ?? null;
  return { unfitLiteral: facts.unfitLiteral, longId: longVariable ?? facts.longIdLiteral };
}

const tooLong = (v: unknown): boolean =>
  typeof v === "string" ? v.length > MAX_ID_LENGTH : Array.isArray(v) ? v.some(tooLong) : false;

/** One pass over the document with its types. */
function documentFactsOf(schema: GraphQLSchema, document: DocumentNode): DocumentFacts {
  const facts: DocumentFacts = { unfitLiteral: null, longIdLiteral: null, idVariables: [] };
  let argument = "query";
  const typeInfo = new TypeInfo(schema);
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      VariableDefinition(node) {
        let type = node.type;
        while (type.kind !== Kind.NAMED_TYPE) type = type.type;
        if (type.name.value === "ID") facts.idVariables.push(node.variable.name.value);
      },
      Argument(node) {
        argument = node.name.value;
        const arg = typeInfo.getArgument();
        if (!facts.longIdLiteral && arg && getNamedType(arg.type).name === "ID" && node.value.kind === Kind.STRING) {
          if (tooLong(node.value.value)) facts.longIdLiteral = node.name.value;
        }
      },
      StringValue(node) {
        if (!facts.unfitLiteral && UNFIT.test(node.value)) facts.unfitLiteral = argument;
      },
    }),
  );
  return facts;
}
