import { type ApolloServerPlugin, HeaderMap } from "@apollo/server";
import { Kind, type OperationDefinitionNode } from "graphql";
import type { GraphQLContext } from "../context";

/** Root fields whose result depends only on the caller's tenant, the arguments and the catalog. */
const CATALOG_FIELDS = new Set(["models", "model", "__typename"]);

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
      async responseForOperation({ operation, request, contextValue }) {
        if (!isCatalogQuery(operation)) return null;
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

function isCatalogQuery(operation: OperationDefinitionNode): boolean {
  if (operation.operation !== "query") return false;
  return operation.selectionSet.selections.every(
    (s) => s.kind === Kind.FIELD && CATALOG_FIELDS.has(s.name.value) && !s.directives?.length,
  );
}
