import type { Request, Response } from "express";
import { requireScope } from "../../auth/require-scope";
import type { AppServices } from "../../services";
import { listSubscriptions } from "../../use-cases/subscriptions/list-subscriptions";
import { created, sendOpenAiError } from "./openai-protocol";

/** GET /v1/models: the models this key can call through its tenant's live subscriptions. */
export function modelsRoute(services: AppServices) {
  return async (req: Request, res: Response) => {
    try {
      const principal = requireScope(await services.authenticator.authenticate(req.headers.authorization), "inference");
      const subscriptions = await listSubscriptions(services, principal);
      const live = subscriptions.filter((s) => s.status === "ACTIVE" || s.status === "PAST_DUE");
      res.json({
        object: "list",
        data: live.map((s) => ({
          id: s.model.slug,
          object: "model",
          created: Math.floor(new Date(s.model.createdAt).getTime() / 1000) || created(),
          owned_by: s.model.publisher.slug,
          task: s.model.task,
        })),
      });
    } catch (error) {
      sendOpenAiError(res, services, error);
    }
  };
}
