"use client";
// One call per playground kind (the task descriptors' `playground`): the SDK operation it sends
// and the answer it shows. A new kind is one entry here and, for a new answer, one view in
// playground-answers.tsx.
import {
  ClassifyImageDocument,
  ClassifyTextDocument,
  CompareFacesDocument,
  DetectFacesDocument,
  DetectObjectsDocument,
  EmbedImageDocument,
  EmbedTextValuesDocument,
  GenerateTextStreamDocument,
  type GenerateTextStreamSubscription,
  ReceiptDocument,
  RecommendDocument,
  SegmentImageDocument,
  SimilarItemsDocument,
} from "@modelmarket/sdk";
import { createClient } from "graphql-sse";
import { type ClientGqlResult, clientGql } from "@/lib/client-gql";
import { type Answer, cosine } from "./playground-answers";

export interface PickedImage {
  base64: string;
  url: string;
  width: number;
  height: number;
}

/** What the playground's form holds when Run is pressed. */
export interface PlaygroundInput {
  model: string;
  version: string | null;
  text: string;
  text2: string;
  userId: string;
  /** Recommenders: ask for the items like this one (similarItems) instead of a user's. */
  likeItem?: string;
  image: PickedImage | null;
  /** Face verification: the second photo. */
  image2?: PickedImage | null;
  /** Generation settings (the text-generation playground). */
  generation: { maxTokens: number; temperature: number; seed: number | null };
  /** The answer so far, for answers that stream (generated text, token by token). */
  onPartial(answer: Answer): void;
  /** The Stop button: a streaming call ends at the next token, billed for what it produced. */
  signal: AbortSignal;
}

export interface PlaygroundResult {
  answer?: Answer;
  error?: string;
  requestId?: string;
  notices?: string[];
}

/** The result of one SDK call as the playground shows it: the answer, or the API's message. */
function shown<T>(r: ClientGqlResult<T>, answer: (data: T) => Answer | null, missing: string): PlaygroundResult {
  const made = r.data ? answer(r.data) : null;
  return r.errors || !made
    ? { error: r.errors?.[0]?.message ?? missing, requestId: r.requestId, notices: r.notices }
    : { answer: made, requestId: r.requestId, notices: r.notices };
}

const needsImage =
  (run: (input: PlaygroundInput & { image: PickedImage }) => Promise<PlaygroundResult>) =>
  (input: PlaygroundInput): Promise<PlaygroundResult> =>
    input.image ? run({ ...input, image: input.image }) : Promise.resolve({ error: "Choose an image first." });

