import fs from "node:fs/promises";
import type { Readable } from "node:stream";
import type { Prisma } from "@modelmarket/db";
import { badInput, newId, payloadTooLarge } from "@modelmarket/domain";
import { inspectOnnx, OnnxFormatError, validateInSandbox } from "@modelmarket/onnx";
import type { Principal } from "../../auth/principal";
import { requirePrincipal } from "../../auth/require-scope";
import { ArtifactTooLargeError, type StagedBlob } from "../../infra/artifact-store";
import type { AppServices } from "../../services";
import { audit } from "../support/audit";

export type ArtifactKindName = "model" | "asset";

export interface UploadArtifactCommand {
  body: Readable;
  kind: ArtifactKindName;
  /** Content-Length, when the client sent one: an oversized body is refused before it is read. */
  declaredLength?: number;
  fileName?: string;
  contentType?: string;
}

/**
 * Receives a file (an ONNX model, or an asset such as labels or a vocabulary), stores it
 * content-addressed and records it for the caller's tenant. A model must parse as an ONNX
 * ModelProto and use no external data or custom operators.
 */
export async function uploadArtifact(services: AppServices, caller: Principal | null, cmd: UploadArtifactCommand) {
  const principal = requirePrincipal(caller);
  const limit = cmd.kind === "model" ? services.env.ARTIFACT_MAX_BYTES : services.env.ASSET_MAX_BYTES;
  if (cmd.declaredLength !== undefined && cmd.declaredLength > limit) {
    cmd.body.resume(); // drain, so the client reads our answer instead of a reset
    throw payloadTooLarge(`The ${cmd.kind} is ${cmd.declaredLength} bytes; the limit is ${limit} bytes.`, limit);
  }
  let staged: StagedBlob;
  try {
    staged = await services.artifacts.stage(cmd.body, limit);
  } catch (error) {
    if (error instanceof ArtifactTooLargeError) {
      throw payloadTooLarge(`The ${cmd.kind} exceeds the limit of ${limit} bytes.`, limit);
    }
    throw error;
  }
  try {
    if (staged.sizeBytes === 0) throw badInput("The request body is empty; send the file as the raw body.");
    const inspection = cmd.kind === "model" ? await inspectModel(services, staged.path) : null;
    await staged.commit();
    return await services.db.$transaction(async (tx) => {
      const artifact = await tx.artifact.create({
        data: {
          id: newId("artifact"),
          tenantId: principal.tenantId,
          kind: cmd.kind === "model" ? "MODEL" : "ASSET",
          sha256: staged.sha256,
          sizeBytes: BigInt(staged.sizeBytes),
          fileName: cmd.fileName ?? null,
          contentType: cmd.contentType?.slice(0, 100) ?? null,
          inspection: (inspection ?? undefined) as Prisma.InputJsonValue | undefined,
        },
      });
      await audit(
        tx,
        principal,
        "artifact.uploaded",
        { type: "artifact", id: artifact.id },
        { kind: artifact.kind, sha256: artifact.sha256, sizeBytes: staged.sizeBytes, fileName: artifact.fileName },
      );
      return artifact;
    });
  } finally {
    await staged.discard();
  }
}

/**
 * Reads the graph, refuses what the platform never runs, then loads and runs the model once
 * in a throwaway child process with a memory cap and a time limit: an untrusted model
 * becomes an artifact only if onnxruntime can serve it without harming anyone.
 */
async function inspectModel(services: AppServices, path: string) {
  const bytes = await fs.readFile(path);
  let inspection: ReturnType<typeof inspectOnnx>;
  try {
    inspection = inspectOnnx(bytes);
  } catch (error) {
    if (error instanceof OnnxFormatError) throw badInput(`The file is not a usable ONNX model: ${error.message}.`);
    throw error;
  }
  if (inspection.externalDataTensors.length) {
    throw badInput(
      `The model references external data (${inspection.externalDataTensors.slice(0, 3).join(", ")}); ` +
        "upload a single self-contained .onnx file.",
    );
  }
  if (inspection.customDomains.length) {
    throw badInput(
      `The model uses custom operator domains (${inspection.customDomains.join(", ")}), which are not allowed.`,
    );
  }
  const validation = await validateInSandbox(path, {
    memoryBytes: services.env.MODEL_VALIDATION_MEMORY_BYTES,
    timeoutMs: services.env.MODEL_VALIDATION_TIMEOUT_MS,
  });
  if (!validation.ok) throw badInput(`The model cannot be served safely: ${validation.reason}.`);
  const { ok: _ok, ...trial } = validation;
  return { ...inspection, validation: trial };
}
