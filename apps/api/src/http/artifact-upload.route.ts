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
      const fileName = uploadFileName(req.query.filename);
      const length = req.headers["content-length"];
      const artifact = await uploadArtifact(services, principal, {
        body: req,
        kind: kind as ArtifactKindName,
        declaredLength: length === undefined ? undefined : Number(length),
        fileName,
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

const MAX_FILE_NAME = 255;

/**
 * The optional `filename`, checked before a byte of the body is stored: given once, at most
 * 255 characters (a file system's limit; never silently cut), and printable text (no NUL,
 * control characters or unpaired surrogates, which no database column or log line can hold).
 */
function uploadFileName(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string") throw badInput("`filename` must be given once, as text.", "filename");
  if (value.length > MAX_FILE_NAME) {
    throw badInput(`\`filename\` is longer than ${MAX_FILE_NAME} characters.`, "filename");
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (/[\u0000-\u001f\u007f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(value)) {
    throw badInput("`filename` contains a control character or invalid text.", "filename");
  }
  return value;
}
