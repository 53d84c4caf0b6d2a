import { DateTimeResolver, JSONResolver } from "graphql-scalars";

/** The contract's `DateTime` (ISO-8601 strings) and `JSON` scalars. */
export const DateTimeScalar = DateTimeResolver;
export const JSONScalar = JSONResolver;
