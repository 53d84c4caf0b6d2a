export {
  GraphQLRequestError,
  type GraphQLResponse,
  ModelmarketClient,
  type Operation,
  type RequestOptions,
} from "./client";
export { ERROR_CODES, type ErrorCode, isErrorCode, RETRYABLE_CODES } from "./errors";
// Every operation of src/operations as a typed document, with its result and variables types.
export * from "./generated/graphql";
