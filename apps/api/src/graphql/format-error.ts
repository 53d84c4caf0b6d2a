import { unwrapResolverError } from "@apollo/server/errors";
import { AppError, ERROR_CODES, type ErrorCode, HTTP_STATUS } from "@modelmarket/domain";
import type { ValidationError } from "class-validator";
import type { GraphQLFormattedError } from "graphql";
import { GraphQLError } from "graphql";
import { ArgumentValidationError } from "type-graphql";
import type { Logger } from "../infra/logger";
import { currentRequestId } from "../infra/request-context";

// Apollo's own request-level codes, all of which mean "the request itself is wrong".
const CLIENT_ERROR_CODES = new Set([
  "GRAPHQL_PARSE_FAILED",
  "GRAPHQL_VALIDATION_FAILED",
  "BAD_REQUEST",
  "PERSISTED_QUERY_NOT_FOUND",
  "PERSISTED_QUERY_NOT_SUPPORTED",
  "OPERATION_RESOLUTION_FAILURE",
]);

/**
 * The one place where errors become what clients see: every error carries a code from
 * the contract's closed list; anything unexpected is INTERNAL_SERVER_ERROR with the
 * request id, and its details go to the log only.
 */
export function createFormatError(logger: Logger) {
  const format = formatWith(logger);
  // Every error names its request, also those Apollo answers before any plugin runs (a CSRF
  // refusal, a malformed GET), whose bodies carry no top-level extensions.
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const result = format(formatted, error);
    return { ...result, extensions: { ...result.extensions, requestId: currentRequestId() } };
  };
}

function formatWith(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const unwrapped = unwrapResolverError(error);
    // An AppError thrown by a plugin arrives wrapped in the GraphQLError of toGraphQLError.
    const original =
      unwrapped instanceof GraphQLError && unwrapped.originalError instanceof AppError
        ? unwrapped.originalError
        : unwrapped;
    const base = { locations: formatted.locations, path: formatted.path };

    if (original instanceof AppError) {
      return { ...base, message: original.message, extensions: { code: original.code, ...original.extensions } };
    }
    if (original instanceof ArgumentValidationError) {
      const problems = flattenValidation(original.extensions.validationErrors as ValidationError[]);
      return {
        ...base,
        message: `Invalid input: ${problems.map((p) => p.message).join("; ")}.`,
        extensions: { code: "BAD_USER_INPUT", fields: problems },
      };
    }
    const code = formatted.extensions?.code;
    // Apollo's own request errors without a code (an APQ hash mismatch) carry a 4xx status
    // (read by shape: Apollo's ESM build and ours may hold different GraphQLError classes).
    const status = (original as { extensions?: { http?: { status?: number } } } | null)?.extensions?.http?.status;
    if ((code === undefined || code === "INTERNAL_SERVER_ERROR") && status && status >= 400 && status < 500) {
      return { ...base, message: formatted.message, extensions: { code: "BAD_USER_INPUT" } };
    }
    if (typeof code === "string" && (CLIENT_ERROR_CODES.has(code) || code === "BAD_USER_INPUT")) {
      return { ...base, message: formatted.message, extensions: { code: "BAD_USER_INPUT" } };
    }
    if (
      typeof code === "string" &&
      (ERROR_CODES as readonly string[]).includes(code) &&
      code !== "INTERNAL_SERVER_ERROR"
    ) {
      return { ...base, message: formatted.message, extensions: { code } };
    }
    const requestId = currentRequestId();
    logger.error({ err: original, path: formatted.path }, "unexpected error");
    return {
      ...base,
      message: `Internal server error; quote request id ${requestId ?? "unknown"} when reporting it.`,
      extensions: { code: "INTERNAL_SERVER_ERROR", requestId },
    };
  };
}

/** An AppError as a GraphQLError, with the HTTP status Apollo should use when it ends the request. */
export function toGraphQLError(error: AppError): GraphQLError {
  const code: ErrorCode = error.code;
  return new GraphQLError(error.message, {
    originalError: error,
    extensions: { code, ...error.extensions, http: { status: HTTP_STATUS[code] } },
  });
}

function flattenValidation(errors: ValidationError[], prefix = ""): { field: string; message: string }[] {
  return errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((message) => ({
      field,
      message: message.replace(e.property, field),
    }));
    return [...own, ...flattenValidation(e.children ?? [], field)];
  });
}
