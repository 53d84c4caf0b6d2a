import type { ApolloServerPlugin } from "@apollo/server";
import { AppError } from "@modelmarket/domain";
import type { GraphQLContext } from "../context";
import { toGraphQLError } from "./format-error";

/**
 * Authenticates once per operation before any resolver runs (a bad or revoked credential
 * fails the whole request with UNAUTHENTICATED), and stamps every response with its
 * request id in `extensions.requestId`.
 */
export const requestPlugin: ApolloServerPlugin<GraphQLContext> = {
  async requestDidStart() {
    return {
      async didResolveOperation({ contextValue }) {
        try {
          contextValue.principal = await contextValue.services.authenticator.authenticate(contextValue.authorization);
        } catch (error) {
          throw error instanceof AppError ? toGraphQLError(error) : error;
        }
      },
      async willSendResponse({ response, contextValue }) {
        if (response.body.kind === "single") {
          response.body.singleResult.extensions = {
            ...response.body.singleResult.extensions,
            requestId: contextValue.requestId,
          };
        }
      },
    };
  },
};
