import { type ApolloServerPlugin, HeaderMap } from "@apollo/server";
import {
  type DocumentNode,
  type GraphQLSchema,
  getNamedType,
  type OperationDefinitionNode,
  TypeInfo,
  visit,
  visitWithTypeInfo,
} from "graphql";
import type { GraphQLContext } from "../context";

/**
 * The fields whose value depends only on the caller's tenant, the arguments and the catalog,
 * by type. Only a query that selects nothing else is cached: a field added later (or one that
 * depends on the caller, such as Model.playgroundUserIds) is not cacheable until listed here.
 */
const CACHEABLE: Record<string, ReadonlySet<string>> = {
  Query: new Set(["models", "model"]),
  ModelConnection: new Set(["edges", "pageInfo", "totalCount"]),
  ModelEdge: new Set(["cursor", "node"]),
  PageInfo: new Set(["hasNextPage", "endCursor"]),
  Model: new Set([
    "id",
    "slug",
    "name",
    "description",
    "task",
    "visibility",
    "tags",
    "publisher",
    "latestVersion",
    "versions",
    "plans",
    "card",
    "unpublishedAt",
  ]),
  Tenant: new Set(["id", "slug", "name"]),
  EvaluationMetric: new Set(["name", "value", "unit", "dataset", "split", "description", "higherIsBetter", "source"]),
  ModelVersion: new Set([
    "id",
    "version",
    "sha256",
    "sizeBytes",
    "createdAt",
    "signature",
    "evaluation",
    "metrics",
    "headlineMetric",
    "notes",
    "deprecated",
    "deprecationNote",
    "yanked",
    "yankReason",
    "examples",
  ]),
  Plan: new Set([
    "id",
    "name",
    "monthlyFeeCents",
    "includedUnits",
    "unitPriceMicros",
    "inputPricePerMillionMicros",
    "outputPricePerMillionMicros",
    "currency",
    "rateLimitPerMinute",
  ]),
  ModelCard: new Set(["intendedUse", "limitations", "license", "source"]),
};

/**
 * Whole-response cache for catalog queries, the hottest read path (every portal visit,
 * every client listing models). Entries live in the catalog cache, keyed by caller tenant
 * (private models differ per tenant), query text and variables, and are dropped together
 * with it when a model is published.
 */
export const catalogResponseCachePlugin: ApolloServerPlugin<GraphQLContext> = {
  async requestDidStart() {
    let key: string | null = null;
    return {
      async responseForOperation({ operation, document, schema, request, contextValue }) {
        if (!operation || !isCatalogQuery(schema, document, operation)) return null;
        key = JSON.stringify([
          "response",
          contextValue.principal?.tenantId ?? "-",
          request.operationName ?? null,
          request.query,
          request.variables ?? null,
        ]);
        const data = contextValue.services.catalogCache.peek<Record<string, unknown>>(key);
        if (!data) return null;
        return {
          http: { status: undefined, headers: new HeaderMap() },
          body: { kind: "single", singleResult: { data } },
        };
      },
      async willSendResponse({ response, contextValue }) {
        if (!key || response.body.kind !== "single") return;
        const { data, errors } = response.body.singleResult;
        if (data && !errors?.length) contextValue.services.catalogCache.put(key, data);
      },
    };
  },
};

/** A query every field of which (fragments included) is on the cacheable list, with no directives. */
export function isCatalogQuery(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
): boolean {
  if (operation.operation !== "query") return false;
  let cacheable = true;
  const typeInfo = new TypeInfo(schema);
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Directive() {
        cacheable = false;
      },
      Field(node) {
        if (node.name.value === "__typename") return;
        const parent = typeInfo.getParentType();
        const allowed = parent ? CACHEABLE[getNamedType(parent).name] : undefined;
        if (!allowed?.has(node.name.value)) cacheable = false;
      },
      OperationDefinition(node) {
        // Only the operation being run (a document may hold several).
        if (node !== operation) return false;
      },
    }),
  );
  return cacheable;
}
