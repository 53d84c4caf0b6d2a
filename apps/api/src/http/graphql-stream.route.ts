import type { Express, Request, Response } from "express";
import express from "express";
import { GraphQLError, type GraphQLFormattedError, type GraphQLSchema } from "graphql";
import { createHandler } from "graphql-sse/lib/use/express";
import type { GraphQLContext } from "../context";
import type { AppServices } from "../services";
import { clientAddress } from "./client-address";

/**
 * GraphQL subscriptions over server-sent events (the graphql-sse protocol, "distinct
 * connections" mode: POST with Accept: text/event-stream), at /graphql/stream: the streamed form
 * of generateText (generateTextStream) for any graphql-sse client. The same credentials as
 * /graphql; errors carry the contract's codes (the Apollo path's formatter).
 */
export function graphqlStreamRoute(
  app: Express,
  services: AppServices,
  schema: GraphQLSchema,
  formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError,
): void {
  const { env } = services;
  const handler = createHandler<GraphQLContext & Record<PropertyKey, unknown>>({
    schema,
    context: async (req) => {
      const raw = req.raw as Request;
      const res = req.context.res;
      const context: GraphQLContext = {
        requestId: res.locals.requestId as string,
        clientIp: clientAddress(raw, env.proxySecret),
        authorization: raw.headers.authorization,
        principal: await services.authenticator.authenticate(raw.headers.authorization),
        services,
      };
      return context as GraphQLContext & Record<PropertyKey, unknown>;
    },
    // Only subscriptions here: queries and mutations go to /graphql (its plugins and limits).
    onSubscribe: (_req, params) => {
      if (!/^\s*subscription\b/.test(params.query as string)) {
        return {
          errors: [
            new GraphQLError("Send queries and mutations to /graphql; /graphql/stream takes subscriptions.", {
              extensions: { code: "BAD_USER_INPUT" },
            }),
          ],
        };
      }
    },
    onNext: (_req, _args, result) =>
      result.errors?.length
        ? {
            ...result,
            errors: result.errors.map((e) => {
              const formatted = formatError(e.toJSON(), e);
              return new GraphQLError(formatted.message, { extensions: formatted.extensions });
            }),
          }
        : result,
  });
  app.post(
    "/graphql/stream",
    express.json({ limit: env.GRAPHQL_MAX_BODY_BYTES }),
    async (req: Request, res: Response) => {
      try {
        await handler(req, res);
      } catch (error) {
        services.logger.error({ err: error }, "graphql-sse handler failed");
        if (!res.headersSent) res.status(500).end();
        else res.end();
      }
    },
  );
}
