import type { Prisma } from "@modelmarket/db";

/**
 * Locks a model's row until the transaction ends, so that checks of "what is left" (the last
 * version not yanked, the last plan) and the change they allow are one step for concurrent
 * publishers' requests on every instance.
 */
export async function lockModel(tx: Prisma.TransactionClient, modelId: string): Promise<void> {
  await tx.$queryRaw`SELECT id FROM "Model" WHERE id = ${modelId} FOR UPDATE`;
}
