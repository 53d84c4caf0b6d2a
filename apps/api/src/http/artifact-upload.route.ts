import { badInput } from "@modelmarket/domain";
import type { Request, Response } from "express";
import { requireScope } from "../auth/require-scope";
import type { AppServices } from "../services";
import { type ArtifactKindName, uploadArtifact } from "../use-cases/artifacts/upload-artifact";
import { sendError } from "./send-error";

/**
 * POST /v1/artifacts?kind=model|asset&filename=NAME — the raw file is the body (not
 * multipart), streamed to storage. Answers 201 with the artifact id to use in publishModel.
 */
export function artifactUploadRoute(services: AppServices) {
  return async (req: Request, res: Response) => {
    try {
      const kind = (req.query.kind ?? "model") as string;
      if (kind !== "model" && kind !== "asset") throw badInput('`kind` must be "model" or "asset".', "kind");
      // This route is its own boundary (no GraphQL access rule): the scope is checked here.
      const principal = requireScope(
        await services.authenticator.authenticate(req.headers.authorization),
        "models:write",
      );
      const length = req.headers["content-length"];
      const artifact = await uploadArtifact(services, principal, {
        body: req,
        kind: kind as ArtifactKindName,
        declaredLength: length === undefined ? undefined : Number(length),
        fileName: typeof req.query.filename === "string" ? req.query.filename : undefined,
        contentType: req.headers["content-type"],
      });
      res.status(201).json({
        id: artifact.id,
        kind: artifact.kind,
        sha256: artifact.sha256,
        sizeBytes: Number(artifact.sizeBytes),
        signature: artifact.inspection,
        createdAt: artifact.createdAt,
      });
    } catch (error) {
      // The client may still be sending: closing after the answer stops a huge upload early.
      if (!req.complete) res.setHeader("Connection", "close");
      sendError(res, services.logger, error);
    }
  };
}
