import { type MiddlewareFn, UseMiddleware } from "type-graphql";
import type { GraphQLContext } from "../context";

/**
 * Runs an inference field inside the caller's tenant admission (infra/tenant-admission.ts):
 * it waits behind its own tenant's calls when the API is full, not behind everyone's. Callers
 * without a principal go straight through (the use case refuses them).
 */
export function Admitted(): MethodDecorator {
  return UseMiddleware(admit);
}

const admit: MiddlewareFn<GraphQLContext> = async ({ context }, next) => {
  const tenantId = context.principal?.tenantId;
  if (!tenantId) return next();
  const release = await context.services.admission.acquire(tenantId);
  try {
    return await next();
  } finally {
    release();
  }
};