export const PLAYGROUND_CALLS: Record<string, (input: PlaygroundInput) => Promise<PlaygroundResult>> = {
  "text-labels": async ({ model, version, text }) =>
    shown(
      await clientGql(ClassifyTextDocument, { model, version, inputs: [text] }),
      (d) => ({ kind: "labels", scores: d.classifyText[0]?.scores ?? [] }),
      "No answer came back.",
    ),
  "text-similarity": async ({ model, version, text, text2 }) =>
    shown(
      await clientGql(EmbedTextValuesDocument, { model, version, inputs: [text, text2] }),
      (d) => {
        const [a, b] = d.embedText;
        return a && b ? { kind: "similarity", cosine: cosine(a.values, b.values) } : null;
      },
      "No embedding came back.",
    ),
  "image-labels": needsImage(async ({ model, version, image }) =>
    shown(
      await clientGql(ClassifyImageDocument, { model, version, images: [{ base64: image.base64 }], topK: 5 }),
      (d) => ({ kind: "labels", scores: d.classifyImage[0]?.top ?? [] }),
      "No answer came back.",
    ),
  ),
  "image-boxes": needsImage(async ({ model, version, image }) =>
    shown(
      await clientGql(DetectObjectsDocument, { model, version, images: [{ base64: image.base64 }] }),
      (d) => ({
        kind: "boxes",
        image: image.url,
        width: image.width,
        height: image.height,
        objects: d.detectObjects[0]?.objects ?? [],
      }),
      "No answer came back.",
    ),
  ),
  "image-faces": needsImage(async ({ model, version, image }) =>
    shown(
      await clientGql(DetectFacesDocument, { model, version, images: [{ base64: image.base64 }] }),
      (d) => {
        const faces = d.detectFaces[0]?.faces ?? [];
        return {
          kind: "boxes",
          image: image.url,
          width: image.width,
          height: image.height,
          objects: faces.map((f) => ({ label: "face", score: f.score, box: f.box })),
          points: faces.flatMap((f) => f.landmarks),
        };
      },
      "No answer came back.",
    ),
  ),
  "image-mask": needsImage(async ({ model, version, image }) =>
    shown(
      // Outlines too: the view draws them over the mask (they cost the server a few ms, no units).
      await clientGql(SegmentImageDocument, { model, version, images: [{ base64: image.base64 }], polygons: true }),
      (d) => {
        const [first] = d.segmentImage;
        return first ? { kind: "mask", image: image.url, ...first } : null;
      },
      "No mask came back.",
    ),
  ),
  "face-compare": needsImage(async ({ model, version, image, image2 }) =>
    image2
      ? shown(
          await clientGql(CompareFacesDocument, {
            model,
            version,
            a: { base64: image.base64 },
            b: { base64: image2.base64 },
          }),
          (d) => ({ kind: "match", images: [image.url, image2.url], ...d.compareFaces }),
          "No answer came back.",
        )
      : { error: "Choose both photos first." },
  ),
  "image-vector": needsImage(async ({ model, version, image }) =>
    shown(
      await clientGql(EmbedImageDocument, { model, version, images: [{ base64: image.base64 }] }),
      (d) => (d.embedImage[0] ? { kind: "vector", values: d.embedImage[0].values } : null),
      "No vector came back.",
    ),
  ),
  "text-generation": streamGeneration,
  "user-items": async ({ model, version, userId, likeItem }) =>
    likeItem
      ? shown(
          await clientGql(SimilarItemsDocument, { model, version, itemId: likeItem, k: 5 }),
          (d) => ({ kind: "items", items: d.similarItems, likeItem }),
          "No answer came back.",
        )
      : shown(
          await clientGql(RecommendDocument, { model, version, userId, k: 5 }),
          (d) => ({ kind: "items", items: d.recommend }),
          "No answer came back.",
        ),
};

/**
 * Generated text as it streams: the generateTextStream subscription over server-sent events
 * through the portal's /api/graphql/stream (which adds the user's token). Stop closes the stream:
 * the API stops the generation at its next token and bills what was produced.
 */
async function streamGeneration(input: PlaygroundInput): Promise<PlaygroundResult> {
  const client = createClient({ url: "/api/graphql/stream", retryAttempts: 0 });
  let text = "";
  let end: GenerateTextStreamSubscription["generateTextStream"] | null = null;
  try {
    const events = client.iterate<GenerateTextStreamSubscription>({
      query: GenerateTextStreamDocument.toString(),
      variables: {
        model: input.model,
        prompt: input.text,
        maxTokens: input.generation.maxTokens,
        temperature: input.generation.temperature,
        seed: input.generation.seed,
      },
    });
    for await (const result of events) {
      if (result.errors?.length) return { error: result.errors[0]?.message ?? "The generation failed." };
      const event = result.data?.generateTextStream;
      if (!event) continue;
      text += event.text;
      if (event.done) end = event;
      input.onPartial({
        kind: "text",
        text,
        finishReason: event.finishReason ?? "",
        promptTokens: event.promptTokens ?? 0,
        completionTokens: event.completionTokens ?? 0,
      });
      if (input.signal.aborted) break;
    }
  } catch (error) {
    const refusal = (error as { message?: string }[])[0]?.message ?? (error as Error).message;
    return { error: refusal ?? "The generation stream broke; retry." };
  } finally {
    client.dispose();
  }
  // What the call cost: its receipt (needs billing:read; own use and other roles see tokens only).
  const receipt = end?.requestId ? await clientGql(ReceiptDocument, { requestId: end.requestId }) : null;
  return {
    answer: {
      kind: "text",
      text,
      finishReason: end?.finishReason ?? "cancelled",
      promptTokens: end?.promptTokens ?? 0,
      completionTokens: end?.completionTokens ?? 0,
      cost: receipt?.data?.receipt
        ? { amountMicros: receipt.data.receipt.amountMicros, currency: receipt.data.receipt.currency }
        : null,
    },
    requestId: end?.requestId ?? undefined,
  };
}
