import express, { type Express } from "express";
import type { AppServices } from "../../services";
import { chatCompletionsRoute } from "./chat-completions.route";
import { completionsRoute } from "./completions.route";
import { embeddingsRoute } from "./embeddings.route";
import { modelsRoute } from "./models.route";

/**
 * The OpenAI-compatible surface (docs/openai.md): the official clients, LangChain and the
 * Vercel AI SDK call marketplace models with `baseURL` = this API + "/v1" and an API key.
 */
export function openAiRoutes(app: Express, services: AppServices): void {
  const json = express.json({ limit: services.env.GRAPHQL_MAX_BODY_BYTES });
  app.get("/v1/models", modelsRoute(services));
  app.post("/v1/completions", json, completionsRoute(services));
  app.post("/v1/chat/completions", json, chatCompletionsRoute(services));
  app.post("/v1/embeddings", json, embeddingsRoute(services));
}
