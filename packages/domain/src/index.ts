export * from "./errors";
export * from "./ids";
export * from "./plan-terms";
export * from "./scopes";
