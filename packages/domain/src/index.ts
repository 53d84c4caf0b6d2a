export * from "./compiled-script";
export * from "./errors";
export * from "./ids";
export * from "./invalid-environment";
export * from "./local-secret";
export * from "./money";
export * from "./plan-terms";
export * from "./scopes";
