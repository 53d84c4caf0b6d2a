import { Template } from "@huggingface/jinja";
import { badInput } from "@modelmarket/domain";
import type { GenerationSettings } from "./generation-settings";

export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

/**
 * The prompt of a conversation as the model was trained to read it: its tokenizer_config's
 * chat template (Jinja, rendered as transformers' apply_chat_template does, with the
 * assistant's turn opened); a model without one gets "role: content" lines and "assistant:".
 */
export function chatPrompt(settings: GenerationSettings, messages: ChatMessage[]): string {
  if (!messages.length) throw badInput("`messages` must hold at least one message.", "messages");
  if (!settings.chatTemplate) {
    return `${messages.map((m) => `${m.role}: ${m.content}`).join("\n")}\nassistant:`;
  }
  try {
    return new Template(settings.chatTemplate).render({
      messages,
      add_generation_prompt: true,
      bos_token: settings.bosToken ?? "",
      eos_token: settings.eosToken ?? "",
    });
  } catch (error) {
    throw badInput(`The model's chat template failed on these messages (${(error as Error).message}).`, "messages");
  }
}
