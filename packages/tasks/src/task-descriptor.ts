/**
 * What a task is, said once for every workspace: the API builds its operation, metering and
 * batching from it, the portal its playground, snippets and wizard, the SDK its operation
 * name. Behaviour (convention checks, pre- and post-processing, example judging) lives in
 * the API's task module (`apps/api/src/tasks/<task>/`), which wraps this descriptor.
 */

/**
 * What a call sends the model. New kinds (audio, a prompt for generation) are added here
 * and given a playground editor; nothing else switches on them.
 */
export type InputKind = "texts" | "text-pairs" | "images" | "user" | "prompt" | "audio";

/** What a call answers, one per input. */
export type AnswerKind = "labels" | "vectors" | "boxes" | "items" | "text" | "masks" | "match" | "faces";

/** A file a task's version comes with, as the publish wizard asks for it. */
export interface TaskAsset {
  role: string;
  label: string;
  /** File types the picker offers. */
  accept: string;
  required: boolean;
  /** How it is uploaded: as an asset (the default), or as a model (an ONNX graph: validated, larger limit). */
  uploadAs?: "asset" | "model";
}

export interface TaskDescriptor {
  /** The Prisma/GraphQL enum value (a drift test keeps the two lists equal). */
  task: string;
  displayName: string;
  /** One line on what such a model does, for the wizard. */
  summary: string;
  /** The GraphQL mutation that calls such a model (its SDK document is `<Operation>Document`). */
  operation: string;
  /**
   * Further mutations on the same models, checked, billed and limited like `operation`
   * (RECOMMENDATION: `similarItems`, items like an item). Each is its own SDK document.
   */
  moreOperations?: readonly string[];
  input: InputKind;
  answer: AnswerKind;
  /**
   * "whole": one answer when the model is done; "stream": parts as they are produced (token
   * generation), with the whole answer still available from the same operation.
   */
  delivery: "whole" | "stream";
  /** What a billed unit is: one input of the call, or one token (input and output priced apart). */
  meteredBy: "input" | "token";
  /**
   * How the tier may batch concurrent calls by default: rows padded to the longest sequence,
   * rows of one fixed shape (images; only when the batch dimension is free), or not at all.
   */
  batching: "pad-sequences" | "same-shape" | "none";
  /** The portal's playground view, named by what it shows. */
  playground: string;
  assets: TaskAsset[];
  /** A preprocessing declaration to start from in the wizard ("" when the defaults usually fit). */
  preprocessingExample: string;
  /**
   * The copy-paste call the portal shows: a GraphQL document whose `$m` is the model's slug
   * and `$v` its version, and example values for its other variables.
   */
  snippet: { query: string; variables: Record<string, unknown> };
}
