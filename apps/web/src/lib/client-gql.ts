"use client";
import { ModelmarketClient, type Operation } from "@modelmarket/sdk";
// Browser → portal → API: the portal's /api/graphql route adds the signed-in user's API token.

export interface ClientGqlError {
  message: string;
  extensions?: { code?: string; field?: string; fields?: { field: string; message: string }[]; retryAfterMs?: number };
}

export interface ClientGqlResult<T> {
  data?: T;
  errors?: ClientGqlError[];
  requestId?: string;
  /** What the API wants the caller to know (a deprecated version, an unpublished model). */
  notices?: string[];
}

/**
 * An SDK document (packages/sdk/src/operations/*.graphql): the portal sends no other
 * operation (a test fails on a GraphQL string in apps/web).
 */
export type Document<T, V> = Exclude<Operation<T, V>, string>;

// The SDK's client, pointed at the portal's proxy (/api/graphql), which adds the user's token.
const proxy = new ModelmarketClient("/api");

/** One operation through the portal's proxy. */
export async function clientGql<T, V = Record<string, unknown>>(
  query: Document<T, V>,
  variables?: V,
): Promise<ClientGqlResult<T>> {
  try {
    const { body } = await proxy.raw<T, V>(query, variables ?? ({} as V));
    return {
      data: body.data ?? undefined,
      errors: body.errors as ClientGqlError[] | undefined,
      requestId: body.extensions?.requestId,
      notices: body.extensions?.notices,
    };
  } catch {
    return { errors: [{ message: "The portal could not reach the API; check your connection and retry." }] };
  }
}

/** Field → message, from BAD_USER_INPUT errors (extensions.field or extensions.fields). */
export function fieldErrors(errors: ClientGqlError[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const error of errors ?? []) {
    // Fields are named as in the operation's input ("input.plans.0.name" → "plans.0.name").
    for (const f of error.extensions?.fields ?? []) out[f.field.replace(/^input\./, "")] = f.message;
    if (error.extensions?.field) out[error.extensions.field.replace(/^input\./, "")] = error.message;
  }
  return out;
}

/** Uploads a file to POST /v1/artifacts through the portal, reporting progress (0..1). */
export function uploadArtifact(
  file: Blob,
  kind: "model" | "asset",
  fileName: string,
  onProgress: (fraction: number) => void,
): Promise<{ id: string } | { error: string; code?: string }> {
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", `/api/artifacts?${new URLSearchParams({ kind, filename: fileName })}`);
    xhr.setRequestHeader("content-type", "application/octet-stream");
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    };
    xhr.onload = () => {
      let body: { id?: string; error?: { code: string; message: string } } = {};
      try {
        body = JSON.parse(xhr.responseText);
      } catch {}
      if (xhr.status === 201 && body.id) {
        onProgress(1);
        resolve({ id: body.id });
      } else {
        resolve({ error: body.error?.message ?? `Upload failed (HTTP ${xhr.status}).`, code: body.error?.code });
      }
    };
    xhr.onerror = () => resolve({ error: "The upload was interrupted; check your connection and retry." });
    xhr.send(file);
  });
}
