import type { TaskDescriptor } from "./task-descriptor";

export const textGeneration: TaskDescriptor = {
  task: "TEXT_GENERATION",
  displayName: "Text generation",
  summary:
    "A prompt in, generated text out, token by token (GPT-style decoders, or encoder-decoders for summarisation and translation, exported by Hugging Face Optimum with past key values); billed per token.",
  operation: "generateText",
  input: "prompt",
  answer: "text",
  delivery: "stream",
  meteredBy: "token",
  // The tier batches generations itself, step by step (continuous batching).
  batching: "none",
  playground: "text-generation",
  assets: [
    { role: "tokenizer", label: "tokenizer.json (Hugging Face)", accept: ".json", required: true },
    {
      role: "tokenizer_config",
      label: "tokenizer_config.json (chat template, special tokens)",
      accept: ".json",
      required: false,
    },
    {
      role: "generation_config",
      label: "generation_config.json (EOS, default length)",
      accept: ".json",
      required: false,
    },
    { role: "config", label: "config.json (positions, EOS)", accept: ".json", required: false },
    {
      role: "encoder",
      label:
        "encoder_model.onnx (encoder-decoder exports: summarisation, translation; the model is then decoder_model_merged.onnx)",
      accept: ".onnx",
      required: false,
      uploadAs: "model",
    },
  ],
  preprocessingExample: "",
  snippet: {
    query:
      "mutation($m: String!, $v: String, $p: String!) { generateText(model: $m, version: $v, prompt: $p, maxTokens: 64) { text finishReason promptTokens completionTokens } }",
    variables: { p: "Once upon a time" },
  },
};
