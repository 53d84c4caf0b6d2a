export { GraphQLRequestError, type GraphQLResponse, ModelmarketClient } from "./client";
